"""/admin/verification: the sellers verification holds back, restricted first, then those
asked to act, the soonest deadline first (as the last daily run stored them)."""

from __future__ import annotations

from flask import render_template, request

from portal.admin import bp
from portal.pagination import page_number
from portal.verification import services as verification


@bp.get("/verification")
def verification_queue():
    found = verification.queue(page_number(request.args))
    return render_template(
        "admin/verification.html",
        items=found.items,
        total=found.total,
        page=found.page,
        has_next=found.has_next,
    )
