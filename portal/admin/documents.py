"""The review queue for identity, bank and business registration documents: reviewers and
admins only. An identity document is shown with the number the seller typed, in full (the
look is in the seller's access log), and the other accounts that give the same number.

A decision lands only on an identity or bank document still waiting for one; an identity
document showing someone under 18 leads to erasing the account at once, which takes two
people: the reviewer proposes (the seller is frozen from then on), another admin confirms.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accesslog import services as accesslog
from portal.account import age_check, under_age
from portal.admin import bp, erasure_steps
from portal.admin.erasure_steps import ConfirmErasureForm
from portal.documents import choices, numbers, review
from portal.documents.forms import DecisionForm
from portal.extensions import db
from portal.pagination import page_number
from portal.profile import services as profile


@bp.get("/documents")
def documents_queue():
    found = review.queue(page=page_number(request.args))
    return render_template(
        "admin/documents_queue.html",
        items=found.items,
        total=found.total,
        page=found.page,
        choices=choices,
    )


@bp.get("/documents/<int:document_id>")
def document_review(document_id: int):
    return _review_page(document_id, DecisionForm())


def _review_page(document_id: int, form: DecisionForm, status: int = 200):
    document = review.evidence_document(document_id)
    if document is None:
        abort(404)
    form.revision.data = document.revision
    number = None
    if document.kind == "identity":
        number = numbers.for_review(document.user_id)
        if number is not None:
            accesslog.record(current_user, document.user_id, "revealed:identity_number")
            db.session.commit()  # the record, before the number is shown
    return (
        render_template(
            "admin/document_review.html",
            document=document,
            seller=review.seller_of(document),
            profile=profile.profile_of(document.user_id),
            pages=review.pages_of(document),
            form=form,
            choices=choices,
            erase_form=ConfirmErasureForm(),
            proposal=age_check.pending_for([document.user_id]).get(document.user_id),
            # A proof of bank account: its holder against the name expected, side by side.
            bank_check=profile.standing(document.user_id).bank
            if document.kind == "bank_proof"
            else None,
            number=number,
        ),
        status,
    )


@bp.post("/documents/<int:document_id>/decision")
def document_decision(document_id: int):
    if review.awaiting_decision(document_id) is None:
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
    document = review.identity_document(document_id)
    if document is None:
        abort(404)
    return document


@bp.post("/documents/<int:document_id>/under-age")
def document_under_age(document_id: int):
    """The identity document shows the seller is under 18: propose erasing the account at
    once. The seller is frozen from now on; another admin confirms (below)."""
    document = _identity_document(document_id)
    return erasure_steps.propose(
        lambda staff: under_age.propose(
            review.seller_of(document), staff, under_age.from_document(document.id)
        ),
        back=url_for("admin.document_review", document_id=document_id),
        unticked=_("Tick the box to confirm that the document shows someone under 18."),
    )


@bp.route("/documents/<int:document_id>/under-age/confirm", methods=["GET", "POST"])
def document_under_age_confirm(document_id: int):
    """A second person, an admin, confirms the proposal made from this document: the
    account is erased at once, through the same routine as a confirmed report. The GET is
    the page that says what will be erased, before the button."""
    document = _identity_document(document_id)
    evidence = under_age.from_document(document.id)
    here = url_for("admin.document_under_age_confirm", document_id=document_id)
    proposed = under_age.is_proposed(document.user_id, evidence)
    if request.method == "GET":
        return erasure_steps.confirmation_page(
            document.user_id,
            proposed=proposed,
            action=here,
            back=url_for("admin.document_review", document_id=document_id),
            tick=_("The document shows this seller is under 18"),
        )
    return erasure_steps.confirm(
        lambda staff: under_age.confirm(document.user_id, staff, evidence),
        proposed=proposed,
        back=here,
        unticked=_("Tick the box to confirm that the document shows someone under 18."),
        done=url_for("admin.documents_queue"),
        erased=_("The account and its files were erased: the seller is under 18."),
    )
