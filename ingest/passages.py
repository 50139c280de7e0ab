"""Cut section contents into passages: a few sentences each, never across
sections, with offsets into the report text and a language."""
from __future__ import annotations

import re

from .language import reliable_language
from .records import Passage, Section
from .text import strip_span

MAX_SENTENCES = 3
TARGET_CHARS = 500
ANAPHOR_LIMIT = 800  # a passage may grow to this to keep a pronoun with what it refers to
HARD_LIMIT = 1200
# A sentence that opens with a pronoun or a demonstrative ("Il ne crée pas
# de décisions contraignantes", "This group ...") is about the sentence before.
_ANAPHOR = re.compile(r"(?:il|elle|ils|elles|ce|cet|cette|ces|it|this|these|they|he|she|such|"
                      r"[eé]l|ella|este|esta|estos|estas)\b", re.I)

# A sentence ends at . ! ? followed by space and a capital (or quote, bullet,
# digit), at a bullet, at a numbered item run into the text ("... countries
# 2.Governance Of ..."), or at a line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(\[]?[A-ZÀ-ÖØ-Þ0-9•])"
    r"|\s*\n\s*"
    r"|\s+(?=•)"
    r"|\s+(?=\d{1,2}\.[A-ZÀ-ÖØ-Þ])"
)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for match in _BOUNDARY.finditer(text, start, end):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, end))
    out = []
    for a, b in spans:
        a, b = strip_span(text, a, b)
        if b > a:
            out.extend(_split_long(text, a, b))
    return out


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Break a run-on sentence at the last space before the hard limit."""
    pieces = []
    while end - start > HARD_LIMIT:
        cut = text.rfind(" ", start, start + HARD_LIMIT)
        cut = cut if cut > start else start + HARD_LIMIT
        a, b = strip_span(text, start, cut)
        pieces.append((a, b))
        start = cut
    a, b = strip_span(text, start, end)
    if b > a:
        pieces.append((a, b))
    return pieces


def cut_passages(text: str, sections: list[Section], default_lang: str) -> list[Passage]:
    passages: list[Passage] = []
    for section in sections:
        group: list[tuple[int, int]] = []
        for sentence in sentence_spans(text, section.start, section.end):
            refers_back = _ANAPHOR.match(text, sentence[0]) and sentence[1] - group[0][0] <= ANAPHOR_LIMIT \
                if group else False
            if group and not refers_back and (len(group) >= MAX_SENTENCES
                                              or sentence[1] - group[0][0] > TARGET_CHARS):
                passages.append(_passage(text, section, group, len(passages), default_lang))
                group = []
            group.append(sentence)
        if group:
            passages.append(_passage(text, section, group, len(passages), default_lang))
    return passages


def _passage(text, section, group, index, default_lang) -> Passage:
    start, end = group[0][0], group[-1][1]
    body = text[start:end]
    return Passage(index, section.key, start, end, body, reliable_language(body, default_lang))
