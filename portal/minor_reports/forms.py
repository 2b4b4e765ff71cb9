"""The public report form: what a person needs to tell us, plus two traps for robots."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import PortalForm, check_email, no_web_address, required, strip
from portal.minor_reports.models import Relationship

RELATIONSHIPS = {
    Relationship.PARENT: _l("I am their parent or guardian"),
    Relationship.MINOR: _l("I am the minor"),
    Relationship.OTHER: _l("Other"),
}


class MinorReportForm(PortalForm):
    # The robot trap below must answer a robot as it answers a person, whatever it wrote.
    exempt_from_text_rule = frozenset({"website"})

    reporter_name = StringField(
        _l("Your name"), filters=[strip], validators=[Optional(), Length(max=200), no_web_address]
    )
    reporter_email = EmailField(
        _l("Your email"),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Enter your email, so we can follow up.")),
            check_email,
        ],
    )
    relationship = RadioField(
        _l("Your relationship to the minor"),
        choices=[SelectChoice(value, label) for value, label in RELATIONSHIPS.items()],
        validators=[InputRequired(message=_l("Choose your relationship to the minor."))],
    )
    seller_hint = StringField(
        _l("Seller's shop name or email"), filters=[strip], validators=[required, Length(max=254)]
    )
    description = TextAreaField(
        _l("What happened"), filters=[strip], validators=[required, Length(max=5000)]
    )
    attachment = FileField(_l("Supporting file"))
    # Robots fill every field: a person never sees this one (hidden from view and from
    # screen readers), so anything in it means the form was not filled in by a person.
    website = StringField(_l("Leave this empty"), validators=[Optional()])
    # When the form was shown, signed: a report sent seconds after is not a person's.
    started = HiddenField()
