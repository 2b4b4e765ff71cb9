"""docs/security.md names, for every attack, the test that replays it: a name that no longer
points at a test would leave a reviewer trusting a check that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:tests|bench)/[\w/]+\.py)(?:::(\w+))?`")


def test_every_test_the_security_page_names_exists():
    page = (ROOT / "docs" / "security.md").read_text()
    references = REFERENCE.findall(page)
    assert len(references) > 40
    missing = []
    for path, name in references:
        source = ROOT / path
        if not source.is_file():
            missing.append(path)
        elif name and not re.search(rf"^def {name}\(", source.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_security_test_file_is_on_the_page():
    page = (ROOT / "docs" / "security.md").read_text()
    files = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "tests/security").glob("test_*.py")
    )
    assert [f for f in files if f not in page and not f.endswith("test_security_page.py")] == []
