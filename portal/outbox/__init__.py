"""The outbox: every email is a row first, handed over after its transaction commits."""
