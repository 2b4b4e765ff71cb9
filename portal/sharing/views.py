"""Routes of the sharing blueprint: the public registry of third parties, and "where my data
went". The features that share data (shipping, integrations) have their own pages and walk
through the door with :mod:`portal.sharing.door_views`."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal.datamap import category_names
from portal.pagination import page_number
from portal.sharing import bp, services
from portal.sharing.models import CORRECTION, PORTABILITY


@bp.app_template_filter("category_labels")
def _category_labels(values) -> str:
    return category_names(values)


@bp.get("/third-parties")
def third_parties():
    return render_template("sharing/third_parties.html", parties=services.active_parties())


@bp.get("/account/disclosures")
def disclosures():
    page = page_number(request.args)
    party = request.args.get("party") or None
    items, has_next = services.disclosures_for(current_user.id, party_slug=party, page=page)
    return render_template(
        "sharing/disclosures.html",
        items=items,
        page=page,
        has_next=has_next,
        party=party,
        parties=services.parties_in_disclosures(current_user.id),
        correction=CORRECTION,
        portability=PORTABILITY,
    )
