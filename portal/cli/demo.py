"""``flask demo load``: one seller and one admin to try the portal with (development only).

The seller comes with a full profile, photos and an identity document waiting for review,
and a DHL pickup (sent through the sharing service, to the development folder).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from PIL import Image, ImageDraw

from portal.auth import services as auth
from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import local_today, utcnow
from portal.documents import services as documents
from portal.extensions import db
from portal.policy import services as policy
from portal.profile import services as profile
from portal.security import hash_password
from portal.shipping import services as shipping

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
                    language="en",
                    ip_address="127.0.0.1",
                    user_agent="flask demo load",
                    context="registration",
                )
                _fill_demo_profile(user)
        user.password_hash = hash_password(password)
        click.echo(f"{role.value:>7}: {email} / {password}")
        if role != Role.SELLER and not user.two_factor_enabled:
            click.echo("         (staff set up two-factor log-in with an authenticator app first)")
    db.session.commit()


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


def _demo_pickup(user: User) -> None:
    """A DHL pickup booked for next week, through the one door like any other."""
    shipping.book_pickup(
        user,
        shipping.courier_by_slug("dhl"),
        local_today() + timedelta(days=7),
        shipping.ParcelSize.MEDIUM,
    )


def _demo_documents(user: User) -> None:
    """A profile photo, two shop photos and a specimen MyKad waiting for review, drawn here."""

    def drawn(size, background, shapes, name, label=None) -> documents.Upload:
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

    teal, batik, sand = "#0f766e", "#b45309", "#fde68a"
    uploads = [
        (
            documents.DocumentKind.PROFILE_PHOTO,
            drawn((600, 600), sand, [((150, 120, 450, 420), teal)], "me.png"),
        ),
        (
            documents.DocumentKind.SHOP_PHOTO,
            drawn((800, 600), "#ecfdf5", [((60, 60, 740, 540), batik)], "a.png"),
        ),
        (
            documents.DocumentKind.SHOP_PHOTO,
            drawn((800, 600), sand, [((120, 80, 680, 520), teal)], "b.png"),
        ),
    ]
    for kind, upload in uploads:
        documents.upload(user, kind, [upload])
    card = [((40, 40, 220, 260), "#cbd5e1"), ((260, 60, 820, 110), "#e2e8f0")]
    front = drawn((860, 540), "#dbeafe", card, "front.png", "SPECIMEN - MyKad front")
    back = drawn(
        (860, 540), "#e0e7ff", [((60, 380, 800, 460), "#cbd5e1")], "back.png", "SPECIMEN - back"
    )
    documents.upload(
        user, documents.DocumentKind.IDENTITY, [front, back], documents.IdentityType.MYKAD
    )
