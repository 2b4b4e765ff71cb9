"""docs/architecture.md describes the layering that import-linter enforces (`make lint`):
the table of layers names the same rooms, in the same order, as the contract in
pyproject.toml, so the page cannot drift from the rules the build keeps."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def _layers_in_contract() -> list[set[str]]:
    (layers,) = [c for c in _contracts() if c["id"] == "layers"]
    return [set(re.split(r"\s*[|:]\s*", layer.strip())) for layer in layers["layers"]]


def _layers_on_the_page() -> list[set[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## The layers, top to bottom", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [set(re.findall(r"`([a-z0-9_]+)`", row.split("|")[2])) for row in rows[1:]]


def test_the_page_lists_the_contracts_layers_in_order():
    assert _layers_on_the_page() == _layers_in_contract()


def test_every_room_with_tables_has_a_contract_guarding_them():
    protected = {
        module
        for c in _contracts()
        if c["type"] == "protected"
        for module in c["protected_modules"]
    }
    rooms_with_tables = {
        "portal." + ".".join(path.relative_to(ROOT / "portal").with_suffix("").parts)
        for path in (ROOT / "portal").glob("*/models.py")
    }
    assert rooms_with_tables == protected
