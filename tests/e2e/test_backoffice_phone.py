"""Issue 21: the back office fits a phone. An administrator opens each back-office page that
holds a table at 320 px and at 390 px; no page scrolls sideways, because every table
becomes stacked rows, each cell led by its column's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.audit import services as audit
from portal.auth.models import User
from portal.extensions import db
from tests.e2e.backoffice import ADMIN, NARROW, PHONE, page_width, people
from tests.e2e.conftest import log_in

PAGES = [
    "/admin/",
    "/admin/sellers",
    "/admin/sellers/{seller}",
    "/admin/audit",
    "/admin/staff",
    "/admin/third-parties",
    "/admin/documents",
    "/admin/minor-reports",
    "/admin/outbox",
    "/admin/unreachable",
    "/admin/disclosures",
    "/admin/policy",
]


@pytest.mark.parametrize("screen", [NARROW, PHONE], ids=["320px", "390px"])
def test_every_back_office_table_fits_a_phone(live_server, browser_page, screen):
    ids = people(live_server.app)
    with live_server.app.app_context():
        admin = db.session.get(User, ids["admin"])
        audit.record(admin, "account.freeze", "account", ids["seller"], "checking a long reason")
        audit.record(admin, "staff.disable", "user", ids["reviewer"], "reviewer")
        db.session.commit()
    page = browser_page
    page.set_viewport_size(screen)
    log_in(page, live_server, ADMIN, landing="/admin/")
    too_wide = []
    for path in PAGES:
        page.goto(live_server.url + path.format(seller=ids["seller"]))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        scroll_width, screen_width = page_width(page)
        if scroll_width > screen_width:
            too_wide.append(f"{path}: {scroll_width} px")
    assert not too_wide, f"wider than a {screen['width']} px screen: {too_wide}"
