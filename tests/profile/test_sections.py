"""The profile's sections: /profile sums them up, each has its own page that saves it alone,
validates next to the field, and a failed save keeps what was typed and changes nothing
stored."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.profile.models import ProfileChange, SellerProfile
from tests.support import date_boxes

GOOD_ADDRESS = {
    "address-address_line1": "12 Jalan Ampang",
    "address-address_line2": "Level 3",
    "address-city": "Kuala Lumpur",
    "address-postcode": "50450",
    "address-state": "MY-14",
    "address-country": "MY",
}


def _stored(app, seller_id):
    """Everything the profile keeps about the seller, as plain values."""
    with app.app_context():
        user = db.session.get(User, seller_id)
        profile = db.session.get(SellerProfile, seller_id)
        changes = db.session.scalar(
            select(func.count())
            .select_from(ProfileChange)
            .where(ProfileChange.user_id == seller_id)
        )
        address = (
            None
            if profile is None
            else tuple(
                getattr(profile, name)
                for name in (
                    "address_line1",
                    "city",
                    "postcode",
                    "state",
                    "country",
                    "display_name",
                )
            )
        )
        return (user.full_name, user.date_of_birth, user.phone_e164, address, changes)


def test_the_profile_sums_up_each_section_with_change_links(client, seller, auth):
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    for label in ("Full legal name", "Shop name", "Date of birth", "Email", "Phone number"):
        assert f'<dt class="summary-list__key">{label}</dt>' in page, label
        # "Change", and for a screen reader which row it changes.
        assert f'Change<span class="visually-hidden"> {label.lower()}</span>' in page, label
    content = page.split('<main id="content"')[1].split("</main>")[0]
    assert 'method="post"' not in content  # nothing to type here, nothing to lose
    assert "Tan Mei Ling" in page
    assert "1 Jul 1988" in page
    assert (
        "012-345 6789" in page and "+60123456789" not in page
    )  # the phone, as Malaysians write it
    for url in ("/profile/personal", "/profile/contact", "/profile/address", "/profile/email"):
        assert f'href="{url}"' in page, url


@pytest.mark.parametrize(
    ("url", "labels"),
    [
        ("/profile/personal", ("Full legal name", "Shop name", "Day", "Month", "Year")),
        ("/profile/contact", ("Phone number",)),
        (
            "/profile/address",
            ("Address line 1", "Town or city", "Postcode", "State", "Country"),
        ),
    ],
)
def test_each_section_has_a_page_with_one_form(client, seller, auth, url, labels):
    auth.login()
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for label in labels:
        assert f">{label}</label>" in page, label
    content = page.split('<main id="content"')[1].split("</main>")[0]
    assert content.count('method="post"') == 1  # the section's form, nothing else


def test_each_section_page_starts_from_what_is_saved(client, seller, auth):
    auth.login()
    personal = client.get("/profile/personal").get_data(as_text=True)
    assert 'value="Tan Mei Ling"' in personal
    for part, value in (("day", "1"), ("month", "7"), ("year", "1988")):
        assert (
            f'name="personal-date_of_birth-{part}" type="text" inputmode="numeric" value="{value}"'
            in personal
        )
    contact = client.get("/profile/contact").get_data(as_text=True)
    assert 'value="012-345 6789"' in contact  # national format, not +60123456789


def test_saving_the_personal_section_records_each_change(app, client, seller, auth):
    auth.login()
    response = client.post(
        "/profile/personal",
        data={
            "personal-full_name": "Tan Mei Ling binti Abdullah",
            "personal-display_name": "Mei's Batik",
            **date_boxes("personal-date_of_birth", date(1988, 7, 2)),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile")
    summary = client.get("/profile").get_data(as_text=True)
    assert "Your personal details have been saved." in summary
    name, born, _phone, address, changes = _stored(app, seller["id"])
    assert name == "Tan Mei Ling binti Abdullah"
    assert born == date(1988, 7, 2)
    assert address[-1] == "Mei's Batik"
    assert changes == 3
    history = client.get("/profile/history").get_data(as_text=True)
    assert "Tan Mei Ling" in history and "Tan Mei Ling binti Abdullah" in history
    assert "Shop name" in history and "Mei&#39;s Batik" in history
    assert "1 Jul 1988" in history and "2 Jul 1988" in history  # not "1988-07-01"


def test_saving_unchanged_details_records_nothing(app, client, seller, auth):
    auth.login()
    response = client.post(
        "/profile/contact", data={"contact-phone": "+60123456789"}, follow_redirects=True
    )
    assert "Nothing had changed" in response.get_data(as_text=True)
    assert _stored(app, seller["id"])[-1] == 0


def test_the_phone_is_stored_in_e164(app, client, seller, auth):
    auth.login()
    client.post("/profile/contact", data={"contact-phone": "019-876 5432"})
    assert _stored(app, seller["id"])[2] == "+60198765432"
    history = client.get("/profile/history").get_data(as_text=True)
    assert "012-345 6789" in history and "019-876 5432" in history  # as Malaysians write it
    assert "+60198765432" not in history


def test_an_address_outside_malaysia_follows_looser_rules(app, client, seller, auth):
    auth.login()
    response = client.post(
        "/profile/address",
        data={
            "address-address_line1": "10 Downing Street",
            "address-city": "London",
            "address-postcode": "sw1a 2aa",
            "address-state": "other",
            "address-region": "Greater London",
            "address-country": "GB",
        },
    )
    assert response.status_code == 302
    address = _stored(app, seller["id"])[3]
    assert address[:5] == ("10 Downing Street", "London", "SW1A 2AA", "Greater London", "GB")
    page = client.get("/profile/history").get_data(as_text=True)
    assert "United Kingdom" in page


def test_a_malaysian_address_shows_the_state_by_name(client, seller, auth):
    auth.login()
    client.post("/profile/address", data=GOOD_ADDRESS)
    history = client.get("/profile/history").get_data(as_text=True)
    assert "Wilayah Persekutuan Kuala Lumpur" in history
    assert "MY-14" not in history


def test_the_state_list_holds_the_13_states_and_3_federal_territories(client, seller, auth):
    auth.login()
    page = client.get("/profile/address").get_data(as_text=True)
    select_html = page.split('id="address-state"')[1].split("</select>")[0]
    assert select_html.count("<option") == 1 + 16 + 1  # prompt, states, outside Malaysia
    for name in ("Johor", "Sabah", "Sarawak", "Wilayah Persekutuan Putrajaya"):
        assert name in select_html


INVALID = [
    # (url, field overrides, the field's id, words of the message)
    ("/profile/address", {"address-postcode": "5045"}, "address-postcode", "5-digit postcode"),
    ("/profile/address", {"address-postcode": "ABCDE"}, "address-postcode", "5-digit postcode"),
    ("/profile/address", {"address-state": ""}, "address-state", "Choose your state"),
    ("/profile/address", {"address-address_line1": ""}, "address-address_line1", "required"),
    ("/profile/address", {"address-city": ""}, "address-city", "required"),
    ("/profile/address", {"address-country": "XX"}, "address-country", "Choose a country"),
    (
        "/profile/address",
        {"address-country": "SG", "address-state": "MY-01"},
        "address-state",
        "That state is in Malaysia",
    ),
    (
        "/profile/address",
        {"address-country": "SG", "address-state": "other", "address-postcode": "12#4"},
        "address-postcode",
        "letters, digits",
    ),
    ("/profile/contact", {"contact-phone": "12345"}, "contact-phone", "valid phone number"),
    ("/profile/contact", {"contact-phone": ""}, "contact-phone", "required"),
    ("/profile/personal", {"personal-full_name": ""}, "personal-full_name", "required"),
    (
        "/profile/personal",
        date_boxes("personal-date_of_birth", ("30", "2", "1988")),
        "personal-date_of_birth",
        "Date of birth must be a real date.",
    ),
    (
        "/profile/personal",
        date_boxes("personal-date_of_birth", ("1", "", "1988")),
        "personal-date_of_birth",
        "Date of birth must include a month.",
    ),
    (
        "/profile/personal",
        date_boxes("personal-date_of_birth", ("", "", "")),
        "personal-date_of_birth",
        "Enter your date of birth.",
    ),
    (
        "/profile/personal",
        date_boxes("personal-date_of_birth", date(2999, 1, 1)),
        "personal-date_of_birth",
        "cannot be in the future",
    ),
    (
        "/profile/personal",
        date_boxes("personal-date_of_birth", date.today().replace(year=date.today().year - 10)),
        "personal-date_of_birth",
        "at least 18",
    ),
]

VALID = {
    "/profile/address": GOOD_ADDRESS,
    "/profile/contact": {"contact-phone": "019-876 5432"},
    "/profile/personal": {
        "personal-full_name": "Tan Mei Ling",
        "personal-display_name": "Batik by Mei",
        **date_boxes("personal-date_of_birth", date(1988, 7, 1)),
    },
}


@pytest.mark.parametrize(("url", "overrides", "field_id", "message"), INVALID)
def test_a_failed_save_explains_keeps_the_input_and_changes_nothing(
    app, client, seller, auth, url, overrides, field_id, message
):
    auth.login()
    before = _stored(app, seller["id"])
    form = {**VALID[url], **overrides}
    response = client.post(url, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert f'id="{field_id}-error"' in page
    assert message in page.split(f'id="{field_id}-error">')[1].split("</p>")[0]
    assert "Nothing has been saved yet." in page
    # What was typed in the other fields of the form is still there.
    for name, value in form.items():
        if name not in overrides and value and not name.endswith(("state", "country", "-day")):
            assert f'value="{value}"' in page, name
    assert _stored(app, seller["id"]) == before


def test_the_date_of_birth_is_fixed_once_an_id_document_is_approved(app, client, seller, auth):
    with app.app_context():
        db.session.get(User, seller["id"]).identity_verified_at = utcnow()
        db.session.commit()
    auth.login()
    for url in ("/profile", "/profile/personal"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="personal-date_of_birth-day"' not in page
        assert "can no longer be changed" in page
    assert 'Change<span class="visually-hidden"> date of birth' not in client.get(
        "/profile"
    ).get_data(as_text=True)
    client.post(
        "/profile/personal",
        data={
            "personal-full_name": "Tan Mei Ling",
            **date_boxes("personal-date_of_birth", date(1990, 1, 1)),
        },
    )
    assert _stored(app, seller["id"])[1] == date(1988, 7, 1)


def test_the_service_refuses_a_new_date_of_birth_once_verified(app, seller):
    from portal.profile import services

    with app.test_request_context():
        user = db.session.get(User, seller["id"])
        user.identity_verified_at = utcnow()
        with pytest.raises(services.DateOfBirthLocked):
            services.update_personal(
                user,
                services.Personal("Tan Mei Ling", None, date(1990, 1, 1)),
                actor=user,
                today=date(2026, 11, 25),
            )


def test_a_change_made_by_staff_is_shown_as_such(app, client, seller, auth):
    from portal.profile import services
    from tests.support import make_staff

    with app.test_request_context():
        staff = make_staff("support@example.com", "support")
        user = db.session.get(User, seller["id"])
        services.update_contact(user, "+60198765432", actor=staff)
        db.session.commit()
    auth.login()
    history = client.get("/profile/history").get_data(as_text=True)
    assert "Koopseri staff" in history
    assert "019-876 5432" in history


def test_the_history_table_stacks_on_a_phone(client, seller, auth):
    auth.login()
    client.post("/profile/contact", data={"contact-phone": "019-876 5432"})
    page = client.get("/profile/history").get_data(as_text=True)
    assert '<table class="table table--stack">' in page
    cells = re.findall(r"<td( data-label=\"[^\"]+\")?>", page)
    assert cells and all(cells), "every cell names its column, for the stacked layout"
