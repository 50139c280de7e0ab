"""Mentions of the multistakeholder principles (ontology/principles.ttl) in
any language: "transparence" and "transparency" are one concept."""
from __future__ import annotations

from functools import lru_cache

from igfkg.ontology import labelled_nodes

from .labels import LabelMatcher
from .records import Passage, PrincipleMention, Span

# Groupings of the scheme, not principles a text argues for.
_GROUPS = {"scheme", "process-principles", "wsis10-recommendations", "wsis10-fundamental-principles"}
# One-word adjectives ("transparent") say less than a principle's name.
_WEAK = 0.7
_STRONG = 0.9


@lru_cache(maxsize=1)
def _matcher() -> LabelMatcher:
    labels = []
    for key, entries in labelled_nodes("principles.ttl", "principle").items():
        if key in _GROUPS:
            continue
        for label, _lang, preferred in entries:
            labels.append((key, label, _STRONG if preferred or " " in label else _WEAK))
    return LabelMatcher(labels)


def principles_in(text: str, passages: list[Passage]) -> list[PrincipleMention]:
    """Every principle each passage names, with the words that name it."""
    mentions = []
    for passage in passages:
        for hit in _matcher().find(text, passage.start, passage.end):
            source = Span(text[hit.start:hit.end], hit.start, hit.end)
            mentions.extend(PrincipleMention(key, source, hit.weight) for key in hit.keys)
    return mentions
