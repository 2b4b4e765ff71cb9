"""Staff decisions on a seller's account: closing it, lifting a freeze, reopening it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm, strip


class StaffTerminateForm(PortalForm):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it goes into the audit trail.")),
            Length(max=255),
        ],
    )
    confirm = BooleanField(
        _l("I understand that the seller is logged out now and their data is deleted in 3 months"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


def _account_reason(label, field_id: str):
    return TextAreaField(
        label,
        id=field_id,  # two of these can share the seller's page with the reveal form
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the reason: it goes into the audit trail.")),
            Length(max=255),
        ],
    )


class LiftFreezeForm(PortalForm):
    reason = _account_reason(_l("Why the freeze can end"), "lift-reason")


class ReopenForm(PortalForm):
    reason = _account_reason(_l("Why the account is reopened"), "reopen-reason")
