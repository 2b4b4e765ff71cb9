"""/admin/third-parties: the registry of third parties, kept by admins.

The public page /third-parties and the sharing service read the same rows, so what is
registered here is exactly what is published and exactly what may be sent.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import EmptyForm, ThirdPartyForm
from portal.audit.services import record as audit
from portal.clock import utcnow
from portal.extensions import db
from portal.sharing import services as sharing
from portal.sharing.models import ThirdParty

_EDITABLE = (
    "name",
    "service",
    "purpose",
    "service_ms",
    "purpose_ms",
    "categories",
    "country",
    "privacy_url",
)


@bp.get("/third-parties")
def third_parties():
    parties = db.session.scalars(
        select(ThirdParty).order_by(ThirdParty.retired_at.is_not(None), ThirdParty.name)
    ).all()
    endpoints = current_app.config["SHARING_ENDPOINTS"] or {}
    return render_template(
        "admin/third_parties.html",
        parties=parties,
        configured={party.slug for party in parties if endpoints.get(party.slug)},
        used_by={
            **dict.fromkeys(sharing.COURIERS, _("Pickups")),
            **dict.fromkeys(sharing.STORES, _("Store connections")),
        },
        form=EmptyForm(),
    )


@bp.route("/third-parties/new", methods=["GET", "POST"])
def third_party_new():
    form = ThirdPartyForm()
    if form.validate_on_submit():
        if sharing.party_by_slug(form.slug.data) is not None:
            form.slug.errors.append(_("Another third party already has this key."))
        else:
            party = ThirdParty(slug=form.slug.data)
            _fill(party, form)
            db.session.add(party)
            db.session.flush()
            audit(current_user, "third_party.create", "third_party", party.id, party.slug)
            db.session.commit()
            flash(_("%(name)s is registered and listed publicly.", name=party.name), "success")
            return redirect(url_for("admin.third_parties"))
    status = 400 if form.errors else 200
    return render_template("admin/third_party_form.html", form=form, party=None), status


@bp.route("/third-parties/<int:party_id>", methods=["GET", "POST"])
def third_party_edit(party_id: int):
    party = db.session.get(ThirdParty, party_id)
    if party is None:
        abort(404)
    form = ThirdPartyForm(obj=party, editing=True)
    if form.validate_on_submit():
        changed = [name for name in _EDITABLE if _value(form, name) != _stored(party, name)]
        if changed:
            _fill(party, form)
            audit(current_user, "third_party.update", "third_party", party.id, ", ".join(changed))
            db.session.commit()
            flash(_("%(name)s is updated.", name=party.name), "success")
        else:
            flash(_("Nothing was changed."), "warning")
        return redirect(url_for("admin.third_parties"))
    status = 400 if form.errors else 200
    return render_template("admin/third_party_form.html", form=form, party=party), status


@bp.post("/third-parties/<int:party_id>/retire")
def third_party_retire(party_id: int):
    party = _party_for_button(party_id, active=True)
    party.retired_at = utcnow()
    audit(current_user, "third_party.retire", "third_party", party.id, party.slug)
    db.session.commit()
    flash(_("%(name)s is retired: nothing more is sent to it.", name=party.name), "success")
    return redirect(url_for("admin.third_parties"))


@bp.post("/third-parties/<int:party_id>/reinstate")
def third_party_reinstate(party_id: int):
    party = _party_for_button(party_id, active=False)
    party.retired_at = None
    audit(current_user, "third_party.reinstate", "third_party", party.id, party.slug)
    db.session.commit()
    flash(_("%(name)s is active again.", name=party.name), "success")
    return redirect(url_for("admin.third_parties"))


def _party_for_button(party_id: int, *, active: bool) -> ThirdParty:
    """The party, if it is in the state the button acts on (active to retire, retired to
    reinstate); otherwise 404."""
    party = db.session.get(ThirdParty, party_id)
    if party is None or party.active != active:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return party


def _value(form: ThirdPartyForm, name: str):
    data = getattr(form, name).data
    return sorted(data) if name == "categories" else data


def _stored(party: ThirdParty, name: str):
    value = getattr(party, name)
    return sorted(value) if name == "categories" else value


def _fill(party: ThirdParty, form: ThirdPartyForm) -> None:
    for name in _EDITABLE:
        setattr(party, name, _value(form, name))
