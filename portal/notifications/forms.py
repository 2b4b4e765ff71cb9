"""The one form of the notification centre."""

from __future__ import annotations

from portal.forms import PortalForm


class ReadAllForm(PortalForm):
    """Only the CSRF token: "mark all read" acts on the logged-in seller's own messages."""
