"""A corrected phone owed to DHL (PDPA s.35): the MyDHL API has no way to take it, so the
correction is listed for staff at once, with that reason, and nothing is sent to DHL."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.sharing.models import Correction, CorrectionReason, CorrectionStatus
from tests.parties.dhl.conftest import book


def test_a_correction_dhl_cannot_take_goes_to_staff(app, client, logged_in, dhl_api):
    assert book(app, client).status_code == 302
    calls = len(dhl_api.calls)

    answer = client.post("/profile/contact", data={"contact-phone": "012-999 8888"})
    assert answer.status_code == 302

    with app.app_context():
        (correction,) = db.session.scalars(select(Correction)).all()
        assert (correction.category, correction.status, correction.reason) == (
            "phone",
            CorrectionStatus.STAFF,
            CorrectionReason.NO_API,
        )
    assert len(dhl_api.calls) == calls  # nothing more went to DHL
