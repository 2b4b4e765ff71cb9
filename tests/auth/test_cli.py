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
    assert "company@example.com / koopseri-demo-company" in first.output
    assert "admin@example.com / koopseri-demo-admin" in first.output
    with app.app_context():
        roles = sorted(db.session.scalars(select(User.role)))
    assert roles == ["admin", "seller", "seller"]
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"email": "seller@example.com", "password": "koopseri-demo-seller"}
    )
    assert response.headers["Location"] == "/dashboard"


def test_the_demo_seller_has_photos_and_an_identity_document_to_review(app, runner):
    from portal.documents import services
    from portal.documents.models import Document

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        seller = db.session.scalar(select(User).where(User.email == "seller@example.com"))
        mine = select(Document).where(Document.user_id == seller.id)
        kinds = sorted(document.kind for document in db.session.scalars(mine))
        identity = db.session.scalar(mine.where(Document.kind == "identity"))
        number = services.overview(seller.id).identity_number
    assert kinds == ["identity", "profile_photo", "shop_photo", "shop_photo"]
    assert identity.status == "pending"
    assert number.identity_type == "mykad"
    assert number.number.startswith("900517")  # her date of birth, 17 May 1990
    check = runner.invoke(args=["documents", "check"])
    assert check.exit_code == 0, check.output


def test_the_demo_company_seller_waits_in_the_verification_queue(app, runner):
    """The second demo seller sells as a company: his SSM certificate and MyKad wait for
    review, and his bank account is in his own name, so the proof of bank account is due
    within a week and the back office's queue lists him."""
    from portal.documents.models import Document
    from portal.profile import services as profile
    from portal.verification import services as verification
    from portal.verification.states import Code, State, Status

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        seller = db.session.scalar(select(User).where(User.email == "company@example.com"))
        statuses = dict(
            db.session.execute(
                select(Document.kind, Document.status).where(Document.user_id == seller.id)
            ).all()
        )
        business = profile.business_of(seller.id)
        today = verification.today_for(seller)
        summary = verification.summary(seller.id)
        queued = [entry.seller.email for entry in verification.queue(1).items]
    assert statuses == {"identity": "pending", "business_registration": "pending"}
    assert (business.selling_as, business.ssm_number, business.ssm_old_number) == (
        "company",
        "201501012345",
        "1123456-K",
    )
    assert summary.status == Status.ACTION_NEEDED
    bank = next(item for item in summary.requirements if item.code == Code.BANK)
    assert (bank.state, bank.reason) == (State.CURRENTLY_DUE, "holder_name_differs")
    assert (bank.deadline - today).days == 7
    assert queued == ["company@example.com"]
