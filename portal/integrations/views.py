"""Routes of the integrations blueprint: connect a WooCommerce store, in the door's two steps
(the form, then exactly what the store will receive), or disconnect it. Every route acts on
the logged-in seller only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.forms import ConfirmForm
from portal.integrations import bp, services
from portal.integrations.forms import StoreForm
from portal.sharing import door_views as door


def _store_party():
    party = services.store_party()
    if party is None:
        abort(404)
    return party


def _store_page(form: StoreForm, *, error=None, missing=(), status: int = 200):
    return (
        render_template(
            "integrations/woocommerce.html",
            form=form,
            party=_store_party(),
            connection=services.connection_of(current_user.id),
            fields=services.STORE_FIELDS,
            error=error,
            missing=door.missing_links(missing),
        ),
        status,
    )


@bp.get("/integrations/woocommerce")
def woocommerce():
    return _store_page(StoreForm())


@bp.post("/integrations/woocommerce")
def woocommerce_check():
    form = StoreForm()
    if not form.validate_on_submit():
        return _store_page(form, status=400)
    party = _store_party()
    return door.check_page(
        party,
        services.STORE_FIELDS,
        form,
        page=_store_page,
        confirm="integrations.woocommerce_confirm",
        back="integrations.woocommerce",
        hidden={"store_url": form.store_url.data},
        summary=_("Connect the store at %(url)s.", url=form.store_url.data),
    )


@bp.post("/integrations/woocommerce/confirm")
def woocommerce_confirm():
    form = StoreForm()
    if not form.validate_on_submit():
        return _store_page(form, status=400)
    party = _store_party()
    try:
        connection = services.connect_store(
            current_user._get_current_object(),
            party,
            form.store_url.data,
            confirmed_digest=form.digest.data or "",
        )
    except door.REFUSALS as exc:
        return door.refused(exc, form, page=_store_page, check_again=woocommerce_check)
    db.session.commit()
    flash(
        _(
            "Your store is connected. Your reference is %(reference)s.",
            reference=connection.disclosure.reference,
        ),
        "success",
    )
    return redirect(url_for("integrations.woocommerce"))


@bp.post("/integrations/woocommerce/disconnect")
def woocommerce_disconnect():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.disconnect_store(current_user._get_current_object()):
        db.session.commit()
    flash(_("Your store is no longer connected. Nothing more will be sent to it."), "success")
    return redirect(url_for("integrations.woocommerce"))
