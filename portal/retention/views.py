"""/retention, for everyone: the schedule, generated from the rules the retention job runs
and from the data map, so the page and the job cannot disagree."""

from __future__ import annotations

from flask import render_template

from portal.datamap import PERSONAL, STORED_FILES, Category
from portal.retention import bp
from portal.retention.rules import RULES


@bp.get("/retention")
def index():
    covered: dict[str, set[str]] = {rule.key: set() for rule in RULES}
    for entry in (*PERSONAL.values(), *STORED_FILES.values()):
        if entry.category != Category.INTERACTION:
            covered[entry.retention].add(entry.category.value)
    return render_template("retention/index.html", rules=RULES, covered=covered)
