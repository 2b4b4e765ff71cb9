"""Whether two Malaysian names are the same name: the bank account holder's name against the
verified identity (issue 23), where a mismatch only asks for proof and a person decides.

What counts as the same, and why:

* Case, spacing and Unicode look-alikes do not matter ("AHMAD  ALI" is "Ahmad Ali").
* Punctuation does not matter: dots and commas separate words ("Ahmad b.Ali"), hyphens too
  ("Nur-Aisyah" is "Nur Aisyah"), and apostrophes are dropped inside a word, so "Nur'ain" is
  "Nurain" and "Dato'" is "Dato" — banks and forms drop them, and no two names differ by an
  apostrophe alone. A word split differently is a different name ("Nur Ain" is not "Nurain").
* The patronymic connectors are one word however they are written:
  bin / b / ibn / ibni ("son of", Malay and royal); binti / binte / bte / bt ("daughter of");
  a/l / al / s/o / anak lelaki ("anak lelaki", son of, Indian names); a/p / ap / d/o / anak
  perempuan ("anak perempuan", daughter of); anak / ak (Iban and other Sarawak names).
  "bin" and "binti" stay different words, as "a/l" and "a/p" do: they are different words on
  the documents. Nothing here infers anyone's sex from them; they are compared as spelt.
  A lone "b" is "bin" only after the first word (a leading "B." is an initial).
* Honorifics are not part of the name on a MyKad or a passport, but people and banks add
  them: a run of titles at the start of a name (Encik, Cik, Puan, Tuan, Mr, Mrs, Ms, Mdm,
  Dr, Prof, Haji/Hj, Hajah/Hjh, Dato'/Datuk/Datin, Tan Sri, Puan Sri, Toh Puan, Dato' Sri,
  Datuk Seri, Tun) is left out. Hereditary words that are part of the registered name
  (Syed, Sharifah, Wan, Nik, Tengku, Tunku, Raja, Megat, Puteri, Abang, Dayang, Awang) are
  kept.
* A registered business's name (for a business's bank account) is compared the same way, and
  the legal suffixes are one word however they are written: "Sendirian Berhad" is "Sdn Bhd"
  and "Berhad" is "Bhd" (the Companies Act 2016 lets a company end its name either way), and
  "Perkongsian Liabiliti Terhad" is "PLT" (likewise the Limited Liability Partnerships Act
  2012); "&" is "and".
* The order of the words matters: "Ahmad Ali" is not "Ali Ahmad".
* Aliases written with "@" ("Lim Ah Kow @ Lim Kok Wah") are compared as written.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
# "a/l", "A / P", "s/o", "d/o": the slash forms, before the slash becomes a separator.
_SLASHED = re.compile(r"\b([adsp])\s*/\s*([lop])\b")
_SLASH_FORMS = {("a", "l"): "a/l", ("a", "p"): "a/p", ("s", "o"): "a/l", ("d", "o"): "a/p"}
_SEPARATORS = re.compile(r"[\s.,\-_/()]+")

_CONNECTORS = {
    "bin": "bin",
    "ibn": "bin",
    "ibni": "bin",
    "binti": "binti",
    "binte": "binti",
    "bte": "binti",
    "bt": "binti",
    "al": "a/l",
    "ap": "a/p",
    "anak": "anak",
    "ak": "anak",
}
_LONG_CONNECTORS = {("anak", "lelaki"): "a/l", ("anak", "perempuan"): "a/p"}
# Legal suffixes of business names, anywhere in the name (no one's personal name has them).
_SUFFIXES = {"sendirian": "sdn", "berhad": "bhd", "&": "and"}
_LONG_SUFFIXES = {("perkongsian", "liabiliti", "terhad"): "plt"}

_TITLES = frozenset(
    {
        "encik", "en", "cik", "puan", "pn", "tuan", "tn", "mr", "mrs", "ms", "mdm", "madam",
        "miss", "dr", "prof", "haji", "hj", "hajah", "hjh", "dato", "datuk", "datin", "dtk",
        "tan", "sri", "seri", "toh", "tun",
    }
)  # fmt: skip
# "Tan" is a common Chinese surname, "Sri" and "Seri" are given names: as titles they only
# count in these runs.
_TITLE_PAIRS = {("tan", "sri"), ("puan", "sri"), ("toh", "puan"), ("dato", "sri"),
                ("dato", "seri"), ("datuk", "seri"), ("datuk", "sri")}  # fmt: skip
_NOT_ALONE = frozenset({"tan", "sri", "seri", "toh"})


def normalise(name: str) -> str:
    """A canonical form for comparison: lower case, one space, connectors in one spelling,
    leading titles left out."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _APOSTROPHES.sub("", text)
    text = _SLASHED.sub(lambda m: f" {_SLASH_FORMS.get(m.groups(), m.group(0))} ", text)
    words = [word for word in _split(text.replace("&", " & ")) if word]
    return " ".join(_suffixes(_connectors(_without_titles(words))))


def same_name(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same name written two ways (see the module's rules)."""
    left, right = normalise(a), normalise(b)
    return bool(left) and left == right


def _split(text: str) -> list[str]:
    # Keep the connector forms "a/l" and "a/p" whole; every other slash separates words.
    words: list[str] = []
    for part in text.split():
        if part in ("a/l", "a/p"):
            words.append(part)
        else:
            words.extend(_SEPARATORS.split(part))
    return words


def _without_titles(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) - 1:  # never the whole name
        pair = (words[index], words[index + 1])
        if pair in _TITLE_PAIRS and index + 2 < len(words):
            index += 2
        elif words[index] in _TITLES and words[index] not in _NOT_ALONE:
            index += 1
        else:
            break
    return words[index:]


def _suffixes(words: list[str]) -> list[str]:
    result: list[str] = []
    index = 0
    while index < len(words):
        triple = tuple(words[index : index + 3])
        if triple in _LONG_SUFFIXES:
            result.append(_LONG_SUFFIXES[triple])
            index += 3
            continue
        result.append(_SUFFIXES.get(words[index], words[index]))
        index += 1
    return result


def _connectors(words: list[str]) -> list[str]:
    result: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        pair = tuple(words[index : index + 2])
        if pair in _LONG_CONNECTORS and index > 0:
            result.append(_LONG_CONNECTORS[pair])
            index += 2
            continue
        if word == "b" and index > 0:
            result.append("bin")
        elif index > 0 and word in _CONNECTORS:
            result.append(_CONNECTORS[word])
        else:
            result.append(word)
        index += 1
    return result
