"""What the seller reads when their store said no, or could not be reached: in the store's
terms (its keys, its address, its customer accounts), since the store is the seller's own.

The door words a refusal for any party (``sharing.services.REFUSAL_MESSAGES``); a store's
keys and address are the seller's to fix, so these say where in WooCommerce to look.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# While checking the keys, before anything is saved or shared.
CHECK = {
    "credentials": _l(
        "Your store did not accept these keys, so nothing was saved. Check that you copied "
        "the consumer key and the consumer secret of the same key, from WooCommerce > "
        "Settings > Advanced > REST API, and that the key has not been revoked."
    ),
    "not_found": _l(
        "We found no WooCommerce store at this address, so nothing was saved. Check the "
        "address, and that the store's permalinks (Settings > Permalinks in WordPress) are not "
        "set to Plain: WooCommerce's REST API needs them."
    ),
    "busy": _l(
        "Your store is busy and asked us to wait, so nothing was saved. Please try again in a "
        "minute."
    ),
    "private_address": _l(
        "This is not a public address on the internet, so we did not contact it and nothing "
        "was saved. Enter the address your customers use to visit your store."
    ),
    "rejected": _l(
        "Your store did not accept the check of these keys, so nothing was saved. Please check "
        "the address and the keys, and try again."
    ),
    None: _l(
        "We could not reach your store at this address, so nothing was saved. Check the "
        "address, and try again in a few minutes."
    ),
}

# While the store makes its customer record of the seller.
CONNECT = {
    "credentials": _l(
        "Your store did not let these keys add a customer, so nothing was shared or saved. In "
        "WooCommerce > Settings > Advanced > REST API, give the key Read/Write permission, for "
        "a user who may manage customers, then connect again."
    ),
    "email": _l(
        "Your store did not accept the email address on your profile, so nothing was shared or "
        "saved. The store may already have an account with that address (your own "
        "administrator account, perhaps): it cannot have two."
    ),
    "phone": _l(
        "Your store did not accept the phone number on your profile, so nothing was shared or "
        "saved. Please check it on your profile."
    ),
    "not_found": CHECK["not_found"],
    "busy": CHECK["busy"],
    "private_address": CHECK["private_address"],
    "rejected": _l(
        "Your store did not accept the customer record, so nothing was shared or saved. Its "
        "settings may ask for more than Koopseri sends (a user name or a password for every "
        "new customer)."
    ),
    None: _l(
        "We could not reach your store, so nothing was shared and nothing was saved. Please "
        "try again in a few minutes."
    ),
}


def check_message(code: str | None):
    return CHECK.get(code, CHECK["rejected"])


def connect_message(code: str | None):
    return CONNECT.get(code, CONNECT["rejected"])


def not_removed_message():
    return _l(
        "We could not remove the customer record we made in your store, because the store "
        "did not answer or refused. Its keys are deleted here all the same. You can delete "
        "the record yourself in WooCommerce, under Customers."
    )
