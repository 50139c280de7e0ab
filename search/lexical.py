"""BM25 over the passages with bm25s, built in memory from the passage rows.

SQLite keeps the rows; this keeps the sparse BM25 matrix, rebuilt when the
index's generation (bumped by every write) has moved. Scoring 100,000
passages takes well under a millisecond; building takes a few seconds, once
per change, on the first query after it.
"""
from __future__ import annotations

import re

import numpy as np

from igfkg.ingest.text import fold

from .stopwords import STOP_WORDS

_WORD = re.compile(r"[\w][\w.\-/]*[\w]|\w")


def tokens(text: str) -> list[str]:
    """Folded words without stop words; "M-Pesa", "CGI.br" and "25/TCP" stay whole."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


class LexicalIndex:
    def __init__(self):
        self.generation: int | None = None
        self._model = None
        self._ids = np.zeros(0, dtype=np.int64)

    def rebuild(self, generation: int, rows: list[tuple[int, str]]) -> None:
        import bm25s

        self._ids = np.asarray([row_id for row_id, _ in rows], dtype=np.int64)
        self._model = None
        if rows:
            model = bm25s.BM25()
            model.index([tokens(text) or [""] for _, text in rows], show_progress=False)
            self._model = model
        self.generation = generation

    def search(self, terms: list[str], k: int, allowed: list[int] | None) -> list[tuple[int, float]]:
        if self._model is None or not terms:
            return []
        scores = self._model.get_scores(terms)
        if allowed is not None:
            mask = np.isin(self._ids, np.asarray(allowed, dtype=np.int64))
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self._ids[i]), float(scores[i])) for i in top if scores[i] > 0]
