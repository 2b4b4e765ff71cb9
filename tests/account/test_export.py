"""Download my data (/account/export): every category and every file of the seller's, nothing
of anyone else's, never a withheld disclosure or an original; after the password, counted,
emailed, and streamed."""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.accesslog.models import StaffAccess
from portal.account import export, export_readme
from portal.auth.models import AccountStatus
from portal.datamap import EXPORTED_RECORDS, SELLER_TABLES
from portal.documents import services
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.profile.models import BankAccount, ProfileChange, SellerProfile
from portal.sharing.models import Disclosure, DisclosureKind
from tests.documents import samples
from tests.documents.conftest import Uploader
from tests.support import PASSWORD, body_text, expire_reauth, make_staff, put_in_state

SELLER_ACCOUNT_NUMBER = "5140-1234-5678"
OTHER_ACCOUNT_NUMBER = "7730-9999-0001"
OTHER_SHOP = "Kedai Rahsia Orang Lain"
WITHHELD_REFERENCE = "PDRM/SECRET/2026/0099"
SHOWN_REFERENCE = "PDRM/JSJK/2026/0417"

# The tables the issue names: profile, consent history, notifications, disclosures, access log,
# change history, documents' metadata.
CATEGORIES = (
    "users",
    "seller_profiles",
    "bank_accounts",
    "consent_records",
    "outbox_messages",
    "disclosures",
    "staff_access_log",
    "profile_changes",
    "documents",
    "document_files",
)


# --- helpers ---------------------------------------------------------------------------------


def _client_as(app, email: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _fill(app, user_id: int, *, shop: str, account_number: str, staff_id: int) -> None:
    """A seller's rows in every category the uploads do not make."""
    with app.app_context():
        db.session.add(
            SellerProfile(
                user_id=user_id,
                display_name=shop,
                address_line1="12 Jalan Tun Razak",
                city="Kuala Lumpur",
                postcode="50400",
                country="MY",
            )
        )
        db.session.add(
            BankAccount(
                user_id=user_id,
                bank_code="maybank",
                holder_name=shop,
                account_number=account_number,
                account_number_last4=account_number[-4:],
                account_number_digest=f"{user_id:064d}",
            )
        )
        db.session.add(
            ProfileChange(user_id=user_id, field="city", old_value="Ipoh", new_value="Kuala Lumpur")
        )
        db.session.add(
            StaffAccess(
                seller_id=user_id,
                staff_id=staff_id,
                staff_role="reviewer",
                subject="document",
                reason=f"checking {shop}",
            )
        )
        for reference, withheld in ((SHOWN_REFERENCE, False), (WITHHELD_REFERENCE, True)):
            db.session.add(
                Disclosure(
                    user_id=user_id,
                    kind=DisclosureKind.LEGAL,
                    recipient="Royal Malaysia Police (PDRM)",
                    categories=["name", "phone"],
                    purpose="A court order",
                    reference=reference,
                    outcome="released",
                    legal_basis="Section 111 of the Criminal Procedure Code",
                    documents_released="Account details",
                    withheld=withheld,
                    withheld_reason="An investigation is open." if withheld else None,
                    review_on=date.today() + timedelta(days=30) if withheld else None,
                    recorded_by=staff_id,
                )
            )
        db.session.commit()


def _upload_all(client, color: str, *, evidence: tuple[bytes, bytes] | None = None) -> None:
    """A profile photo, a shop photo, an identity document and a proof of bank account (both
    kept as originals too), each a picture of its own colour unless ``evidence`` gives the
    identity document and the proof of bank account."""
    upload = Uploader(client)
    identity, bank_proof = evidence or (
        samples.encode(samples.picture((640, 480), color), "JPEG"),
        samples.encode(samples.picture((700, 500), color), "PNG"),
    )
    for kind, files in (
        ("profile_photo", [(samples.encode(samples.picture(color=color), "JPEG"), "me.jpg")]),
        ("shop_photo", [(samples.encode(samples.picture(color=color), "PNG"), "shop.png")]),
        ("identity", [(identity, "passport.jpg")]),
        ("bank_proof", [(bank_proof, "statement.pdf" if bank_proof[:4] == b"%PDF" else "b.png")]),
    ):
        assert upload(kind, *files).status_code == 302, kind


@pytest.fixture
def staff_id(app) -> int:
    with app.app_context():
        return make_staff("reviewer@example.com", "reviewer").id


@pytest.fixture
def two_sellers(app, client, seller, other_seller, auth, staff_id):
    """The seller (logged in on ``client``) and the other seller, both with data and files."""
    _fill(
        app,
        seller["id"],
        shop="Kedai Mei Ling",
        account_number=SELLER_ACCOUNT_NUMBER,
        staff_id=staff_id,
    )
    _fill(
        app,
        other_seller["id"],
        shop=OTHER_SHOP,
        account_number=OTHER_ACCOUNT_NUMBER,
        staff_id=staff_id,
    )
    other = _client_as(app, other_seller["email"])
    _upload_all(other, "purple")
    other.post("/account/export")  # the other seller's own export, and its email
    auth.login()
    # The seller's identity photo carries GPS and a camera serial, and the proof is a PDF.
    _upload_all(client, "teal", evidence=(samples.jpeg_with_gps(), samples.pdf()))
    return seller, other_seller, other


def _download(client) -> bytes:
    response = client.post("/account/export")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.data


def _open(body: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None  # every entry's CRC checks
    return archive


def _data(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("data.json"))


def _other_files(app, user_id: int) -> list[bytes]:
    """The other seller's stored files, decrypted: originals, copies and thumbnails."""
    with app.app_context():
        keys = db.session.scalars(
            select(DocumentFile.storage_key).join(Document).where(Document.user_id == user_id)
        ).all()
        assert len(keys) >= 8
        return [b"".join(services.read_key(key)) for key in keys]


# --- the page --------------------------------------------------------------------------------


def test_the_page_explains_the_archive_and_offers_the_button(client, seller, auth):
    auth.login()
    response = client.get("/account/export")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Download my data" in page and "README.txt" in page and "data.json" in page
    assert '<form method="post" action="/account/export">' in page


# --- what is in it ---------------------------------------------------------------------------


def test_the_archive_holds_every_category_of_the_sellers_data(app, client, two_sellers):
    seller, _, _ = two_sellers
    archive = _open(_download(client))
    names = archive.namelist()
    assert names[:2] == ["README.txt", "data.json"]

    data = _data(archive)
    assert data["account_id"] == seller["id"]
    assert data["portal"] == "Koopseri Seller Portal"
    assert data["generated_at"].endswith("+00:00")
    tables = data["tables"]
    for name in CATEGORIES:
        assert tables.get(name), name
    # Every table of the seller's with something to export is there, rows or not.
    with app.app_context():
        assert set(tables) == {item.table.name for item in export.exported_tables()}
    assert set(tables) <= set(SELLER_TABLES) | set(EXPORTED_RECORDS)

    [account] = tables["users"]
    assert (account["id"], account["email"], account["full_name"]) == (
        seller["id"],
        seller["email"],
        "Tan Mei Ling",
    )
    assert account["date_of_birth"] == "1988-07-01"
    assert "password_hash" not in account and "totp_secret" not in account
    [bank] = tables["bank_accounts"]
    assert bank["account_number"] == SELLER_ACCOUNT_NUMBER  # decrypted: it is the seller's own
    assert "account_number_digest" not in bank
    assert [c["ip_address"] for c in tables["consent_records"]] == ["203.0.113.9"]
    assert {m["kind"] for m in tables["outbox_messages"]} >= {"data_exported"}
    assert all("body_html" not in m and "message_id" not in m for m in tables["outbox_messages"])
    assert [c["new_value"] for c in tables["profile_changes"]] == ["Kuala Lumpur"]
    assert [a["reason"] for a in tables["staff_access_log"]] == ["checking Kedai Mei Ling"]
    assert {d["kind"] for d in tables["documents"]} == {
        "profile_photo",
        "shop_photo",
        "identity",
        "bank_proof",
    }
    assert all("storage_key" not in f and "key_id" not in f for f in tables["document_files"])
    assert all(
        row["user_id"] == seller["id"]
        for name in ("seller_profiles", "consent_records", "outbox_messages", "documents")
        for row in tables[name]
    )


def test_the_files_are_the_ones_the_owner_sees_and_never_an_original(app, client, two_sellers):
    archive = _open(_download(client))
    rows = _data(archive)["tables"]["document_files"]
    kinds = {d["id"]: d["kind"] for d in _data(archive)["tables"]["documents"]}
    shown = [row for row in rows if row["purpose"] != "original"]
    assert len(shown) < len(rows)  # the identity and bank documents do have originals

    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert len(files) == len(shown)
    for row in shown:
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[
            row["content_type"]
        ]
        name = (
            f"files/{kinds[row['document_id']]}/{row['document_id']}-{row['purpose']}"
            f"-{row['page']}.{extension}"
        )
        download = client.get(f"/documents/files/{row['id']}")
        assert download.status_code == 200
        assert archive.read(name) == download.data, name
    assert not any("original" in name for name in archive.namelist())
    # The uploaded identity photo carried GPS and a camera serial; its clean copy does not.
    assert samples.CAMERA_SERIAL.encode() not in b"".join(archive.read(n) for n in files)


def test_nothing_of_another_seller_is_in_the_archive(app, client, two_sellers):
    seller, other, _ = two_sellers
    body = _download(client)
    archive = _open(body)
    contents = [body] + [archive.read(name) for name in archive.namelist()]
    for secret in (
        other["email"],
        "Other Seller",
        OTHER_SHOP,
        OTHER_ACCOUNT_NUMBER,
        f"checking {OTHER_SHOP}",
    ):
        for content in contents:
            assert secret.encode() not in content, secret
    for their_file in _other_files(app, other["id"]):
        probe = their_file[len(their_file) // 2 : len(their_file) // 2 + 64]
        for content in contents:
            assert probe not in content
    data = _data(archive)
    for name, rows in data["tables"].items():
        for row in rows:
            for column in ("user_id", "seller_id"):
                assert row.get(column, seller["id"]) == seller["id"], (name, row)
    their_documents = {d["id"] for d in data["tables"]["documents"]}
    assert all(f["document_id"] in their_documents for f in data["tables"]["document_files"])


def test_a_withheld_disclosure_is_left_out(app, client, two_sellers):
    body = _download(client)
    archive = _open(body)
    disclosures = _data(archive)["tables"]["disclosures"]
    assert [d["reference"] for d in disclosures] == [SHOWN_REFERENCE]
    assert not any(
        "withheld" in key or key in ("review_on", "recorded_by") for key in disclosures[0]
    )
    for content in [body] + [archive.read(name) for name in archive.namelist()]:
        assert WITHHELD_REFERENCE.encode() not in content
        assert b"An investigation is open" not in content


def test_the_readme_explains_every_file_and_every_table(app, client, two_sellers):
    archive = _open(_download(client))
    readme = archive.read("README.txt").decode("utf-8")
    for name in archive.namelist():
        if name.startswith("files/"):
            assert name in readme
    for table in _data(archive)["tables"]:
        assert f"\n{table}\n" in readme
    # Explained from the data map: category and purpose of a personal column.
    assert (
        "date_of_birth (identification documents). Why we keep it: refuse anyone under 18."
        in readme
    )
    assert "account_number (financial). Why we keep it: pay the seller (encrypted)." in readme
    assert "Nothing about any other seller is included." in readme


def test_every_seller_table_has_a_plain_title_for_the_readme():
    assert set(SELLER_TABLES) | set(EXPORTED_RECORDS) <= set(export_readme.TABLE_TITLES)


def test_a_seller_with_nothing_uploaded_gets_an_archive_too(client, seller, auth):
    auth.login()
    archive = _open(_download(client))
    assert archive.namelist() == ["README.txt", "data.json"]
    tables = _data(archive)["tables"]
    assert tables["documents"] == [] and tables["document_files"] == []
    assert "You have no photographs or documents with us." in archive.read("README.txt").decode()


# --- who, when, how often ----------------------------------------------------------------------


def test_without_a_recent_password_the_download_asks_for_it_first(
    app, client, seller, auth, mailbox
):
    auth.login()
    with app.app_context():
        expire_reauth(seller["id"])
    response = client.post(
        "/account/export", headers={"Referer": "http://localhost/account/export"}
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.query) == ("/auth/confirm", "next=/account/export")
    assert not [m for m in mailbox.messages(to=seller["email"]) if "downloaded" in m["Subject"]]
    # The page itself needs no password.
    assert client.get("/account/export").status_code == 200


def test_the_fourth_export_within_the_hour_is_refused(make_app, seller, other_seller):
    app = make_app(RATELIMIT_EXPORT="3 per hour")
    client = _client_as(app, seller["email"])
    for _ in range(3):
        assert client.post("/account/export").status_code == 200
    refused = client.post("/account/export")
    assert refused.status_code == 429
    assert "several times already" in refused.get_data(as_text=True)
    assert client.get("/account/export").status_code == 200  # the page is not counted
    # Per account: another seller is not held back by this one's exports.
    assert _client_as(app, other_seller["email"]).post("/account/export").status_code == 200


def test_asking_for_the_password_again_does_not_count_as_an_export(make_app, seller):
    app = make_app(RATELIMIT_EXPORT="1 per hour")
    client = _client_as(app, seller["email"])
    with app.app_context():
        expire_reauth(seller["id"])
    assert client.post("/account/export").status_code == 302  # to confirm: not counted
    client.post("/auth/confirm", data={"password": PASSWORD, "next": "/account/export"})
    assert client.post("/account/export").status_code == 200
    assert client.post("/account/export").status_code == 429


def test_the_seller_is_emailed_that_an_export_was_made(app, client, seller, auth, mailbox):
    auth.login()
    _download(client)
    message = mailbox.last(seller["email"])
    assert message["Subject"] == "A copy of your data was downloaded from your Koopseri account"
    text = body_text(message)
    assert "A copy of all your data was downloaded" in text
    assert "/auth/reset" in text
    with app.app_context():
        kinds = db.session.scalars(
            select(db.metadata.tables["outbox_messages"].c.kind).where(
                db.metadata.tables["outbox_messages"].c.user_id == seller["id"]
            )
        ).all()
    assert kinds == ["data_exported"]


def test_staff_get_404_and_visitors_are_sent_to_log_in(app, client, auth):
    for method in ("GET", "POST"):
        response = client.open("/account/export", method=method)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/auth/login"
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com", PASSWORD)
    assert client.get("/account/export").status_code == 404
    assert client.post("/account/export").status_code == 404


def test_a_closed_account_can_still_download_its_data(app, client, seller, auth):
    auth.login()
    with app.app_context():
        put_in_state(seller["id"], AccountStatus.CLOSED_BY_SELLER)
    assert client.get("/account/export").status_code == 200
    archive = _open(_download(client))
    assert _data(archive)["tables"]["users"][0]["status"] == "closed_by_seller"


# --- streamed, not built -----------------------------------------------------------------------


def test_the_archive_is_streamed_in_small_chunks(app, client, seller, auth):
    auth.login()
    # A noisy picture: its copy in storage is megabytes, and does not compress.
    noise = Image.frombytes("RGB", (1100, 1100), os.urandom(1100 * 1100 * 3))
    assert (
        Uploader(client)("shop_photo", (samples.encode(noise, "PNG"), "noise.png")).status_code
        == 302
    )
    with app.app_context():
        largest = db.session.scalar(select(func.max(DocumentFile.size_bytes)))
    assert largest > 3 * 1024 * 1024

    response = client.post("/account/export", buffered=False)
    try:
        assert response.status_code == 200
        assert response.is_streamed
        assert response.mimetype == "application/zip"
        assert "Content-Length" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="koopseri-my-data-')
        assert disposition.endswith('.zip"') and len(disposition) == len(
            'attachment; filename="koopseri-my-data-YYYY-MM-DD.zip"'
        )
        chunks = list(response.response)
    finally:
        response.close()
    assert max(len(chunk) for chunk in chunks) < 256 * 1024  # never the file whole
    assert all(chunks)  # no empty chunk
    archive = _open(b"".join(chunks))
    assert any(info.file_size == largest for info in archive.infolist())


def test_a_file_that_fails_to_decrypt_cuts_the_archive_off(app, client, seller, auth):
    from portal.crypto import DecryptionError

    auth.login()
    assert Uploader(client)("profile_photo", (samples.jpeg(), "me.jpg")).status_code == 302
    with app.app_context():
        key = db.session.scalar(select(DocumentFile.storage_key).limit(1))
    stored = Path(app.instance_path) / "documents" / key[:2] / key
    sealed = bytearray(stored.read_bytes())
    sealed[-1] ^= 0x01
    stored.write_bytes(bytes(sealed))

    response = client.post("/account/export", buffered=False)
    received = []
    with pytest.raises(DecryptionError):
        for chunk in response.response:
            received.append(chunk)
    response.close()
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(b"".join(received)))
