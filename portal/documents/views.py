"""/documents: the seller's photographs and documents, and the one route that serves files.

Uploads and deletions act on the logged-in seller's own documents. Files are served only
through :func:`file`, which checks who is asking for every request: the owner, or staff
allowed to review documents (their look is recorded). Everyone else gets 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.documents import bp, choices, forms, services
from portal.documents.models import DocumentKind, IdentityType
from portal.documents.serving import file_response
from portal.extensions import db
from portal.security import sellers_only
from portal.uploads import accepts_uploads

# Staff reach the file route too; it does its own check.
bp.before_request(sellers_only("documents.file"))

_FORMS = {
    DocumentKind.PROFILE_PHOTO: ("profile_photo_form", forms.ProfilePhotoForm),
    DocumentKind.SHOP_PHOTO: ("shop_photo_form", forms.ShopPhotoForm),
    DocumentKind.IDENTITY: ("identity_form", forms.IdentityForm),
    DocumentKind.BANK_PROOF: ("bank_proof_form", forms.BankProofForm),
}
_ANCHORS = {
    DocumentKind.PROFILE_PHOTO: "photos",
    DocumentKind.SHOP_PHOTO: "shop-photos",
    DocumentKind.IDENTITY: "identity",
    DocumentKind.BANK_PROOF: "bank-proof",
}


def _page(status: int = 200, **bound_forms):
    overview = services.overview(current_user.id)
    context = {name: form_class() for name, form_class in _FORMS.values()}
    if overview.identity is not None:  # offer the type the seller sent last time
        context["identity_form"] = forms.IdentityForm(identity_type=overview.identity.identity_type)
    context.update(bound_forms)
    return (
        render_template(
            "documents/index.html",
            overview=overview,
            delete_form=forms.DeleteForm(),
            choices=choices,
            accept={"photo": forms.PHOTO_ACCEPT, "document": forms.DOCUMENT_ACCEPT},
            **context,
        ),
        status,
    )


@bp.get("/")
def index():
    return _page()


def _upload(kind: DocumentKind):
    name, form_class = _FORMS[kind]
    form = form_class()
    if not form.validate_on_submit():
        return _page(400, **{name: form})
    chosen = form.chosen()
    identity_type = IdentityType(form.identity_type.data) if kind == DocumentKind.IDENTITY else None
    uploads = [services.Upload(item.filename or "", item.stream) for item in chosen]
    try:
        services.upload(current_user, kind, uploads, identity_type)
    except services.Refused as refused:
        form.file.errors = [refused.message]
        return _page(400, **{name: form})
    except services.TooManyPhotos:
        form.file.errors = [_("You already have 8 shop photos. Delete one before adding another.")]
        return _page(400, **{name: form})
    db.session.commit()
    if kind.is_evidence:
        flash(_("Thank you. We will check it and email you when it has been reviewed."), "success")
    else:
        flash(_("Your photo is saved."), "success")
    return redirect(url_for("documents.index", _anchor=_ANCHORS[kind]))


@bp.post("/profile-photo")
@accepts_uploads(files=1)
def profile_photo():
    return _upload(DocumentKind.PROFILE_PHOTO)


@bp.post("/shop-photos")
@accepts_uploads(files=1)
def shop_photo():
    return _upload(DocumentKind.SHOP_PHOTO)


@bp.post("/identity")
@accepts_uploads(files=2)
def identity():
    return _upload(DocumentKind.IDENTITY)


@bp.post("/bank-proof")
@accepts_uploads(files=1)
def bank_proof():
    return _upload(DocumentKind.BANK_PROOF)


@bp.post("/<int:document_id>/delete")
def delete(document_id: int):
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    try:
        services.delete(current_user.id, document_id)
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash(_("Deleted. The file has been removed from our storage."), "success")
    return redirect(url_for("documents.index"))


@bp.get("/files/<int:file_id>")
def file(file_id: int):
    if not current_user.is_authenticated:
        abort(404)  # not a log-in prompt: nothing may hint that the file exists
    try:
        item = services.file_for(current_user, file_id)
    except services.NotFound:
        abort(404)
    # Read what the response needs before the commit, which would expire it (and load again).
    response = file_response(
        services.read(item), item.content_type, item.size_bytes, services.file_name(item)
    )
    db.session.commit()  # the access record, before anything is shown
    return response
