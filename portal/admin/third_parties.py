"""/admin/third-parties: the registry of third parties, kept by admins.

The public page /third-parties and the sharing service read the same rows, so what is
registered here is exactly what is published and exactly what may be sent
(:mod:`portal.sharing.registry`).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.admin import bp
from portal.admin.sharing_forms import ThirdPartyForm
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.sharing import registry
from portal.sharing import services as sharing

# How each connector (``ThirdParty.connector``) speaks, in words: shown, never chosen here, as
# a connector is code (``portal.sharing.parties.CONNECTORS``).
CONNECTOR_NAMES = {
    "json": _l("the portal's own JSON, to the endpoint in the configuration"),
    "mydhl": _l("the MyDHL API of DHL Express"),
    "sendparcel": _l("the SendParcel API of Pos Malaysia"),
    "woocommerce": _l("the WooCommerce REST API, with the seller's own store keys"),
}


@bp.get("/third-parties")
def third_parties():
    parties = registry.all_parties()
    endpoints = current_app.config["SHARING_ENDPOINTS"] or {}
    return render_template(
        "admin/third_parties.html",
        parties=parties,
        configured={party.slug for party in parties if endpoints.get(party.slug)},
        used_by={
            **dict.fromkeys(sharing.COURIERS, _("Pickups")),
            **dict.fromkeys(sharing.STORES, _("Store connections")),
        },
        form=ConfirmForm(),
    )


@bp.route("/third-parties/new", methods=["GET", "POST"])
def third_party_new():
    form = ThirdPartyForm()
    if form.validate_on_submit():
        try:
            party = registry.register(
                current_user._get_current_object(), form.slug.data, _values(form)
            )
        except registry.SlugTaken:
            form.slug.errors.append(_("Another third party already has this key."))
        else:
            db.session.commit()
            flash(_("%(name)s is registered and listed publicly.", name=party.name), "success")
            return redirect(url_for("admin.third_parties"))
    status = 400 if form.errors else 200
    return render_template("admin/third_party_form.html", form=form, party=None), status


@bp.route("/third-parties/<int:party_id>", methods=["GET", "POST"])
def third_party_edit(party_id: int):
    party = registry.get_party(party_id)
    if party is None:
        abort(404)
    form = ThirdPartyForm(obj=party, editing=True)
    if form.validate_on_submit():
        if registry.update(party, current_user._get_current_object(), _values(form)):
            db.session.commit()
            flash(_("%(name)s is updated.", name=party.name), "success")
        else:
            flash(_("Nothing was changed."), "warning")
        return redirect(url_for("admin.third_parties"))
    status = 400 if form.errors else 200
    connector = CONNECTOR_NAMES.get(party.connector, party.connector)
    return render_template(
        "admin/third_party_form.html", form=form, party=party, connector_name=connector
    ), status


@bp.route("/third-parties/<int:party_id>/retire", methods=["GET", "POST"])
def third_party_retire(party_id: int):
    """The GET says what retiring the party stops, before the red button; the POST does it."""
    if request.method == "GET":
        party = registry.get_party(party_id)
        if party is None or not party.active:
            abort(404)
        used_for = {
            **dict.fromkeys(sharing.COURIERS, _("Sellers can no longer book pickups with it.")),
            **dict.fromkeys(sharing.STORES, _("Sellers can no longer connect their store to it.")),
        }
        return render_template(
            "admin/third_party_retire.html",
            party=party,
            used_for=used_for.get(party.slug),
            form=ConfirmForm(),
        )
    party = _party_for_button(party_id, active=True)
    registry.retire(party, current_user._get_current_object())
    db.session.commit()
    flash(_("%(name)s is retired: nothing more is sent to it.", name=party.name), "success")
    return redirect(url_for("admin.third_parties"))


@bp.post("/third-parties/<int:party_id>/reinstate")
def third_party_reinstate(party_id: int):
    party = _party_for_button(party_id, active=False)
    registry.reinstate(party, current_user._get_current_object())
    db.session.commit()
    flash(_("%(name)s is active again.", name=party.name), "success")
    return redirect(url_for("admin.third_parties"))


def _party_for_button(party_id: int, *, active: bool):
    """The party, if it is in the state the button acts on (active to retire, retired to
    reinstate); otherwise 404."""
    party = registry.get_party(party_id)
    if party is None or party.active != active:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return party


def _values(form: ThirdPartyForm) -> dict:
    return form.values(registry.EDITABLE)
