"""The privacy policy: public pages for every version, and the consent records behind them."""

from flask import Blueprint

bp = Blueprint("policy", __name__)

from portal.policy import views  # noqa: E402,F401  (routes attach themselves to bp)
