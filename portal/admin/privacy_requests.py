"""/admin/requests: the register of data-subject requests, for the DPO and admins. Open
requests by days left, overdue ones marked; each request's page extends, refuses or
answers it (:mod:`portal.requests.work`); the register as CSV for the Commissioner."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.permissions import Permission, may
from portal.admin.privacy_request_forms import (
    AnswerForm,
    ExtendForm,
    NoteForm,
    RefuseForm,
    TransferForm,
)
from portal.auth import services as auth
from portal.auth.states import TransitionRefused
from portal.clock import local_date, utcnow
from portal.extensions import db
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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
    )
    for item in services.register():
        writer.writerow(
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
        )
    day = local_date(utcnow()).isoformat()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="privacy-requests-{day}.csv"',
            "Cache-Control": "no-store",
        },
    )


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
