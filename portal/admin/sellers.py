"""/admin/sellers: find a seller, and the seller's page.

The search (:mod:`portal.profile.search`) runs one statement per page of 25, however many sellers
match. The seller's page shows their status (and the staff actions the state machine allows
from it), profile, documents, consents, notifications and disclosures (those withheld by
law to admins only, marked), with the date of birth, phone number and bank
account number masked; every view of it is written to the access log. Revealing a masked
value, or opening a document (:mod:`portal.admin.seller_data`), asks for a reason first.

Who may do what is the back office's permissions matrix (``portal.admin.permissions``).
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from portal.accesslog import services as accesslog
from portal.account import age_check
from portal.admin import bp
from portal.admin.account_forms import LiftFreezeForm, ReopenForm
from portal.admin.permissions import Permission, may
from portal.auth import services as auth
from portal.auth import states
from portal.auth.services import User
from portal.auth.states import Transition
from portal.documents import choices as document_choices
from portal.documents import services as documents
from portal.extensions import db
from portal.forms import PortalForm, strip
from portal.outbox import services as outbox
from portal.pagination import page_number
from portal.policy import services as policy
from portal.profile import choices as profile_choices
from portal.profile import masking
from portal.profile import services as profile
from portal.profile.search import services as search
from portal.sharing import services as sharing
from portal.verification import services as verification
from portal.verification import wording as verification_words

PER_PAGE = search.PER_PAGE
QUERY_MAX = 200
MAX_PAGE = 4_000  # 100,000 results; further is no search, and a huge OFFSET only costs
NOTIFICATIONS_SHOWN = 50

# The values hidden on the page, which staff may reveal one at a time with a reason.
REVEALABLE = {
    "date_of_birth": _l("Date of birth"),
    "bank_account_number": _l("Bank account number"),
    "phone": _l("Phone number"),
    "identity_number": _l("Identity number"),
    "tin": _l("Tax identification number (TIN)"),
}
REASON_MAX = 200

CONSENT_CONTEXTS = {
    "registration": _l("At registration"),
    "update": _l("Accepted a new version"),
}
MESSAGE_STATUSES = {"pending": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed")}


def _reason_field(label, message):
    return TextAreaField(
        label,
        filters=[strip],
        validators=[
            DataRequired(message=message),
            Length(max=REASON_MAX, message=_l("Keep the reason to 200 characters or fewer.")),
        ],
    )


class RevealForm(PortalForm):
    value = RadioField(
        _l("Value to show"),
        choices=[SelectChoice(key, label) for key, label in REVEALABLE.items()],
        validators=[InputRequired(message=_l("Choose the value to show."))],
    )
    reason = _reason_field(
        _l("Reason"), _l("Give the reason: it is recorded, and the seller can read it.")
    )


class OpenDocumentForm(PortalForm):
    reason = _reason_field(
        _l("Reason for opening it"),
        _l("Give the reason: it is recorded, and the seller can read it."),
    )


def document_prefix(document_id: int) -> str:
    return f"document-{document_id}"


# --- search ---------------------------------------------------------------------------------


@bp.get("/sellers")
def sellers():
    query = request.args.get("q", "").strip()[:QUERY_MAX]
    page = min(page_number(request.args), MAX_PAGE)
    if query:
        results, has_next = search.search(query, page=page, per_page=PER_PAGE)
    else:
        results, has_next = search.newest(page=page, per_page=PER_PAGE)
    return render_template(
        "admin/sellers.html",
        query=query,
        results=results,
        page=page,
        has_next=has_next,
        per_page=PER_PAGE,
    )


# --- the seller's page ------------------------------------------------------------------------


def seller_or_404(seller_id: int) -> User:
    seller = auth.seller(seller_id)
    if seller is None:
        abort(404)
    return seller


def may_move(seller: User, transition: Transition) -> bool:
    """Whether the member of staff logged in may move the account through ``transition``:
    the state machine (``portal.auth.states``) from its present state, for their role."""
    return states.allowed(seller.status, transition, states.actor_of(seller, current_user))


def page(
    seller: User,
    *,
    reveal_form: RevealForm | None = None,
    bound_document_form: tuple[int, OpenDocumentForm] | None = None,
    revealed: dict | None = None,
    lift_form: LiftFreezeForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
):
    """The seller's page (recording the look is the caller's business)."""
    documents_list = documents.seller_documents(seller.id)
    document_forms = {
        document.id: OpenDocumentForm(prefix=document_prefix(document.id), formdata=None)
        for document in documents_list
    }
    if bound_document_form is not None:
        document_forms[bound_document_form[0]] = bound_document_form[1]
    emails, more_emails = outbox.sent_to(seller.id, limit=NOTIFICATIONS_SHOWN)
    return (
        render_template(
            "admin/seller.html",
            seller=seller,
            profile=profile.profile_of(seller.id),
            bank=masking.bank_summary(seller.id),
            business=masking.business_summary(seller.id),
            masked_phone=masking.masked_phone(seller.phone_e164),
            masked_identity_number=documents.masked_identity_number(seller.id),
            documents=documents_list,
            document_forms=document_forms,
            consents=policy.consent_history(seller.id),
            notifications=emails,
            more_notifications=more_emails,
            # Those withheld by law for whoever records them (admins) only: nobody else
            # needs to know of them.
            disclosures=sharing.every_disclosure_of(
                seller.id, withheld_too=may(current_user, Permission.RECORD_DISCLOSURES)
            ),
            proposal=age_check.pending_for([seller.id]).get(seller.id),
            verification=verification.summary(seller.id),
            verification_words=verification_words,
            can_terminate=may_move(seller, Transition.TERMINATE),
            can_lift=may_move(seller, Transition.LIFT_FREEZE),
            can_reopen=may_move(seller, Transition.REOPEN),
            lift_form=lift_form or LiftFreezeForm(formdata=None),
            reopen_form=reopen_form or ReopenForm(formdata=None),
            reveal_form=reveal_form or RevealForm(formdata=None),
            revealed=revealed or {},
            revealable=REVEALABLE,
            document_choices=document_choices,
            consent_contexts=CONSENT_CONTEXTS,
            message_statuses=MESSAGE_STATUSES,
            state_name=profile_choices.state_name,
            display_pages=documents.display_pages,
        ),
        status,
    )


@bp.get("/sellers/<int:seller_id>")
def seller(seller_id: int):
    seller = seller_or_404(seller_id)
    accesslog.record(current_user, seller.id, "seller_page")
    db.session.commit()  # the record, before anything is shown
    return page(seller)
