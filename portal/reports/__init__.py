"""Reports that a minor's personal data was shared (the public form comes with its issue)."""

from flask import Blueprint, render_template

bp = Blueprint("reports", __name__)


@bp.get("/report-minor")
def report_minor():
    return render_template("reports/report_minor.html")
