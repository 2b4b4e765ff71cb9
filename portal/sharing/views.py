"""Routes of the sharing blueprint. Every seller route acts on the logged-in seller only.

Each feature that shares data has two steps: the seller fills in a form, then reads exactly
what will be sent and to whom, and confirms. The confirmation carries a fingerprint of what
was shown; if the seller's data changed meanwhile, they are shown the new version first.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.forms import ConfirmForm
from portal.auth.models import User
from portal.extensions import db
from portal.pagination import page_number
from portal.profile.choices import country_name
from portal.sharing import bp, services
from portal.sharing.forms import PARCEL_SIZES, PickupForm, StoreForm
from portal.sharing.models import Pickup, StoreConnection
from portal.sharing.payload import MissingDetails, category_labels

PICKUP_FIELDS = ("name", "address", "phone")
STORE_FIELDS = ("shop_name", "email", "phone")

# Where a seller fills in each field that a feature may find missing.
_FIELD_HOMES = {
    "name": ("profile.index", "personal"),
    "shop_name": ("profile.index", "personal"),
    "phone": ("profile.index", "contact"),
    "address": ("profile.index", "address"),
    "email": ("profile.change_email", None),
}


@bp.app_template_filter("category_labels")
def _category_labels(values) -> str:
    return category_labels(values)


@bp.app_template_filter("country_name")
def _country_name(code: str) -> str:
    return country_name(code)


def _me() -> User:
    return current_user._get_current_object()


@bp.get("/third-parties")
def third_parties():
    return render_template("sharing/third_parties.html", parties=services.active_parties())


def _check(party, fields, form, *, page, confirm, back, hidden, summary):
    """The page showing exactly what ``party`` will receive, with a button to confirm (to
    the ``confirm`` endpoint); or the form again, listing what the seller must add first."""
    try:
        shown = services.preview(_me(), party, fields)
    except MissingDetails as exc:
        return page(form, missing=exc.fields, status=400)
    return render_template(
        "sharing/confirm.html",
        party=party,
        payload=shown,
        form=form,
        action=url_for(confirm),
        back=url_for(back),
        hidden=hidden,
        summary=summary,
    )


def _share(party, fields, request_details, form, *, page, check_again):
    """Share what the seller confirmed; returns (disclosure, None), or (None, the answer to
    give instead): the form with what is missing, the check page again if the seller's data
    changed since they read it, or the form with why nothing was shared."""
    try:
        disclosure = services.share(
            _me(),
            party,
            fields,
            request=request_details,
            confirmed_digest=form.digest.data or "",
        )
    except MissingDetails as exc:
        return None, page(form, missing=exc.fields, status=400)
    except services.DetailsChanged as exc:
        flash(str(exc.message), "warning")
        return None, check_again()
    except services.SharingError as exc:
        db.session.rollback()
        return None, page(form, error=exc.message, status=503)
    return disclosure, None


# --- Arrange a pickup -------------------------------------------------------------------


def _pickup_page(form: PickupForm, *, error=None, missing=(), status: int = 200):
    pickups = db.session.scalars(
        select(Pickup)
        .options(joinedload(Pickup.third_party), joinedload(Pickup.disclosure))
        .where(Pickup.user_id == current_user.id)
        .order_by(Pickup.created_at.desc(), Pickup.id.desc())
        .limit(20)
    ).all()
    return (
        render_template(
            "sharing/pickup.html",
            form=form,
            couriers=services.active_parties(services.COURIERS),
            pickups=pickups,
            sizes=PARCEL_SIZES,
            fields=PICKUP_FIELDS,
            error=error,
            missing=_missing_links(missing),
        ),
        status,
    )


def _pickup_form() -> PickupForm:
    return PickupForm(couriers=services.active_parties(services.COURIERS))


def _courier(form: PickupForm):
    party = services.party_by_slug(form.courier.data)
    if party is None or party.slug not in services.COURIERS:
        abort(404)
    return party


@bp.get("/shipping/pickup")
def pickup():
    return _pickup_page(_pickup_form())


@bp.post("/shipping/pickup")
def pickup_check():
    form = _pickup_form()
    if not form.validate_on_submit():
        return _pickup_page(form, status=400)
    party = _courier(form)
    return _check(
        party,
        PICKUP_FIELDS,
        form,
        page=_pickup_page,
        confirm="sharing.pickup_confirm",
        back="sharing.pickup",
        hidden={
            "courier": form.courier.data,
            "pickup_date": form.pickup_date.data.isoformat(),
            "parcel_size": form.parcel_size.data,
        },
        summary=_(
            "A pickup by %(courier)s on %(day)s, parcel size: %(size)s.",
            courier=party.name,
            day=_format_day(form.pickup_date.data),
            size=PARCEL_SIZES[form.parcel_size.data],
        ),
    )


@bp.post("/shipping/pickup/confirm")
def pickup_confirm():
    form = _pickup_form()
    if not form.validate_on_submit():
        return _pickup_page(form, status=400)
    party = _courier(form)
    request_details = {
        "type": "pickup",
        "pickup_date": form.pickup_date.data.isoformat(),
        "parcel_size": form.parcel_size.data,
    }
    disclosure, answer = _share(
        party, PICKUP_FIELDS, request_details, form, page=_pickup_page, check_again=pickup_check
    )
    if answer is not None:
        return answer
    db.session.add(
        Pickup(
            user_id=current_user.id,
            third_party_id=party.id,
            pickup_date=form.pickup_date.data,
            parcel_size=form.parcel_size.data,
            disclosure_id=disclosure.id,
        )
    )
    db.session.commit()
    flash(
        _(
            "%(courier)s will collect your parcel on %(day)s. Your reference is %(reference)s.",
            courier=party.name,
            day=_format_day(form.pickup_date.data),
            reference=disclosure.reference,
        ),
        "success",
    )
    return redirect(url_for("sharing.pickup"))


# --- Connect a WooCommerce store --------------------------------------------------------


def _store_party():
    party = services.party_by_slug(services.STORES[0])
    if party is None:
        abort(404)
    return party


def _store_page(form: StoreForm, *, error=None, missing=(), status: int = 200):
    connection = db.session.scalar(
        select(StoreConnection)
        .options(joinedload(StoreConnection.disclosure))
        .where(StoreConnection.user_id == current_user.id)
    )
    return (
        render_template(
            "sharing/woocommerce.html",
            form=form,
            party=_store_party(),
            connection=connection,
            fields=STORE_FIELDS,
            error=error,
            missing=_missing_links(missing),
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
    return _check(
        party,
        STORE_FIELDS,
        form,
        page=_store_page,
        confirm="sharing.woocommerce_confirm",
        back="sharing.woocommerce",
        hidden={"store_url": form.store_url.data},
        summary=_("Connect the store at %(url)s.", url=form.store_url.data),
    )


@bp.post("/integrations/woocommerce/confirm")
def woocommerce_confirm():
    form = StoreForm()
    if not form.validate_on_submit():
        return _store_page(form, status=400)
    party = _store_party()
    request_details = {"type": "store_connection", "store_url": form.store_url.data}
    disclosure, answer = _share(
        party, STORE_FIELDS, request_details, form, page=_store_page, check_again=woocommerce_check
    )
    if answer is not None:
        return answer
    connection = db.session.get(StoreConnection, current_user.id) or StoreConnection(
        user_id=current_user.id
    )
    connection.third_party_id = party.id
    connection.store_url = form.store_url.data
    connection.disclosure_id = disclosure.id
    connection.connected_at = disclosure.disclosed_at
    db.session.add(connection)
    db.session.commit()
    flash(
        _(
            "Your store is connected. Your reference is %(reference)s.",
            reference=disclosure.reference,
        ),
        "success",
    )
    return redirect(url_for("sharing.woocommerce"))


@bp.post("/integrations/woocommerce/disconnect")
def woocommerce_disconnect():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    connection = db.session.get(StoreConnection, current_user.id)
    if connection is not None:
        db.session.delete(connection)
        db.session.commit()
    flash(_("Your store is no longer connected. Nothing more will be sent to it."), "success")
    return redirect(url_for("sharing.woocommerce"))


# --- Where my data went -----------------------------------------------------------------


@bp.get("/account/disclosures")
def disclosures():
    page = page_number(request.args)
    party = request.args.get("party") or None
    items, has_next = services.disclosures_for(current_user.id, party_slug=party, page=page)
    return render_template(
        "sharing/disclosures.html",
        items=items,
        page=page,
        has_next=has_next,
        party=party,
        parties=services.parties_in_disclosures(current_user.id),
    )


def _missing_links(fields) -> list[tuple[str, str]]:
    from portal.sharing.payload import FIELDS

    links = []
    for name in fields:
        endpoint, anchor = _FIELD_HOMES.get(name, ("profile.index", None))
        links.append((str(FIELDS[name].label), url_for(endpoint, _anchor=anchor)))
    return links


def _format_day(day) -> str:
    from flask_babel import format_date

    return format_date(day, "full")
