"""Earlier events a workshop builds on: "will aim to build upon discussions
that took place at the IGF, including the Taking stock session at the 2012
IGF in Baku, Azerbaijan, and a session on this topic at the WSIS +10 review
event in February 2013 in Paris"."""
from __future__ import annotations

import re

from .passages import sentence_spans
from .records import LinkedEvent, Section, Span
from .text import strip_span

SECTIONS = ("description", "summary", "agenda", "header", "body", "conclusions")

_CUE = re.compile(r"\b(?:build(?:s|ing)?\s+(?:up)?on|builds?\s+upon|follow(?:s|ing)?\s+up\s+on|"
                  r"s['’]appuie(?:nt)?\s+sur|s['’]appuyant\s+sur|dans\s+le\s+prolongement\s+d[eu']|"
                  r"a\s+ra[ií]z\s+de|bas[aá]ndose\s+en)\b", re.I)
_SPLIT = re.compile(r",?\s+including\s+|,?\s+notamment\s+|,\s+and\s+|\s+as\s+well\s+as\s+|;\s*|"
                    r",?\s+ainsi\s+que\s+|\s+and\s+(?=(?:a|an|the)\s)|\s+et\s+(?=(?:la|le|les|une?)\s)", re.I)
_EVENT_NOUN = re.compile(r"\b(?:session|event|meeting|forum|conference|summit|workshop|consultation|"
                         r"séance|événement|réunion|conférence|sommet|atelier|reunión|evento|cumbre)s?\b", re.I)
_GENERIC = re.compile(r"^(?:other|d['’]autres|otros|otras|many|several|plusieurs)\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PLACE = re.compile(rf"\b(?:in|à|en)\s+(?!{_MONTHS}\b)([A-ZÀ-Ý][\w'’.-]+(?:\s+[A-ZÀ-Ý][\w'’.-]+){{0,2}})")
_TRAILING = re.compile(r"\s+(?:to|pour|para)\s+\w+.*$", re.S)


def events_in(text: str, sections: list[Section]) -> list[LinkedEvent]:
    events = []
    for section in sections:
        if section.key not in SECTIONS:
            continue
        for a, b in sentence_spans(text, section.start, section.end):
            cue = _CUE.search(text, a, b)
            if not cue:
                continue
            pos = cue.end()
            for part in list(_SPLIT.finditer(text, pos, b)) + [None]:
                end = part.start() if part else b
                start, stop = strip_span(text, pos, end)
                pos = part.end() if part else b
                phrase = text[start:stop].rstrip(".")
                if not _EVENT_NOUN.search(phrase) or _GENERIC.match(phrase):
                    continue
                trailing = _TRAILING.search(phrase)
                if trailing:
                    phrase = phrase[:trailing.start()]
                year = _YEAR.search(phrase)
                places = _PLACE.findall(phrase)
                events.append(LinkedEvent(Span(phrase, start, start + len(phrase)),
                                          int(year.group(1)) if year else None,
                                          places[-1] if places else None))
    return events
