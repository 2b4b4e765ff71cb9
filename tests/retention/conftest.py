"""Sellers with data in every table that can hold a seller's data, for the retention tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.accesslog import services as accesslog
from portal.auth.models import LoginSession, User
from portal.datamap import SELLER_TABLES
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.profile.models import BankAccount, ProfileChange
from portal.profile.services import account_number_digest
from portal.sharing import services as sharing
from portal.shipping.models import Pickup
from tests.documents.conftest import Uploader
from tests.documents.samples import jpeg, pdf
from tests.partner import every_party_to, speak_json
from tests.sharing.conftest import give_address
from tests.support import PASSWORD, make_seller, make_staff


@pytest.fixture
def app(make_app, partner):
    app = make_app(**every_party_to(partner))
    speak_json(app)
    return app


def fill_seller(app, email: str, name: str) -> int:
    """A seller with a profile, bank account, photos and an identity document, a change
    history, mail (rows and .eml files), a pickup shared with DHL, sessions and a staff look."""
    with app.app_context():
        user = make_seller(email, full_name=name)
        user_id = user.id
        give_address(user_id, display_name=f"{name} Shop")
        db.session.add(
            BankAccount(
                user_id=user_id,
                bank_code="maybank",
                holder_name=name,
                account_number="514433221100",
                account_number_last4="1100",
                account_number_digest=account_number_digest("514433221100"),
            )
        )
        db.session.add(ProfileChange(user_id=user_id, field="city", old_value="A", new_value="B"))
        db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    upload = Uploader(client)
    assert upload("profile_photo", (jpeg(), "me.jpg")).status_code == 302
    assert upload("identity", (pdf(2), "mykad.pdf"), identity_type="mykad").status_code == 302
    with app.test_request_context():
        user = db.session.get(User, user_id)
        party = sharing.party_by_slug("dhl")
        disclosure = sharing.share(user, party, ("name", "address", "phone"), request={})
        db.session.add(
            Pickup(
                user_id=user_id,
                third_party_id=party.id,
                pickup_date=disclosure.disclosed_at.date(),
                parcel_size="small",
                disclosure_id=disclosure.id,
            )
        )
        queue_email(to=email, kind="password_changed", subject="Your password", user=user)
        staff = db.session.scalar(select(User).where(User.email == "look@example.com"))
        staff = staff or make_staff("look@example.com", "reviewer")
        accesslog.record(staff, user_id, "document", None, "review")
        db.session.commit()
    return user_id


def rows_of(user_id: int) -> dict[str, int]:
    """How many rows each seller table holds for ``user_id``, walked from the data map."""
    counts = {}
    for name, owned in SELLER_TABLES.items():
        table = db.metadata.tables[name]
        if owned.via is None:
            condition = table.c[owned.owner] == user_id
        else:
            parent = db.metadata.tables[owned.via[0]]
            condition = table.c[owned.owner].in_(
                select(parent.c.id).where(parent.c[owned.via[1]] == user_id)
            )
        counts[name] = db.session.scalar(select(func.count()).select_from(table).where(condition))
    return counts


def files_of(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(DocumentFile.storage_key).join(Document).where(Document.user_id == user_id)
        )
    )


def stored_keys(app) -> set[str]:
    root = Path(app.instance_path) / "documents"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def mail_files(app) -> set[str]:
    folder = Path(app.instance_path) / "mail"
    return {p.name for p in folder.glob("*.eml")} if folder.exists() else set()


def sessions_of(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
    )
