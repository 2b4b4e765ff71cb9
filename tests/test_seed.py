"""``flask demo load --sellers N``: N realistic sellers in batches, through the rooms'
services, each able to log in, with the bank number encrypted as the portal keeps it, and a
second run adding more after the first's rather than failing on the same emails."""

from __future__ import annotations

from sqlalchemy import func, select, text

from portal.auth.models import User
from portal.cli import seed
from portal.extensions import db
from portal.profile.models import BankAccount, SellerProfile


def test_sellers_are_added_in_batches_and_a_second_run_continues(app, runner, client):
    first = runner.invoke(args=["demo", "load", "--sellers", "1200"])
    assert first.exit_code == 0, first.output
    assert "1,000 sellers added" in first.output and "1,200 sellers added in" in first.output
    second = runner.invoke(args=["demo", "load", "--sellers", "300"])
    assert second.exit_code == 0, second.output

    with app.app_context():
        seeded = select(func.count(User.id)).where(User.email.like(f"%@{seed.DOMAIN}"))
        assert db.session.scalar(seeded) == 1500
        last = seed.email_of(1499)
        user = db.session.scalar(select(User).where(User.email == last))
        assert user is not None and user.email_verified_at is not None
        assert db.session.get(SellerProfile, user.id).country == "MY"
        bank = db.session.get(BankAccount, user.id)
        assert (
            bank.account_number.isdigit() and bank.account_number_last4 == bank.account_number[-4:]
        )
        raw = db.session.execute(
            text("SELECT account_number FROM bank_accounts WHERE user_id = :id"), {"id": user.id}
        ).scalar_one()
        assert bank.account_number not in raw  # sealed in the database

    page = client.get("/auth/login").get_data(as_text=True)
    assert "Log in" in page
    answer = client.post("/auth/login", data={"email": last, "password": seed.PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/dashboard")
