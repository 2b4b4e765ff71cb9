"""/admin/requests: the register of data-subject requests, for the DPO and admins. Open
requests by days left, overdue ones marked; each request's page extends, refuses or
answers it (:mod:`portal.requests.work`); the register as CSV for the Commissioner."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import formatting
from portal.accesslog import services as accesslog
from portal.admin import bp
from portal.admin.downloads import csv_file
from portal.admin.permissions import Permission, may
from portal.admin.privacy_request_forms import (
    AnswerForm,
    ExtendForm,
    NoteForm,
    RefuseForm,
    TransferForm,
)
from portal.auth import registration
from portal.auth import services as auth
from portal.auth.states import TransitionRefused
from portal.clock import local_date, local_today, utcnow
from portal.extensions import db
from portal.profile import forms as profile_forms
from portal.profile import services as profile
from portal.requests import services, work
from portal.requests.wording import GROUNDS, KINDS, STATES, grounds_for
from portal.sharing import services as sharing


@bp.get("/requests")
def privacy_requests():
    now = utcnow()
    rows = [
        (item, services.clock_of(item, now) if item.status in ("open", "extended") else None)
        for item in services.register()
    ]
    return render_template("admin/privacy_requests.html", rows=rows)


@bp.get("/requests.csv")
def privacy_requests_csv():
    """The register for the Commissioner: references, kinds, dates and outcomes; no names,
    addresses or the requesters' words."""
    header = [
        "reference",
        "type",
        "received",
        "due",
        "extended",
        "status",
        "closed",
        "refusal_ground",
        "from_account",
    ]
    rows = (
        [
            item.reference,
            item.kind,
            local_date(item.received_at).isoformat(),
            item.due_on.isoformat(),
            local_date(item.extended_at).isoformat() if item.extended_at else "",
            item.status,
            local_date(item.closed_at).isoformat() if item.closed_at else "",
            item.refusal_ground or "",
            "yes" if item.user_id else "no",
        ]
        for item in services.register()
    )
    day = local_date(utcnow()).isoformat()
    return csv_file([header, *rows], f"privacy-requests-{day}.csv")


def _refuse_form(kind: str, form: RefuseForm | None = None) -> RefuseForm:
    form = form or RefuseForm()
    form.ground.choices = [(key, str(text)) for key, text in grounds_for(kind)]
    return form


def _transfer(item, seller, slug: str | None, form: TransferForm | None) -> dict:
    """What the page shows for moving a portability request's data (PDPA s.43A): the
    registered, active parties to choose from and, once one is chosen, the categories that
    would go to it, with the form that confirms them."""
    if item.kind != "portability" or seller is None or item.status not in ("open", "extended"):
        return {}
    chosen = preview = problem = None
    if slug:
        try:
            chosen, preview = work.transfer_preview(item.id, slug)
        except work.NoParty:
            problem = _("Choose a registered third party that is still active.")
        except work.NothingToMove:
            problem = _(
                "This party is registered for none of the data the seller has given, "
                "so there is nothing to send to it."
            )
    form = form or TransferForm(prefix="transfer")
    if preview is not None:
        form.party.data, form.digest.data = chosen.slug, preview.digest
    return {
        "parties": work.transfer_parties(),
        "chosen": chosen,
        "categories": preview.categories if preview is not None else (),
        "problem": problem,
        "form": form,
    }


def _correction_form(section: str, seller, *, prefill: bool):
    """The profile's own form for one section of the seller's details (same fields, rules
    and messages as the seller's profile page): bound to what was posted, or, with
    ``prefill``, holding the seller's current values."""
    locked = seller.identity_verified_at is not None
    if not prefill:
        if section == "personal":
            return profile_forms.PersonalForm(locked_dob=locked)
        return profile_forms.ContactForm() if section == "contact" else profile_forms.AddressForm()
    saved = profile.profile_of(seller.id)
    if section == "personal":
        return profile_forms.PersonalForm(
            formdata=None,
            locked_dob=locked,
            data={
                "full_name": seller.full_name,
                "display_name": saved.display_name if saved else None,
                "date_of_birth": seller.date_of_birth,
            },
        )
    if section == "contact":
        return profile_forms.ContactForm(
            formdata=None, data={"phone": formatting.phone(seller.phone_e164)}
        )
    return profile_forms.AddressForm.for_profile(saved, formdata=None)


def _correction(item, seller, forms: dict) -> dict:
    """What the page offers for correcting the seller's details as an open "correct my
    data" request asks (PDPA s.35), through the profile services: the personal details,
    phone and address forms, prefilled. Showing the seller's phone, address and date of
    birth is a look at their data, recorded in the access log they read (as the seller
    page records it), with the request's reference as the reason."""
    if item.kind != "correction" or seller is None or item.status not in ("open", "extended"):
        return {}
    sections = {
        section: forms.get(section) or _correction_form(section, seller, prefill=True)
        for section in work.CORRECTABLE
    }
    staff = _staff()
    accesslog.record(staff, seller.id, "contact_details", reason=item.reference)
    dob_shown = "date_of_birth" in sections["personal"] and seller.date_of_birth is not None
    if dob_shown:
        accesslog.record(staff, seller.id, "revealed:date_of_birth", reason=item.reference)
    db.session.commit()  # the looks, before anything is shown
    return {**sections, "dob_locked": "date_of_birth" not in sections["personal"]}


def _page(request_id: int, *, status: int = 200, party: str | None = None, **forms):
    item = services.get(request_id)
    if item is None:
        abort(404)
    seller = auth.seller(item.user_id) if item.user_id else None
    slug = party if party is not None else request.args.get("party")
    return (
        render_template(
            "admin/privacy_request.html",
            item=item,
            clock=services.clock_of(item, utcnow())
            if item.status in ("open", "extended")
            else None,
            seller=seller,
            extended_due=item.due_on + timedelta(days=services.EXTENSION_DAYS),
            kinds=KINDS,
            states=STATES,
            ground=GROUNDS.get(item.refusal_ground or "", (None, None))[1],
            extend_form=forms.get("extend") or ExtendForm(),
            refuse_form=_refuse_form(item.kind, forms.get("refuse")),
            answer_form=forms.get("answer") or AnswerForm(),
            note_form=forms.get("note") or NoteForm(),
            may_close_account=may(current_user, Permission.TERMINATE_ACCOUNTS),
            transfer=_transfer(item, seller, slug, forms.get("transfer")),
            correction=_correction(item, seller, forms),
        ),
        status,
    )


@bp.get("/requests/<int:request_id>")
def privacy_request(request_id: int):
    return _page(request_id)


def _staff():
    return current_user._get_current_object()


def _done(request_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.privacy_request", request_id=request_id))


def _refused(request_id: int, message: str, **forms):
    db.session.rollback()
    flash(message, "error")
    return _page(request_id, status=400, **forms)


@bp.post("/requests/<int:request_id>/transfer")
def privacy_request_transfer(request_id: int):
    """Move a portability request's data to the party staff chose, through the sharing
    door (PDPA s.43A). A party that cannot be reached: nothing recorded, the request stays
    open, and the page says so."""
    form = TransferForm(prefix="transfer")
    if not form.validate_on_submit():
        return _page(request_id, status=400, transfer=form, party=form.party.data or "")
    try:
        work.transfer(request_id, _staff(), form.party.data, form.digest.data, form.text.data)
    except LookupError:
        abort(404)
    except (work.Closed, work.NotThisKind, work.NoAccount):
        abort(404)  # closed, or not a portability request from an account
    except work.NoParty:
        return _refused(request_id, _("Choose a registered third party that is still active."))
    except work.NothingToMove:
        return _refused(
            request_id,
            _("This party is registered for none of the data the seller has given."),
            party=form.party.data,
        )
    except sharing.SharingError as exc:
        return _refused(request_id, str(exc.message), transfer=form, party=form.party.data)
    return _done(
        request_id,
        _("The data was sent; the requester was emailed and sees it under Where my data went."),
    )


@bp.post("/requests/<int:request_id>/extend")
def privacy_request_extend(request_id: int):
    form = ExtendForm()
    if not form.validate_on_submit():
        return _page(request_id, status=400, extend=form)
    try:
        work.extend(request_id, _staff(), form.reason.data)
    except LookupError:
        abort(404)
    except work.Closed:
        abort(404)  # closed meanwhile: like any object staff may no longer act on
    except work.AlreadyExtended:
        return _refused(request_id, _("This request was already extended once."))
    except work.TooLate:
        return _refused(
            request_id,
            _("The 21 days are over: the law lets us extend only before they end."),
        )
    return _done(request_id, _("Extended by 14 days; the requester was emailed the reason."))


@bp.post("/requests/<int:request_id>/refuse")
def privacy_request_refuse(request_id: int):
    item = services.get(request_id)
    if item is None:
        abort(404)
    form = _refuse_form(item.kind, RefuseForm())
    if not form.validate_on_submit():
        return _page(request_id, status=400, refuse=form)
    try:
        work.refuse(request_id, _staff(), form.ground.data, form.explanation.data)
    except work.Closed:
        abort(404)
    except work.WrongGround:
        return _refused(request_id, _("Choose the ground for refusing."))
    return _done(request_id, _("Refused; the requester was told the ground."))


@bp.post("/requests/<int:request_id>/answer")
def privacy_request_answer(request_id: int):
    form = AnswerForm()
    if not form.validate_on_submit():
        return _page(request_id, status=400, answer=form)
    try:
        work.answer(request_id, _staff(), form.text.data)
    except LookupError:
        abort(404)
    except work.Closed:
        abort(404)
    return _done(request_id, _("Answered; the requester was emailed the answer."))


@bp.post("/requests/<int:request_id>/copy")
def privacy_request_copy(request_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(request_id, status=400, note=form)
    try:
        work.send_copy(request_id, _staff(), form.text.data)
    except LookupError:
        abort(404)
    except (work.Closed, work.NotThisKind, work.NoAccount):
        abort(404)  # closed, or not a request a copy answers
    return _done(request_id, _("The requester was emailed a link to a copy of their data."))


# What the page says once a section of the seller's details is corrected: the request stays
# open until staff answer it.
CORRECTED = {
    "personal": _l(
        "The seller's personal details are corrected. Their profile history shows the change "
        "as made by staff, and third parties that received the data in the last 12 months are "
        "sent the correction. Answer the request to tell the seller what was corrected."
    ),
    "contact": _l(
        "The seller's phone number is corrected. Their profile history shows the change "
        "as made by staff, and third parties that received the data in the last 12 months are "
        "sent the correction. Answer the request to tell the seller what was corrected."
    ),
    "address": _l(
        "The seller's address is corrected. Their profile history shows the change "
        "as made by staff, and third parties that received the data in the last 12 months are "
        "sent the correction. Answer the request to tell the seller what was corrected."
    ),
}


@bp.post("/requests/<int:request_id>/correct/<section>")
def privacy_request_correct(request_id: int, section: str):
    """Correct one section of the seller's details as their correction request asks
    (PDPA s.35), through the profile service with the member of staff as the actor; the
    request stays open for its answer. Bank details are not offered: changing them asks
    for the seller's own password."""
    if section not in work.CORRECTABLE:
        abort(404)  # bank details among them: the seller's own, with their password
    try:
        seller = work.correction_subject(request_id)
    except (LookupError, work.Closed, work.NotThisKind, work.NoAccount):
        abort(404)  # closed, or not a correction request from an account
    form = _correction_form(section, seller, prefill=False)
    if form.validate_on_submit():
        if section == "personal":
            dob = form.date_of_birth.data if "date_of_birth" in form else seller.date_of_birth
            value = profile.Personal(form.full_name.data, form.display_name.data, dob)
        elif section == "contact":
            value = form.phone.e164
        else:
            value = form.to_address()
        try:
            changed = work.correct(request_id, _staff(), section, value, today=local_today())
        except registration.UnderAge:
            db.session.rollback()
            form.date_of_birth.errors.append(
                _("Sellers must be at least %(n)d years old.", n=current_app.config["MINIMUM_AGE"])
            )
        except profile.DateOfBirthLocked:
            db.session.rollback()
            form.date_of_birth.errors.append(
                _(
                    "Checked against your approved identity document, so it can no longer "
                    "be changed here."
                )
            )
        else:
            if not changed:
                db.session.rollback()
                flash(_("Nothing had changed, so nothing was saved."), "info")
                return redirect(url_for("admin.privacy_request", request_id=request_id))
            return _done(request_id, str(CORRECTED[section]))
    return _page(request_id, status=400, **{section: form})


@bp.post("/requests/<int:request_id>/close-account")
def privacy_request_close_account(request_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(request_id, status=400, note=form)
    try:
        work.close_account(request_id, _staff(), form.text.data)
    except LookupError:
        abort(404)
    except (work.Closed, work.NotThisKind, work.NoAccount):
        abort(404)  # closed, or not a deletion request from an account
    except TransitionRefused:
        return _refused(request_id, _("The account cannot be closed from this request."))
    return _done(request_id, _("The account is closed; the requester was told."))
