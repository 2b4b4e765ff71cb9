"""``flask staff create EMAIL --role ROLE``: staff accounts are made here, never in the browser."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.auth import services
from portal.auth.roles import STAFF_ROLES
from portal.extensions import db
from portal.security import password_problems


@click.group(help="Manage staff accounts.")
def staff():
    pass


@staff.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in STAFF_ROLES]), required=True)
@click.option(
    "--name", default=None, help="Full name; sellers see only the first name in their access log."
)
@click.password_option(help="Asked twice when not given; read from standard input if piped.")
@with_appcontext
def create(email: str, role: str, name: str | None, password: str) -> None:
    """Create a staff account with ROLE; the password is asked for twice. Two-factor log-in
    is set up at the first log-in, before anything else in the back office."""
    problems = password_problems(password, avoid=[email])
    if problems:
        raise click.ClickException(" ".join(str(p) for p in problems))
    try:
        user = services.create_staff(email, role, password, full_name=name)
    except services.EmailTaken:
        raise click.ClickException("An account with that email already exists.") from None
    db.session.commit()
    click.echo(f"Created staff account {user.id} with role {role}.")
