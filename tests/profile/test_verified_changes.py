"""A value the identity check vouched for changed: the profile announces it
(``portal.events.verified_identity_changed``) once per field, whoever changed it, so that the
documents room puts the identity back to pending. The date-of-birth lock follows the
current approval (``users.identity_verified_at``), not the first one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from portal import events
from portal.auth.models import User
from portal.clock import local_today, utcnow
from portal.extensions import db
from portal.profile import services
from tests.support import date_boxes, make_staff

PERSONAL = {"personal-full_name": "Tan Mei Ling", "personal-display_name": "Batik Mei Ling"}


@pytest.fixture
def announced():
    """The announcements made while the test runs: (account id, field)."""
    heard = []

    def receiver(sender, **extra):
        heard.append((sender.id, extra["field"]))

    events.verified_identity_changed.connect(receiver)
    yield heard
    events.verified_identity_changed.disconnect(receiver)


def _personal(**changes) -> dict:
    dob = changes.pop("date_of_birth", date(1988, 7, 1))
    return {**PERSONAL, **date_boxes("personal-date_of_birth", dob), **changes}


def _verify(app, seller_id: int, verified: bool) -> None:
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == seller_id)
            .values(identity_verified_at=utcnow() if verified else None)
        )
        db.session.commit()


def test_a_new_name_is_announced_once(browser, seller, announced):
    response = browser.submit(
        "/profile/personal", _personal(**{"personal-full_name": "Tan Mei Lin"})
    )
    assert response.status_code == 302
    assert announced == [(seller["id"], "full_name")]


def test_a_new_date_of_birth_is_announced_once(browser, seller, announced):
    browser.submit("/profile/personal", _personal(date_of_birth=date(1988, 7, 2)))
    assert announced == [(seller["id"], "date_of_birth")]


def test_both_are_announced_each_once(browser, seller, announced):
    browser.submit(
        "/profile/personal",
        _personal(date_of_birth=date(1988, 7, 2), **{"personal-full_name": "Tan Mei Lin"}),
    )
    assert sorted(announced) == [(seller["id"], "date_of_birth"), (seller["id"], "full_name")]


def test_the_shop_name_or_nothing_changed_announces_nothing(browser, announced):
    browser.submit("/profile/personal", _personal(**{"personal-display_name": "Kedai Baru"}))
    browser.submit("/profile/personal", _personal(**{"personal-display_name": "Kedai Baru"}))
    assert announced == []


def test_a_refused_change_announces_nothing(browser, announced):
    response = browser.submit(
        "/profile/personal",
        _personal(date_of_birth=date(2020, 1, 1), **{"personal-full_name": "Tan Mei Lin"}),
    )
    assert response.status_code == 400  # under 18: nothing saved
    assert announced == []


def test_a_verified_seller_s_new_name_is_announced(app, browser, seller, announced):
    _verify(app, seller["id"], True)
    browser.submit("/profile/personal", {**PERSONAL, "personal-full_name": "Tan Mei Lin"})
    assert announced == [(seller["id"], "full_name")]


def test_staff_corrections_are_announced_too(app, seller, announced):
    with app.test_request_context():
        staff = make_staff("dpo@example.com", "dpo")
        user = db.session.get(User, seller["id"])
        changed = services.update_personal(
            user,
            services.Personal("Tan Mei Lin", None, user.date_of_birth),
            actor=staff,
            today=local_today(),
        )
        db.session.commit()
    assert changed == ["full_name"]
    assert announced == [(seller["id"], "full_name")]


def test_the_date_of_birth_lock_follows_the_current_approval(app, browser, seller):
    _verify(app, seller["id"], True)
    assert "can no longer be changed here" in browser.get("/profile/personal")
    # The identity went back to pending (the documents room clears the approval): the date
    # of birth can be corrected again until the next approval.
    _verify(app, seller["id"], False)
    assert "can no longer be changed here" not in browser.get("/profile/personal")
    browser.submit("/profile/personal", _personal(date_of_birth=date(1988, 7, 2)))
    with app.app_context():
        assert db.session.get(User, seller["id"]).date_of_birth == date(1988, 7, 2)
