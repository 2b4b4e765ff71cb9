"""Staff forms of the breach register (/admin/breaches)."""

from __future__ import annotations

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.admin.sharing_forms import CheckboxesField
from portal.breaches.services import HARM_WORDS
from portal.datamap import CATEGORY_NAMES
from portal.forms import DayField, PortalForm, required, strip

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_time(text: str | None) -> time | None:
    """A time typed on the 24-hour clock, "14:30" or "14.30"; None when it is not one."""
    found = _TIME.match((text or "").strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def check_time(form, field) -> None:
    if parse_time(field.data) is None:
        raise ValidationError(_l("Enter the time on the 24-hour clock, for example 14:30."))


class BreachForm(PortalForm):
    discovered_on = DayField(_l("Day discovered"), validators=[required])
    discovered_time = StringField(
        _l("Time discovered (Malaysia time)"), filters=[strip], validators=[required, check_time]
    )
    description = TextAreaField(
        _l("What happened"), filters=[strip], validators=[required, Length(max=5000)]
    )
    categories = CheckboxesField(
        _l("Data affected"),
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_NAMES.items()],
        validators=[DataRequired(message=_l("Choose at least one category of data."))],
    )
    systems = TextAreaField(
        _l("Systems affected"), filters=[strip], validators=[required, Length(max=2000)]
    )
    containment = TextAreaField(
        _l("Steps taken to contain it"), filters=[strip], validators=[required, Length(max=5000)]
    )
    harm_financial_loss = BooleanField(HARM_WORDS["financial_loss"])
    harm_sensitive_data = BooleanField(HARM_WORDS["sensitive_data"])
    harm_financial_data = BooleanField(HARM_WORDS["financial_data"])
    harm_identity_fraud = BooleanField(HARM_WORDS["identity_fraud"])
    harm_over_1000 = BooleanField(HARM_WORDS["over_1000"])


class NoteForm(PortalForm):
    note = TextAreaField(
        _l("Add to the timeline"), filters=[strip], validators=[required, Length(max=5000)]
    )


class _SentAtForm(PortalForm):
    """When a notice went, if not just now: both boxes or neither (Malaysia time)."""

    sent_on = DayField(_l("Day it was sent"), validators=[Optional()])
    sent_time = StringField(
        _l("Time it was sent (Malaysia time)"), filters=[strip], validators=[Optional(), check_time]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        day_given = bool(self.sent_on.raw_data and self.sent_on.raw_data[0].strip())
        if valid and day_given != bool(self.sent_time.data):
            missing = self.sent_time if day_given else self.sent_on
            missing.errors = [_l("Give both the day and the time it was sent, or neither.")]
            return False
        return valid


class CommissionerNoticeForm(_SentAtForm):
    late_reason = TextAreaField(
        _l("Reasons for the delay"), filters=[strip], validators=[Length(max=5000)]
    )


class FollowUpForm(_SentAtForm):
    details = TextAreaField(
        _l("What the further details said"), filters=[strip], validators=[Length(max=5000)]
    )


QUERIES = {
    "party": _l("Sellers whose data went to a third party"),
    "staff": _l("Sellers whose records a member of staff opened"),
    "uploads": _l("Sellers with a photo or document uploaded"),
    "emails": _l("A list of email addresses"),
}


class SelectionForm(PortalForm):
    query = RadioField(
        _l("Choose the sellers by"),
        choices=[SelectChoice(key, label) for key, label in QUERIES.items()],
        validators=[required],
    )
    party = SelectField(_l("Third party"), coerce=int, validators=[Optional()])
    staff = SelectField(_l("Member of staff"), coerce=int, validators=[Optional()])
    first_day = DayField(_l("From (day)"), validators=[Optional()])
    last_day = DayField(_l("To (day, included)"), validators=[Optional()])
    emails = TextAreaField(
        _l("Email addresses"), filters=[strip], validators=[Length(max=2_000_000)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        missing = _l("This field is required.")
        if self.query.data == "emails":
            if not self.emails.data:
                self.emails.errors = [missing]
                return False
            return True
        for name in ("first_day", "last_day"):
            if getattr(self, name).data is None:
                getattr(self, name).errors = [missing]
                valid = False
        if valid and self.last_day.data < self.first_day.data:
            self.last_day.errors = [_l("The last day cannot be before the first.")]
            valid = False
        return valid


class NotifyForm(PortalForm):
    message_en = TextAreaField(
        _l("What happened and what we did, for the sellers (English)"),
        filters=[strip],
        validators=[required, Length(max=5000)],
    )
    message_ms = TextAreaField(
        _l("What happened and what we did, for the sellers (Bahasa Melayu)"),
        filters=[strip],
        validators=[required, Length(max=5000)],
    )
