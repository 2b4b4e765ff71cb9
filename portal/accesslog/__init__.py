"""The record of staff looking at a seller's personal data: who, in which role, when, what,
and why. Features call :func:`portal.accesslog.services.record`; the seller's own view of it
and the back office's come with the staff issue."""
