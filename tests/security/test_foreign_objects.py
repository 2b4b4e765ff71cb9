"""Staff act only on an object that belongs to the thing in the URL, in a state that allows
the action: every /admin POST route, walked from the URL map, is sent a foreign object (one
that exists but belongs to another parent, or is in the wrong state) by every staff role,
and answers 404 with nothing changed. A role the permissions matrix keeps off a route gets
the matrix's answer, which is also a 404. A new POST route fails here until someone says
what a foreign object is for it.

The objects are real: two sellers with documents, reports, disclosures and mail, made
through the portal's own pages where the portal makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.admin.permissions import endpoint_allowed
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.clock import utcnow
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.minor_reports.models import MinorReport
from portal.outbox.models import OutboxMessage
from portal.sharing.models import Correction, Disclosure, ThirdParty
from tests.security.attack import file_report
from tests.support import PASSWORD, client_as, make_seller, make_staff

ROLES = ("admin", "reviewer", "support")

# POST routes that name no object in their URL, and why nothing can be foreign to them.
NO_OBJECT = {
    "admin.two_factor": "the member of staff's own two-factor set-up",
    "admin.policy_save": "the one draft of the next policy version",
    "admin.policy_preview": "the one draft of the next policy version",
    "admin.policy_publish": "the one draft of the next policy version",
    "admin.third_party_new": "creates a party; nothing exists yet",
    "admin.disclosure_new": "names the seller by email in the form, where a staff or unknown "
    "email is refused (tests/sharing)",
    "admin.breach_new": "records a breach; nothing exists yet",
}

# The breach register's routes name a breach; none exists in this world (tests/breaches
# covers a breach in the wrong state: notice recorded twice, selection after notifying).
NO_BREACH = 999_999
# Erasure requests belong to erased accounts, of which this world has none (an answered one,
# in the wrong state, answers 404 in tests/erasure_requests/test_staff_list.py).
NO_ERASURE_REQUEST = 999_999
BREACH_POSTS = ("note", "commissioner", "follow-up", "sellers", "notify")


@dataclass
class World:
    mine: int  # an active seller
    other: int  # another active seller
    closed_by_staff: int
    closed_by_seller: int
    proposed: int  # a seller whose erasure was proposed, from their identity document
    staff: int  # a member of staff (not a seller)
    enabled_staff: int
    disabled_staff: int
    my_identity: int  # pending
    my_bank_proof: int  # pending
    my_photo: int  # a photograph: never reviewed
    other_identity_decided: int  # approved already
    other_file: int  # a file of the other seller's identity document
    proposed_identity: int  # the document the proposal came from
    open_report: int  # about "mine"
    closed_report: int  # about "mine", dismissed
    proposed_report: int  # about "proposed", open; the proposal did not come from it
    closed_seller_report: int  # about the seller who closed their account, open
    sent_message: int
    released: int  # a legal disclosure the seller sees
    withheld: int  # a legal disclosure of the other seller, withheld
    transfer: int  # a transfer to a third party, not a legal disclosure
    active_party: int
    retired_party: int
    sent_correction: int  # a correction the party accepted
    staff_correction: int  # a correction to a retired party, for staff to pass on by hand


def _document(user_id: int, kind: str, status: str | None) -> int:
    document = Document(user_id=user_id, kind=kind, status=status)
    db.session.add(document)
    db.session.flush()
    return document.id


def _file(document_id: int) -> int:
    item = DocumentFile(
        document_id=document_id,
        purpose="display",
        storage_key=f"test-{document_id}",
        key_id="k1",
        content_type="image/jpeg",
        size_bytes=10,
    )
    db.session.add(item)
    db.session.flush()
    return item.id


def _disclose(admin, seller_email: str, *, withheld: bool) -> int:
    data = {
        "seller_email": seller_email,
        "authority": "Polis Diraja Malaysia",
        "legal_basis": "Criminal Procedure Code, s. 51",
        "reference": f"PDRM/{seller_email}",
        "disclosed_on": date.today().isoformat(),
        "categories": ["name"],
    }
    if withheld:
        data |= {
            "withheld": "y",
            "withheld_reason": "An investigation is under way.",
            "review_on": (date.today() + timedelta(days=30)).isoformat(),
        }
    response = admin.post("/admin/disclosures/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def world(app) -> World:
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    with app.app_context():
        ids = {
            name: make_seller(f"{name}@example.com").id
            for name in ("mine", "other", "closed-by-staff", "closed-by-seller", "proposed")
        }
        setup = make_staff("setup@staff.example", "admin").id
        enabled = make_staff("enabled@staff.example", "support").id
        disabled = make_staff("disabled@staff.example", "support")
        disabled.disabled_at = utcnow()
        documents = {
            "my_identity": _document(ids["mine"], "identity", "pending"),
            "my_bank_proof": _document(ids["mine"], "bank_proof", "pending"),
            "my_photo": _document(ids["mine"], "profile_photo", None),
            "other_identity_decided": _document(ids["other"], "identity", "approved"),
            "proposed_identity": _document(ids["proposed"], "identity", "pending"),
        }
        other_file = _file(documents["other_identity_decided"])
        party, retired = db.session.scalars(select(ThirdParty).order_by(ThirdParty.id)).all()[:2]
        retired.retired_at = utcnow()
        transfer = Disclosure(
            user_id=ids["mine"],
            kind="transfer",
            third_party_id=party.id,
            recipient=party.name,
            categories=["name"],
            purpose=party.purpose,
            reference="T-1",
            outcome="accepted",
        )
        db.session.add(transfer)
        corrections = [
            Correction(
                user_id=ids["mine"],
                third_party_id=party_id,
                category="name",
                reference=f"KS-C{n}",
                corrects=["T-1"],
                status=status,
                reason=reason,
                attempts=0,
            )
            for n, (party_id, status, reason) in enumerate(
                [(party.id, "sent", None), (retired.id, "staff", "retired")]
            )
        ]
        db.session.add_all(corrections)
        db.session.commit()
        party_ids, transfer_id = (party.id, retired.id), transfer.id
        correction_ids = [correction.id for correction in corrections]
        disabled_id = disabled.id

    admin = client_as(app, "setup@staff.example")
    open_report = file_report(app, "mine@example.com")
    closed_report = file_report(app, "mine@example.com")
    proposed_report = file_report(app, "proposed@example.com")
    closed_seller_report = file_report(app, "closed-by-seller@example.com")
    admin.post(f"/admin/minor-reports/{closed_report}/dismiss", data={"reason": "An adult."})
    admin.post(f"/admin/sellers/{ids['closed-by-staff']}/terminate", data=_TERMINATE)
    admin.post(
        f"/admin/documents/{documents['proposed_identity']}/under-age", data={"checked": "y"}
    )
    seller = client_as(app, "closed-by-seller@example.com")
    seller.post(
        "/account/terminate",
        data={"password": PASSWORD, "code": "", "confirmation": "TERMINATE"},
    )
    released = _disclose(admin, "mine@example.com", withheld=False)
    withheld = _disclose(admin, "other@example.com", withheld=True)
    with app.app_context():
        sent = db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.status == "sent").limit(1)
        )
        assert sent is not None
    return World(
        mine=ids["mine"],
        other=ids["other"],
        closed_by_staff=ids["closed-by-staff"],
        closed_by_seller=ids["closed-by-seller"],
        proposed=ids["proposed"],
        staff=setup,
        enabled_staff=enabled,
        disabled_staff=disabled_id,
        other_file=other_file,
        open_report=open_report,
        closed_report=closed_report,
        proposed_report=proposed_report,
        closed_seller_report=closed_seller_report,
        sent_message=sent,
        released=released,
        withheld=withheld,
        transfer=transfer_id,
        active_party=party_ids[0],
        retired_party=party_ids[1],
        sent_correction=correction_ids[0],
        staff_correction=correction_ids[1],
        **documents,
    )


_TERMINATE = {"reason": "Fraud reported by the bank.", "confirm": "y"}
_REASON = {"reason": "Checked by phone."}
_ERASE = {"checked": "y"}
_PARTY = {
    "name": "Renamed",
    "service": "Something else.",
    "purpose": "Another purpose.",
    "categories": ["name"],
    "country": "MY",
    "privacy_url": "https://example.com/privacy",
}


def _foreign(w: World) -> dict[str, list[tuple[str, dict, str]]]:
    """For each endpoint: (URL, form, what makes the object foreign)."""
    minor = "/admin/minor-reports"
    return {
        "admin.document_decision": [
            (f"/admin/documents/{w.other_identity_decided}/decision",
             {"decision": "approve", "revision": "1"}, "decided already"),
            (f"/admin/documents/{w.my_photo}/decision",
             {"decision": "approve", "revision": "1"}, "a photograph is not reviewed"),
        ],
        "admin.document_under_age": [
            (f"/admin/documents/{w.my_bank_proof}/under-age", _ERASE, "not an identity document"),
            (f"/admin/documents/{w.my_photo}/under-age", _ERASE, "a photograph"),
        ],
        "admin.document_under_age_confirm": [
            (f"/admin/documents/{w.my_identity}/under-age/confirm", _ERASE, "nothing proposed"),
            (f"/admin/documents/{w.my_bank_proof}/under-age/confirm", _ERASE, "not identity"),
        ],
        "admin.minor_report_question": [
            (f"{minor}/{w.closed_report}/question", {"question": "Age?"}, "report closed"),
        ],
        "admin.minor_report_dismiss": [
            (f"{minor}/{w.closed_report}/dismiss", _REASON, "report closed"),
        ],
        "admin.minor_report_freeze": [
            (f"{minor}/{w.open_report}/freeze/{w.other}", {}, "the report does not match"),
            (f"{minor}/{w.closed_report}/freeze/{w.mine}", {}, "report closed"),
            (f"{minor}/{w.open_report}/freeze/{w.staff}", {}, "not a seller"),
            (f"{minor}/{w.closed_seller_report}/freeze/{w.closed_by_seller}", {},
             "closed by its seller: nothing to freeze"),
        ],
        "admin.minor_report_propose": [
            (f"{minor}/{w.open_report}/propose/{w.other}", _ERASE, "the report does not match"),
            (f"{minor}/{w.closed_report}/propose/{w.mine}", _ERASE, "report closed"),
            (f"{minor}/{w.closed_seller_report}/propose/{w.closed_by_seller}", _ERASE,
             "closed by its seller: it cannot be held"),
        ],
        "admin.minor_report_confirm": [
            (f"{minor}/{w.open_report}/confirm/{w.other}", _ERASE, "the report does not match"),
            (f"{minor}/{w.open_report}/confirm/{w.mine}", _ERASE, "nothing proposed"),
            (f"{minor}/{w.proposed_report}/confirm/{w.proposed}", _ERASE,
             "proposed from a document, not from this report"),
        ],
        "admin.outbox_retry": [
            (f"/admin/outbox/{w.sent_message}/retry", {}, "sent, not failed"),
        ],
        "admin.unreachable_attempt": [
            (f"/admin/unreachable/{w.mine}/attempts",
             {"channel": "phone", "outcome": "reached"}, "email reaches this seller"),
        ],
        "admin.seller_reveal": [
            (f"/admin/sellers/{w.staff}/reveal",
             {"value": "phone", "reason": "x"}, "a member of staff, not a seller"),
        ],
        "admin.seller_document": [
            (f"/admin/sellers/{w.mine}/documents/{w.other_file}",
             {f"document-{w.other_identity_decided}-reason": "x"}, "another seller's file"),
        ],
        "admin.terminate_seller": [
            (f"/admin/sellers/{w.closed_by_staff}/terminate", _TERMINATE, "closed already"),
            (f"/admin/sellers/{w.staff}/terminate", _TERMINATE, "not a seller"),
        ],
        "admin.seller_lift_freeze": [
            (f"/admin/sellers/{w.mine}/lift-freeze", _REASON, "not frozen"),
            (f"/admin/sellers/{w.closed_by_staff}/lift-freeze", _REASON, "closed, not frozen"),
        ],
        "admin.seller_reopen": [
            (f"/admin/sellers/{w.closed_by_seller}/reopen", _REASON, "the seller's own closure"),
            (f"/admin/sellers/{w.mine}/reopen", _REASON, "not closed"),
        ],
        "admin.third_party_edit": [
            # A party belongs to nothing and may be edited in any state: only a missing one.
            ("/admin/third-parties/999999", _PARTY, "no such party"),
        ],
        "admin.third_party_retire": [
            (f"/admin/third-parties/{w.retired_party}/retire", {}, "retired already"),
        ],
        "admin.third_party_reinstate": [
            (f"/admin/third-parties/{w.active_party}/reinstate", {}, "active already"),
        ],
        **{
            f"admin.breach_{action.replace('-', '_').replace('sellers', 'select')}": [
                (f"/admin/breaches/{NO_BREACH}/{action}", {}, "no such breach")
            ]
            for action in BREACH_POSTS
        },
        "admin.erasure_request": [
            (
                f"/admin/erasure-requests/{NO_ERASURE_REQUEST}",
                {"answer": "Erased.", "answered_on": "01/12/2026"},
                "no such request",
            )
        ],
        "admin.disclosure_release": [
            (f"/admin/disclosures/{w.released}/release", {}, "released already"),
            (f"/admin/disclosures/{w.transfer}/release", {}, "a transfer, not a legal one"),
        ],
        "admin.disclosure_keep_withheld": [
            (f"/admin/disclosures/{w.released}/keep-withheld",
             {"withheld_reason": "x", "review_on": (date.today() + timedelta(days=9)).isoformat()},
             "released already"),
            (f"/admin/disclosures/{w.transfer}/keep-withheld",
             {"withheld_reason": "x", "review_on": (date.today() + timedelta(days=9)).isoformat()},
             "a transfer"),
        ],
        "admin.correction_send": [
            (f"/admin/corrections/{w.sent_correction}/send", {}, "sent already"),
            (f"/admin/corrections/{w.staff_correction}/send", {},
             "a retired party: passed on by staff, never sent"),
        ],
        "admin.correction_handled": [
            (f"/admin/corrections/{w.sent_correction}/handled", {}, "sent already"),
        ],
        "admin.staff_disable": [
            (f"/admin/staff/{w.mine}/disable", {}, "a seller, not staff"),
            (f"/admin/staff/{w.disabled_staff}/disable", {}, "disabled already"),
        ],
        "admin.staff_enable": [
            (f"/admin/staff/{w.enabled_staff}/enable", {}, "enabled already"),
            (f"/admin/staff/{w.mine}/enable", {}, "a seller, not staff"),
        ],
        # Data-subject requests: no such request (a closed one is refused alike, as
        # tests/requests shows).
        **{
            f"admin.privacy_request_{action}": [
                (f"/admin/requests/999999/{path}", data, "no such request")
            ]
            for action, path, data in (
                ("extend", "extend", {"reason": "x"}),
                ("refuse", "refuse", {"ground": "s32_burden"}),
                ("answer", "answer", {"text": "x"}),
                ("copy", "copy", {}),
                ("transfer", "transfer", {"transfer-party": "dhl", "transfer-digest": "x"}),
                ("close_account", "close-account", {}),
                ("correct", "correct/address", {"address-address_line1": "x"}),
            )
        },
    }  # fmt: skip


def _fingerprint(app) -> tuple:
    """Everything a staff action could change, in one comparable value."""
    with app.app_context():
        return (
            db.session.execute(
                select(User.id, User.status, User.disabled_at).order_by(User.id)
            ).all(),
            db.session.execute(
                select(MinorReport.id, MinorReport.status, MinorReport.matched_user_id).order_by(
                    MinorReport.id
                )
            ).all(),
            db.session.execute(
                select(Document.id, Document.status, Document.revision).order_by(Document.id)
            ).all(),
            db.session.execute(
                select(Disclosure.id, Disclosure.withheld, Disclosure.review_on).order_by(
                    Disclosure.id
                )
            ).all(),
            db.session.execute(
                select(ThirdParty.id, ThirdParty.name, ThirdParty.retired_at).order_by(
                    ThirdParty.id
                )
            ).all(),
            db.session.execute(
                select(OutboxMessage.id, OutboxMessage.status).order_by(OutboxMessage.id)
            ).all(),
            db.session.execute(
                select(Correction.id, Correction.status, Correction.attempts).order_by(
                    Correction.id
                )
            ).all(),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
        )


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin") and "POST" in rule.methods:
            yield rule


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_post_route_refuses_a_foreign_object(app, world, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    client = client_as(app, f"{role}@example.com")
    foreign = _foreign(world)
    adapter = app.url_map.bind("localhost")
    tried = 0
    for rule in _post_routes(app):
        if rule.endpoint in NO_OBJECT:
            continue
        assert rule.endpoint in foreign, f"say what a foreign object is for {rule.rule}"
        for url, data, why in foreign[rule.endpoint]:
            assert adapter.match(url, method="POST")[0] == rule.endpoint, url
            before = _fingerprint(app)
            response = client.post(url, data=data)
            allowed = endpoint_allowed(role, rule.endpoint)
            assert response.status_code == 404, (role, allowed, url, why, response.status_code)
            assert _fingerprint(app) == before, (role, url, why)
            tried += 1
    assert tried >= len(foreign)


def test_the_walk_knows_no_route_that_is_gone(app):
    endpoints = {rule.endpoint for rule in _post_routes(app)}
    listed = set(NO_OBJECT) | set(_foreign(World(**dict.fromkeys(World.__dataclass_fields__, 1))))
    assert listed <= endpoints, sorted(listed - endpoints)


def test_the_foreign_objects_are_what_they_claim(app, world):
    """The world is as described, so a 404 above comes from the check, not from a typo."""
    with app.app_context():
        status = dict(db.session.execute(select(User.id, User.status)).all())
        assert status[world.closed_by_staff] == "closed_by_staff"
        assert status[world.closed_by_seller] == "closed_by_seller"
        assert status[world.proposed] == "frozen"
        assert status[world.mine] == status[world.other] == "active"
        assert db.session.get(MinorReport, world.closed_report).status == "dismissed"
        assert db.session.get(MinorReport, world.open_report).status == "open"
        assert db.session.get(Disclosure, world.withheld).withheld
        assert not db.session.get(Disclosure, world.released).withheld
