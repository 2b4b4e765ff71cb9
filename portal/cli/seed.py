"""Many realistic sellers at once, for measuring what a database of N sellers costs
(``flask --app wsgi demo load --sellers N``; docs/capacity.md).

Each seller has what a seller who finished the profile has: a verified account with a
Malaysian name, phone and date of birth, the proof of consent to the current policy, a shop
name, an address in one of Malaysia's states, a bank account (its number encrypted, as the
portal keeps it), the profile history of those fields, search terms, and the emails the
portal sent them (a welcome and a review reminder, recorded as sent on a day of the past
year, as the outbox keeps them once they have gone, so no worker sends them). Batches of
``BATCH`` sellers go in a few statements each, one transaction per batch, through the rooms'
services: a run stopped half-way keeps whole batches, and running it again adds more
sellers after the last one (numbers continue from the count of seeded emails).

The values are drawn from a fixed seed, so two runs give the same sellers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from portal.auth import services as auth
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.services import Letter, queue_many
from portal.policy import services as policy
from portal.profile import services as profile
from portal.security import hash_password

BATCH = 1000
DOMAIN = "sellers.koopseri.test"  # a reserved name (RFC 2606 .test): no mail can leave
PASSWORD = "koopseri-load-seller"  # noqa: S105 (the seeded sellers', printed by the command)

GIVEN = (
    "Nur Aisyah",
    "Muhammad Hafiz",
    "Siti Hajar",
    "Tan Mei Ling",
    "Lim Wei Jie",
    "Kavitha",
    "Arjun",
    "Nurul Huda",
    "Ahmad Faiz",
    "Wong Kar Wai",
    "Priya",
    "Farah",
)
FAMILY = (
    "binti Ahmad",
    "bin Ismail",
    "binti Osman",
    "",
    "",
    "a/p Raman",
    "a/l Muthu",
    "binti Yusof",
    "bin Hassan",
    "",
    "a/p Subramaniam",
    "binti Rahman",
)
TRADES = ("Batik", "Songket", "Kuih", "Kopi", "Kraf", "Rempah", "Tenun", "Hardware")
PLACES = (  # city, postcode, ISO 3166-2:MY
    ("Shah Alam", "40000", "MY-10"),
    ("Ipoh", "30450", "MY-08"),
    ("Kota Bharu", "15050", "MY-03"),
    ("Johor Bahru", "80100", "MY-01"),
    ("George Town", "10200", "MY-07"),
    ("Kuching", "93000", "MY-13"),
    ("Kota Kinabalu", "88000", "MY-12"),
    ("Kangar", "01000", "MY-09"),
    ("Kuala Lumpur", "50450", "MY-14"),
)
BANKS = ("maybank", "cimb", "public", "rhb", "hong-leong", "bank-islam")


def email_of(number: int) -> str:
    return f"seller-{number:07d}@{DOMAIN}"


def seed_sellers(count: int, *, progress: Callable[[int], None] = lambda done: None) -> int:
    """Add ``count`` sellers after those seeded before; commits after each batch and calls
    ``progress`` with the number added so far. Returns the number added."""
    start = auth.count_with_email_domain(DOMAIN)
    password_hash = hash_password(PASSWORD)  # one hash, at the configured cost, for all
    version = policy.current_version()
    added = 0
    while added < count:
        numbers = range(start + added, start + min(added + BATCH, count))
        _one_batch(list(numbers), password_hash, version)
        db.session.commit()
        added += len(numbers)
        progress(added)
    return added


def _one_batch(numbers: list[int], password_hash: str, version) -> None:
    now = utcnow()
    people = {number: _person(number) for number in numbers}
    ids = auth.add_sellers(
        auth.NewSeller(
            email=email_of(number),
            full_name=person["name"],
            phone_e164=person["phone"],
            date_of_birth=person["born"],
            password_hash=password_hash,
        )
        for number, person in people.items()
    )
    policy.record_consents(
        ids.values(),
        version=version,
        language="en",
        ip_address="203.0.113.10",
        user_agent="flask demo load --sellers",
        context="registration",
    )
    profile.add_profiles(
        [
            profile.NewProfile(
                user_id=ids[email_of(number)],
                display_name=person["shop"],
                address_line1=person["street"],
                city=person["city"],
                postcode=person["postcode"],
                state=person["state"],
                bank_code=person["bank"],
                holder_name=person["name"],
                account_number=person["account"],
            )
            for number, person in people.items()
        ]
    )
    queue_many(
        "seeded",
        (
            Letter(
                user_id=ids[email_of(number)],
                to=email_of(number),
                subject=subject,
                body_text=f"Hello {person['name']},\n\n{subject}.\n\n" + "Koopseri\n" * 20,
                body_html=f"<p>Hello {person['name']},</p><p>{subject}.</p>" * 10,
                key=f"seed-{number}-{kind}",
                sent_at=now - timedelta(days=person["mailed_days_ago"]),
            )
            for number, person in people.items()
            for kind, subject in (
                ("welcome", "Welcome to Koopseri"),
                ("review", "Please check your details"),
            )
        ),
    )


def _person(number: int) -> dict:
    draw = random.Random(number)  # noqa: S311 (made-up data, not a secret)
    given, family = draw.choice(GIVEN), draw.choice(FAMILY)
    city, postcode, state = draw.choice(PLACES)
    name = f"{given} {family}".strip()
    return {
        "name": name,
        "phone": f"+601{draw.randrange(2, 10)}{draw.randrange(1_000_000, 10_000_000)}",
        "born": date(draw.randrange(1960, 2005), draw.randrange(1, 13), draw.randrange(1, 29)),
        "shop": f"{given.split()[0]} {draw.choice(TRADES)} {number}",
        "street": f"{draw.randrange(1, 200)} Jalan {draw.choice(TRADES)} {draw.randrange(1, 30)}",
        "city": city,
        "postcode": postcode,
        "state": state,
        "bank": draw.choice(BANKS),
        "account": f"{draw.randrange(10**11, 10**12)}",
        "mailed_days_ago": draw.randrange(1, 366),
    }
