"""The store form: the address of the seller's WooCommerce store."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, URLField
from wtforms.validators import Length, ValidationError

from portal.forms import PortalForm, required, strip


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
        or not port_ok
    ):
        raise ValidationError(
            _l("Enter your store's address as it starts in the browser, with https://.")
        )


class StoreForm(PortalForm):
    store_url = URLField(
        _l("Store address"),
        filters=[strip, lambda v: v.rstrip("/") if isinstance(v, str) else v],
        validators=[required, Length(max=300), check_store_url],
    )
    digest = HiddenField()
