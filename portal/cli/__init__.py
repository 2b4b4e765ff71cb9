"""The command line (``flask --app wsgi <group> ...``): one module per command group.

The commands sit on top of the house, beside the back office: like a staff page, a command
calls the features' services and never reaches into their tables. Each module defines one
click group; :func:`register` adds them all to the app.
"""

from __future__ import annotations

from flask import Flask

from portal.cli.demo import demo
from portal.cli.documents import documents
from portal.cli.keys import keys
from portal.cli.outbox import outbox
from portal.cli.policy import policy
from portal.cli.privacy import privacy
from portal.cli.reminders import reminders
from portal.cli.reports import reports
from portal.cli.retention import retention
from portal.cli.staff import staff
from portal.cli.verification import verification_group

GROUPS = (
    staff,
    keys,
    reminders,
    documents,
    outbox,
    policy,
    privacy,
    reports,
    retention,
    verification_group,
    demo,
)


def register(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
