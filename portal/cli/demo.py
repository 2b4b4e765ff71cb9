"""``flask demo load``: two sellers and one admin to try the portal with (development only).

The first seller sells as an individual and comes with a full profile, photos and a MyKad,
its number typed with it, waiting for review, and a DHL pickup (sent through the sharing
service, to the development folder). The second sells as a company: business details with
the SSM number (new and old), TIN and SST number, the SSM certificate and a MyKad waiting for
review, and a bank account in his own name rather than the company's, so the proof of bank
account is due. Both are then evaluated as the daily ``verification run`` would, the second
as if he had joined three weeks ago: his deadline is a week away, and the back office's
verification queue lists him.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from PIL import Image, ImageDraw

from portal.auth import services as auth
from portal.auth.models import User
from portal.auth.roles import Role
from portal.cli import seed
from portal.clock import local_today, utcnow
from portal.documents import services as documents
from portal.extensions import db
from portal.policy import services as policy
from portal.profile import services as profile
from portal.security import hash_password
from portal.shipping import services as shipping
from portal.verification import services as verification

DEMO_ACCOUNTS = (
    # email, password, role (the first seller is the one the docs and screenshots use)
    ("seller@example.com", "koopseri-demo-seller", Role.SELLER),
    ("company@example.com", "koopseri-demo-company", Role.SELLER),
    ("admin@example.com", "koopseri-demo-admin", Role.ADMIN),
)


@dataclass(frozen=True)
class DemoSeller:
    full_name: str
    date_of_birth: date
    phone_e164: str


DEMO_SELLERS = {
    "seller@example.com": DemoSeller("Nur Aisyah binti Ahmad", date(1990, 5, 17), "+60123456789"),
    "company@example.com": DemoSeller("Mohd Hafiz bin Ismail", date(1984, 11, 2), "+60197654321"),
}
# The company seller is evaluated first this many days ago: his bank proof falls due then,
# and its deadline (VERIFICATION_DEADLINE_DAYS, 30 by default) comes a week from today.
COMPANY_JOINED_DAYS_AGO = 23


@click.group(help="Demonstration data.")
def demo():
    pass


@demo.command("load")
@click.option(
    "--sellers",
    type=click.IntRange(min=0),
    default=0,
    help="Also add this many realistic sellers, in batches (for measuring a large database).",
)
@with_appcontext
def load(sellers: int) -> None:
    """Create (or reset) the demo sellers and admin, and print their credentials; with
    --sellers N, add N more sellers after those added before (portal/cli/seed.py)."""
    for email, password, role in DEMO_ACCOUNTS:
        user = auth.find_by_email(email)
        if user is None:
            user = User(email=email, role=role, email_verified_at=utcnow(), password_hash="")
            if role == Role.SELLER:
                seller = DEMO_SELLERS[email]
                user.full_name = seller.full_name
                user.date_of_birth = seller.date_of_birth
                user.phone_e164 = seller.phone_e164
            db.session.add(user)
            db.session.flush()
            if role == Role.SELLER:
                policy.record_consent(
                    user_id=user.id,
                    version=policy.current_version(),
                    language="en",
                    ip_address="127.0.0.1",
                    user_agent="flask demo load",
                    context="registration",
                )
                if email == "company@example.com":
                    _fill_company_profile(user)
                else:
                    _fill_demo_profile(user)
                    verification.refresh(user.id, verification.today_for(user))
        user.password_hash = hash_password(password)
        click.echo(f"{role.value:>7}: {email} / {password}")
        if role != Role.SELLER and not user.two_factor_enabled:
            click.echo("         (staff set up two-factor log-in with an authenticator app first)")
    db.session.commit()
    if sellers:
        started = time.monotonic()
        added = seed.seed_sellers(
            sellers, progress=lambda done: click.echo(f"  {done:>9,} sellers added")
        )
        click.echo(
            f"{added:,} sellers added in {time.monotonic() - started:.1f} s "
            f"({seed.email_of(0)}, … / {seed.PASSWORD})"
        )


def _fill_demo_profile(user: User) -> None:
    """A shop name, an address, a bank account and business details (an individual with a
    TIN), saved as the seller would save them."""
    profile.update_personal(
        user,
        profile.Personal(user.full_name, "Aisyah Batik", user.date_of_birth),
        actor=user,
        today=date.today(),
    )
    profile.update_address(
        user,
        profile.Address("12 Jalan Ampang", "Level 3", "Kuala Lumpur", "50450", "MY-14", "MY"),
        actor=user,
    )
    profile.update_financial(
        user, profile.Financial("maybank", None, user.full_name, "514012345678"), actor=user
    )
    profile.update_business(  # sells as an individual, with her own tax number
        user,
        profile.Business("individual", None, None, None, "IG10234567080", False, None),
        actor=user,
    )
    _demo_documents(user)
    _demo_pickup(user)


def _fill_company_profile(user: User) -> None:
    """A seller who sells as a company (Sdn Bhd) registered before October 2019, so both its
    SSM numbers are given; registered for SST. The bank account is in his own name, not the
    company's, so the proof of bank account is asked for; his MyKad and the SSM certificate
    wait for review. Evaluated as the daily run would, first three weeks ago."""
    profile.update_personal(
        user,
        profile.Personal(user.full_name, "Songket Hafiz", user.date_of_birth),
        actor=user,
        today=date.today(),
    )
    profile.update_address(
        user,
        profile.Address(
            "8 Jalan Sultan Zainal Abidin", None, "Kuala Terengganu", "20000", "MY-11", "MY"
        ),
        actor=user,
    )
    profile.update_business(
        user,
        profile.Business(
            "company",
            "Songket Hafiz Sdn. Bhd.",
            "201501012345",
            "1123456-K",
            "C25845632020",
            True,
            "T10-1808-32000123",
        ),
        actor=user,
    )
    profile.update_financial(  # his own name: the company's account would bear the company's
        user, profile.Financial("cimb", None, user.full_name, "8601234567"), actor=user
    )
    documents.upload(
        user,
        documents.DocumentKind.IDENTITY,
        [_specimen_mykad_front(), _specimen_back()],
        documents.IdentityType.MYKAD,
        number=_mykad_number(user),
    )
    certificate = _drawn(
        (860, 1100),
        "#f8fafc",
        [((60, 60, 800, 180), "#e2e8f0"), ((60, 240, 800, 900), "#f1f5f9")],
        "ssm.png",
        "SPECIMEN - SSM certificate (Form 9)",
    )
    documents.upload(user, documents.DocumentKind.BUSINESS_REGISTRATION, [certificate])
    today = verification.today_for(user)
    verification.refresh(user.id, today - timedelta(days=COMPANY_JOINED_DAYS_AGO))
    verification.refresh(user.id, today)


def _mykad_number(user: User) -> documents.TypedNumber:
    """A MyKad number that agrees with the seller's date of birth (born in Kuala Lumpur, code
    14), its last four digits from the account's id, so that no two sellers share one."""
    return documents.TypedNumber(
        documents.IdentityType.MYKAD,
        f"{user.date_of_birth:%y%m%d}-14-{5000 + user.id % 5000:04d}",
    )


def _demo_pickup(user: User) -> None:
    """A DHL pickup booked for next week, through the one door like any other."""
    shipping.book_pickup(
        user,
        shipping.courier_by_slug("dhl"),
        local_today() + timedelta(days=7),
        shipping.ParcelSize.MEDIUM,
    )


def _drawn(size, background, shapes, name, label=None) -> documents.Upload:
    """A PNG drawn here: rounded boxes on a background, and a label at the bottom."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    for box, colour in shapes:
        draw.rounded_rectangle(box, radius=24, fill=colour)
    if label:
        draw.text((40, size[1] - 60), label, fill="#1f2933", font_size=36)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    return documents.Upload(name, buffer)


def _specimen_mykad_front() -> documents.Upload:
    card = [((40, 40, 220, 260), "#cbd5e1"), ((260, 60, 820, 110), "#e2e8f0")]
    return _drawn((860, 540), "#dbeafe", card, "front.png", "SPECIMEN - MyKad front")


def _specimen_back() -> documents.Upload:
    return _drawn(
        (860, 540), "#e0e7ff", [((60, 380, 800, 460), "#cbd5e1")], "back.png", "SPECIMEN - back"
    )


def _demo_documents(user: User) -> None:
    """A profile photo, two shop photos and a specimen MyKad, with its number, waiting for
    review, drawn here."""
    teal, batik, sand = "#0f766e", "#b45309", "#fde68a"
    uploads = [
        (
            documents.DocumentKind.PROFILE_PHOTO,
            _drawn((600, 600), sand, [((150, 120, 450, 420), teal)], "me.png"),
        ),
        (
            documents.DocumentKind.SHOP_PHOTO,
            _drawn((800, 600), "#ecfdf5", [((60, 60, 740, 540), batik)], "a.png"),
        ),
        (
            documents.DocumentKind.SHOP_PHOTO,
            _drawn((800, 600), sand, [((120, 80, 680, 520), teal)], "b.png"),
        ),
    ]
    for kind, upload in uploads:
        documents.upload(user, kind, [upload])
    documents.upload(
        user,
        documents.DocumentKind.IDENTITY,
        [_specimen_mykad_front(), _specimen_back()],
        documents.IdentityType.MYKAD,
        number=_mykad_number(user),
    )
