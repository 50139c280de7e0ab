"""Mentions of principles (ontology/principles.ttl and the frameworks of
ontology/frameworks.ttl) and of the Sustainable Development Goals
(ontology/sdgs.ttl) in any language: "transparence" and "transparency" are
one concept, "SDG 16" and "ODD 16" one goal.

Each concept a session's text names is either *discussed* (the session is
about it) or only *mentioned in passing*:

- discussed: named in the discussion (any section but the agenda, the
  policy questions, the header and the form fields) once by a full name,
  or at least twice;
- mentioned in passing: named only outside the discussion, or once by a
  bare word ("transparent").

A session page's SDG block ("GOAL 5: Gender Equality", "Targets: 5.b") says
what the session serves: those goals count as discussed.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache

from igfkg.ontology import labelled_nodes

from .labels import LabelMatcher
from .records import Passage, PrincipleMention, Span

# Groupings of the schemes, not principles a text argues for.
_GROUPS = {"scheme", "process-principles", "wsis10-recommendations", "wsis10-fundamental-principles",
           "nm-ig-principles", "nm-process-principles", "spg-guidelines", "spg-process-steps"}
# One-word adjectives ("transparent") say less than a principle's name.
_WEAK = 0.7
_STRONG = 0.9
# Sections that frame a session rather than discuss it.
_NOT_DISCUSSION = {"header", "agenda", "theme", "subtheme", "title", "number", "format", "organizer",
                   "organizer_entity", "panellists", "moderator", "remote_moderator", "reporters", "statistics",
                   "contact", "country", "stakeholder_group", "region", "tags", "links", "status", "transcript",
                   "women_estimate", "gender_discussion", "gender_notes", "previous_workshops"}


@lru_cache(maxsize=1)
def _matcher() -> LabelMatcher:
    generic = labelled_nodes("principles.ttl", "principle")
    labels = []
    for filename in ("principles.ttl", "frameworks.ttl"):
        for key, entries in labelled_nodes(filename, "principle").items():
            if key in _GROUPS:
                continue
            for label, _lang, preferred in entries:
                # A single common word names a framework principle only through
                # the generic concept and the crosswalk ("innovation", "diversity").
                if key not in generic and " " not in label.strip():
                    continue
                weight = _STRONG if preferred or " " in label else _WEAK
                labels.extend((key, form, weight) for form in _inflections(label))
    return LabelMatcher(labels)


def _inflections(label: str) -> list[str]:
    """The label and its last word's plural or singular ("open standard(s)")."""
    forms = [label]
    head, _, last = label.rpartition(" ")
    if not head or len(last) < 4 or not last.isalpha():
        return forms
    if last.endswith("s") and not last.endswith(("ss", "us", "is")):
        forms.append(f"{head} {last[:-1]}")
    elif not last.endswith(("s", "x", "z")):
        forms.append(f"{head} {last}s")
    return forms


def principles_in(text: str, passages: list[Passage]) -> list[PrincipleMention]:
    """Every principle each passage names, with the words that name it and
    whether the session discusses it."""
    found = []
    for passage in passages:
        for hit in _matcher().find(text, passage.start, passage.end):
            source = Span(text[hit.start:hit.end], hit.start, hit.end)
            found.extend((PrincipleMention(key, source, hit.weight), passage.section) for key in hit.keys)
    return _with_discussion(_prefer_generic(found))


def _prefer_generic(found: list[tuple[PrincipleMention, str]]) -> list[tuple[PrincipleMention, str]]:
    """Words shared by a generic concept and a framework's name the generic one."""
    generic = labelled_nodes("principles.ttl", "principle")
    by_span = defaultdict(list)
    for mention, section in found:
        by_span[(mention.source.start, mention.source.end)].append(mention.concept)
    return [(m, s) for m, s in found
            if m.concept in generic or not any(k in generic for k in by_span[(m.source.start, m.source.end)])]


def _with_discussion(found: list[tuple[PrincipleMention, str]]) -> list[PrincipleMention]:
    in_discussion = defaultdict(list)
    for mention, section in found:
        if section not in _NOT_DISCUSSION:
            in_discussion[mention.concept].append(mention.confidence)
    discussed = {key for key, weights in in_discussion.items() if len(weights) >= 2 or max(weights) >= _STRONG}
    return [replace(m, discussed=m.concept in discussed) for m, _ in found]


# -- Sustainable Development Goals ---------------------------------------------------

_GOAL_LINE = re.compile(r"^[ \t]*GOAL[ \t]+(\d{1,2})[ \t]*:", re.M | re.I)
_SDG_HEADING = re.compile(r"^[ \t]*SDGs?[ \t]*:?[ \t]*$", re.M)
_TARGET = re.compile(r"(?<![\w.])(\d{1,2})\.([0-9]{1,2}|[a-c])(?![\w])")
_TARGETS_LINE = re.compile(r"^[ \t]*Targets?[ \t]*:", re.I)
# "SDG 16", "SDGs 4 and 5", "ODD 5", "ODS 16", "Sustainable Development Goal 9", "SDG 9.c"
_IN_TEXT = re.compile(r"\b(?:SDGs?|ODDs?|ODS|(?i:sustainable development goals?|objectifs? de d[ée]veloppement durable|"
                      r"objetivos? de desarrollo sostenible))[ \t]*#?[ \t]*(\d{1,2}(?:\.(?:[0-9]{1,2}|[a-c]))?)\b")


def goals_in(text: str, passages: list[Passage], start: int = 0, end: int | None = None) -> list[PrincipleMention]:
    """The goals and targets a session serves (its page's SDG block, as
    listed: discussed) and those its text names ("SDG 16")."""
    end = len(text) if end is None else end
    listed = _sdg_block(text, start, end)
    listed_spans = {(m.source.start, m.source.end) for m in listed}
    named = []
    for passage in passages:
        for m in _IN_TEXT.finditer(text, passage.start, passage.end):
            if _valid(m.group(1)) and (m.start(1), m.end(1)) not in listed_spans:
                named.append((PrincipleMention(m.group(1), Span(m.group(0), m.start(), m.end()), _STRONG),
                              passage.section))
    return listed + _with_discussion(named)


def _sdg_block(text: str, start: int, end: int) -> list[PrincipleMention]:
    """GOAL lines, a "Targets:" line and bare target numbers after an "SDGs" heading."""
    found = []
    for m in _GOAL_LINE.finditer(text, start, end):
        line_end = text.find("\n", m.start())
        line_end = end if line_end < 0 else min(line_end, end)
        if _valid(m.group(1)):
            found.append(PrincipleMention(m.group(1), Span(text[m.start():line_end].strip(), m.start(), line_end), 1.0))
    for heading in _SDG_HEADING.finditer(text, start, end):
        found.extend(_targets_after(text, heading.end(), end))
    if not any(_SDG_HEADING.finditer(text, start, end)):
        for m in _GOAL_LINE.finditer(text, start, end):
            found.extend(_targets_after(text, m.end(), end))
            break
    unique = {}
    for mention in found:
        unique.setdefault((mention.concept, mention.source.start), mention)
    return list(unique.values())


def _targets_after(text: str, pos: int, end: int) -> list[PrincipleMention]:
    """Target numbers on the lines of the SDG block, which ends at the first
    line that is neither a goal, a target list nor blank."""
    found = []
    for line in re.finditer(r"[^\n]*", text[pos:end]):
        content = line.group(0).strip()
        a = pos + line.start()
        if not content:
            continue
        if not (_GOAL_LINE.match(content) or _TARGETS_LINE.match(content) or _TARGET.fullmatch(content)
                or re.fullmatch(r"[\d.a-c ;,]+", content)):
            break
        if _GOAL_LINE.match(content):
            continue
        for m in _TARGET.finditer(text, a, a + len(line.group(0))):
            if _valid(m.group(0)):
                found.append(PrincipleMention(m.group(0), Span(m.group(0), m.start(), m.end()), 1.0))
    return found


@lru_cache(maxsize=1)
def _known_goals() -> frozenset[str]:
    return frozenset(labelled_nodes("sdgs.ttl", "sdg")) - {"scheme"}


def _valid(key: str) -> bool:
    """A goal, or a target sdgs.ttl knows (a new target is added there first)."""
    return key in _known_goals()
