"""The one form of the notification centre."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ReadAllForm(FlaskForm):
    """Only the CSRF token: "mark all read" acts on the logged-in seller's own messages."""
