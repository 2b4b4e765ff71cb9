"""A seller corrects their address in a real browser: a wrong postcode is explained at the
top of the page, focused, with a link to the field (issue 21, stumble 2: before, the message
was 1,427 px down a phone's 844 px screen with nothing focused), and nothing typed is lost;
the fixed address is saved and shows in the change history."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support import PASSWORD, make_seller

EMAIL = "mei.e2e@example.com"


def test_change_address_with_a_wrong_postcode_then_fix_it(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(EMAIL)
    page = browser_page
    base = live_server.url
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard")
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone
    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_role("link", name="Add address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your address")

    # One mistake: a 4-digit postcode.
    address = page.locator("main")
    address.get_by_label("Address line 1").fill("12 Jalan Ampang")
    address.get_by_label("Address line 2 (optional)").fill("Level 3, Menara Batik")
    address.get_by_label("Town or city").fill("Kuala Lumpur")
    address.get_by_label("Postcode").fill("5045")
    address.get_by_label("State", exact=True).select_option(
        label="Wilayah Persekutuan Kuala Lumpur"
    )
    address.get_by_label("Country").select_option("MY")
    address.get_by_role("button", name="Save address").click()

    # The page says so at once: its title, and a summary focused and in view at the top.
    expect(page).to_have_title("Error: Your address · Koopseri")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    address = page.locator("main")
    postcode = address.get_by_label("Postcode")
    expect(address.locator("#address-postcode-error")).to_have_text(
        "Enter the 5-digit postcode, like 50450."
    )
    expect(postcode).to_have_attribute("aria-invalid", "true")
    # Everything typed is still there, the wrong postcode included.
    expect(address.get_by_label("Address line 1")).to_have_value("12 Jalan Ampang")
    expect(address.get_by_label("Address line 2 (optional)")).to_have_value("Level 3, Menara Batik")
    expect(address.get_by_label("Town or city")).to_have_value("Kuala Lumpur")
    expect(postcode).to_have_value("5045")
    expect(address.get_by_label("State", exact=True)).to_have_value("MY-14")

    # The summary's link takes the seller to the field.
    summary.get_by_role("link", name="Enter the 5-digit postcode, like 50450.").click()
    expect(postcode).to_be_focused()

    # Fix it and save: back on the summary, which names the section saved.
    postcode.fill("50450")
    address.get_by_role("button", name="Save address").click()
    expect(page).to_have_url(f"{base}/profile")
    expect(page.get_by_role("status")).to_contain_text("Your address has been saved.")
    expect(page.locator("#address")).to_contain_text("50450")
    expect(page.locator(".error-summary")).to_have_count(0)

    # The history lists it, by whom and with the state by name.
    page.get_by_role("link", name="See the full history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change history")
    postcode_row = page.get_by_role("row").filter(has_text="Postcode")
    expect(postcode_row).to_contain_text("50450")
    expect(postcode_row).to_contain_text("You")
    expect(page.get_by_role("row").filter(has_text="State or region")).to_contain_text(
        "Wilayah Persekutuan Kuala Lumpur"
    )
    expect(page.get_by_role("row").filter(has_text="Address line 1")).to_contain_text(
        "12 Jalan Ampang"
    )
    assert page_errors == []
