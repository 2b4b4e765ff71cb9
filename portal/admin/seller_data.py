"""Revealing one masked value of a seller, or opening one of their documents, from the
seller's page: a reason first, recorded with the look in the access log the seller reads.

The document is served here, in the response to that form, so its look is recorded once,
with the reason (``/documents/files/<id>`` would record it again, without one).
"""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accesslog import services as accesslog
from portal.admin import bp
from portal.admin.sellers import (
    OpenDocumentForm,
    RevealForm,
    document_prefix,
    page,
    seller_or_404,
)
from portal.auth.services import User
from portal.documents import services as documents
from portal.documents.serving import file_response
from portal.extensions import db
from portal.profile import masking


def _full_value(seller: User, key: str):
    """The value in full, or None when the seller has not given it."""
    if key == "date_of_birth":
        return seller.date_of_birth
    if key == "phone":
        return masking.phone_in_full(seller.phone_e164)
    if key == "identity_number":
        return documents.identity_number_in_full(seller.id)
    if key == "tin":
        return masking.tin_in_full(seller.id)
    return masking.bank_account_number(seller.id)


@bp.post("/sellers/<int:seller_id>/reveal")
def seller_reveal(seller_id: int):
    """Shows one masked value in full, in this response only, once the reason is recorded."""
    seller = seller_or_404(seller_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return page(seller, reveal_form=form, status=400)
    key = form.value.data
    value = _full_value(seller, key)
    if value is None:
        form.value.errors = [_l("The seller has not given this; there is nothing to show.")]
        return page(seller, reveal_form=form, status=400)
    accesslog.record(
        current_user,
        seller.id,
        # Which value, as a subject the seller's access log names in their language.
        f"revealed:{key}",
        reason=form.reason.data,
    )
    db.session.commit()
    return page(seller, reveal_form=RevealForm(formdata=None), revealed={key: value})


@bp.post("/sellers/<int:seller_id>/documents/<int:file_id>")
def seller_document(seller_id: int, file_id: int):
    """Serves one of the seller's files once the reason for opening it is recorded."""
    seller = seller_or_404(seller_id)
    try:
        item = documents.seller_file(seller.id, file_id)
    except documents.NotFound:
        abort(404)
    form = OpenDocumentForm(prefix=document_prefix(item.document_id))
    if not form.validate_on_submit():
        return page(seller, bound_document_form=(item.document_id, form), status=400)
    accesslog.record(
        current_user, seller.id, "document", object_id=item.document_id, reason=form.reason.data
    )
    filename = documents.file_name(item)
    content_type, size = item.content_type, item.size_bytes
    chunks = documents.read(item)
    db.session.commit()  # the record, before anything is shown
    return file_response(chunks, content_type, size, filename)
