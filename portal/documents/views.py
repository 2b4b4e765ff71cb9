"""/documents: the seller's photographs and documents, and the one route that serves files.

Uploads and deletions act on the logged-in seller's own documents; the identity document
comes with the number printed on it, which must agree with the seller before anything is
stored (a seller whose document is on file gives or corrects the number on its own form).
A deletion is asked for on a confirmation page (a GET, which never deletes) that names what
will be lost. Files are served only through :func:`file`, which checks who is asking for
every request: the owner, or staff allowed to review documents (their look is recorded).
Everyone else gets 404.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.documents import bp, choices, content, forms, services
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
    DocumentKind.BUSINESS_REGISTRATION: (
        "business_registration_form",
        forms.BusinessRegistrationForm,
    ),
}
_ANCHORS = {
    DocumentKind.PROFILE_PHOTO: "photos",
    DocumentKind.SHOP_PHOTO: "shop-photos",
    DocumentKind.IDENTITY: "identity",
    DocumentKind.BANK_PROOF: "bank-proof",
    DocumentKind.BUSINESS_REGISTRATION: "business-registration",
}


def _page(status: int = 200, **bound_forms):
    overview = services.overview(current_user.id)
    context = {name: form_class() for name, form_class in _FORMS.values()}
    if overview.identity is not None:  # offer the type the seller sent last time
        context["identity_form"] = forms.IdentityForm(identity_type=overview.identity.identity_type)
        if overview.identity.identity_type:
            context["identity_number_form"] = forms.IdentityNumberForm(
                overview.identity.identity_type
            )
    context.update(bound_forms)
    return (
        render_template(
            "documents/index.html",
            overview=overview,
            choices=choices,
            shown_pages=services.shown_pages,
            country_name=choices.country_name,
            accept={"photo": forms.PHOTO_ACCEPT, "document": forms.DOCUMENT_ACCEPT},
            rules={
                "photo": _rules(content.PHOTO_TYPES),
                "document": _rules(content.DOCUMENT_TYPES),
            },
            **context,
        ),
        status,
    )


def _rules(types) -> str:
    """What a file input takes, shown beside it: "JPEG, PNG or WebP, up to 10 MB"."""
    names = content.describe(types).split(", ")
    listed = _("%(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1])
    limit = current_app.config["UPLOAD_MAX_BYTES"] / (1024 * 1024)
    return _("%(types)s, up to %(limit)s MB", types=listed, limit=f"{limit:g}")


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
    number = form.typed_number() if kind == DocumentKind.IDENTITY else None
    uploads = [services.Upload(item.filename or "", item.stream) for item in chosen]
    try:
        services.upload(current_user, kind, uploads, identity_type, number=number)
    except services.NumberRefused as refused:
        _number_refused(form, refused)
        return _page(400, **{name: form})
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


@bp.post("/business-registration")
@accepts_uploads(files=1)
def business_registration():
    return _upload(DocumentKind.BUSINESS_REGISTRATION)


def _number_refused(form, refused) -> None:
    """The number does not agree with the seller: say why next to its fields. Nothing was
    stored; only a number showing someone under 18 changed something (the account is
    frozen), which is kept."""
    form.show_refusal(refused.errors)
    if refused.shows_minor:
        db.session.commit()


@bp.post("/identity-number")
def identity_number():
    """The number of the identity document already sent, given or corrected on its own."""
    document = services.overview(current_user.id).identity
    if document is None or not document.identity_type:
        abort(404)  # nothing to give a number for: the number comes with the document
    form = forms.IdentityNumberForm(document.identity_type)
    if not form.validate_on_submit():
        return _page(400, identity_number_form=form)
    try:
        changed = services.change_identity_number(current_user, form.typed_number())
    except services.NumberRefused as refused:
        _number_refused(form, refused)
        return _page(400, identity_number_form=form)
    except services.NoIdentityDocument:
        abort(404)
    db.session.commit()
    if changed:
        flash(_("Your number is saved. We will check your identity document again."), "success")
    else:
        flash(_("This is the number we already have. Nothing has changed."), "success")
    return redirect(url_for("documents.index", _anchor="identity"))


def _own(document_id: int):
    """The logged-in seller's document ``document_id`` and its number on the page (a shop
    photo's place among the shop photos); 404 for anyone else's."""
    found = services.overview(current_user.id)
    singles = [found.profile_photo, found.identity, found.bank_proof, found.business_registration]
    for document in singles:
        if document is not None and document.id == document_id:
            return document, 1
    for number, document in enumerate(found.shop_photos, start=1):
        if document.id == document_id:
            return document, number
    abort(404)


@bp.get("/<int:document_id>/delete")
def confirm_delete(document_id: int):
    """What will be lost, named, before anything is deleted: a GET never deletes."""
    document, number = _own(document_id)
    return render_template(
        "documents/delete.html",
        document=document,
        number=number,
        pages=services.shown_pages(document),
        shown_pages=services.shown_pages,
        label=choices.delete_label(document.kind, number),
        back=url_for("documents.index", _anchor=_ANCHORS[DocumentKind(document.kind)]),
        form=forms.DeleteForm(),
        choices=choices,
    )


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
