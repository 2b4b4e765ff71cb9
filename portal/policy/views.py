"""Public policy pages (the version in effect, any version, the changes between two, the Data
Protection Officer's contact) and the acceptance page, where the policy gate
(``portal.gates``) sends a seller until they accept.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.i18n import chosen, current_language
from portal.pagination import whole_number
from portal.policy import bp, services
from portal.policy.diff import word_diff
from portal.policy.forms import AcceptForm
from portal.security import client_user_agent, is_safe_redirect


@bp.app_template_filter("policy_markdown")
def _policy_markdown(markdown: str):
    return services.render(markdown)


def reading_language() -> str:
    """The language the policy is shown in: the page's own switch (``?lang=``), else the
    language of the portal's pages."""
    return chosen(request.args.get("lang")) or current_language()


@bp.get("/privacy")
def current():
    version = services.current_version()
    return render_template(
        "policy/version.html",
        version=version,
        text=services.text_of(version, reading_language()),
        is_current=True,
        upcoming=services.upcoming_version(),
    )


@bp.get("/privacy/<int:number>")
def version(number: int):
    found = services.get_version(number)
    if found is None:
        abort(404)
    current = services.current_version()
    return render_template(
        "policy/version.html",
        version=found,
        text=services.text_of(found, reading_language()),
        is_current=found.id == current.id,
        upcoming=None,
    )


@bp.get("/privacy/contact")
def contact():
    """The Data Protection Officer's contact (PDPA s.12A), from the DPO_* settings. A page
    of the policy blueprint, so a closed account and a seller yet to accept a new version
    reach it too (portal.gates)."""
    config = current_app.config
    return render_template(
        "policy/contact.html",
        dpo_name=config["DPO_NAME"],
        dpo_email=config["DPO_EMAIL"],
        dpo_phone=config["DPO_PHONE"],
        # The request pages are the requests room's (a layer above: named, not imported).
        seller_requests=url_for("requests.mine"),
        public_request=url_for("requests.public"),
    )


@bp.get("/privacy/changes")
def changes():
    versions = services.all_versions()
    numbers = [v.version for v in versions]
    newest = numbers[0]
    to = whole_number(request.args.get("to")) or newest
    since = whole_number(request.args.get("from")) or max(to - 1, 1)
    by_number = {version.version: version for version in versions}  # no statement more
    older, newer = by_number.get(since), by_number.get(to)
    language = reading_language()
    diff = missing = None
    if older and newer:
        older_text, newer_text = services.texts_to_compare(older, newer, language)
        missing = older_text.missing or newer_text.missing
        diff = word_diff(older_text.body_markdown, newer_text.body_markdown)
    return render_template(
        "policy/changes.html",
        versions=versions,
        since=since,
        to=to,
        diff=diff,
        numbers=numbers,
        language=language,
        missing=missing,
        summaries=services.summaries_in(versions, language),
    )


@bp.route("/privacy/accept", methods=["GET", "POST"])
def accept():
    if not current_user.is_authenticated or not current_user.is_seller:
        return redirect(url_for("policy.current"))
    target = request.args.get("next")
    if not is_safe_redirect(target):
        target = url_for("main.dashboard")
    version, accepted = services.in_effect_and_accepted(current_user.id)
    if not services.is_due(version, accepted):
        return redirect(target)
    language = reading_language()
    form = AcceptForm(version=version.version, language=language)
    if form.validate_on_submit():
        if form.version.data != str(version.version):  # a newer one came into effect meanwhile
            flash(
                _("The policy changed again while you were reading. Please read this version."),
                "warning",
            )
            return redirect(url_for("policy.accept", next=target))
        services.record_consent(
            user_id=current_user.id,
            version=version,
            language=services.text_of(version, form.language.data).language,
            ip_address=request.remote_addr or "",
            user_agent=client_user_agent(),
            context="update",
        )
        db.session.commit()
        flash(_("Thank you. You accepted version %(n)s.", n=version.version), "success")
        return redirect(target)
    text = services.text_of(version, language)
    diff = None
    if accepted:
        before, text = services.texts_to_compare(accepted, version, language)
        diff = word_diff(before.body_markdown, text.body_markdown)
    form.language.data = text.language  # what is shown is what is accepted
    return (
        render_template(
            "policy/accept.html",
            version=version,
            accepted=accepted,
            diff=diff,
            text=text,
            form=form,
        ),
        400 if form.errors else 200,
    )
