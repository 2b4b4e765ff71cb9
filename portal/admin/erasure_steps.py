"""The two-person erasure of an under-age seller's account, as the back office offers it on
the identity document's review page and on the minor report's page: the tick box, and the
two steps with their answers (:mod:`portal.account.under_age` does the work)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField
from wtforms.validators import DataRequired

from portal.account import age_check
from portal.auth.states import TransitionRefused
from portal.extensions import db
from portal.forms import PortalForm


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
