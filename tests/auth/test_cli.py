"""``flask staff create``: prompts twice, reads standard input, refuses weak or taken."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.security import check_password
from tests.support import PASSWORD, make_seller


def test_staff_create_prompts_twice_and_reads_stdin(app, runner):
    result = runner.invoke(
        args=["staff", "create", "Reviewer@Example.com", "--role", "reviewer"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created staff account" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "reviewer@example.com"))
        assert user.role == "reviewer"
        assert user.is_verified
        assert check_password(PASSWORD, user.password_hash)


def test_staff_create_makes_a_data_protection_officer(app, runner):
    result = runner.invoke(
        args=["staff", "create", "dpo@example.com", "--role", "dpo"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "dpo@example.com"))
        assert user.role == "dpo"
        assert user.is_staff


def test_staff_create_refuses_mismatched_confirmation(app, runner):
    result = runner.invoke(
        args=["staff", "create", "a@example.com", "--role", "admin"],
        input=f"{PASSWORD}\nsomething-else-entirely\n",
    )
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_staff_create_refuses_weak_passwords_unknown_roles_and_taken_emails(app, runner):
    weak = runner.invoke(
        args=["staff", "create", "a@example.com", "--role", "admin"], input="short\nshort\n"
    )
    assert weak.exit_code != 0 and "at least 12 characters" in weak.output

    role = runner.invoke(
        args=["staff", "create", "a@example.com", "--role", "seller"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert role.exit_code != 0 and "Invalid value for '--role'" in role.output

    with app.app_context():
        make_seller("taken@example.com")
    taken = runner.invoke(
        args=["staff", "create", "taken@example.com", "--role", "support"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert taken.exit_code != 0 and "already exists" in taken.output
    with app.app_context():
        assert (
            db.session.scalar(select(User.role).where(User.email == "taken@example.com"))
            == "seller"
        )


def test_demo_load_creates_a_seller_and_an_admin_and_can_run_again(app, runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == second.exit_code == 0
    assert "seller@example.com / koopseri-demo-seller" in first.output
    assert "admin@example.com / koopseri-demo-admin" in first.output
    with app.app_context():
        roles = sorted(db.session.scalars(select(User.role)))
    assert roles == ["admin", "seller"]
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"email": "seller@example.com", "password": "koopseri-demo-seller"}
    )
    assert response.headers["Location"] == "/dashboard"


def test_the_demo_seller_has_photos_and_an_identity_document_to_review(app, runner):
    from portal.documents.models import Document

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        kinds = sorted(db.session.scalars(select(Document.kind)))
        status = db.session.scalar(select(Document.status).where(Document.kind == "identity"))
    assert kinds == ["identity", "profile_photo", "shop_photo", "shop_photo"]
    assert status == "pending"
    check = runner.invoke(args=["documents", "check"])
    assert check.exit_code == 0, check.output
