"""Third parties that receive seller data (the registry comes with its issue)."""

from flask import Blueprint, render_template

bp = Blueprint("sharing", __name__)


@bp.get("/third-parties")
def third_parties():
    return render_template("sharing/third_parties.html")
