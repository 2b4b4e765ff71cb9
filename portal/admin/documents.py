"""The review queue for identity and bank documents: reviewers and admins only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import ConfirmErasureForm
from portal.audit.services import record as audit
from portal.documents import choices, review
from portal.documents.forms import DecisionForm
from portal.documents.models import DocumentKind, FilePurpose
from portal.erasure import erase_account
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
        ),
        status,
    )


@bp.post("/documents/<int:document_id>/decision")
def document_decision(document_id: int):
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


@bp.post("/documents/<int:document_id>/under-age")
def document_under_age(document_id: int):
    """The identity document shows the seller is under 18: the account is erased at once,
    through the same routine as a confirmed report about a minor."""
    document = review.evidence_document(document_id)
    if document is None or document.kind != DocumentKind.IDENTITY:
        abort(404)
    if not ConfirmErasureForm().validate_on_submit():
        flash(_("Tick the box to confirm that the document shows someone under 18."), "error")
        return redirect(url_for("admin.document_review", document_id=document_id))
    audit(current_user, "document.under_age_erase", "account", document.user_id)
    erase_account(
        document.user_id, reason="under_age_document", reference=f"document-{document_id}"
    )
    db.session.commit()
    flash(_("The account and its files were erased: the seller is under 18."), "success")
    return redirect(url_for("admin.documents_queue"))
