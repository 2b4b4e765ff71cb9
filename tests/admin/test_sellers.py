"""Seller search and the seller's page: found by name, email, phone or shop name with an index
range scan and a constant number of statements; masked values, and a recorded look (with a
reason where one is asked) for the page, a revealed value and a document."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, func, select, text

from portal.accesslog.models import StaffAccess
from portal.auth.models import User
from portal.documents import services as documents
from portal.documents.models import DocumentFile, DocumentKind, FilePurpose, IdentityType
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.profile.models import BankAccount, SellerProfile
from portal.profile.search import services as search
from portal.profile.search.models import SearchTerm
from portal.profile.search.terms import prefix_range, prefixes, terms_for
from portal.sharing.models import Disclosure
from tests.documents import samples
from tests.support import PASSWORD, QueryCounter, client_as, make_seller, make_staff


@pytest.fixture
def staff(app, client, auth):
    """A logged-in reviewer (who may also reveal values and open documents)."""
    with app.app_context():
        user = make_staff("reviewer@example.com", "reviewer")
        staff_id = user.id
    auth.login("reviewer@example.com", PASSWORD)
    return {"id": staff_id, "email": "reviewer@example.com", "role": "reviewer"}


@pytest.fixture
def aisyah(app):
    """A seller with a shop, an address, a bank account, an email and a withheld disclosure."""
    with app.app_context():
        user = make_seller(
            "Aisyah.Ahmad@Example.com".lower(),
            full_name="Nur Aisyah binti Ahmad",
            phone_e164="+60123456789",
            date_of_birth=date(1994, 3, 8),
        )
        db.session.add(
            SellerProfile(
                user_id=user.id,
                display_name="Kedai Batik Aisyah",
                address_line1="12 Jalan Mawar",
                city="Kuala Lumpur",
                postcode="50450",
                state="MY-14",
                country="MY",
            )
        )
        db.session.add(
            BankAccount(
                user_id=user.id,
                bank_code="MBBEMYKL",
                holder_name="Nur Aisyah binti Ahmad",
                account_number="5140 1234 9876",
                account_number_last4="9876",
                account_number_digest="d" * 64,
            )
        )
        db.session.add(
            OutboxMessage(
                user_id=user.id,
                recipient=user.email,
                kind="password_changed",
                subject="Your password was changed",
                body_text="SECRET BODY TEXT",
                body_html="<p>SECRET BODY HTML</p>",
                message_id="<test-1@koopseri>",
            )
        )
        db.session.add(
            Disclosure(
                user_id=user.id,
                kind="legal",
                recipient="Royal Malaysia Police",
                categories=["name", "phone"],
                purpose="required by law",
                reference="PDRM/2026/77",
                outcome="released",
                legal_basis="Criminal Procedure Code s. 51",
                withheld=True,
                withheld_reason="ongoing investigation",
                review_on=date.today() + timedelta(days=30),
            )
        )
        db.session.commit()
        return {"id": user.id, "email": user.email}


def _results(response) -> list[str]:
    """The emails in the result table, in order."""
    page = response.get_data(as_text=True)
    rows = re.findall(r'<tr class="seller-result">(.*?)</tr>', page, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1] for row in rows]


def _find(client, query, **params) -> list[str]:
    response = client.get("/admin/sellers", query_string={"q": query, **params})
    assert response.status_code == 200
    return _results(response)


def _entries(app) -> list[StaffAccess]:
    with app.app_context():
        entries = db.session.scalars(select(StaffAccess).order_by(StaffAccess.id)).all()
        db.session.expunge_all()
        return list(entries)


# --- the terms ----------------------------------------------------------------------------------


def test_terms_are_folded_and_cover_every_way_of_typing_them():
    terms = terms_for("Nur Aisyah binti Ahmad", "Aisyah@Example.com", "+60123456789", "Café Ümi")
    assert {"nur aisyah binti ahmad", "aisyah binti ahmad", "binti ahmad", "ahmad"} <= terms
    assert {"cafe umi", "umi", "aisyah@example.com"} <= terms
    assert {"60123456789", "0123456789", "123456789"} <= terms
    assert prefixes("  ") == []
    assert prefixes("+60 12-345 6789") == ["60123456789"]
    assert prefixes("012-345 6789") == ["0123456789"]
    assert prefixes("0060 12 345 6789") == ["60123456789"]
    assert prefixes("AISYAH@example") == ["aisyah@example"]
    assert prefixes("Mei-Ling") == ["mei ling", "mei-ling"]
    assert prefixes("José  TAN") == ["jose tan"]
    assert prefix_range("tan") == ("tan", "tao")
    assert prefix_range("a\U0010ffff") == ("a\U0010ffff", "b")
    assert prefix_range("\ud7ff") == ("\ud7ff", "\ue000")


# --- searching ----------------------------------------------------------------------------------


def test_a_seller_is_found_by_any_word_of_the_name_and_by_prefixes(client, staff, aisyah):
    for query in ("Nur Aisyah", "aisyah", "AISYAH BINTI", "ahm", "binti ahmad", "Nur"):
        assert _find(client, query) == [aisyah["email"]], query


def test_a_seller_is_found_by_email_whole_or_begun(client, staff, aisyah):
    for query in ("aisyah.ahmad@example.com", "Aisyah.Ahmad@EXAMPLE.COM", "aisyah.ahm", "aisyah."):
        assert _find(client, query) == [aisyah["email"]], query


@pytest.mark.parametrize(
    "query",
    ["+60 12-345 6789", "+60123456789", "0123456789", "012-345 6789", "(012) 345 6789",
     "60123456789", "12-345 6789", "0060 12 345 6789", "012345", "+6012"],
)  # fmt: skip
def test_a_seller_is_found_by_phone_in_any_format(client, staff, aisyah, query):
    assert _find(client, query) == [aisyah["email"]]


def test_a_seller_is_found_by_shop_name(client, staff, aisyah):
    for query in ("Kedai Batik Aisyah", "kedai", "batik ais", "Batik"):
        assert _find(client, query) == [aisyah["email"]], query


def test_no_match_says_so(client, staff, aisyah):
    response = client.get("/admin/sellers", query_string={"q": "zzyzx"})
    assert _results(response) == []
    assert "No seller matches “zzyzx”." in response.get_data(as_text=True)
    assert _find(client, "0199999999") == []
    assert _find(client, "aisyahz") == []  # a prefix, not a substring search
    assert _find(client, "isyah") == []


def test_an_empty_query_shows_the_box_and_every_seller(client, staff, aisyah):
    response = client.get("/admin/sellers")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Name, email, phone or shop name" in page
    assert "All sellers, newest first" in page
    assert _results(response) == [aisyah["email"]]


def test_staff_accounts_are_not_found(app, client, staff):
    assert _find(client, "reviewer@example.com") == []


def test_results_show_name_email_shop_and_status(app, client, staff, aisyah):
    response = client.get("/admin/sellers", query_string={"q": "aisyah"})
    page = response.get_data(as_text=True)
    assert "Nur Aisyah binti Ahmad" in page and "Kedai Batik Aisyah" in page
    assert f'href="/admin/sellers/{aisyah["id"]}"' in page
    assert "Active" in page
    assert "+60123456789" not in page and "1994" not in page


def _many_sellers(app, count, name="Lim"):
    with app.app_context():
        for n in range(count):
            make_seller(f"{name.lower()}{n:02d}@example.com", full_name=f"{name} Wei {n:02d}")


def test_results_are_paginated_25_to_a_page(app, client, staff):
    _many_sellers(app, 30)
    first = client.get("/admin/sellers", query_string={"q": "lim"})
    assert len(_results(first)) == 25
    assert "/admin/sellers?page=2&amp;q=lim" in first.get_data(as_text=True)
    second = client.get("/admin/sellers", query_string={"q": "lim", "page": 2})
    assert len(_results(second)) == 5
    assert "page=3" not in second.get_data(as_text=True)
    assert set(_results(first)) | set(_results(second)) == {
        f"lim{n:02d}@example.com" for n in range(30)
    }
    assert _results(client.get("/admin/sellers", query_string={"q": "lim", "page": 9})) == []


def test_the_number_of_statements_does_not_grow_with_the_results(app, client, staff):
    _many_sellers(app, 1, "Ong")
    _many_sellers(app, 30, "Lim")
    client.get("/admin/sellers", query_string={"q": "x"})  # warm up: session and caches

    def statements(query):
        with QueryCounter(app) as counter:
            response = client.get("/admin/sellers", query_string={"q": query})
        return len(_results(response)), counter.count

    one, thirty = statements("ong"), statements("lim")
    assert (one[0], thirty[0]) == (1, 25)
    assert one[1] == thirty[1]


def _search_statement(app, query):
    """The SQL and parameters the search runs for ``query``."""
    captured = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            search.search(query)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
    [found] = captured
    return found


@pytest.mark.parametrize("query", ["aisyah", "aisyah.ah", "+60 12-345", "kedai batik"])
def test_the_search_is_an_index_range_scan_not_a_scan_of_users(app, aisyah, query):
    statement, parameters = _search_statement(app, query)
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = "\n".join(
                row[-1]
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert re.search(
                r"SEARCH seller_search_terms USING (COVERING )?INDEX "
                r"ix_seller_search_terms_term \(term>\? AND term<\?\)",
                plan,
            ), plan
            assert "SCAN users" not in plan and "SCAN seller_search_terms" not in plan, plan
            assert re.search(r"SEARCH users USING INTEGER PRIMARY KEY", plan), plan
        else:
            # A handful of rows: the planner would rightly read them all. Forbid that, and
            # the plan shows whether the index can serve the range (it cannot without "C").
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(
                row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            )
            assert "ix_seller_search_terms_term" in plan, plan
            lines = plan.splitlines()
            ranges = [
                condition
                for scan, condition in zip(lines, lines[1:], strict=False)
                if re.search(r"Index (Only )?Scan (using|on) ix_seller_search_terms_term", scan)
            ]
            assert ranges, plan
            for condition in ranges:
                assert re.search(r"Index Cond: .*term\b.* >= '.*AND .*term\b.* < '", condition), (
                    plan
                )
            assert "Index Scan using pk_users on users" in plan, plan
            assert "Seq Scan" not in plan, plan


def test_the_term_column_compares_bytes(app):
    """Prefix ranges need byte order: the "C" collation on PostgreSQL, SQLite's default
    BINARY (no collation declared) elsewhere."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            collation = conn.execute(
                text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'seller_search_terms' AND column_name = 'term'"
                )
            ).scalar()
            assert collation == "C"
        else:
            schema = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'seller_search_terms'")
            ).scalar()
            assert "COLLATE" not in schema.upper()
            assert conn.execute(text("SELECT 'a' < 'B'")).scalar() == 0  # bytes: 'B' < 'a'


# --- keeping the terms --------------------------------------------------------------------------


def test_the_terms_follow_changes_to_name_email_phone_and_shop(app, client, staff, aisyah):
    with app.app_context():
        user = db.session.get(User, aisyah["id"])
        user.full_name = "Siti Rahmah"
        user.email = "siti@example.com"
        user.phone_e164 = "+60198765432"
        db.session.get(SellerProfile, aisyah["id"]).display_name = "Rahmah Songket"
        db.session.commit()
    for old in ("aisyah", "0123456789", "kedai", "aisyah.ahmad@"):
        assert _find(client, old) == [], old
    for new in ("siti", "rahmah", "019-876 5432", "songket", "siti@ex"):
        assert _find(client, new) == ["siti@example.com"], new


def test_a_new_profile_and_a_new_seller_are_found(app, client, staff):
    with app.app_context():
        user = make_seller("baru@example.com", full_name="Ahmad Baru")
        db.session.add(SellerProfile(user_id=user.id, display_name="Kopi Baru"))
        db.session.commit()
    assert _find(client, "kopi") == ["baru@example.com"]
    assert _find(client, "ahmad baru") == ["baru@example.com"]


def test_a_login_writes_no_terms(app, client, aisyah, auth):
    with QueryCounter(app) as counter:
        auth.login(aisyah["email"], PASSWORD)
    assert not [s for s in counter.statements if "seller_search_terms" in s]


def test_erasing_a_seller_erases_their_terms(app, aisyah):
    from portal.erasure import erase_account

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchTerm)) > 0
        erase_account(aisyah["id"], reason="test")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(SearchTerm)) == 0


def test_the_migration_builds_the_terms_of_existing_sellers(app, aisyah):
    with app.app_context():
        expected = set(db.session.scalars(select(SearchTerm.term)))
        db.session.close()  # no transaction left open on the table the downgrade drops
        downgrade(revision="0016")
        upgrade()
        assert set(db.session.scalars(select(SearchTerm.term))) == expected
        rows = search.search("kedai batik")[0]
        assert [row.email for row in rows] == [aisyah["email"]]


# --- the seller's page --------------------------------------------------------------------------


def test_the_seller_page_shows_everything_masked_and_records_one_look(app, client, staff, aisyah):
    response = client.get(f"/admin/sellers/{aisyah['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for shown in (
        "Nur Aisyah binti Ahmad",
        aisyah["email"],
        "Kedai Batik Aisyah",
        "12 Jalan Mawar",
        "Kuala Lumpur",
        "•••• 6789",
        "•••• 9876",
        "Version 1",
        "Your password was changed",
    ):
        assert shown in page, shown
    for hidden in (
        "+60123456789",
        "123456789",
        "12-345",
        "1994",
        "5140",
        "SECRET BODY",
        "ongoing investigation",
        # Withheld by law: for admins only (tests/security/test_withheld_disclosures.py).
        "Royal Malaysia Police",
        "Withheld until review on",
    ):
        assert hidden not in page, hidden
    [entry] = _entries(app)
    assert (entry.seller_id, entry.staff_id, entry.staff_role) == (
        aisyah["id"],
        staff["id"],
        "reviewer",
    )
    assert (entry.subject, entry.object_id, entry.reason) == ("seller_page", None, None)


def test_a_staff_account_or_a_missing_seller_has_no_page(app, client, staff):
    assert client.get(f"/admin/sellers/{staff['id']}").status_code == 404
    assert client.get("/admin/sellers/999999").status_code == 404
    assert _entries(app) == []


def test_revealing_without_a_reason_is_refused_and_records_nothing(app, client, staff, aisyah):
    for data in ({"value": "date_of_birth"}, {"value": "date_of_birth", "reason": "   "}):
        response = client.post(f"/admin/sellers/{aisyah['id']}/reveal", data=data)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "Give the reason" in page
        assert "1994" not in page
    response = client.post(f"/admin/sellers/{aisyah['id']}/reveal", data={"reason": "x"})
    assert response.status_code == 400
    assert _entries(app) == []


@pytest.mark.parametrize(
    ("value", "shown", "note"),
    [
        ("date_of_birth", "8 Mar 1994", "date of birth"),
        ("bank_account_number", "5140 1234 9876", "bank account number"),
        ("phone", "012-345 6789", "phone number"),
    ],
)
def test_revealing_with_a_reason_records_it_and_shows_the_value_once(
    app, client, staff, aisyah, value, shown, note
):
    url = f"/admin/sellers/{aisyah['id']}"
    response = client.post(f"{url}/reveal", data={"value": value, "reason": "Seller called"})
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)
    [entry] = _entries(app)
    assert (entry.seller_id, entry.staff_id, entry.staff_role, entry.subject) == (
        aisyah["id"],
        staff["id"],
        "reviewer",
        f"revealed:{value}",
    )
    assert entry.reason == "Seller called"
    log = (
        client_as(app, "aisyah.ahmad@example.com").get("/account/access-log").get_data(as_text=True)
    )
    assert f"Your {note}, shown in full" in log
    assert shown not in client.get(url).get_data(as_text=True)  # once: the next view masks it


def test_nothing_to_reveal_records_nothing(app, client, staff):
    with app.app_context():
        seller_id = make_seller("nobank@example.com").id
    response = client.post(
        f"/admin/sellers/{seller_id}/reveal",
        data={"value": "bank_account_number", "reason": "payout question"},
    )
    assert response.status_code == 400
    assert _entries(app) == []


# --- documents ----------------------------------------------------------------------------------


@pytest.fixture
def identity_page(app, aisyah) -> int:
    """Aisyah's identity document, stored; returns the id of its displayed page."""
    with app.app_context(), app.test_request_context():
        user = db.session.get(User, aisyah["id"])
        document = documents.upload(
            user,
            DocumentKind.IDENTITY,
            [documents.Upload("passport.jpg", io.BytesIO(samples.jpeg()))],
            IdentityType.PASSPORT,
        )
        db.session.commit()
        return db.session.scalar(
            select(DocumentFile.id).where(
                DocumentFile.document_id == document.id,
                DocumentFile.purpose == FilePurpose.DISPLAY,
            )
        )


def test_the_page_offers_each_document_behind_a_reason(app, client, staff, aisyah, identity_page):
    page = client.get(f"/admin/sellers/{aisyah['id']}").get_data(as_text=True)
    assert "Identity document" in page
    assert f'action="/admin/sellers/{aisyah["id"]}/documents/{identity_page}"' in page
    assert "/documents/files/" not in page  # no image that would be a look without a reason


def test_opening_a_document_needs_a_reason_and_records_it_once(
    app, client, staff, aisyah, identity_page
):
    url = f"/admin/sellers/{aisyah['id']}/documents/{identity_page}"
    with app.app_context():
        document_id = db.session.get(DocumentFile, identity_page).document_id
    field = f"document-{document_id}-reason"

    refused = client.post(url, data={field: " "})
    assert refused.status_code == 400
    assert "Give the reason" in refused.get_data(as_text=True)
    assert _entries(app) == []

    response = client.post(url, data={field: "Checking the name on the passport"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data[:3] == b"\xff\xd8\xff"
    [entry] = _entries(app)
    assert (entry.subject, entry.object_id, entry.reason, entry.staff_id) == (
        "document",
        document_id,
        "Checking the name on the passport",
        staff["id"],
    )


def test_a_document_of_another_seller_or_an_original_is_not_served(
    app, client, staff, aisyah, identity_page, other_seller
):
    with app.app_context():
        item = db.session.get(DocumentFile, identity_page)
        document_id = item.document_id
        original = db.session.scalar(
            select(DocumentFile.id).where(
                DocumentFile.document_id == document_id,
                DocumentFile.purpose == FilePurpose.ORIGINAL,
            )
        )
    data = {f"document-{document_id}-reason": "curious"}
    assert (
        client.post(
            f"/admin/sellers/{other_seller['id']}/documents/{identity_page}", data=data
        ).status_code
        == 404
    )
    assert (
        client.post(f"/admin/sellers/{aisyah['id']}/documents/{original}", data=data).status_code
        == 404
    )
    assert _entries(app) == []


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "reviewer", "support"])
def test_every_staff_role_can_search_and_open_the_page(app, client, auth, aisyah, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    auth.login(f"{role}@example.com", PASSWORD)
    assert _find(client, "aisyah") == [aisyah["email"]]
    page = client.get(f"/admin/sellers/{aisyah['id']}").get_data(as_text=True)
    assert "Kedai Batik Aisyah" in page
    terminate = f'href="/admin/sellers/{aisyah["id"]}/terminate"'
    assert (terminate in page) == (role == "admin")
    assert ("Show the value" in page) == (role != "support")


def test_support_can_neither_reveal_nor_open_documents(app, client, auth, aisyah, identity_page):
    with app.app_context():
        make_staff("support@example.com", "support")
    auth.login("support@example.com", PASSWORD)
    url = f"/admin/sellers/{aisyah['id']}"
    assert client.post(f"{url}/reveal", data={"value": "phone", "reason": "x"}).status_code == 404
    assert client.post(f"{url}/documents/{identity_page}", data={}).status_code == 404
    assert _entries(app) == []


def test_sellers_cannot_search(client, seller, auth, aisyah):
    auth.login()
    assert client.get("/admin/sellers", query_string={"q": "aisyah"}).status_code == 404
    assert client.get(f"/admin/sellers/{aisyah['id']}").status_code == 404
