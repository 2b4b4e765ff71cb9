"""/admin/disclosures: disclosures required by law, recorded and reviewed by admins.

A release or a decision to keep withholding names a legal disclosure that is withheld;
anything else is a 404. Viewing these pages is not written to the seller's access log: an entry there would tell
the seller about a disclosure that is withheld from them. Every change is in the audit trail.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.sharing_forms import KeepWithheldForm, LegalDisclosureForm
from portal.clock import local_today
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.pagination import page_number
from portal.sharing import legal


@bp.get("/disclosures")
def disclosures():
    page = page_number(request.args)
    items, has_next = legal.legal_disclosures(page=page)
    return render_template(
        "admin/disclosures.html",
        due=legal.due_for_review(local_today()) if page == 1 else [],
        items=items,
        page=page,
        has_next=has_next,
        sellers=legal.seller_emails({item.user_id for item in items}),
    )


@bp.route("/disclosures/new", methods=["GET", "POST"])
def disclosure_new():
    form = LegalDisclosureForm()
    if form.validate_on_submit():
        seller = legal.seller_by_email(form.seller_email.data)
        if seller is None:
            form.seller_email.errors.append(_("No seller has this email."))
        else:
            disclosure = legal.record(
                seller=seller,
                staff=current_user._get_current_object(),
                authority=form.authority.data,
                legal_basis=form.legal_basis.data,
                reference=form.reference.data,
                disclosed_on=form.disclosed_on.data,
                categories=form.categories.data,
                documents_released=form.documents_released.data,
                withheld=form.withheld.data,
                withheld_reason=form.withheld_reason.data,
                review_on=form.review_on.data,
            )
            db.session.commit()
            if disclosure.withheld:
                flash(_("Recorded, and withheld from the seller until it is reviewed."), "success")
            else:
                flash(_("Recorded. The seller sees it and has been emailed."), "success")
            return redirect(url_for("admin.disclosure", disclosure_id=disclosure.id))
    status = 400 if form.errors else 200
    return render_template("admin/disclosure_form.html", form=form), status


@bp.get("/disclosures/<int:disclosure_id>")
def disclosure(disclosure_id: int):
    return _disclosure_page(_legal(disclosure_id), KeepWithheldForm())


def _disclosure_page(item, keep_form: KeepWithheldForm, status: int = 200):
    return (
        render_template(
            "admin/disclosure.html",
            item=item,
            seller_email=legal.seller_emails({item.user_id}).get(item.user_id),
            keep_form=keep_form,
            form=ConfirmForm(),
            due=item.withheld and item.review_on <= local_today(),
        ),
        status,
    )


@bp.post("/disclosures/<int:disclosure_id>/release")
def disclosure_release(disclosure_id: int):
    item = _legal(disclosure_id)
    if not item.withheld:
        abort(404)  # the seller sees it already: nothing to release
    if not ConfirmForm().validate_on_submit():
        abort(400)
    legal.release(item, current_user._get_current_object())
    db.session.commit()
    flash(_("The seller now sees this disclosure and has been emailed."), "success")
    return redirect(url_for("admin.disclosure", disclosure_id=item.id))


@bp.post("/disclosures/<int:disclosure_id>/keep-withheld")
def disclosure_keep_withheld(disclosure_id: int):
    item = _legal(disclosure_id)
    form = KeepWithheldForm()
    if not item.withheld:
        abort(404)
    if not form.validate_on_submit():
        return _disclosure_page(item, form, 400)
    legal.keep_withheld(
        item,
        current_user._get_current_object(),
        reason=form.withheld_reason.data,
        review_on=form.review_on.data,
    )
    db.session.commit()
    flash(_("Still withheld; it comes up for review again on the date you chose."), "success")
    return redirect(url_for("admin.disclosures"))


def _legal(disclosure_id: int):
    item = legal.legal_disclosure(disclosure_id)
    if item is None:
        abort(404)
    return item
