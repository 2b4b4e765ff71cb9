"""The retention schedule (rules.py), the job that applies it (job.py), its command, and the
public page that prints it (/retention, views.py)."""

from flask import Blueprint

bp = Blueprint("retention", __name__)

from portal.retention import views  # noqa: E402,F401  (routes attach themselves to bp)
