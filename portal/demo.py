"""``flask demo load``: one seller and one admin to try the portal with (development only)."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from portal.auth import services as auth
from portal.auth.models import Role, User
from portal.extensions import db
from portal.policy import services as policy
from portal.security import hash_password
from portal.sqltypes import utcnow

DEMO_ACCOUNTS = (
    # email, password, role
    ("seller@example.com", "koopseri-demo-seller", Role.SELLER),
    ("admin@example.com", "koopseri-demo-admin", Role.ADMIN),
)


@click.group(help="Demonstration data.")
def demo():
    pass


@demo.command("load")
@with_appcontext
def load() -> None:
    """Create (or reset) the demo seller and admin, and print their credentials."""
    for email, password, role in DEMO_ACCOUNTS:
        user = auth.find_by_email(email)
        if user is None:
            user = User(email=email, role=role, email_verified_at=utcnow(), password_hash="")
            if role == Role.SELLER:
                user.full_name = "Nur Aisyah binti Ahmad"
                user.date_of_birth = date(1990, 5, 17)
                user.phone_e164 = "+60123456789"
            db.session.add(user)
            db.session.flush()
            if role == Role.SELLER:
                policy.record_consent(
                    user_id=user.id,
                    version=policy.current_version(),
                    ip_address="127.0.0.1",
                    user_agent="flask demo load",
                    context="registration",
                )
        user.password_hash = hash_password(password)
        click.echo(f"{role.value:>7}: {email} / {password}")
    db.session.commit()
