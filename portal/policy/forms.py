"""The acceptance form and the version picker of the changes page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField
from wtforms.validators import AnyOf, DataRequired

from portal.config import Defaults
from portal.forms import PortalForm


class AcceptForm(PortalForm):
    version = HiddenField()
    # The language of the text on the page, recorded with the consent.
    language = HiddenField(validators=[AnyOf(Defaults.LANGUAGES)])
    accept = BooleanField(
        validators=[DataRequired(message=_l("Tick the box to accept the new version."))]
    )
