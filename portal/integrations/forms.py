"""The store form: the address of the seller's WooCommerce store and the REST API key the
seller made in it (WooCommerce > Settings > Advanced > REST API), as WooCommerce shows it:
a consumer key ``ck_…`` and a consumer secret ``cs_…`` (``'ck_' . wc_rand_hash()``,
class-wc-ajax.php ``update_api_key``)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, URLField
from wtforms.validators import Length, ValidationError

from portal.forms import PortalForm, required, strip

# WooCommerce's keys are "ck_"/"cs_" and 40 hexadecimal characters; a little room either way
# for keys a plugin made, but never a key in the secret's box or the other way round.
_KEY = re.compile(r"^ck_[A-Za-z0-9]{20,64}$")
_SECRET = re.compile(r"^cs_[A-Za-z0-9]{20,64}$")


def check_store_url(form, field):
    parts = urlsplit(field.data or "")
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if (
        parts.scheme != "https"
        or not parts.hostname
        or "." not in parts.hostname
        or parts.username
        or parts.password
        or parts.query
        or parts.fragment
        or not port_ok
    ):
        raise ValidationError(
            _l("Enter your store's address as it starts in the browser, with https://.")
        )


def check_key(form, field):
    if not _KEY.match(field.data or ""):
        raise ValidationError(
            _l(
                "Enter the consumer key as WooCommerce shows it: it starts with ck_ and has "
                "no spaces."
            )
        )


def check_secret(form, field):
    if not _SECRET.match(field.data or ""):
        raise ValidationError(
            _l(
                "Enter the consumer secret as WooCommerce shows it: it starts with cs_ and has "
                "no spaces."
            )
        )


def _no_trailing_slash(value):
    return value.rstrip("/") if isinstance(value, str) else value


class StoreForm(PortalForm):
    store_url = URLField(
        _l("Store address"),
        filters=[strip, _no_trailing_slash],
        validators=[required, Length(max=300), check_store_url],
    )
    consumer_key = StringField(
        _l("Consumer key"), filters=[strip], validators=[required, Length(max=80), check_key]
    )
    consumer_secret = PasswordField(
        _l("Consumer secret"), filters=[strip], validators=[required, Length(max=80), check_secret]
    )


class ConfirmStoreForm(PortalForm):
    """The check page's confirmation: the store's address and what the seller was shown; the
    keys wait on the server side (encrypted in the session), never in the page."""

    store_url = HiddenField()
    digest = HiddenField()
