"""Issue 21: a form that fails validation looks and answers the same everywhere.

- Every page that shows a form with errors answers 400 and its <title> starts "Error: "
  (portal/forms.py: one rule for every view, so a new view cannot drift). Checked by posting
  an empty form to every POST route of the URL map, as a visitor, a seller and an admin.
- Every template that draws form fields also draws the error summary, which links each
  message to its field.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice

from portal.forms import PortalForm, required
from tests.support import client_as, make_seller, make_staff

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Posting these would end the session the walk goes on with; they show no form.
NOT_POSTED = {"/auth/logout"}
SHOWS_ERRORS = re.compile(r'class="error-summary"|class="field__error"')


def _post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule in NOT_POSTED:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "999999").replace(f"<{argument}>", "x")
        yield url


def test_every_form_shown_with_errors_answers_400_with_an_error_title(app):
    with app.app_context():
        make_seller("walker@example.com")
        make_staff("walker.admin@example.com", "admin")
    clients = {
        "visitor": app.test_client(),
        "seller": client_as(app, "walker@example.com"),
        "admin": client_as(app, "walker.admin@example.com"),
    }
    shown = []
    for url in sorted(set(_post_routes(app))):
        for who, client in clients.items():
            # Something in the body: Flask-WTF reads an empty body as "no form sent".
            response = client.post(url, data={"_": ""})
            page = response.get_data().decode("utf-8", "replace")  # an export is a zip
            if SHOWS_ERRORS.search(page):
                shown.append((who, url))
                assert response.status_code == 400, (who, url, response.status_code)
                title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
                assert title.startswith("Error: "), (who, url, title)
    # The walk reaches the portal's forms (registration, log-in, the profile's sections, ...).
    assert len(shown) >= 15, shown
    assert ("seller", "/profile/address") in shown
    assert ("visitor", "/auth/register") in shown


def test_a_page_without_errors_keeps_its_title_and_status(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    assert "<title>Register as a seller" in response.get_data(as_text=True)


def test_the_malay_title_starts_with_ralat(client):
    response = client.post("/auth/register", data={"_": ""}, headers={"Accept-Language": "ms"})
    assert response.status_code == 400
    assert "<title>Ralat: " in response.get_data(as_text=True)


class _Sample(PortalForm):
    name = StringField("Name", validators=[required])
    colour = RadioField(
        "Colour",
        choices=[SelectChoice("r", "Red"), SelectChoice("g", "Green")],
        validators=[required],
    )


def test_the_summary_links_every_error_to_its_input(app):
    with app.test_request_context("/", method="POST", data={"_": ""}):
        form = _Sample()
        assert not form.validate()
        html = render_template_string(
            '{% from "_macros/forms.html" import errors_summary %}{{ errors_summary(form) }}',
            form=form,
        )
    assert "There is a problem" in html
    assert "Nothing has been saved yet." in html
    assert '<a href="#name">This field is required.</a>' in html
    assert '<a href="#colour-0">' in html  # a radio group: its first option
    assert "autofocus" in html and 'tabindex="-1"' in html and 'role="alert"' in html


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TEMPLATES.rglob("*.html") if "_macros" not in p.parts),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_every_template_with_form_fields_shows_the_error_summary(path):
    text = path.read_text(encoding="utf-8")
    if re.search(r"\{\{\s*(field|choices|form_choices|checkbox|date_input)\(", text):
        assert "errors_summary(" in _with_layouts(path), (
            f"{path.relative_to(TEMPLATES)} draws fields but no summary"
        )


def _with_layouts(path) -> str:
    """The template's text and that of every layout it extends, but for base.html (whose
    summary would be no one form's)."""
    text = path.read_text(encoding="utf-8")
    layout = re.search(r"\{%\s*extends\s+[\"']([^\"']+)[\"']", text)
    if layout and layout.group(1) != "base.html":
        text += _with_layouts(TEMPLATES / layout.group(1))
    return text
