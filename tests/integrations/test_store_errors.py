"""Each answer a store gives besides yes, as WooCommerce (or the host in front of it) words it,
becomes a message the seller can act on, in English and in Malay; nothing is saved or
recorded, and what the seller typed (but the secret) stays in the form."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.integrations import messages
from portal.integrations.models import StoreConnection
from portal.sharing.models import Disclosure
from tests.contracts.server import Reply
from tests.contracts.woocommerce import field_errors, slow, too_many, unavailable
from tests.integrations.conftest import EMAIL, SECRET, Browser, connect

CONFIRM = "/integrations/woocommerce/confirm"


def _read_only(store):
    store.state["permissions"] = "read"


def _email_taken(store):
    store.state["accounts"].add(EMAIL)  # the seller's own administrator account, say


def _missing_user_name(store):
    body = {
        "code": "rest_missing_callback_param",
        "message": "Missing parameter(s): username",
        "data": {"status": 400, "params": ["username"]},
    }
    store.fail_next(Reply(400, body))


# While the store makes the customer record: (how the store answers, the refusal code).
ON_CONNECT = {
    "read-only key": (_read_only, "credentials"),
    "email already registered": (_email_taken, "email"),
    "email refused": (
        lambda s: s.fail_next(field_errors({"email": "Invalid email address."})),
        "email",
    ),
    "phone refused (422)": (
        lambda s: s.fail_next(field_errors({"billing": "billing[phone] is not valid."}, 422)),
        "phone",
    ),
    "user name required": (_missing_user_name, "rejected"),
    "429 for longer than we wait": (lambda s: s.fail_next(too_many("30")), "busy"),
    "503 every time": (lambda s: s.fail_next(unavailable(), unavailable(), unavailable()), None),
    "time-out every time": (lambda s: s.fail_next(slow(0.6), slow(0.6), slow(0.6)), None),
}

# While the keys are checked, before anything is saved.
NO_ROUTE = {
    "code": "rest_no_route",
    "message": "No route was found matching the URL and request method.",
    "data": {"status": 404},
}
ON_CHECK = {
    "no REST API there (404)": (Reply(404, NO_ROUTE), "not_found"),
    "a page, not the API": (Reply(200, {"name": "A WordPress site"}), "not_found"),
    "429 for longer than we wait": (too_many("30"), "busy"),
    "503": (unavailable(), None),
}


def _expected(app, table, code, language) -> str:
    with app.test_request_context(), force_locale(language):
        shown = str(table[code])
        if language == "ms":
            with force_locale("en"):
                assert shown != str(table[code]), f"no Malay for {code!r}"
        return shown


def _nothing_saved(app, store):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoreConnection)) == 0
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0
    assert store.state["customers"] == {}


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("case", list(ON_CONNECT))
def test_a_refused_customer_record_is_said_in_both_languages(
    app, store, site, seller, shop, case, language
):
    answer_with, code = ON_CONNECT[case]
    app.config["SHARING_TIMEOUT"] = 0.3
    browser = Browser(site, language)
    browser.log_in()
    check = connect(browser, shop)
    assert check.status == 200
    answer_with(store)
    page = browser.submit(check, CONFIRM)
    assert page.status == (503 if code in (None, "busy") else 400)
    assert _expected(app, messages.CONNECT, code, language) in page.shown
    assert page.doc.get_element_by_id("store_url").value == shop
    assert SECRET not in page.text
    _nothing_saved(app, store)


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("case", list(ON_CHECK))
def test_a_failed_check_of_the_keys_is_said_in_both_languages(
    app, store, site, seller, shop, case, language
):
    reply, code = ON_CHECK[case]
    store.fail_next(*([reply] * 3))
    browser = Browser(site, language)
    browser.log_in()
    page = connect(browser, shop)
    assert page.status == (503 if code in (None, "busy") else 400)
    assert _expected(app, messages.CHECK, code, language) in page.shown
    assert store.calls_to("POST") == []
    _nothing_saved(app, store)


def test_a_429_the_seller_can_wait_for_is_tried_again(app, store, site, seller, shop):
    browser = Browser(site)
    browser.log_in()
    check = connect(browser, shop)
    store.fail_next(too_many("0"))
    page = browser.submit(check, CONFIRM)
    assert "Your store is connected." in page.shown
    assert len(store.calls_to("POST", "/customers")) == 2
    assert list(store.state["customers"]) == [25]
