"""/admin/policy: an admin drafts, previews and publishes the next privacy policy version."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.policy import publishing, services
from portal.policy.models import PolicyDraft, PolicyVersion
from tests.support import PASSWORD, make_seller, make_staff, put_in_state

MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")
ADDED = "We never sell your data to advertisers."
POLICY_URLS = [
    ("GET", "/admin/policy"),
    ("POST", "/admin/policy/draft"),
    ("POST", "/admin/policy/preview"),
    ("POST", "/admin/policy/publish"),
]


def _today():
    return datetime.now(MALAYSIA).date()


@pytest.fixture
def admin(app, auth):
    with app.app_context():
        user_id = make_staff("admin@example.com", "admin").id
    auth.login("admin@example.com", PASSWORD)
    return user_id


@pytest.fixture
def v1(app) -> str:
    with app.app_context():
        return services.get_version(1).body_markdown


def _form(v1: str, **overrides) -> dict:
    form = {
        "body": v1.rstrip() + "\n\n" + ADDED + "\n",
        "summary": "We say that we never sell your data.",
        "body_ms": "Terjemahan.\n\nKami tidak pernah menjual data anda.\n",
        "summary_ms": "Kami menyatakan bahawa kami tidak pernah menjual data anda.",
        "effective": "",
        "number": "2",
    }
    form.update(overrides)
    return form


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_roles_get_404(app, client, auth, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    auth.login(f"{role}@example.com", PASSWORD)
    for method, url in POLICY_URLS:
        assert client.open(url, method=method).status_code == 404, (method, url)
    assert "/admin/policy" not in client.get("/admin/").get_data(as_text=True)


def test_sellers_and_visitors_get_404(app, client, auth, seller):
    for method, url in POLICY_URLS:
        assert client.open(url, method=method).status_code == 404, (method, url)
    auth.login()
    for method, url in POLICY_URLS:
        assert client.open(url, method=method).status_code == 404, (method, url)
    assert _count(app, PolicyVersion) == 1


def test_an_admin_starts_from_the_newest_version(client, admin, v1):
    assert 'href="/admin/policy"' in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "Policy text (Markdown)" in page and "Summary of changes" in page
    assert 'type="date"' not in page and "Takes effect on" in page
    assert "Day/month/year, for example 7/12/2026." in page  # not the browser's mm/dd/yyyy
    assert v1.splitlines()[0] in page
    assert "Save draft" in page and "Preview" in page and "Publish version 2" in page
    assert 'href="/privacy/1"' in page


# --- draft and preview -----------------------------------------------------------------------


def test_save_draft_keeps_the_text(app, client, admin, v1):
    tomorrow = _today() + timedelta(days=1)
    response = client.post("/admin/policy/draft", data=_form(v1, effective=tomorrow.isoformat()))
    assert response.status_code == 302 and response.headers["Location"] == "/admin/policy"
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "Draft saved" in page and ADDED in page
    assert "We say that we never sell your data." in page
    assert f'value="{tomorrow.day}/{tomorrow.month}/{tomorrow.year}"' in page
    # Saving again changes the one draft; there is never a second.
    client.post("/admin/policy/draft", data=_form(v1, summary="Second thoughts"))
    with app.app_context():
        drafts = db.session.scalars(select(PolicyDraft)).all()
        assert len(drafts) == 1
        assert drafts[0].summary == "Second thoughts" and drafts[0].updated_by == admin
        assert drafts[0].effective_at is None
    assert _count(app, PolicyVersion) == 1


def test_preview_shows_the_rendered_text_and_the_diff(client, admin, v1):
    # As a browser sends a textarea: every line ending CRLF.
    body = (v1.rstrip() + "\n\n## Advertising\n\n" + ADDED + "\n").replace("\n", "\r\n")
    response = client.post("/admin/policy/preview", data=_form(v1, body=body))
    assert response.headers["Location"] == "/admin/policy?preview=1#preview"
    page = client.get("/admin/policy?preview=1").get_data(as_text=True)
    assert "Preview of the draft" in page
    assert "<h2>Advertising</h2>" in page
    assert f"<p>{ADDED}</p>" in page
    diff = page.split('<div class="diff">', 1)[1].split("</div>", 1)[0]
    assert "<ins>" in diff and ADDED in diff.split("<ins>", 1)[1]
    assert "9 words added, 0 words removed." in page  # line endings are not a change
    assert "Publish version 2" in page


def test_raw_html_in_the_draft_is_shown_as_text(client, admin, v1):
    body = v1 + '\n\n<script>alert("x")</script>\n\n<b onclick="x()">bold</b>\n'
    client.post("/admin/policy/preview", data=_form(v1, body=body))
    preview = client.get("/admin/policy?preview=1").get_data(as_text=True).split('id="preview"')[1]
    assert "<script>alert" not in preview and "<b onclick" not in preview
    assert "&lt;script&gt;" in preview and "&lt;b onclick=" in preview


def test_a_too_long_summary_is_not_saved(app, client, admin, v1):
    response = client.post("/admin/policy/draft", data=_form(v1, summary="x" * 501))
    assert response.status_code == 400
    assert "Keep the summary to 500 characters or fewer." in response.get_data(as_text=True)
    assert _count(app, PolicyDraft) == 0


# --- publishing ------------------------------------------------------------------------------


def test_publish_creates_the_version_and_emails_every_active_seller_once(app, client, admin, v1):
    with app.app_context():
        for n in range(3):
            make_seller(f"seller{n}@example.com")
        put_in_state(make_seller("gone@example.com").id, "closed_by_seller")
    client.post("/admin/policy/draft", data=_form(v1))
    app.config["POLICY_NOTIFY_BATCH_SIZE"] = 2
    day = _today() + timedelta(days=7)

    response = client.post(
        "/admin/policy/publish", data=_form(v1, effective=day.isoformat()), follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert response.request.path == "/admin/policy"
    assert "Version 2 published; 3 sellers will be emailed." in page
    assert "Publish version 3" in page and 'href="/privacy/2"' in page
    with app.app_context():
        version = services.get_version(2)
        assert version.summary == "We say that we never sell your data."
        assert version.body_markdown.endswith(ADDED + "\n")
        assert version.effective_at == datetime.combine(day, time(), MALAYSIA).astimezone(UTC)
        assert db.session.scalar(select(func.count()).select_from(PolicyDraft)) == 0
        rows = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.kind)).all()
    assert Counter(rows) == {(f"seller{n}@example.com", publishing.KIND): 1 for n in range(3)}, (
        "one policy_changed email per active seller, none to the terminated one"
    )


@pytest.mark.parametrize("effective", ["", "today"])
def test_no_date_or_today_takes_effect_at_once(app, client, admin, v1, effective):
    effective = _today().isoformat() if effective == "today" else effective
    client.post("/admin/policy/publish", data=_form(v1, effective=effective))
    with app.app_context():
        assert services.current_version().version == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"body": "   \r\n"}, "body", "Write the text of the policy."),
        ({"body": None}, "body", "The text is the same as the newest version."),
        ({"summary": "  "}, "summary", "Say in a sentence or two what changed"),
        ({"summary": "x" * 501}, "summary", "Keep the summary to 500 characters or fewer."),
        ({"body_ms": " \n"}, "body_ms", "Write the Malay translation"),
        ({"summary_ms": ""}, "summary_ms", "Write the summary in Malay too."),
        (
            {"effective": "yesterday"},
            "effective",
            "Enter takes effect on as day/month/year, for example 7/12/2026.",
        ),
        ({"effective": "past"}, "effective", "Choose today or a later date."),
    ],
)
def test_invalid_publish_publishes_nothing(app, client, admin, v1, overrides, field, message):
    if overrides.get("body", "") is None:
        overrides["body"] = v1.replace("\n", "\r\n") + "\n"  # the same words, as a browser sends
    if overrides.get("effective") == "past":
        overrides["effective"] = (_today() - timedelta(days=1)).isoformat()
    with app.app_context():
        make_seller()

    response = client.post("/admin/policy/publish", data=_form(v1, **overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    assert 'aria-invalid="true"' in page
    assert _count(app, PolicyVersion) == 1
    assert _count(app, OutboxMessage) == 0


def test_a_publish_overtaken_by_another_keeps_the_text_as_a_draft(app, client, admin, v1):
    with app.test_request_context():
        publishing.publish(
            v1 + "\n\nSomeone else's change.\n", body_ms="Perubahan orang lain.", summary="Theirs"
        )
        db.session.commit()

    response = client.post("/admin/policy/publish", data=_form(v1), follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "Version 2 was published by someone else meanwhile" in page
    assert "Publish version 3" in page and ADDED in page
    with app.app_context():
        assert [v.summary for v in services.all_versions()][0] == "Theirs"
        assert len(services.all_versions()) == 2
        assert db.session.scalar(select(PolicyDraft.summary)) == _form(v1)["summary"]
