"""A session's title: from a "Title:" field, else the header line that most
looks like one. Never page furniture ("Skip to main content", "<< Back",
"Loading…"), never a line that only names the meeting, its place, a date or
the kind of page ("Workshop Proposals", "Best Practices Session Report").

The words that make a line generic or furniture are vocabulary:
``ontology/page-furniture.txt``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .dates import find_date
from .meetings import MEETINGS
from .records import Section, Span
from .sessions import MEETING_YEAR, session_label
from .text import fold, strip_span

_HEAD = re.compile(r"\s*(?:(?:internet governance forum|igf)\s*\d{4}\s*[:.\-–—]?\s*)", re.I)
# "Main Session: Title", "Open Forum – Title": a kind name standing before the title
_KIND_PREFIX = re.compile(r"\s*(?:main session|open forum|ad hoc session|lightning talk|workshop)\s*[:\-–—]\s*", re.I)
_TAIL_LABEL = re.compile(r"\s*\(\s*[A-Z]{2,4}\s*#?\s*\d{1,4}\s*\)\s*$")
# Lines of a header that are times, rooms or a field ("Date: ...", "Room: ...").
_FIELD_LINE = re.compile(r"^\s*(?:date|time|room|venue|when|where|location|day|salle|lieu|fecha|hora|sala)\s*:", re.I)
# "22 October 2013 - An Open Forum on Access and Diversity in Bali, Indonesia": the
# description's header line names the theme and place, never the title.
_SESSION_HEADER_LINE = re.compile(r"\s*(?:\w+,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+\w+,?\s+\d{4}\s*[-–—]\s*an?\s", re.I)
_KIND_PHRASE = re.compile(r"\b(?:best practices? forum|dynamic coalition|open forum)\s+on\b", re.I)


@lru_cache(maxsize=1)
def _furniture() -> tuple[re.Pattern, frozenset[str]]:
    """(pattern of furniture lines, words a title never consists of only)."""
    from igfkg.ontology import ONTOLOGY_DIR

    lines, generic = [], set()
    section = None
    for raw in (ONTOLOGY_DIR / "page-furniture.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == "lines":
            lines.append(line)
        elif section == "generic words":
            generic.update(line.split())
    for city, country in MEETINGS.values():
        generic.update(fold(city).split() + fold(country).split())
    return re.compile(r"^\s*(?:" + "|".join(lines) + r")", re.I), frozenset(generic)


def is_furniture(line: str) -> bool:
    pattern, _generic = _furniture()
    return bool(pattern.match(line)) or line.count("|") >= 2


def _is_generic(rest: str) -> bool:
    """Only meeting, place, page-kind and function words left."""
    words = re.findall(r"[a-z]+", fold(rest))
    return all(w in _furniture()[1] for w in words)


def session_title(text: str, header: Section | None, sections: list[Section]) -> Span | None:
    field = next((s for s in sections if s.key == "title" and s.end > s.start), None)
    if field is not None:
        line_end = text.find("\n", field.start, field.end)
        a, b = strip_span(text, field.start, field.end if line_end < 0 else line_end)
        a, b = strip_numbering(text, a, b)
        return Span(text[a:b], a, b)
    return header_title(text, header.start, header.end) if header else None


def header_title(text: str, start: int, end: int) -> Span | None:
    """The header line that most looks like a title, without its
    "IGF 2022 WS #310" numbering: one that names a session kind ("Best
    Practice Forum on ..."), else one that had a session label or kind before
    it ("WS 88: ...", "Main Session: ..."), else one printed twice, else the
    first."""
    candidates = []
    pos = start
    for line in text[start:end].split("\n"):
        a, b = strip_span(text, pos, pos + len(line))
        pos += len(line) + 1
        if b - a < 3 or is_furniture(text[a:b]) or _FIELD_LINE.match(text[a:b]):
            continue
        if _SESSION_HEADER_LINE.match(text, a, b):
            continue
        labelled = _starts_with_label(text, a, b)
        a, b = strip_numbering(text, a, b)
        rest = MEETING_YEAR.sub("", text[a:b])
        label = session_label(rest)
        if label:
            rest = rest[:label.start] + rest[label.end:]
        date_value = find_date(rest)
        if date_value:
            rest = rest[:date_value[1]] + rest[date_value[2]:]
        if len(re.sub(r"[\W\d_]+", "", rest)) >= 3 and not _is_generic(rest):
            candidates.append((a, b, labelled))
    if not candidates:
        return None
    folded = fold(text)
    a, b, _ = next((c for c in candidates if _KIND_PHRASE.search(text, c[0], c[1])), None) or \
        next((c for c in candidates if c[2]), None) or \
        next((c for c in candidates if folded.count(fold(text[c[0]:c[1]])) > 1), candidates[0])
    return Span(text[a:b], a, b)


def _starts_with_label(text: str, a: int, b: int) -> bool:
    """"WS 88: ...", "Main Session: ...", also after "IGF 2018"."""
    head = _HEAD.match(text, a, b)
    a = head.end() if head else a
    label = session_label(text, a, b)
    return bool(_KIND_PREFIX.match(text, a, b)) or (label is not None and label.start == a)


def strip_numbering(text: str, a: int, b: int) -> tuple[int, int]:
    """"IGF 2022 WS #310 Data ...", "WS173: Title" and "Main Session: Title"
    lose their prefix, "Title (WS152)" its tail."""
    while True:
        head = _HEAD.match(text, a, b)
        kind = _KIND_PREFIX.match(text, a, b)
        label = session_label(text, a, b)
        if head and head.end() < b:
            a = head.end()
        elif kind and b - kind.end() >= 3:
            a = kind.end()
        elif label and label.start == a and b - label.end >= 3:
            a = label.end
            sep = re.match(r"\s*[:.\-–—]?\s*", text[a:b])
            a += sep.end()
        else:
            break
    tail = _TAIL_LABEL.search(text, a, b)
    if tail and tail.start() - a >= 3:
        b = tail.start()
    return a, b
