"""The review queue for identity and bank documents: reviewers and admins only.

A decision lands only on an identity or bank document still waiting for one; an identity
document showing someone under 18 leads to erasing the account at once, which takes two
people: the reviewer proposes (the seller is frozen from then on), another admin confirms.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import age_check
from portal.admin import bp
from portal.admin.forms import ConfirmErasureForm
from portal.auth.states import TransitionRefused
from portal.documents import choices, review
from portal.documents.forms import DecisionForm
from portal.documents.models import DocumentKind, FilePurpose, ReviewStatus
from portal.extensions import db
from portal.pagination import clamp, page_number
from portal.profile import services as profile


@bp.get("/documents")
def documents_queue():
    page = page_number(request.args)
    items, total = review.queue(page=page)
    page = clamp(page, total, 50)  # past the end: the last page, as the service chose
    return render_template(
        "admin/documents_queue.html", items=items, total=total, page=page, choices=choices
    )


@bp.get("/documents/<int:document_id>")
def document_review(document_id: int):
    return _review_page(document_id, DecisionForm())


def _review_page(document_id: int, form: DecisionForm, status: int = 200):
    document = review.evidence_document(document_id)
    if document is None:
        abort(404)
    form.revision.data = document.revision
    return (
        render_template(
            "admin/document_review.html",
            document=document,
            seller=review.seller_of(document),
            profile=profile.profile_of(document.user_id),
            pages=document.files_for(FilePurpose.DISPLAY),
            form=form,
            choices=choices,
            erase_form=ConfirmErasureForm(),
            proposal=age_check.pending_for([document.user_id]).get(document.user_id),
        ),
        status,
    )


@bp.post("/documents/<int:document_id>/decision")
def document_decision(document_id: int):
    document = review.evidence_document(document_id)
    if document is None or document.status != ReviewStatus.PENDING:
        abort(404)  # a photograph, or decided already: nothing to decide
    form = DecisionForm()
    if not form.validate_on_submit() or not (form.revision.data or "").isdigit():
        return _review_page(document_id, form, 400)
    approve = request.form.get("decision") == "approve"
    try:
        review.decide(
            document_id,
            int(form.revision.data),
            current_user,
            approve=approve,
            reasons=form.reasons.data or [],
            note=form.note.data or "",
        )
    except review.ReasonRequired:
        form.reasons.errors = [_("Choose at least one reason, so the seller knows what to fix.")]
        return _review_page(document_id, form, 400)
    except review.AlreadyDecided:
        db.session.rollback()
        flash(_("This document was decided or replaced meanwhile. Nothing was changed."), "warning")
        return redirect(url_for("admin.documents_queue"))
    db.session.commit()
    flash(
        _("Approved. The seller has been told.")
        if approve
        else _("Rejected. The seller has been told what to fix."),
        "success",
    )
    return redirect(url_for("admin.documents_queue"))


def _identity_document(document_id: int):
    document = review.evidence_document(document_id)
    if document is None or document.kind != DocumentKind.IDENTITY:
        abort(404)
    return document


@bp.post("/documents/<int:document_id>/under-age")
def document_under_age(document_id: int):
    """The identity document shows the seller is under 18: propose erasing the account at
    once. The seller is frozen from now on; another admin confirms (below)."""
    document = _identity_document(document_id)
    if not ConfirmErasureForm().validate_on_submit():
        flash(_("Tick the box to confirm that the document shows someone under 18."), "error")
        return redirect(url_for("admin.document_review", document_id=document_id))
    try:
        age_check.propose(
            review.seller_of(document),
            current_user._get_current_object(),
            source=age_check.ProposalSource.UNDER_AGE_DOCUMENT,
            object_id=document.id,
            reference=_reference(document.id),
        )
    except TransitionRefused:
        abort(404)  # closed by its seller, or awaiting verification: it cannot be held
    except age_check.AlreadyProposed:
        flash(_("An erasure of this account is already proposed elsewhere."), "warning")
        return redirect(url_for("admin.document_review", document_id=document_id))
    db.session.commit()
    flash(
        _("Erasure proposed. The account is frozen until another administrator confirms it."),
        "success",
    )
    return redirect(url_for("admin.document_review", document_id=document_id))


@bp.post("/documents/<int:document_id>/under-age/confirm")
def document_under_age_confirm(document_id: int):
    """A second person, an admin, confirms the proposal made from this document: the
    account is erased at once, through the same routine as a confirmed report."""
    document = _identity_document(document_id)
    source = age_check.ProposalSource.UNDER_AGE_DOCUMENT
    if not age_check.is_proposed(document.user_id, source, document.id):
        abort(404)
    if not ConfirmErasureForm().validate_on_submit():
        flash(_("Tick the box to confirm that the document shows someone under 18."), "error")
        return redirect(url_for("admin.document_review", document_id=document_id))
    try:
        age_check.confirm(
            document.user_id,
            current_user._get_current_object(),
            source=source,
            object_id=document.id,
            reference=_reference(document.id),
        )
    except age_check.NoProposal:
        abort(404)  # withdrawn meanwhile
    except age_check.OwnProposal:
        flash(_("You proposed this erasure: another administrator must confirm it."), "error")
        return redirect(url_for("admin.document_review", document_id=document_id))
    db.session.commit()
    flash(_("The account and its files were erased: the seller is under 18."), "success")
    return redirect(url_for("admin.documents_queue"))


def _reference(document_id: int) -> str:
    return f"document-{document_id}"
