"""People's names: clean, reorder surname-first forms, and split the
"person, organisation" items of role fields."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .organisations import is_stakeholder_group, looks_like_organisation
from .text import fold, slug

_PLACEHOLDERS = {"n.n.", "nn", "n.n", "tbd", "tbc", "to be determined", "to be confirmed",
                 "n/a", "na", "none", "n / a", "-", "--", "?", "a confirmer", "por confirmar",
                 "yes", "no", "oui", "non", "si"}
_HONORIFICS = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|professor|h\.?\s?e|sir|dame|mme|mlle|m|sr|sra|srta|"
    r"don|dona|ing|amb|ambassador|hon|rev)\.?\s+|(?:mr|mrs|ms|dr|prof|mme)\.?\s*,\s*)+",
    re.I)
_PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le",
              "van", "von", "der", "den", "ter", "bin", "binti", "al", "el", "y", "e", "af", "zu"}
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "given_names.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.extend(line.split())
    return frozenset(words)


def is_placeholder(text: str) -> bool:
    folded = fold(text).strip(" []()")
    return not folded or folded in _PLACEHOLDERS or folded.startswith(("secretariat ", "tbd", "tbc"))


def strip_honorifics(name: str) -> str:
    return _HONORIFICS.sub("", name.strip()).strip(" ,")


def looks_like_person(text: str) -> bool:
    """Name-shaped: one to six words, mostly capitalised, no organisation words."""
    text = strip_honorifics(text)
    tokens = text.split()
    if not 1 <= len(tokens) <= 6 or is_placeholder(text) or is_stakeholder_group(text):
        return False
    if any(not _NAME_TOKEN.match(t) for t in tokens):
        return False
    if looks_like_organisation(text):
        return False
    words = [t for t in tokens if fold(t) not in _PARTICLES]
    return bool(words) and all(w[0].isupper() or w.islower() for w in words) and \
        (len(words) > 1 or words[0][0].isupper())


def normalise_person_name(raw: str, context: str = "") -> str:
    """Given names first, capitalised, honorifics dropped.

    ``context`` is the whole report text: a reversed form found there
    ("Constance Weise" for "Weise Constance") settles the order.
    """
    name = strip_honorifics(raw)
    tokens = name.split()
    deduped = [t for i, t in enumerate(tokens) if i == 0 or fold(t) != fold(tokens[i - 1])]
    tokens = deduped
    if not tokens:
        return ""
    if all(t.islower() for t in tokens) or (len(tokens) > 1 and all(_is_caps(t) for t in tokens)):
        tokens = [_capitalise(t) for t in tokens]
    caps = [t for t in tokens if _is_caps(t)]
    if caps and len(caps) < len(tokens):
        # "Ingrid BRUDVIG" / "BRUDVIG Ingrid": the capitalised word is the surname.
        rest = [t for t in tokens if not _is_caps(t)]
        return " ".join(rest + [_capitalise(t) for t in caps])
    if len(tokens) >= 2:
        swapped = " ".join(tokens[-1:] + tokens[:-1])
        original = " ".join(tokens)
        folded_context = fold(context)
        seen_swapped = folded_context.count(fold(swapped))
        seen_original = folded_context.count(fold(original))
        if seen_swapped > seen_original:
            return swapped
        if 0 < seen_swapped < seen_original:
            return original
        given = _given_names()
        if fold(tokens[-1]) in given and fold(tokens[0]) not in given:
            return swapped
    return " ".join(tokens)


def person_key(name: str) -> str:
    return slug(name)


def _is_caps(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _capitalise(token: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in token.split("-"))


@dataclass(frozen=True)
class ItemParts:
    """One item of a role field split into what it names, with offsets."""

    person: tuple[int, int] | None
    organisation: tuple[int, int] | None
    stakeholder_group: tuple[int, int] | None


_PART_SPLIT = re.compile(r"\s*(?:,|\s-\s|\s–\s|\(|\)|/|\|)\s*")


def split_item(text: str, start: int, end: int) -> ItemParts:
    """Split "Anriette Esterhuysen, APC" or "Jane Doe (ISOC)" into person and
    organisation spans, relative to the whole text."""
    parts = []
    pos = start
    for match in _PART_SPLIT.finditer(text, start, end):
        parts.append((pos, match.start()))
        pos = match.end()
    parts.append((pos, end))
    parts = [(a, b) for a, b in parts if text[a:b].strip()]
    person = organisation = group = None
    for a, b in parts:
        value = text[a:b].strip()
        if is_placeholder(value):
            continue
        if is_stakeholder_group(value):
            group = group or (a, b)
        elif person is None and looks_like_person(value):
            person = (a, b)
        elif organisation is None and looks_like_organisation(value):
            organisation = (a, b)
    if person and organisation is None:
        # "Name, Something": what follows a name is its organisation unless it is a title.
        for a, b in parts:
            value = text[a:b].strip()
            if (a, b) not in (person, group) and a > person[0] and not is_placeholder(value) \
                    and not is_stakeholder_group(value) and not _looks_like_job_title(value):
                organisation = (a, b)
                break
    return ItemParts(person, organisation, group)


_JOB_WORDS = re.compile(r"\b(director|manager|head|officer|president|vice|chair|ceo|cto|professor|"
                        r"senior|sr|jr|lecturer|researcher|advisor|adviser|consultant|coordinator|"
                        r"founder|secretary|minister|ambassador|counsel|fellow|phd|jd|cipp|mba)\b")


def _looks_like_job_title(text: str) -> bool:
    return bool(_JOB_WORDS.search(fold(text)))
