"""The passage index on disk: passage rows in SQLite, vectors in FAISS,
keyed by the same ids; BM25 (lexical.py) is built in memory from the rows.

Files under the index directory:

- ``passages.sqlite``: one row per passage (report, section, offsets,
  language, year, text), the name of the embedding model that built the
  vectors, and a generation number bumped by every write;
- ``vectors.faiss``: exact inner-product search over every vector (and the
  vectors themselves), ids = passage row ids;
- ``approximate.faiss``: an IVF index over the same ids, built once the
  passage count passes the configured threshold.

Adding, replacing or removing a report touches only its rows and ids.
SQLite is committed first, then the FAISS files are written to a temporary
name and renamed into place: after a crash between the two, FAISS may hold
ids SQLite no longer has and lack the new ones, never the reverse order of
truth. ``reconcile`` (run when the knowledge base recovers from a crash)
drops FAISS ids SQLite does not hold, and duplicates; ids are removed
before they are added, so no id is ever held twice.
"""
from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexical import LexicalIndex

DEFAULT_APPROXIMATE_THRESHOLD = 50_000


class SearchIndexError(RuntimeError):
    """A problem with the passage index, said so a person can act on it."""


class ModelMismatch(SearchIndexError):
    pass


@dataclass(frozen=True)
class PassageRow:
    id: int
    report: str
    section: str
    start: int
    end: int
    lang: str
    year: int | None
    text: str
    kind: str | None = None  # the document's kind: report, transcript, proposal, ...
    speaker: str | None = None  # for a transcript turn, who spoke

    def as_json(self, score: float) -> dict:
        found = {"text": self.text, "report": self.report, "section": self.section, "start": self.start,
                 "end": self.end, "lang": self.lang, "kind": self.kind, "score": round(float(score), 6)}
        if self.speaker:
            found["speaker"] = self.speaker
        return found


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, report TEXT NOT NULL, section TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, lang TEXT NOT NULL, year INTEGER, text TEXT NOT NULL,
    kind TEXT, speaker TEXT);
CREATE INDEX IF NOT EXISTS passages_report ON passages(report);
INSERT OR IGNORE INTO meta VALUES ('generation', '0');
"""


class PassageIndex:
    def __init__(self, directory: Path, model: str,
                 approximate_threshold: int = DEFAULT_APPROXIMATE_THRESHOLD, nprobe: int = 16):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(directory / "passages.sqlite"), check_same_thread=False)
        self.db.executescript(_SCHEMA)
        self._add_missing_columns()
        self.model = model
        self.approximate_threshold = approximate_threshold
        self.nprobe = nprobe
        self._check_model()
        self._exact = None
        self._approximate = None
        self._loaded = False
        self._lexical = LexicalIndex()
        self.step_hook = None  # called with a step name after each durable write (crash tests)
        self.autosave = True  # False: FAISS files written by flush() only (a batch of ingests)

    def _step(self, name: str) -> None:
        if self.step_hook is not None:
            self.step_hook(name)

    def _add_missing_columns(self) -> None:
        """Indexes built before document kinds lack two columns: add them."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(passages)")}
        with self.db:
            for column in ("kind", "speaker"):
                if column not in columns:
                    self.db.execute(f"ALTER TABLE passages ADD COLUMN {column} TEXT")

    # -- model ------------------------------------------------------------

    @staticmethod
    def stored_model(directory: Path) -> str | None:
        """The model an existing index was built with, without opening it for writing."""
        path = directory / "passages.sqlite"
        if not path.exists():
            return None
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None

    def _check_model(self) -> None:
        stored = dict(self.db.execute("SELECT key, value FROM meta WHERE key = 'model'").fetchall())
        if not stored:
            with self.db:
                self.db.execute("INSERT INTO meta VALUES ('model', ?)", (self.model,))
        elif stored["model"] != self.model:
            raise ModelMismatch(
                f"the passage index was built with the {stored['model']!r} embedding model, not "
                f"{self.model!r}; query it with 'igfkg --embeddings {stored['model']} ...' or rebuild it with "
                f"'igfkg --embeddings {self.model} reindex'")

    # -- FAISS files ---------------------------------------------------------

    def _load(self, dim: int | None = None) -> None:
        """Read the FAISS files; an index with no vectors yet gets ``dim``."""
        if self._loaded and (self._exact is not None or dim is None):
            return
        import faiss

        path = self.directory / "vectors.faiss"
        if path.exists():
            self._exact = faiss.read_index(str(path))
        elif dim is not None:
            self._exact = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        approx = self.directory / "approximate.faiss"
        self._approximate = faiss.read_index(str(approx)) if approx.exists() else None
        self._loaded = True

    def _save(self) -> None:
        import faiss

        for index, name in ((self._exact, "vectors.faiss"), (self._approximate, "approximate.faiss")):
            if index is self._exact and index is None:
                continue
            path = self.directory / name
            if index is None:
                path.unlink(missing_ok=True)
                continue
            tmp = path.with_suffix(".tmp")
            faiss.write_index(index, str(tmp))
            os.replace(tmp, path)
            self._step("index-vectors")

    # -- writing -----------------------------------------------------------

    def replace_report(self, report: str, rows: list[dict], vectors: np.ndarray) -> None:
        """Put a report's passages in place of whatever it had."""
        if len(rows) != len(vectors):
            raise ValueError("one vector per passage")
        self._load(dim=vectors.shape[1])
        with self.db:  # rows first, committed: they are what the vectors are checked against
            old = self._delete_rows(report)
            new_ids = []
            for row in rows:
                cursor = self.db.execute(
                    'INSERT INTO passages (report, section, start, "end", lang, year, text, kind, speaker) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (report, row["section"], row["start"], row["end"], row["lang"], row.get("year"), row["text"],
                     row.get("kind"), row.get("speaker")))
                new_ids.append(cursor.lastrowid)
        self._step("index-rows")
        self._remove_vectors(old + new_ids)  # new ids too: an id is never held twice
        if new_ids:
            ids = np.asarray(new_ids, dtype=np.int64)
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            self._exact.add_with_ids(vectors, ids)
            if self._approximate is not None:
                self._approximate.add_with_ids(vectors, ids)
        self._maybe_build_approximate()
        if self.autosave:
            self._save()

    def remove_report(self, report: str) -> int:
        self._load()
        if self._exact is None:
            return 0
        with self.db:
            old = self._delete_rows(report)
        self._step("index-rows")
        self._remove_vectors(old)
        if self.autosave:
            self._save()
        return len(old)

    def flush(self) -> None:
        """Write the FAISS files (after writes made with autosave off)."""
        if self._loaded and self._exact is not None:
            self._save()

    # -- consistency ---------------------------------------------------------

    def vector_problems(self) -> dict:
        """How FAISS disagrees with SQLite: ids it holds that SQLite does not
        (``extra``), ids it holds twice (``duplicates``), and the reports
        whose rows have no vector (``missing``)."""
        import faiss

        self._load()
        row_ids = {i for (i,) in self.db.execute("SELECT id FROM passages")}
        held = faiss.vector_to_array(self._exact.id_map).astype(np.int64) if self._exact is not None else \
            np.zeros(0, dtype=np.int64)
        unique, counts = np.unique(held, return_counts=True)
        duplicates = {int(i) for i in unique[counts > 1]}
        extra = {int(i) for i in unique} - row_ids
        missing_ids = sorted(row_ids - {int(i) for i in unique})
        missing = set()
        for start in range(0, len(missing_ids), 500):
            chunk = missing_ids[start:start + 500]
            missing |= {r for (r,) in self.db.execute(
                f"SELECT DISTINCT report FROM passages WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        approximate_stale = self._approximate is not None and self._exact is not None and \
            self._approximate.ntotal != self._exact.ntotal
        return {"extra": extra, "duplicates": duplicates, "missing": missing, "approximate_stale": approximate_stale}

    def reconcile(self) -> set[str]:
        """Drop FAISS ids SQLite does not hold, and duplicated ones; rebuild a
        stale IVF index. Returns the reports whose vectors must be computed again."""
        problems = self.vector_problems()
        bad = sorted(problems["extra"] | problems["duplicates"])
        if bad:
            self._remove_vectors(bad)
        missing = problems["missing"] | {r for (r,) in self.db.execute(
            f"SELECT DISTINCT report FROM passages WHERE id IN ({','.join('?' * len(bad))})", bad)} if bad else \
            problems["missing"]
        if bad or problems["approximate_stale"]:
            if self._approximate is not None:
                self._approximate = build_ivf(self._exact) if self._exact.ntotal else None
            self._save()
        return missing

    def _delete_rows(self, report: str) -> list[int]:
        """Delete a report's rows (inside the caller's transaction) and bump the generation."""
        ids = [row_id for (row_id,) in self.db.execute("SELECT id FROM passages WHERE report = ?", (report,))]
        self.db.execute("DELETE FROM passages WHERE report = ?", (report,))
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        return ids

    def _remove_vectors(self, ids: list[int]) -> None:
        if not ids:
            return
        selector = np.asarray(ids, dtype=np.int64)
        self._exact.remove_ids(selector)
        if self._approximate is not None:
            self._approximate.remove_ids(selector)

    def build_approximate(self) -> None:
        """Build the IVF index now, whatever the passage count."""
        self._load()
        if self._exact is not None and self._exact.ntotal:
            self._approximate = build_ivf(self._exact)
            self._save()

    def _maybe_build_approximate(self) -> None:
        """Past the threshold, an IVF index joins the exact one (then kept up to date)."""
        if self._approximate is None and self._exact.ntotal >= self.approximate_threshold:
            self._approximate = build_ivf(self._exact)

    # -- reading ------------------------------------------------------------

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def report_ids(self) -> set[str]:
        return {r for (r,) in self.db.execute("SELECT DISTINCT report FROM passages")}

    def rows(self, ids: list[int]) -> dict[int, PassageRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        found = self.db.execute(
            f'SELECT id, report, section, start, "end", lang, year, text, kind, speaker FROM passages '
            f'WHERE id IN ({marks})',
            [int(i) for i in ids]).fetchall()
        return {row[0]: PassageRow(*row) for row in found}

    def allowed_ids(self, filters: dict) -> list[int] | None:
        """Ids that pass the filters (report, section, lang, year, kind,
        speaker), or None for all."""
        clauses, values = _where(filters)
        if not clauses:
            return None
        return [i for (i,) in self.db.execute(f"SELECT id FROM passages WHERE {clauses}", values)]

    @property
    def uses_approximate(self) -> bool:
        self._load()
        return self._approximate is not None

    def dense(self, query: np.ndarray, k: int, allowed: list[int] | None = None,
              exact: bool = False) -> list[tuple[int, float]]:
        import faiss

        self._load()
        if self._exact is None or self._exact.ntotal == 0 or (allowed is not None and not allowed):
            return []
        index = self._exact if exact or self._approximate is None else self._approximate
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if index is self._approximate:
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = index.search(query, min(k, self._exact.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def lexical(self, terms: list[str], k: int, allowed: list[int] | None = None) -> list[tuple[int, float]]:
        """BM25 over the passage text; higher score is better."""
        if allowed is not None and not allowed:
            return []
        generation = int(self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        if self._lexical.generation != generation:
            self._lexical.rebuild(generation, self.db.execute("SELECT id, text FROM passages ORDER BY id").fetchall())
        return self._lexical.search(terms, k, allowed)

    def close(self) -> None:
        self.db.close()


def build_ivf(exact):
    """An IVF index over the exact index's vectors and ids."""
    import faiss

    count, dim = exact.ntotal, exact.d
    ids = faiss.vector_to_array(exact.id_map).astype(np.int64)
    vectors = exact.index.reconstruct_n(0, count)
    nlist = max(1, min(int(4 * math.sqrt(count)), count // 39))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    ivf.add_with_ids(vectors, ids)
    return ivf


def _where(filters: dict) -> tuple[str, list]:
    clauses, values = [], []
    for key in ("report", "section", "lang", "year", "kind", "speaker"):
        value = filters.get(key)
        if value is not None:
            clauses.append(f"{key} = ?")
            values.append(value)
    return " AND ".join(clauses), values
