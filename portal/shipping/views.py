"""Routes of the shipping blueprint: arrange a pickup, in the door's two steps (the form,
then exactly what the courier will receive), and cancel one before its day behind a
confirmation page. Every route acts on the logged-in seller only; another seller's pickup is
a 404."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import formatting
from portal.clock import local_today
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.sharing import door_views as door
from portal.sharing.services import DeliveryFailed
from portal.shipping import bp, services
from portal.shipping.forms import PickupForm
from portal.shipping.services import PARCEL_SIZES


def _needs() -> tuple[list[tuple[str, str, bool]], services.Prerequisites]:
    """(label, where to fill it in, given) for each detail the courier gets, in their order."""
    ready = services.prerequisites(current_user._get_current_object())
    links = door.missing_links(services.PICKUP_FIELDS)
    given = [name not in ready.missing for name in services.PICKUP_FIELDS]
    return [(label, url, ok) for (label, url), ok in zip(links, given, strict=True)], ready


def _pickup_page(form: PickupForm, *, error=None, missing=(), status: int = 200):
    needs, ready = _needs()
    return (
        render_template(
            "shipping/pickup.html",
            form=form,
            needs=needs,
            ready=ready,
            couriers=form.couriers,
            pickups=g.pickups,
            today=local_today(),
            can_cancel=services.can_cancel,
            sizes=PARCEL_SIZES,
            fields=services.PICKUP_FIELDS,
            error=error,
            missing=door.missing_links(missing),
        ),
        status,
    )


def _pickup_form() -> PickupForm:
    # The seller's pickups come in the same statement; the page lists them.
    couriers, g.pickups = services.couriers_and_pickups(current_user.id)
    return PickupForm(couriers=couriers)


def _courier(form: PickupForm):
    party = services.courier_by_slug(form.courier.data)
    if party is None:
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
    return door.check_page(
        party,
        services.PICKUP_FIELDS,
        form,
        page=_pickup_page,
        confirm="shipping.pickup_confirm",
        back="shipping.pickup",
        hidden={
            "courier": form.courier.data,
            "pickup_date": form.pickup_date.data.isoformat(),
            "parcel_size": form.parcel_size.data,
        },
        summary=_(
            "A pickup by %(courier)s on %(day)s, parcel size: %(size)s.",
            courier=party.name,
            day=formatting.day(form.pickup_date.data, weekday=True),
            size=PARCEL_SIZES[form.parcel_size.data],
        ),
    )


@bp.post("/shipping/pickup/confirm")
def pickup_confirm():
    form = _pickup_form()
    if not form.validate_on_submit():
        return _pickup_page(form, status=400)
    party = _courier(form)
    try:
        pickup = services.book_pickup(
            current_user._get_current_object(),
            party,
            form.pickup_date.data,
            form.parcel_size.data,
            confirmed_digest=form.digest.data or "",
        )
    except door.REFUSALS as exc:
        return door.refused(exc, form, page=_pickup_page, check_again=pickup_check)
    db.session.commit()
    flash(
        _(
            "%(courier)s will collect your parcel on %(day)s. Your reference is %(reference)s.",
            courier=party.name,
            day=formatting.day(form.pickup_date.data, weekday=True),
            reference=pickup.disclosure.reference,
        ),
        "success",
    )
    return redirect(url_for("shipping.pickup"))


def _own_pickup(pickup_id: int, *, for_update: bool = False):
    pickup = services.pickup_of(current_user.id, pickup_id, for_update=for_update)
    if pickup is None:
        abort(404)
    return pickup


def _cancel_page(pickup, *, error=None, status: int = 200):
    return (
        render_template(
            "shipping/cancel.html",
            pickup=pickup,
            form=ConfirmForm(),
            size=PARCEL_SIZES[pickup.parcel_size],
            cancellable=services.can_cancel(pickup, local_today()),
            error=error,
        ),
        status,
    )


@bp.get("/shipping/pickups/<int:pickup_id>/cancel")
def pickup_cancel(pickup_id: int):
    return _cancel_page(_own_pickup(pickup_id))


@bp.post("/shipping/pickups/<int:pickup_id>/cancel")
def pickup_cancel_confirm(pickup_id: int):
    pickup = _own_pickup(pickup_id, for_update=True)
    if not ConfirmForm().validate_on_submit():
        return _cancel_page(pickup, status=400)
    try:
        services.cancel_pickup(current_user._get_current_object(), pickup, today=local_today())
    except services.CannotCancel as exc:
        return _cancel_page(pickup, error=exc.message, status=409)
    except DeliveryFailed as exc:
        db.session.rollback()
        error = _(
            "We could not reach %(courier)s, so your pickup is not cancelled yet. "
            "Please try again in a few minutes.",
            courier=pickup.third_party.name,
        )
        if exc.code:  # the courier said why (it no longer knows the booking, ...)
            error = exc.message
        return _cancel_page(services.pickup_of(current_user.id, pickup_id), error=error, status=503)
    db.session.commit()
    flash(
        _(
            "Your pickup by %(courier)s on %(day)s is cancelled. We have told %(courier)s.",
            courier=pickup.third_party.name,
            day=formatting.day(pickup.pickup_date, weekday=True),
        ),
        "success",
    )
    return redirect(url_for("shipping.pickup", _anchor="pickups-title"))
