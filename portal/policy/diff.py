"""A readable, word-level diff between two policy texts, as HTML.

Two passes, as a careful reader compares: first sentence by sentence, so a sentence moved,
added or removed shows whole; then, inside each run of sentences that changed, word by
word, so an edited sentence shows the few words struck out and put in. Every word is
escaped; only the ``<del>`` and ``<ins>`` marks are ours.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_SENTENCES = re.compile(r"\s+|[^\s][^.!?\n]*[.!?]*")
_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Diff:
    html: Markup
    added: int  # words
    removed: int

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.removed


def word_diff(old: str, new: str) -> Diff:
    parts: list[Markup] = []
    counts = [0, 0]  # added, removed
    before, after = _SENTENCES.findall(old), _SENTENCES.findall(new)
    for op, a1, a2, b1, b2 in _opcodes(before, after):
        removed, added = "".join(before[a1:a2]), "".join(after[b1:b2])
        if op == "equal":
            parts.append(escape(removed))
        elif op == "replace":
            _mark(parts, counts, _WORDS.findall(removed), _WORDS.findall(added))
        else:
            _mark(parts, counts, [removed] if removed else [], [added] if added else [])
    return Diff(Markup("").join(parts), counts[0], counts[1])


def _opcodes(before: list[str], after: list[str]):
    # Spaces never anchor a match: two texts would otherwise "agree" on a blank between
    # sentences that have nothing else in common.
    matcher = difflib.SequenceMatcher(str.isspace, before, after, autojunk=False)
    return matcher.get_opcodes()


def _mark(parts: list[Markup], counts: list[int], before: list[str], after: list[str]) -> None:
    for op, a1, a2, b1, b2 in _opcodes(before, after):
        removed, added = "".join(before[a1:a2]), "".join(after[b1:b2])
        if op == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(Markup("<del>{}</del>").format(removed))
            counts[1] += len(removed.split())
        if added:
            parts.append(Markup("<ins>{}</ins>").format(added))
            counts[0] += len(added.split())
