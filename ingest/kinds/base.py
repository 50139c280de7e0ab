"""What every document reader is: a kind, a score saying how much a text
looks like that kind, and a ``read`` that fills a record.

A reader scores on cues (labels and layouts the kind has and others lack).
The registry in ``__init__`` asks every reader and hands the text to the
best one scoring at least ``MIN_SCORE``; below that a document stays plain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import ReportRecord

#: The least score that makes a document of a kind.
MIN_SCORE = 1.0


@dataclass(frozen=True)
class Cue:
    """A pattern that counts ``weight`` towards a kind, at most ``most`` times."""

    pattern: re.Pattern
    weight: float
    most: int = 1

    def count(self, text: str) -> float:
        hits = 0
        for _ in self.pattern.finditer(text):
            hits += 1
            if hits >= self.most:
                break
        return hits * self.weight


def cue(pattern: str, weight: float, most: int = 1, flags: int = re.I | re.M) -> Cue:
    return Cue(re.compile(pattern, flags), weight, most)


def cue_score(text: str, cues: tuple[Cue, ...]) -> float:
    return sum(c.count(text) for c in cues)


class KindReader:
    """One kind of document. Subclasses set ``kind`` and implement both methods."""

    kind: str = "plain"

    def score(self, text: str) -> float:
        raise NotImplementedError

    def read(self, record: ReportRecord, running_text: bool = True) -> None:
        """Fill ``record`` (its text is set) with sections, passages and
        session facts, and set ``record.is_report``."""
        raise NotImplementedError
