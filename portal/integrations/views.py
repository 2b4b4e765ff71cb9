"""Routes of the integrations blueprint: connect the seller's WooCommerce store with a key
made in it, in the door's two steps (the form, whose keys the store checks read-only before
anything is saved; then exactly what the store will receive), change its keys, or disconnect
it. Every route acts on the logged-in seller only.

The keys never appear in a page: between the check and the confirmation they wait in the
session, encrypted and bound to the account (as the two-factor secret being set up does);
a stored key is shown by its last four characters. Changing the keys or the store of a
connection that has keys asks for the password first (``REAUTH_WINDOW``), as bank details do.
"""

from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import crypto
from portal.clock import utcnow
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.integrations import bp, messages, services
from portal.integrations.forms import ConfirmStoreForm, StoreForm
from portal.sharing import door_views as door
from portal.sharing import services as sharing
from portal.sharing.connectors import Credentials

_KEYS = "integrations.store_keys"
KEYS_KEPT_SECONDS = 30 * 60  # the check page may be read, not left open for hours


def _me():
    return current_user._get_current_object()


def _store_party():
    party = services.store_party()
    if party is None:
        abort(404)
    return party


def _confirmed_recently() -> bool:
    """Whether this browser gave the password within ``REAUTH_WINDOW`` (as
    ``security.reauth_required`` asks before sensitive acts)."""
    confirmed_at = current_user.authenticated_at
    window = current_app.config["REAUTH_WINDOW"]
    return confirmed_at is not None and utcnow() - confirmed_at <= window


def _confirm_url() -> str:
    return url_for("auth.confirm", next=url_for("integrations.woocommerce"))


def _ask_password_first():
    flash(_l("Please confirm it is you again. Nothing has been changed yet."), "warning")
    return redirect(_confirm_url())


_LOAD = object()  # _store_page reads the connection itself unless given it


def _store_page(form, *, error=None, missing=(), status: int = 200, connection=_LOAD):
    if connection is _LOAD:
        connection = services.connection_of(current_user.id)
    keyed = connection is not None and connection.key_hint is not None
    return (
        render_template(
            "integrations/woocommerce.html",
            form=form,
            party=_store_party(),
            connection=connection,
            masked_key=services.masked_key(connection.key_hint) if keyed else "",
            may_change=not keyed or _confirmed_recently(),
            confirm_url=_confirm_url(),
            fields=services.STORE_FIELDS,
            error=error,
            missing=door.missing_links(missing),
        ),
        status,
    )


def _keep_in_session(credentials: Credentials) -> None:
    value = json.dumps(
        {
            "url": credentials.url,
            "key": credentials.key,
            "secret": credentials.secret,
            "at": utcnow().timestamp(),
        }
    )
    session[_KEYS] = crypto.encrypt(value, f"session:{_KEYS}:{current_user.id}")


def _kept_keys(store_url: str) -> Credentials | None:
    """The keys checked for ``store_url`` in this browser, if not too long ago."""
    stored = session.get(_KEYS)
    if not stored:
        return None
    try:
        kept = json.loads(crypto.decrypt(stored, f"session:{_KEYS}:{current_user.id}"))
    except (crypto.DecryptionError, ValueError):
        session.pop(_KEYS, None)
        return None
    if kept["url"] != store_url or utcnow().timestamp() - kept["at"] > KEYS_KEPT_SECONDS:
        return None
    return Credentials(kept["url"], kept["key"], kept["secret"])


def _check_page(party, form, credentials: Credentials):
    _keep_in_session(credentials)
    return door.check_page(
        party,
        services.STORE_FIELDS,
        form,
        page=_store_page,
        confirm="integrations.woocommerce_confirm",
        back="integrations.woocommerce",
        hidden={"store_url": credentials.url},
        summary=_(
            "Connect the store at %(url)s with the key %(key)s.",
            url=credentials.url,
            key=services.masked_key(services.key_hint(credentials.key)),
        ),
    )


@bp.get("/integrations/woocommerce")
def woocommerce():
    connection = services.connection_of(current_user.id)
    form = StoreForm(formdata=None, data={"store_url": connection.store_url if connection else ""})
    return _store_page(form, connection=connection)


@bp.post("/integrations/woocommerce")
def woocommerce_check():
    form = StoreForm()
    if not form.validate_on_submit():
        return _store_page(form, status=400)
    party = _store_party()
    connection = services.connection_of(current_user.id)
    if connection is not None and connection.key_hint is not None and not _confirmed_recently():
        return _ask_password_first()
    credentials = Credentials(
        form.store_url.data, form.consumer_key.data, form.consumer_secret.data
    )
    try:
        services.check_keys(party, credentials)
    except sharing.SharingError as exc:
        code = getattr(exc, "code", None)
        status = 503 if code in (None, "busy") else 400
        return _store_page(form, error=messages.check_message(code), status=status)
    if services.same_store(connection, credentials.url):
        services.replace_keys(connection, credentials)
        db.session.commit()
        flash(_("Your store's keys are changed. Nothing new was shared with it."), "success")
        return redirect(url_for("integrations.woocommerce"))
    return _check_page(party, form, credentials)


@bp.post("/integrations/woocommerce/confirm")
def woocommerce_confirm():
    form = ConfirmStoreForm()
    if not form.validate_on_submit():
        abort(400)
    party = _store_party()
    if services.has_keys(current_user.id) and not _confirmed_recently():
        return _ask_password_first()
    credentials = _kept_keys(form.store_url.data or "")
    if credentials is None:
        flash(
            _(
                "Please enter your store's keys again: we keep them only while you check what "
                "will be shared."
            ),
            "warning",
        )
        return redirect(url_for("integrations.woocommerce"))
    again = StoreForm(
        formdata=None, data={"store_url": credentials.url, "consumer_key": credentials.key}
    )
    try:
        connection, removal = services.connect_store(
            _me(), party, credentials, confirmed_digest=form.digest.data or ""
        )
    except sharing.DeliveryFailed as exc:
        db.session.rollback()
        status = 503 if exc.code in (None, "busy") else 400
        return _store_page(again, error=messages.connect_message(exc.code), status=status)
    except door.REFUSALS as exc:
        return door.refused(
            exc, again, page=_store_page, check_again=lambda: _check_page(party, again, credentials)
        )
    session.pop(_KEYS, None)
    db.session.commit()
    flash(
        _(
            "Your store is connected. Your reference is %(reference)s.",
            reference=connection.disclosure.reference,
        ),
        "success",
    )
    if removal.removed is False:
        flash(messages.not_removed_message(), "warning")
    return redirect(url_for("integrations.woocommerce"))


@bp.post("/integrations/woocommerce/disconnect")
def woocommerce_disconnect():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    removal = services.disconnect_store(_me())
    db.session.commit()
    if removal is not None and removal.removed:
        flash(
            _(
                "Your store is disconnected: the customer record we made there is deleted, and "
                "so are its keys. Nothing more will be sent to it."
            ),
            "success",
        )
    else:
        flash(_("Your store is no longer connected. Nothing more will be sent to it."), "success")
    if removal is not None and removal.removed is False:
        flash(messages.not_removed_message(), "warning")
    return redirect(url_for("integrations.woocommerce"))
