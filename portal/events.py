"""Signals one room sends and another acts on, so neither imports the other.

``verified_identity_changed`` (sender: the account, keyword ``field``): a value the identity
check vouched for (full name, date of birth, identity number) has changed; whatever rests on
the approval (the identity document's review) must be done again.
"""

from blinker import Namespace

_signals = Namespace()

verified_identity_changed = _signals.signal("verified-identity-changed")
