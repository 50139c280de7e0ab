"""What a document's header says about its session: the meeting year
(also in words, "SIXTH ANNUAL MEETING"), the kind of session and its number
("WS #310", "WORKSHOP 340", "AD 67: ...", "(WS152)", "Open Forum 12").

Every reader uses these, so a header is read the same way in a report, a
proposal, a transcript or a listing. The labels themselves live in
``ontology/session-kinds.ttl`` (prefLabel, altLabel and igf:numberPrefix).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .records import Span

_MEETING = (r"(?:internet governance forum|igf|fgi|forum sur la gouvernance de l'internet|"
            r"foro de gobernanza de internet)")
MEETING_YEAR = re.compile(rf"\b{_MEETING}\s*[-–]?\s*((?:19|20)\d{{2}})\b", re.I)
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
             "seventeenth", "eighteenth", "nineteenth", "twentieth"]
# "Sixth Annual Meeting of the Internet Governance Forum", "EIGHTH INTERNET GOVERNANCE FORUM"
_MEETING_IN_WORDS = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+(?:annual\s+)?(?:meeting\s+of\s+the\s+)?"
    r"(?:internet\s+governance\s+forum|igf|annual\s+meeting)\b", re.I)
FIRST_MEETING = 2006


@dataclass(frozen=True)
class SessionLabel:
    kind: str  # a key of ontology/session-kinds.ttl, e.g. "workshop"
    number: Span | None  # the digits, where the label carries a number
    start: int  # the whole label, e.g. "WS #310"
    end: int


def meeting_year(text: str, start: int = 0, end: int | None = None) -> Span | None:
    """The IGF meeting's year named in text[start:end], by number or in words."""
    end = len(text) if end is None else end
    found = MEETING_YEAR.search(text, start, end)
    if found:
        return Span(found.group(1), found.start(1), found.end(1))
    found = _MEETING_IN_WORDS.search(text, start, end)
    if found:
        word = found.group(1).lower()
        rank = _ORDINALS.index(word) + 1 if word in _ORDINALS else int(re.match(r"\d+", word).group(0))
        return Span(str(FIRST_MEETING + rank - 1), found.start(1), found.end(1))
    return None


@lru_cache(maxsize=1)
def _kind_patterns() -> tuple[list[tuple[str, re.Pattern]], list[tuple[str, re.Pattern]]]:
    """(numbered, named) patterns per session kind, from the ontology."""
    from igfkg.ontology import session_kind_labels

    numbered, named = [], []
    for key, labels, prefixes in session_kind_labels():
        words = "|".join(r"\s+".join(map(re.escape, label.split())) for label in
                         sorted(labels, key=len, reverse=True))
        named.append((key, re.compile(rf"\b(?:{words})\b", re.I)))
        if prefixes:
            # "WS #310", "WS299", "WORKSHOP 340", "AD 67", "Workshop # 41 Report", "OF12"
            heads = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
            numbered.append((key, re.compile(
                rf"(?<![\w])(?:{heads})[ \t]*(?:#|no\.?|n[°º]|number|num\.?|nr\.?)?[ \t]*(\d{{1,4}})\b"
                rf"(?![ \t]*(?:%|min\b|mins\b|minutes\b))",
                re.I)))
    return numbered, named


def session_label(text: str, start: int = 0, end: int | None = None) -> SessionLabel | None:
    """The first numbered session label in text[start:end] ("WS #310")."""
    end = len(text) if end is None else end
    best = None
    for kind, pattern in _kind_patterns()[0]:
        found = pattern.search(text, start, end)
        if found and (best is None or found.start() < best.start):
            best = SessionLabel(kind, Span(found.group(1), found.start(1), found.end(1)),
                                found.start(), found.end())
    return best


def session_kind(text: str, start: int = 0, end: int | None = None, default: str = "workshop") -> str:
    """The kind of session text[start:end] names first: a numbered label
    ("AD 67") or a name ("An Open Forum on ...", "Best Practice Forum")."""
    end = len(text) if end is None else end
    label = session_label(text, start, end)
    first = (label.start, label.kind) if label else None
    for kind, pattern in _kind_patterns()[1]:
        found = pattern.search(text, start, end)
        if found and (first is None or found.start() < first[0]):
            first = (found.start(), kind)
    return first[1] if first else default
