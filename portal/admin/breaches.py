"""/admin/breaches: the breach register (PDPA s.12B), for admins and the Data Protection
Officer. Record an incident, keep its timeline, watch its two clocks (the Commissioner's
notice within 72 hours, the follow-up within 30 days of it), choose the affected sellers by
query and see how many before anything is sent, notify them, and print the Commissioner's
notice in both languages. Every step is in the incident's timeline and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from portal.admin import bp
from portal.admin.breach_forms import (
    QUERIES,
    BreachForm,
    CommissionerNoticeForm,
    FollowUpForm,
    NoteForm,
    NotifyForm,
    SelectionForm,
    parse_time,
)
from portal.auth import staff as staff_accounts
from portal.breaches import notify, selection
from portal.breaches import services as breaches
from portal.breaches.clocks import clocks_of
from portal.clock import local_moment, utcnow
from portal.datamap import category_name
from portal.extensions import db
from portal.pagination import page_number
from portal.sharing import registry


def _me():
    return current_user._get_current_object()


def _breach(breach_id: int):
    breach = breaches.get_breach(breach_id)
    if breach is None:
        abort(404)
    return breach


@bp.get("/breaches")
def breaches_list():
    found = breaches.breaches(page=page_number(request.args))
    return render_template(
        "admin/breaches.html",
        items=found.items,
        page=found.page,
        has_next=found.has_next,
        clocks=breaches.open_clocks(),
        clock_names=breaches.clock_names(),
        now=utcnow(),
    )


@bp.route("/breaches/new", methods=["GET", "POST"])
def breach_new():
    form = BreachForm()
    if form.validate_on_submit():
        discovered = local_moment(form.discovered_on.data, parse_time(form.discovered_time.data))
        try:
            breach = breaches.record_breach(
                _me(),
                discovered_at=discovered,
                description=form.description.data,
                categories=form.categories.data,
                systems=form.systems.data,
                containment=form.containment.data,
                harm={name[5:]: f.data for name, f in form._fields.items() if name[:5] == "harm_"},
            )
        except breaches.BreachError:
            form.discovered_on.errors = [_("The breach cannot be discovered in the future.")]
        else:
            db.session.commit()
            flash(_("Breach %(reference)s recorded.", reference=breach.reference), "success")
            return redirect(url_for("admin.breach", breach_id=breach.id))
    return render_template("admin/breach_form.html", form=form)


def _selection_form(form=None) -> SelectionForm:
    form = form or SelectionForm()
    form.party.choices = [SelectChoice(p.id, p.name) for p in registry.all_parties()]
    form.staff.choices = [SelectChoice(m.id, m.email) for m in staff_accounts.members()]
    return form


def _page(breach, status=200, **forms):
    defaults = {
        "note_form": NoteForm(),
        "notice_form": CommissionerNoticeForm(),
        "follow_up_form": FollowUpForm(),
        "notify_form": NotifyForm(),
    }
    defaults.update(forms)
    defaults["selection_form"] = _selection_form(forms.get("selection_form"))
    return (
        render_template(
            "admin/breach.html",
            breach=breach,
            clocks=clocks_of(breach),
            clock_names=breaches.clock_names(),
            now=utcnow(),
            timeline=breaches.timeline(breach.id),
            pending=notify.pending(breach.id) if breach.notify_started_at else None,
            category_name=category_name,
            harm_words=breaches.HARM_WORDS,
            event_words=breaches.EVENT_WORDS,
            queries=QUERIES,
            **defaults,
        ),
        status,
    )


@bp.get("/breaches/<int:breach_id>")
def breach(breach_id: int):
    return _page(_breach(breach_id))


@bp.post("/breaches/<int:breach_id>/note")
def breach_note(breach_id: int):
    found, form = _breach(breach_id), NoteForm()
    if not form.validate_on_submit():
        return _page(found, 400, note_form=form)
    breaches.add_note(found, _me(), form.note.data)
    db.session.commit()
    flash(_("Added to the timeline."), "success")
    return redirect(url_for("admin.breach", breach_id=breach_id))


@bp.post("/breaches/<int:breach_id>/commissioner")
def breach_commissioner(breach_id: int):
    found, form = _breach(breach_id), CommissionerNoticeForm()
    if not form.validate_on_submit():
        return _page(found, 400, notice_form=form)
    try:
        breaches.record_commissioner_notice(
            found, _me(), late_reason=form.late_reason.data, sent_at=_sent_at(form)
        )
    except breaches.SentAtRefused:
        form.sent_on.errors = [
            _("The notice cannot be sent in the future or before the breach was discovered.")
        ]
        return _page(found, 400, notice_form=form)
    except breaches.LateReasonRequired:
        form.late_reason.errors = [
            _("The 72 hours have passed: give the reasons for the delay (PDPA s.12B).")
        ]
        return _page(found, 400, notice_form=form)
    except breaches.BreachError:
        abort(404)
    db.session.commit()
    flash(_("The notice to the Commissioner is recorded."), "success")
    return redirect(url_for("admin.breach", breach_id=breach_id))


def _sent_at(form):
    """The moment a notice form says it was sent, or None: sent just now."""
    if form.sent_on.data is None:
        return None
    return local_moment(form.sent_on.data, parse_time(form.sent_time.data))


@bp.post("/breaches/<int:breach_id>/follow-up")
def breach_follow_up(breach_id: int):
    found, form = _breach(breach_id), FollowUpForm()
    if not form.validate_on_submit():
        return _page(found, 400, follow_up_form=form)
    try:
        breaches.record_follow_up(found, _me(), form.details.data, sent_at=_sent_at(form))
    except breaches.SentAtRefused:
        form.sent_on.errors = [
            _("The details cannot be sent in the future or before the first notice.")
        ]
        return _page(found, 400, follow_up_form=form)
    except breaches.BreachError:
        abort(404)
    db.session.commit()
    flash(_("The further details to the Commissioner are recorded."), "success")
    return redirect(url_for("admin.breach", breach_id=breach_id))


def _find(form: SelectionForm) -> selection.Found | None:
    """The sellers the form's query finds; None (with the error on the form) for a party or
    member of staff that is not in the list."""
    query = form.query.data
    if query == "emails":
        return selection.pasted(form.emails.data)
    first, last = form.first_day.data, form.last_day.data
    if query == "uploads":
        return selection.uploaded(first, last)
    if query == "party":
        names = {choice.value: choice.label for choice in form.party.choices}
        if form.party.data not in names:
            form.party.errors = [_("Choose a third party.")]
            return None
        return selection.disclosed_to(form.party.data, names[form.party.data], first, last)
    names = {choice.value: choice.label for choice in form.staff.choices}
    if form.staff.data not in names:
        form.staff.errors = [_("Choose a member of staff.")]
        return None
    return selection.seen_by(form.staff.data, names[form.staff.data], first, last)


@bp.post("/breaches/<int:breach_id>/sellers")
def breach_select(breach_id: int):
    found = _breach(breach_id)
    if found.notify_started_at is not None:
        abort(404)
    form = _selection_form(SelectionForm())
    if not form.validate_on_submit():
        return _page(found, 400, selection_form=form)
    chosen = _find(form)
    if chosen is None:
        return _page(found, 400, selection_form=form)
    if not chosen.user_ids:
        form.query.errors = [_("No seller matches: nothing was saved.")]
        return _page(found, 400, selection_form=form)
    count = selection.save(found, _me(), chosen.user_ids, chosen.described)
    db.session.commit()
    flash(
        _(
            "%(n)d sellers selected. Nothing has been sent yet.",
            n=count,
        ),
        "success",
    )
    if chosen.unknown:
        flash(
            _("%(n)d addresses are no seller's and were left out.", n=len(chosen.unknown)),
            "warning",
        )
    return redirect(url_for("admin.breach", breach_id=breach_id, _anchor="sellers"))


@bp.post("/breaches/<int:breach_id>/notify")
def breach_notify(breach_id: int):
    """Start notifying (the first time, with the texts), or resume an interrupted run."""
    found = _breach(breach_id)
    if found.notify_started_at is None:
        form = NotifyForm()
        if not form.validate_on_submit():
            return _page(found, 400, notify_form=form)
        try:
            notify.start(
                found, _me(), message_en=form.message_en.data, message_ms=form.message_ms.data
            )
        except breaches.BreachError:
            abort(404)
        db.session.commit()
    queued = notify.notify_sellers(breach_id)
    flash(_("%(n)d notices queued for sending.", n=queued), "success")
    return redirect(url_for("admin.breach", breach_id=breach_id, _anchor="sellers"))


@bp.get("/breaches/<int:breach_id>/notice")
def breach_notice(breach_id: int):
    """The notice to the Commissioner, printable, in English and in Malay."""
    found = _breach(breach_id)
    halves = []
    for language in ("en", "ms"):
        with force_locale(language):
            # Our own template's output, escaped as it was rendered.
            halves.append(
                Markup(  # noqa: S704
                    render_template(
                        "admin/_breach_notice.html",
                        breach=found,
                        language=language,
                        clocks=clocks_of(found),
                        category_name=category_name,
                        harm_words=breaches.HARM_WORDS,
                    )
                )
            )
    return render_template("admin/breach_notice.html", breach=found, halves=halves)
