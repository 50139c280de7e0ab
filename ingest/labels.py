"""Find known labels (organisations, principles) in running text.

Matching ignores case and accents; acronyms ("APC", "UN") match only as
written. Overlapping matches keep the longest, so "responsabilité
partagée" wins over "responsabilité".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold, fold_chars


@dataclass(frozen=True)
class LabelHit:
    keys: tuple[str, ...]  # usually one; a label shared by concepts names each
    start: int
    end: int
    weight: float

    @property
    def key(self) -> str:
        return self.keys[0]


def is_acronym(label: str) -> bool:
    compact = label.replace(" ", "").replace(".", "")
    return 2 <= len(compact) <= 6 and compact.isupper()


class LabelMatcher:
    def __init__(self, labels: list[tuple[str, str, float]]):
        """``labels``: (key, label, weight) triples."""
        self._folded: dict[str, tuple[tuple[str, ...], float]] = {}
        self._exact: dict[str, tuple[tuple[str, ...], float]] = {}
        for key, label, weight in labels:
            table, text = (self._exact, label) if is_acronym(label) else (self._folded, fold(label))
            keys, best = table.get(text, ((), 0.0))
            if key not in keys:
                table[text] = (keys + (key,), max(best, weight))
        self._folded_re = _alternation(self._folded)
        self._exact_re = _alternation(self._exact)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[LabelHit]:
        end = len(text) if end is None else end
        hits = []
        if self._folded_re:
            folded = fold_chars(text[start:end])
            for m in self._folded_re.finditer(folded):
                keys, weight = self._folded[_spaces(m.group(0))]
                hits.append(LabelHit(keys, start + m.start(), start + m.end(), weight))
        if self._exact_re:
            for m in self._exact_re.finditer(text, start, end):
                keys, weight = self._exact[m.group(0)]
                hits.append(LabelHit(keys, m.start(), m.end(), weight))
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        taken: list[LabelHit] = []
        for hit in hits:
            if all(hit.end <= t.start or hit.start >= t.end for t in taken):
                taken.append(hit)
        return sorted(taken, key=lambda h: h.start)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _alternation(labels: dict) -> re.Pattern | None:
    """One pattern for all labels, words apart by any whitespace; at a
    position the longest label that ends a word wins. Written as a trie
    (labels sharing a start share its pattern), which the regex engine
    scans in a fraction of the time of a flat list of thousands of labels."""
    if not labels:
        return None
    trie: dict = {}
    for label in labels:
        node = trie
        for ch in label:
            node = node.setdefault(ch, {})
        node[""] = {}  # a label ends here
    return re.compile(r"(?<![\w])" + _trie_pattern(trie) + r"(?![\w])")


def _trie_pattern(node: dict) -> str:
    """The pattern of a trie node: longer continuations are tried before a
    label ending here, so that the longest matching label wins."""
    branches = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_pattern(child)
                for ch, child in node.items() if ch]
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
