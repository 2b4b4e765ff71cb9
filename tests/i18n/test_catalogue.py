"""Every string a person reads is marked for translation, and the Malay catalogue translates
every one of them: nothing missing, nothing untranslated, nothing fuzzy, placeholders kept."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "portal" / "translations" / "ms" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Text a person reads: between tags, and in these attributes.
_READ_ATTRIBUTES = re.compile(
    r"\b(?:alt|title|placeholder|aria-label|aria-description)\s*=\s*\"([^\"]*)\"", re.I
)
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
# Names, the same in every language.
_NOT_TRANSLATED = {"Koopseri"}


def unmarked_words(source: str) -> list[str]:
    """Words in a template's literal text (outside ``{{ }}`` and ``{% %}``) that a reader
    would see: each one should have been written as ``{{ _('…') }}``."""
    lexer = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # only lexes
    text = "".join(value if kind == "data" else "\x00" for _, kind, value in lexer.lex(source))
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    words = [w for value in _READ_ATTRIBUTES.findall(text) for w in _WORD.findall(value)]
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[#\w]+;", " ", text)
    words += _WORD.findall(text)
    return [word for word in words if word not in _NOT_TRANSLATED]


def _templates() -> list[Path]:
    return sorted(
        path for path in (ROOT / "templates").rglob("*") if path.suffix in {".html", ".txt"}
    )


def test_every_template_string_is_marked_for_translation():
    unmarked = {
        str(path.relative_to(ROOT)): words
        for path in _templates()
        if (words := unmarked_words(path.read_text(encoding="utf-8")))
    }
    assert unmarked == {}, "write these as {{ _('…') }}"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>{{ _('Hello') }}</p>", []),
        ("<p>Hello {{ name }}</p>", ["Hello"]),
        ('<img alt="Shop front" src="{{ url }}">', ["Shop", "front"]),
        ("<input placeholder=\"{{ _('Search') }}\"> Koopseri &middot;", []),
        ("{% if x %}Saved{% endif %}", ["Saved"]),
    ],
)
def test_the_check_finds_unmarked_text(source, found):
    assert unmarked_words(source) == found


def _extracted() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    ids = set()

    # Babel skips folders whose names start with "_" by default: templates/_macros too.
    def directory_filter(path: str) -> bool:
        name = os.path.basename(path)
        return not name.startswith(".") and name != "__pycache__"

    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=directory_filter
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def test_the_malay_catalogue_translates_every_marked_string():
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po)
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy: it would not compile"
    entries = {
        message.id if isinstance(message.id, str) else message.id[0]: message
        for message in catalogue
        if message.id
    }
    missing = sorted(_extracted() - set(entries))
    assert missing == [], "run `make i18n` and translate these"
    fuzzy = sorted(key for key, message in entries.items() if message.fuzzy)
    assert fuzzy == []
    untranslated = sorted(
        key
        for key, message in entries.items()
        if not (all(message.string) if isinstance(message.string, tuple) else message.string)
    )
    assert untranslated == []
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert problems == []
