"""BM25 over the passages with bm25s, built from the passage rows and kept
on disk.

SQLite keeps the rows; this keeps the sparse BM25 matrix, rebuilt when the
index's generation (bumped by every write) has moved, on the first query
after the change, and saved under ``lexical/g<generation>/``. A process
that finds the matrix of the current generation on disk maps it instead of
building it: a cold search at a million passages reads no text; one that
cannot be read (truncated, damaged) is built again and saved over. Scoring is
a sum over the query terms' postings (milliseconds at a million passages);
building takes seconds per 100,000 passages.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import numpy as np

from igfkg.ingest.text import fold

from .stopwords import STOP_WORDS

_WORD = re.compile(r"[\w][\w.\-/]*[\w]|\w")


def tokens(text: str) -> list[str]:
    """Folded words without stop words; "M-Pesa", "CGI.br" and "25/TCP" stay whole."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


class LexicalIndex:
    def __init__(self, directory: Path | None = None):
        self.directory = directory  # None: in memory only
        self.generation: int | None = None
        self._model = None
        self._ids = np.zeros(0, dtype=np.int64)

    def bring_to(self, generation: int, rows) -> None:
        """Be the index of ``generation``: as it is, else read from disk, else
        built from ``rows()`` (id, text pairs) and saved."""
        if self.generation == generation or self._read(generation):
            return
        self.rebuild(generation, rows().fetchall())
        self._write()

    def rebuild(self, generation: int, rows: list[tuple[int, str]]) -> None:
        import bm25s

        self._ids = np.asarray([row_id for row_id, _ in rows], dtype=np.int64)
        self._model = None
        if rows:
            model = bm25s.BM25()
            model.index([tokens(text) or [""] for _, text in rows], show_progress=False)
            self._model = model
        self.generation = generation

    def _path(self, generation: int) -> Path:
        return self.directory / f"g{generation}"

    def _read(self, generation: int) -> bool:
        import bm25s

        path = self._path(generation) if self.directory else None
        if path is None or not (path / "ids.npy").exists():
            return False
        try:
            model = bm25s.BM25.load(str(path), mmap=True, show_progress=False, verbosity=0)
            ids = np.load(path / "ids.npy", mmap_mode="r")
            matrix = model.scores
            # one column per word (the empty word may have none), postings as long as the column offsets say
            whole = (len(model.vocab_dict) <= len(matrix["indptr"]) <= len(model.vocab_dict) + 1
                     and matrix["num_docs"] == len(ids)
                     and int(matrix["indptr"][-1]) == len(matrix["indices"]) == len(matrix["data"]))
        except Exception:  # noqa: BLE001 - removed under us by a newer generation, or damaged: build instead
            return False
        if not whole:  # truncated or damaged: build instead (and save over it)
            return False
        self._model, self._ids, self.generation = model, ids, generation
        return True

    def _write(self) -> None:
        """Save this generation (written aside, then renamed: a reader never
        sees half of it) and drop older ones. Best effort: a directory that
        cannot be written costs a rebuild next time, nothing else."""
        if self.directory is None or self._model is None:
            return
        final = self._path(self.generation)
        tmp = self.directory / f".tmp-{os.getpid()}-{threading.get_ident()}"
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            self._model.save(str(tmp), show_progress=False)
            np.save(tmp / "ids.npy", self._ids)
            shutil.rmtree(final, ignore_errors=True)  # one that could not be read; a rename cannot replace it
            os.replace(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            return
        for old in self.directory.glob("g*"):  # older generations only: another process may have saved a newer one
            if not old.name[1:].isdigit() or int(old.name[1:]) < self.generation:
                shutil.rmtree(old, ignore_errors=True)

    def search(self, terms: list[str], k: int, allowed: list[int] | None) -> list[tuple[int, float]]:
        if self._model is None or not terms:
            return []
        scores = self._scores(terms)
        if allowed is not None:
            scores[~np.isin(self._ids, np.asarray(allowed, dtype=np.int64))] = 0.0
        # Only passages holding a term can score: rank those, not all passages.
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.argsort(-scores[hits])]
        return [(int(self._ids[i]), float(scores[i])) for i in hits]

    def _scores(self, terms: list[str]) -> np.ndarray:
        """BM25 of every passage: the sum of the terms' precomputed postings
        (one bincount; bm25s's own sum is several times slower at a million)."""
        matrix = self._model.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        spans = [(indptr[t], indptr[t + 1]) for t in self._model.get_tokens_ids(terms) if t + 1 < len(indptr)]
        if not spans:
            return np.zeros(len(self._ids))
        docs = np.concatenate([indices[a:b] for a, b in spans])
        values = np.concatenate([data[a:b] for a, b in spans])
        return np.bincount(docs, weights=values, minlength=len(self._ids))
