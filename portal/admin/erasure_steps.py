"""The two-person erasure of an under-age seller's account, as the back office offers it on
the identity document's review page and on the minor report's page: the tick box, and the
two steps with their answers (:mod:`portal.account.under_age` does the work).

Confirming, which erases at once, has a page of its own first (a GET that changes nothing):
it names the account and what goes with it (:func:`what_goes`), so that the admin who
presses the red button knows exactly what is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField
from wtforms.validators import DataRequired

from portal.account import age_check
from portal.auth import services as auth
from portal.auth.states import TransitionRefused
from portal.documents import services as documents
from portal.extensions import db
from portal.forms import PortalForm
from portal.outbox import services as outbox
from portal.profile import masking
from portal.profile import services as profile


class ConfirmErasureForm(PortalForm):
    checked = BooleanField(
        _l("I have checked that this account belongs to someone under 18"),
        validators=[DataRequired()],
    )


def propose(action: Callable[[object], object], *, back: str, unticked: str):
    """Propose the erasure with ``action(staff)``; the seller is frozen from then on and
    another admin confirms. Every answer returns to the page ``back``."""
    if not ConfirmErasureForm().validate_on_submit():
        flash(unticked, "error")
        return redirect(back)
    try:
        action(current_user._get_current_object())
    except TransitionRefused:
        abort(404)  # closed by its seller, or awaiting verification: it cannot be held
    except age_check.AlreadyProposed:
        flash(_("An erasure of this account is already proposed elsewhere."), "warning")
        return redirect(back)
    db.session.commit()
    flash(
        _("Erasure proposed. The account is frozen until another administrator confirms it."),
        "success",
    )
    return redirect(back)


def confirm(
    action: Callable[[object], object],
    *,
    proposed: bool,
    back: str,
    unticked: str,
    done: str,
    erased: str,
):
    """A second person, an admin, confirms with ``action(staff)`` what was ``proposed`` from
    this page: the account is erased at once, and the answer ``erased`` shows on ``done``."""
    if not proposed:
        abort(404)
    if not ConfirmErasureForm().validate_on_submit():
        flash(unticked, "error")
        return redirect(back)
    try:
        action(current_user._get_current_object())
    except age_check.NoProposal:
        abort(404)  # withdrawn meanwhile
    except age_check.OwnProposal:
        flash(_("You proposed this erasure: another administrator must confirm it."), "error")
        return redirect(back)
    db.session.commit()
    flash(erased, "success")
    return redirect(done)


@dataclass(frozen=True)
class WhatGoes:
    """What erasing (or, later, deleting) a seller's account takes with it."""

    name: str | None
    email: str
    shop: str | None
    documents: int
    bank_details: bool
    notifications: int


def what_goes(seller) -> WhatGoes:
    """The seller's account and what goes with it, counted (a few statements, one per room)."""
    shop = profile.profile_of(seller.id)
    return WhatGoes(
        name=seller.full_name,
        email=seller.email,
        shop=shop.display_name if shop is not None else None,
        documents=len(documents.names_of(seller.id)),
        bank_details=masking.bank_summary(seller.id) is not None,
        notifications=outbox.count_for(seller.id),
    )


def confirmation_page(
    seller_id: int, *, proposed: bool, action: str, back: str, tick: str | None = None
):
    """The page before the red button: the account to be erased and what goes with it, the
    tick box (labelled ``tick``, or the form's own words), and the button that posts to
    ``action``. 404 when nothing is proposed."""
    seller = auth.seller(seller_id)
    if not proposed or seller is None:
        abort(404)
    proposal = age_check.pending_for([seller_id]).get(seller_id)
    own = proposal is not None and proposal.proposal.proposed_by == current_user.id
    return render_template(
        "admin/erase_account.html",
        seller=seller,
        lost=what_goes(seller),
        proposal=proposal,
        own=own,
        form=ConfirmErasureForm(),
        action=action,
        back=back,
        tick=tick,
    )
