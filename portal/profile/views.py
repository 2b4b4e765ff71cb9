"""/profile: the sections, email change, bank details, history and the yearly review (the
business details section is in :mod:`portal.profile.business_views`).

Every route acts on the logged-in seller's own data: no URL carries a seller's id, so there
is nothing to point at someone else's. The blueprint's guard lets in sellers only.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import formatting
from portal.auth import registration
from portal.auth import services as auth
from portal.auth.models import User
from portal.clock import local_today
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.outbox.redaction import secret_link
from portal.pagination import page_number
from portal.profile import bp, choices, email_change, forms, services
from portal.profile.business import selling_as_label
from portal.security import (
    TokenInvalid,
    TokenUsed,
    account_id,
    rate_limited,
    reauth_required,
    sellers_only,
)

RECENT_CHANGES = 5
HISTORY_PAGE_SIZE = 50


# The email-change links are opened from a mailbox, possibly logged out or on another device.
bp.before_request(
    sellers_only(
        "profile.confirm_email", "profile.cancel_email_change", "profile.email_change_cancelled"
    )
)


# How the history names each field, and shows its values.
FIELD_LABELS = {
    "full_name": _l("Full legal name"),
    "display_name": _l("Shop name"),
    "date_of_birth": _l("Date of birth"),
    "email": _l("Email"),
    "phone_e164": _l("Phone number"),
    "address_line1": _l("Address line 1"),
    "address_line2": _l("Address line 2"),
    "city": _l("Town or city"),
    "postcode": _l("Postcode"),
    "state": _l("State or region"),
    "country": _l("Country"),
    "bank_code": _l("Bank"),
    "bank_other_name": _l("Other bank name"),
    "holder_name": _l("Account holder name"),
    "account_number": _l("Account number"),
    "selling_as": _l("How you sell"),
    "business_name": _l("Registered business name"),
    "ssm_number": _l("SSM registration number"),
    "ssm_old_number": _l("Old SSM registration number"),
    "tin": _l("Tax identification number (TIN)"),
    "sst_registered": _l("Registered for SST"),
    "sst_number": _l("SST registration number"),
}


def _stored_day(value: str) -> str:
    try:
        return formatting.day(date.fromisoformat(value))
    except ValueError:  # not a date after all: shown as it was stored
        return value


_VALUE_NAMES = {
    "state": choices.state_name,
    "country": choices.country_name,
    "bank_code": choices.bank_name,
    # Kept as written to the history ("1988-07-01", "+60132224455"), shown the Malaysian way.
    "date_of_birth": _stored_day,
    "phone_e164": formatting.phone,
    "selling_as": selling_as_label,
    # A yes or no, kept as Python wrote it.
    "sst_registered": lambda value: _("Yes") if value == "True" else _("No"),
}


@bp.context_processor
def _history_helpers():
    def describe(field: str, value: str | None) -> str:
        if value is None:
            return "—"
        return _VALUE_NAMES.get(field, str)(value)

    return {"field_label": lambda field: FIELD_LABELS.get(field, field), "describe": describe}


def _me() -> User:
    return current_user._get_current_object()


def _saved(changed: list[str], section: str):
    """Commit, then back to the summary, saying which section was saved (or that nothing
    had changed)."""
    db.session.commit()
    if changed:
        flash(SAVED[section], "success")
    else:
        flash(_("Nothing had changed, so nothing was saved."), "info")
    return redirect(url_for("profile.index"))


# What the summary says after a section was saved, naming the section.
SAVED = {
    "personal": _l("Your personal details have been saved."),
    "contact": _l("Your contact details have been saved."),
    "address": _l("Your address has been saved."),
    "financial": _l("Your bank details have been saved."),
    "business": _l("Your business details have been saved."),
}


def holder_name_differs_message(facts: services.BankFacts) -> str:
    """What the seller reads when the bank account's holder is not who it should be."""
    if facts.expected_source == "business":
        return _(
            "The account holder's name differs from the name on your business registration: "
            "upload a proof of bank account so we can check it."
        )
    return _(
        "The account holder's name differs from the name on your identity document: "
        "upload a proof of bank account so we can check it."
    )


def _bank_check(user: User, bank, business) -> services.BankFacts:
    """The holder's name against the seller's, from rows already loaded (no query)."""
    return services.holder_check(
        user.full_name,
        bank.holder_name if bank else None,
        business.selling_as if business else None,
        business.business_name if business else None,
    )


@bp.get("")
def index():
    """A summary of every section, each row with a "Change" link to the page that edits
    just that section: nothing typed on one page can be dropped by another's button."""
    user = _me()
    profile, bank, business = services.profile_bank_and_business(user.id)
    recent, _more = services.history(user.id, per_page=RECENT_CHANGES)
    bank_check = _bank_check(user, bank, business)
    return render_template(
        "profile/index.html",
        profile=profile,
        bank=bank,
        business=business,
        selling_as_label=selling_as_label,
        bank_check=bank_check,
        bank_check_message=holder_name_differs_message(bank_check),
        dob_locked=user.identity_verified_at is not None,
        reviewed=services.review_of(user, profile),
        recent=recent,
        choices=choices,
    )


# Each section's page: on GET the form holds what is saved; on POST only what was sent
# (never mixed with what is saved), and shown again with all of it when it is not valid.


@bp.route("/personal", methods=["GET", "POST"])
def personal():
    user = _me()
    locked = user.identity_verified_at is not None
    if request.method == "POST":
        form = forms.PersonalForm(locked_dob=locked)
    else:
        profile = services.profile_of(user.id)
        form = forms.PersonalForm(
            formdata=None,
            locked_dob=locked,
            data={
                "full_name": user.full_name,
                "display_name": profile.display_name if profile else None,
                "date_of_birth": user.date_of_birth,
            },
        )
    if form.validate_on_submit():
        dob = form.date_of_birth.data if "date_of_birth" in form else user.date_of_birth
        data = services.Personal(form.full_name.data, form.display_name.data, dob)
        try:
            changed = services.update_personal(user, data, actor=user, today=local_today())
        except registration.UnderAge:
            form.date_of_birth.errors.append(
                _("Sellers must be at least %(n)d years old.", n=current_app.config["MINIMUM_AGE"])
            )
        else:
            return _saved(changed, "personal")
    return render_template("profile/personal.html", form=form, dob_locked=locked)


@bp.route("/contact", methods=["GET", "POST"])
def contact():
    user = _me()
    if request.method == "POST":
        form = forms.ContactForm()
    else:
        form = forms.ContactForm(formdata=None, data={"phone": formatting.phone(user.phone_e164)})
    if form.validate_on_submit():
        return _saved(services.update_contact(user, form.phone.e164, actor=user), "contact")
    return render_template("profile/contact.html", form=form)


@bp.route("/address", methods=["GET", "POST"])
def address():
    if request.method == "POST":
        form = forms.AddressForm()
    else:
        form = forms.AddressForm.for_profile(services.profile_of(_me().id), formdata=None)
    if form.validate_on_submit():
        return _saved(services.update_address(_me(), form.to_address(), actor=_me()), "address")
    return render_template("profile/address.html", form=form)


@bp.route("/financial", methods=["GET", "POST"])
@reauth_required
def financial():
    user = _me()
    bank = services.bank_account_of(user.id)
    form = forms.FinancialForm(
        keep_number=bank is not None,
        data={
            "bank": bank.bank_code if bank else "",
            "bank_other": bank.bank_other_name if bank else None,
            "holder_name": bank.holder_name if bank else user.full_name,
        },
    )
    if form.validate_on_submit():
        data = services.Financial(
            bank_code=form.bank.data,
            bank_other_name=form.bank_other.data if form.bank.data == choices.OTHER_BANK else None,
            holder_name=form.holder_name.data,
            account_number=form.account_number.data or bank.account_number,
        )
        changed = services.update_financial(user, data, actor=user)
        facts = services.standing(user.id).bank
        response = _saved(changed, "financial")
        if facts.holder_name_differs:  # said after "saved", and on the summary with a link
            flash(holder_name_differs_message(facts), "warning")
        return response
    facts = services.standing(user.id).bank
    return render_template(
        "profile/financial.html",
        form=form,
        bank=bank,
        bank_check=facts,
        bank_check_message=holder_name_differs_message(facts),
    )


@bp.get("/financial/number")
@reauth_required
def account_number():
    bank = services.bank_account_of(_me().id)
    if bank is None:
        return redirect(url_for("profile.financial"))
    return render_template("profile/account_number.html", bank=bank, choices=choices)


def _new_email() -> str:
    # A keyed digest: the address cannot be read back from the rate-limit store.
    return auth.normalize_email(request.form.get("new_email", ""))


# Each request mails the new address and the current one: limited per account, per client
# address and per new address (which never asked for anything). Counted once the password
# was confirmed, so a redirect to confirm it costs nothing.
@bp.route("/email", methods=["GET", "POST"])
@reauth_required
@rate_limited(
    "RATELIMIT_EMAIL_CHANGE_PER_ACCOUNT", "email-change-account", account_id, methods=["POST"]
)
@rate_limited("RATELIMIT_EMAIL_CHANGE_PER_IP", methods=["POST"])
@rate_limited(
    "RATELIMIT_EMAIL_CHANGE_PER_ADDRESS", "email-change-address", _new_email, methods=["POST"]
)
def change_email():
    user = _me()
    form = forms.EmailChangeForm()
    if form.validate_on_submit():
        try:
            email_change.request_email_change(user, form.new_email.data)
        except email_change.SameEmail:
            form.new_email.errors.append(_("This is already your email address."))
        else:
            db.session.commit()
            flash(
                _(
                    "We have sent a link to %(email)s. Your email address changes only when you open it.",
                    email=auth.normalize_email(form.new_email.data),
                ),
                "info",
            )
            return redirect(url_for("profile.index"))
    return render_template("profile/change_email.html", form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@secret_link
def confirm_email(token: str):
    form = ConfirmForm()
    try:
        user, new_email = email_change.email_change_target(token)
        if current_user.is_authenticated and current_user.id != user.id:
            raise TokenInvalid()  # a link for another account: do not even show the address
        if form.validate_on_submit():
            email_change.confirm_email_change(token)
            db.session.commit()
            flash(_("Your email address is now %(email)s.", email=new_email), "success")
            if current_user.is_authenticated:
                return redirect(url_for("profile.index"))
            return redirect(url_for("auth.login"))
    except TokenUsed:
        flash(_("This link has already been used: your email address was changed."), "info")
        return redirect(url_for("main.dashboard"))
    except TokenInvalid as exc:
        taken = isinstance(exc, email_change.EmailTaken)
        return render_template(
            "profile/email_link_invalid.html", expired=exc.expired, taken=taken
        ), 400
    return render_template("profile/confirm_email.html", form=form, new_email=new_email)


@bp.route("/email/cancel/<token>", methods=["GET", "POST"])
@secret_link
def cancel_email_change(token: str):
    """The "This wasn't me" link in the alert sent to the current address; works logged out.

    Opening the link only shows a button: mail scanners open every link in a message.
    """
    form = ConfirmForm()
    try:
        new_email_masked = email_change.cancel_offer(token)
        if form.validate_on_submit():
            email_change.cancel_email_change(token)
            db.session.commit()
            return _cancelled()
    except TokenUsed:
        return _cancelled()  # pressed twice: the same answer, nothing more to do
    except TokenInvalid as exc:
        return render_template(
            "profile/email_link_invalid.html", expired=exc.expired, cancel=True
        ), 400
    return render_template(
        "profile/cancel_email_change.html", form=form, new_email_masked=new_email_masked
    )


def _cancelled():
    flash(
        _("The change of email address is cancelled. Your account keeps its email address."),
        "success",
    )
    return redirect(url_for("profile.email_change_cancelled"))


@bp.get("/email/cancelled")
def email_change_cancelled():
    """What to do after cancelling a change someone else asked for."""
    return render_template("profile/email_change_cancelled.html")


@bp.get("/history")
def history():
    page = page_number(request.args)
    rows, more = services.history(_me().id, page=page, per_page=HISTORY_PAGE_SIZE)
    return render_template("profile/history.html", rows=rows, page=page, more=more, choices=choices)


@bp.route("/review", methods=["GET", "POST"])
def review():
    user = _me()
    form = ConfirmForm()
    if form.validate_on_submit():
        services.mark_reviewed(user)
        db.session.commit()
        flash(_("Thank you. Your details are marked as reviewed today."), "success")
        return redirect(url_for("main.dashboard"))
    profile, bank, business = services.profile_bank_and_business(user.id)
    return render_template(
        "profile/review.html",
        form=form,
        profile=profile,
        bank=bank,
        business=business,
        selling_as_label=selling_as_label,
        reviewed=services.review_of(user, profile),
        choices=choices,
    )
