"""The door's fixtures (a partner's HTTPS endpoint on loopback, an app whose parties post to
it, a seller ready to share), from the sharing tests: a pickup goes through the same door."""

from tests.sharing.conftest import app, ready_seller  # noqa: F401
