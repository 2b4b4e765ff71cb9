"""Finding 10 (part): a withheld legal disclosure was shown to support and reviewers on the
seller's page, though legal disclosures are for admins only. Replayed as it happened: an
admin records a disclosure withheld by law through the back-office form; support and a
reviewer open /admin/sellers/<id>."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support import client_as, make_seller, make_staff

AUTHORITY = "Suruhanjaya Sekuriti Malaysia"
REFERENCE = "SC/ENF/2026/0042"


@pytest.fixture
def withheld(app):
    with app.app_context():
        seller = make_seller("shop@example.com").id
        for role in ("admin", "reviewer", "support"):
            make_staff(f"{role}@staff.example", role)
    admin = client_as(app, "admin@staff.example")
    recorded = admin.post(
        "/admin/disclosures/new",
        data={
            "seller_email": "shop@example.com",
            "authority": AUTHORITY,
            "legal_basis": "Capital Markets and Services Act 2007, s. 128",
            "reference": REFERENCE,
            "disclosed_on": date.today().isoformat(),
            "categories": ["name", "phone"],
            "withheld": "y",
            "withheld_reason": "The investigation would be compromised.",
            "review_on": (date.today() + timedelta(days=60)).isoformat(),
        },
    )
    assert recorded.status_code == 302, recorded.get_data(as_text=True)
    return seller


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_support_and_reviewers_do_not_see_a_withheld_disclosure(app, withheld, role):
    page = client_as(app, f"{role}@staff.example").get(f"/admin/sellers/{withheld}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for hidden in (AUTHORITY, REFERENCE, "Withheld until review on"):
        assert hidden not in text, hidden


def test_an_admin_sees_it(app, withheld):
    text = client_as(app, "admin@staff.example").get(f"/admin/sellers/{withheld}")
    text = text.get_data(as_text=True)
    for shown in (AUTHORITY, REFERENCE, "Withheld until review on"):
        assert shown in text, shown
