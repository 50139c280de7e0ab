"""The passage index on disk: passage rows in SQLite, vectors in FAISS,
keyed by the same ids; BM25 (lexical.py) is built from the rows and kept
on disk next to them.

Files under the index directory:

- ``passages.sqlite``: one row per passage (report, section, offsets,
  language, year, text), the name of the embedding model that built the
  vectors, and a generation number bumped by every write;
- ``vectors.faiss``: exact inner-product search over every vector (and the
  vectors themselves), ids = passage row ids;
- ``approximate.faiss``: an HNSW graph over the same ids, built once the
  passage count passes the configured threshold, then added to. HNSW cannot
  remove a vector: a removed passage stays in the graph as a tombstone,
  which searches skip by asking SQLite (the truth) which ids still exist;
  the graph is built again once tombstones pass TOMBSTONE_SHARE of it;
- ``lexical/``: the BM25 matrix of the rows at one generation (lexical.py).

HNSW was chosen over IVF (more lists, re-ranking, product quantisation) by
measurement at a million passages (bench/bench_scale.py, BENCHMARKS.md).
Searching opens only what it needs, memory-mapped: the HNSW index when
there is one (its vectors stay on disk, the exact index is not read at
all), else the exact index. Writing reads both into memory first. A reader
sees another process's writes: when a FAISS file is replaced it maps the
new one on its next search.

Adding, replacing or removing a report touches only its rows and ids.
SQLite is committed first, then the FAISS files are written to a temporary
name and renamed into place: after a crash between the two, FAISS may hold
ids SQLite no longer has and lack the new ones, never the reverse order of
truth. ``reconcile`` (run when the knowledge base recovers from a crash)
drops from the exact index the ids SQLite does not hold, and duplicates
(ids are removed before they are added, so no id is ever held twice), and
adds to the graph the live vectors it lacks; ids the graph holds beyond
SQLite's are tombstones, skipped by every search.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexical import LexicalIndex

DEFAULT_APPROXIMATE_THRESHOLD = 50_000
#: HNSW: links per node, candidates kept while building and while searching;
#: efSearch keeps recall@10 >= 0.95 against exact search at a million passages (BENCHMARKS.md).
HNSW_LINKS = 32
HNSW_EF_CONSTRUCTION = 100
DEFAULT_EF_SEARCH = 1536
#: Removed passages (tombstones) the graph may hold, as a share of it, before it is built again.
TOMBSTONE_SHARE = 0.2
#: Results asked of the graph per result wanted: tombstones among them are dropped.
OVERFETCH = 2


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
                 approximate_threshold: int = DEFAULT_APPROXIMATE_THRESHOLD, ef_search: int = DEFAULT_EF_SEARCH):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(directory / "passages.sqlite"), check_same_thread=False)
        self.db.executescript(_SCHEMA)
        self._add_missing_columns()
        self.model = model
        self.approximate_threshold = approximate_threshold
        self.ef_search = ef_search
        self._check_model()
        self._exact = None
        self._approximate = None
        self._largest_held = 0  # the largest id the exact index holds (ids only grow)
        self._writable = False  # both FAISS files in memory, ready for writes
        self._mapped: dict[str, tuple] = {}  # searching: the files mapped, by name, and their signature
        self._lexical = LexicalIndex(directory / "lexical")
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
        """Read the FAISS files into memory, for writing; an index with no
        vectors yet gets ``dim``."""
        if self._writable and (self._exact is not None or dim is None):
            return
        import faiss

        path = self.directory / "vectors.faiss"
        if path.exists():
            self._exact = faiss.read_index(str(path))
        elif dim is not None:
            self._exact = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        else:
            self._exact = None
        approx = self.directory / "approximate.faiss"
        self._approximate = faiss.read_index(str(approx)) if approx.exists() else None
        held = faiss.vector_to_array(self._exact.id_map) if self._exact is not None else []
        self._largest_held = int(held.max()) if len(held) else 0
        self._writable = True
        self._mapped = {}

    def _load_for_search(self) -> None:
        """Map the one file a search needs (the HNSW index if there is one),
        again when another process has replaced it since."""
        if self._writable or (self._mapped and all(_signature(self.directory / name) == seen
                                                   for name, seen in self._mapped.items())):
            return
        import faiss

        flags = faiss.IO_FLAG_READ_ONLY
        approx, exact = self.directory / "approximate.faiss", self.directory / "vectors.faiss"
        graph = flat = None  # mapped, then put in place: a search in another thread keeps the old meanwhile
        if approx.exists():
            mapped = {approx.name: _signature(approx)}
            graph = faiss.read_index(str(approx), flags | faiss.IO_FLAG_MMAP_IFC)
        elif exact.exists():
            mapped = {exact.name: _signature(exact)}
            flat = faiss.read_index(str(exact), flags | faiss.IO_FLAG_MMAP_IFC)
        else:
            mapped = {approx.name: None, exact.name: None}
        self._approximate, self._exact, self._mapped = graph, flat, mapped

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
        # New ids too, should the index hold one (an id is never held twice);
        # only those it may hold: a removal scans the whole index and
        # rebuilds its id map, and ids only grow (AUTOINCREMENT).
        self._remove_vectors(old + [i for i in new_ids if i <= self._largest_held])
        if new_ids:
            ids = np.asarray(new_ids, dtype=np.int64)
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            self._exact.add_with_ids(vectors, ids)
            self._largest_held = max(self._largest_held, max(new_ids))
            if self._approximate is not None:
                self._approximate.add_with_ids(vectors, ids)
        self._maybe_build_approximate()
        if self.autosave:
            self._save()

    def remove_report(self, report: str) -> int:
        self._load()
        with self.db:  # rows go even with no FAISS file yet (a batch stopped before its first checkpoint)
            old = self._delete_rows(report)
        self._step("index-rows")
        if self._exact is None:
            return len(old)
        self._remove_vectors(old)
        if self._approximate is not None:
            self._maybe_build_approximate()
        if self.autosave:
            self._save()
        return len(old)

    def flush(self) -> None:
        """Write the FAISS files (after writes made with autosave off)."""
        if self._writable and self._exact is not None:
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
        approximate_stale = bool(len(self._missing_from_approximate(unique)))
        return {"extra": extra, "duplicates": duplicates, "missing": missing, "approximate_stale": approximate_stale}

    def _missing_from_approximate(self, held: np.ndarray) -> np.ndarray:
        """Ids of the exact index the graph lacks (it may hold more: tombstones)."""
        import faiss

        if self._approximate is None:
            return np.zeros(0, dtype=np.int64)
        return np.setdiff1d(held, faiss.vector_to_array(self._approximate.id_map).astype(np.int64))

    def reconcile(self) -> set[str]:
        """Drop FAISS ids SQLite does not hold, and duplicated ones; give the
        graph the vectors it lacks. Returns the reports whose vectors must be
        computed again."""
        problems = self.vector_problems()
        bad = sorted(problems["extra"] | problems["duplicates"])
        if bad:
            self._remove_vectors(bad)
        missing = problems["missing"] | {r for (r,) in self.db.execute(
            f"SELECT DISTINCT report FROM passages WHERE id IN ({','.join('?' * len(bad))})", bad)} if bad else \
            problems["missing"]
        if bad or problems["approximate_stale"]:
            if self._approximate is not None:
                import faiss

                lacking = self._missing_from_approximate(faiss.vector_to_array(self._exact.id_map).astype(np.int64))
                if len(lacking):
                    self._approximate.add_with_ids(np.vstack([self._exact.reconstruct(int(i)) for i in lacking]),
                                                   lacking)
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
        self._exact.remove_ids(np.asarray(ids, dtype=np.int64))  # the graph keeps them as tombstones

    def build_approximate(self) -> None:
        """Build the HNSW index now, whatever the passage count."""
        self._load()
        if self._exact is not None and self._exact.ntotal:
            self._approximate = build_hnsw(self._exact)
            self._save()

    def _maybe_build_approximate(self) -> None:
        """Past the threshold, an HNSW index joins the exact one (then added
        to); built again when tombstones pass their share of it."""
        live = self._exact.ntotal
        if self._approximate is None:
            if live >= self.approximate_threshold:
                self._approximate = build_hnsw(self._exact)
        elif self._approximate.ntotal - live > TOMBSTONE_SHARE * self._approximate.ntotal:
            self._approximate = build_hnsw(self._exact) if live else None

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
        self._load_for_search()
        return self._approximate is not None

    def dense(self, query: np.ndarray, k: int, allowed: list[int] | None = None,
              exact: bool = False) -> list[tuple[int, float]]:
        import faiss

        if exact:
            self._load()
        else:
            self._load_for_search()
        graph = None if exact else self._approximate  # read once: another thread may map a newer file
        index = self._exact if graph is None else graph
        if index is None or index.ntotal == 0 or (allowed is not None and not allowed):
            return []
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)) if allowed is not None else None
        if graph is None:
            with one_thread():
                scores, ids = index.search(query, min(k, index.ntotal), params=faiss.SearchParameters(sel=selector))
            return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        # The graph holds tombstones: ask for more than k, and for more again
        # while tombstones (the nearest passages of a removed report) leave
        # fewer than k; they are at most TOMBSTONE_SHARE of the graph.
        wanted = OVERFETCH * k
        while True:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.ef_search, wanted))
            with one_thread():
                scores, ids = index.search(query, min(wanted, index.ntotal), params=params)
            found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
            live = self._live(found)
            if len(live) >= k or len(found) < wanted or wanted >= index.ntotal:
                return live[:k]
            wanted *= 4

    def _live(self, found: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """``found`` without tombstones (ids SQLite no longer holds)."""
        if not found:
            return found
        ids, live = [i for i, _ in found], set()
        for start in range(0, len(ids), 10_000):  # under SQLite's limit on bound values
            chunk = ids[start:start + 10_000]
            live |= {i for (i,) in self.db.execute(
                f"SELECT id FROM passages WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
        return [(i, s) for i, s in found if i in live]

    def lexical(self, terms: list[str], k: int, allowed: list[int] | None = None) -> list[tuple[int, float]]:
        """BM25 over the passage text; higher score is better."""
        if allowed is not None and not allowed:
            return []
        generation = int(self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        self._lexical.bring_to(generation, lambda: self.db.execute("SELECT id, text FROM passages ORDER BY id"))
        return self._lexical.search(terms, k, allowed)

    def close(self) -> None:
        self.db.close()


def build_hnsw(exact):
    """An HNSW index over the exact index's vectors and ids."""
    import faiss

    graph = faiss.IndexHNSWFlat(exact.d, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index = faiss.IndexIDMap(graph)
    index.add_with_ids(exact.index.reconstruct_n(0, exact.ntotal), faiss.vector_to_array(exact.id_map).astype(np.int64))
    return index


@contextmanager
def one_thread():
    """Search one query on one thread: OpenMP's threads gain nothing on a
    single query and waking them cost 10 ms a query on a busy machine
    (measured); the setting is the calling thread's own."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _signature(path: Path) -> tuple | None:
    """What changes when a file is replaced (os.replace gives a new inode)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _where(filters: dict) -> tuple[str, list]:
    clauses, values = [], []
    for key in ("report", "section", "lang", "year", "kind", "speaker"):
        value = filters.get(key)
        if value is not None:
            clauses.append(f"{key} = ?")
            values.append(value)
    return " AND ".join(clauses), values
