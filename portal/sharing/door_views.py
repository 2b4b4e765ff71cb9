"""The two steps every feature that shares data walks through the door, for its views.

The seller fills in the feature's form, then reads exactly what will be sent and to whom
(:func:`check_page`), and confirms. The confirmation carries a fingerprint of what was
shown; if the seller's data changed meanwhile, they are shown the new version first. When
the door sends nothing, :func:`refused` gives the answer: the form with what is missing, the
check page again, or the form with why nothing was shared.

A feature's page takes ``(form, *, error=None, missing=(), status=200)``; ``missing`` goes
through :func:`missing_links` into ``templates/sharing/_problems.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import flash, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from portal.sharing import payload, services
from portal.sharing.models import ThirdParty
from portal.sharing.payload import MissingDetails

# What a feature's service may raise when the door sends nothing: catch these, answer with
# :func:`refused`.
REFUSALS = (MissingDetails, services.SharingError)


def check_page(
    party: ThirdParty,
    fields: Iterable[str],
    form,
    *,
    page: Callable,
    confirm: str,
    back: str,
    hidden: dict[str, str],
    summary: str,
):
    """The page showing exactly what ``party`` will receive, with a button to confirm (to
    the ``confirm`` endpoint); or the form again, listing what the seller must add first."""
    try:
        shown = services.preview(current_user._get_current_object(), party, fields)
    except MissingDetails as exc:
        return page(form, missing=exc.fields, status=400)
    return render_template(
        "sharing/confirm.html",
        party=party,
        payload=shown,
        form=form,
        action=url_for(confirm),
        back=url_for(back),
        hidden=hidden,
        summary=summary,
    )


def refused(exc: Exception, form, *, page: Callable, check_again: Callable):
    """The answer when the door sent nothing (``exc`` is one of :data:`REFUSALS`)."""
    if isinstance(exc, MissingDetails):
        return page(form, missing=exc.fields, status=400)
    if isinstance(exc, services.DetailsChanged):
        flash(str(exc.message), "warning")
        return check_again()
    db.session.rollback()
    return page(form, error=exc.message, status=503)


def missing_links(fields: Iterable[str]) -> list[tuple[str, str]]:
    """(label, link to where the seller fills it in) for each field the door found missing."""
    links = []
    for name in fields:
        endpoint, anchor = payload.HOMES[name]
        links.append((str(payload.FIELDS[name].label), url_for(endpoint, _anchor=anchor)))
    return links
