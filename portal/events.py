"""Signals one room sends and another acts on, so neither imports the other.

``verified_identity_changed`` (sender: the account, keyword ``field``): a value the identity
check vouched for (full name, date of birth, identity number) has changed; whatever rests on
the approval (the identity document's review) must be done again. The documents room acts
on it: an approved identity document goes back to review.

``identity_shows_minor`` (sender: the account, a ``User``; keyword ``reason``): the identity
number the seller typed reads as someone under 18. Sent by the documents room (which saves
nothing of it); the account room acts on it as the under-age rule says: the account is
frozen, the seller asked for proof of age, and staff check it.
"""

from blinker import Namespace

_signals = Namespace()

verified_identity_changed = _signals.signal("verified-identity-changed")
identity_shows_minor = _signals.signal("identity-shows-minor")
