"""Ingest of many files: incremental, resumable, parallel.

The parent reads each file's bytes and hashes them; a file whose report
holds the same hash, file name and EXTRACTOR_VERSION is skipped without
parsing. The others go to worker processes (igfkg/pipeline.py) to be
decoded, parsed, gated and their passages embedded (each worker loads the
model once, and only when it has something to embed), and the
KnowledgeBase writes each report, in the order of the files, as the one
writer of the store, while the workers go on with the next files.

The graphs of new reports are held back and written in bulk at each flush
of the store (igfkg/unwritten.py), and a report is given out as done only
once its graph is written, so a run stopped at any point keeps every
report it gave out, each with its hash: the next run skips them and goes
on with the rest (a report read but not yet written is read again, its
index rows dropped by the next open), and ends with the graph an
uninterrupted run gives. The FAISS files are written at checkpoints only,
after the graphs; until then each report's vectors are kept in the vector
journal (igfkg/vector_journal.py), from which the next open takes them: a
stopped run's finished reports are not embedded again.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from igfkg.ingest.reading import UnreadableReport, read_file_bytes
from igfkg.search.context import record_inputs

from .kb import IngestResult, KnowledgeBase, ReportExists, content_hash, report_id_for
from .pipeline import Job, prepared_in_order, replay_logs
from .vector_journal import VectorJournal

#: Seconds between checkpoints of the FAISS files during a long run, at
#: least. A checkpoint rewrites the whole index, so as it grows they come
#: further apart: at most CHECKPOINT_SHARE of the run goes to them. Between
#: two, the vector journal keeps what a stopped run computed; a checkpoint
#: bounds the journal and the work of opening after a crash.
CHECKPOINT_SECONDS = 60.0
CHECKPOINT_SHARE = 0.05
#: Triples written between flushes of the store: Oxigraph (RocksDB) keeps
#: what was written in memory tables until flushed; flushing by what was
#: written keeps that memory within the same bound whatever the documents'
#: sizes. At each flush the store is closed and opened again
#: (KnowledgeBase.reopen_store, some 15 ms): the lookups each report makes
#: (its strings, its sessions' people) fill RocksDB's block caches (32 MiB,
#: and 128 MiB for the string table), and the larger the store the more
#: distinct blocks they touch, so without it the parent's memory grows with
#: the archive until the caches are full. The shorter the stretch between
#: two, the less they fill (what the store held at a reopen, 1,000 generated
#: documents: 36-42 MiB every 20,000 triples, 46-63 every 50,000). What
#: grew with the archive whatever the cadence was not memory anything held
#: (heaptrack) nor the passage index's, but freed memory glibc kept in the
#: arenas of the store's threads: bound_free_memory has every thread use one.
#: What still grows (about 5 KiB a document, BENCHMARKS.md) is in the peaks
#: between flushes. After each flush the memory freed is given back to the
#: system as far as it can be (glibc keeps the freed memory tables
#: otherwise).
FLUSH_TRIPLES = 20_000
#: Documents between two reopens whatever was written: a re-run that skips
#: unchanged files writes nothing, but its lookups (each file's report node
#: and its strings) fill the block caches all the same, about 40 KiB a
#: document until the caches are full (BENCHMARKS.md: *Re-run memory*).
DOCUMENTS_BETWEEN_REOPENS = 250


@dataclass
class Outcome:
    path: Path
    status: str  # "ingested", "unchanged" or "error"
    result: IngestResult | None = None
    error: str | None = None


def ingest_files(kb: KnowledgeBase, files: list[Path], report_id: str | None = None, replace: bool = False,
                 force: bool = False, jobs: int = 1, timings: dict | None = None) -> Iterator[Outcome]:
    """One Outcome per file, in the order of ``files``. ``timings`` (a dict)
    gets seconds per stage: read, decode, parse, ner load, ner, gate, embed
    (summed over workers), identity, triples, write, checkpoint."""
    timings = {} if timings is None else timings
    workers = worker_processes(jobs, files)
    interval, checkpoint, unflushed, looked_up = CHECKPOINT_SECONDS, time.monotonic(), 0, 0
    journal = VectorJournal(kb.config.home, kb.embeddings)
    held: list[Outcome] = []  # outcomes after the first report whose graph is not written yet
    with kb.batch(), _faiss_threads(1 if workers > 1 else None):
        items = _jobs(kb, files, report_id, replace, force, timings, journal.model)
        for item in prepared_in_order(items, workers):
            held.append(_write(kb, item, replace or bool(report_id), timings, journal))
            unflushed += held[-1].result.triples if held[-1].result else 0
            looked_up += 1
            if unflushed >= FLUSH_TRIPLES or looked_up >= DOCUMENTS_BETWEEN_REOPENS:
                unflushed = looked_up = 0
                _timed(timings, "checkpoint", kb.reopen_store)  # writes the held-back graphs first
                release_free_memory()
            if time.monotonic() - checkpoint > interval:
                seconds = _timed(timings, "checkpoint", kb.flush_batch)
                journal.clear()  # the FAISS files hold every vector so far
                release_free_memory()
                interval = max(CHECKPOINT_SECONDS, seconds / CHECKPOINT_SHARE)
                checkpoint = time.monotonic()
            if not kb.has_unwritten:
                yield from held
                held.clear()
        _timed(timings, "checkpoint", kb.flush_batch)
    yield from held
    journal.clear()


def worker_processes(jobs: int, files: list) -> int:
    """How many worker processes ingest_files runs for ``files`` at
    ``--jobs``; one means none: it reads and embeds in this process."""
    return max(1, min(jobs, len(files)))


@contextmanager
def _faiss_threads(threads: int | None):
    """FAISS (the HNSW graph's build and additions) on ``threads`` OpenMP
    threads in this process for the block: with workers on every core, more
    spin against them and slow both."""
    if threads is None:
        yield
        return
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


#: glibc's mallopt parameters (malloc.h).
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8


def bound_free_memory(jobs: int) -> None:
    """Keep the memory malloc holds free from growing over a long run
    (glibc only). For whoever opens the store, before it opens (``igfkg
    ingest`` and the benchmark do; ingest_files gets the store open):
    every thread then allocates from the one arena, the main thread's,
    where what one frees another reuses, instead of each of the store's
    threads keeping its own with its freed memory; and blocks of a MiB or
    more (a document's vectors and records from the workers, buffers) are
    mapped and given back when freed, instead of staying in the heap at
    glibc's adaptive threshold. A thread that already has an arena keeps
    it. Measured (BENCHMARKS.md): over 2,000 generated documents without
    the passage index, the memory after each flush level at 95-96 MiB with
    one arena, 98 rising to 109 with the store's threads on their own
    (six arenas).

    Only when ``jobs`` (worker_processes: what ingest_files will run) is
    more than one: with one, this process also embeds, on one thread per core, and
    those threads waiting on the one arena's lock made ingest slower
    (measured, 200 generated documents: 51 s against 44, embedding 27 s
    against 21); with workers, where the model runs, it made no
    difference (30 s either way)."""
    if jobs <= 1:
        return
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)
        libc.mallopt(_M_ARENA_MAX, 1)


def release_free_memory() -> None:
    """Give the memory malloc holds free back to the system (glibc only),
    as ingest_files does after each reopen of the store."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def _glibc():
    """The C library when it is glibc (it has malloc_trim), else None."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def _timed(timings: dict, stage: str, step) -> float:
    began = time.perf_counter()
    step()
    seconds = time.perf_counter() - began
    _add(timings, stage, seconds)
    return seconds


def _add(timings: dict, stage: str, seconds: float) -> None:
    timings[stage] = timings.get(stage, 0.0) + seconds


def _jobs(kb, files, report_id, replace, force, timings, embeddings: str) -> Iterator:
    """A Job per file to read; an Outcome for one skipped or refused here."""
    for path in files:
        began = time.perf_counter()
        rid = report_id or report_id_for(path)
        try:
            kb._check_replace(rid, path.name, replace or bool(report_id))  # before reading the file
            data = read_file_bytes(path, kb.config.max_file_bytes)
        except (UnreadableReport, ReportExists) as exc:
            yield Outcome(path, "error", error=str(exc))
            continue
        digest = content_hash(data)
        unchanged = not force and kb.unchanged(rid, path.name, digest)
        _add(timings, "read", time.perf_counter() - began)
        yield Outcome(path, "unchanged") if unchanged else Job(str(path), rid, data, digest, embeddings)


def _write(kb: KnowledgeBase, item, replace: bool, timings: dict, journal: VectorJournal) -> Outcome:
    if isinstance(item, Outcome):
        return item
    path = Path(item.path)
    for stage, seconds in item.timings.items():
        _add(timings, stage, seconds)
    replay_logs(item)
    if item.record is None:
        return Outcome(path, "error", error=item.error)
    if item.vectors is not None:  # kept before the report is written: a crash after it costs no embedding
        _timed(timings, "checkpoint", lambda: journal.append(record_inputs(item.record), item.vectors))
    try:
        result = kb.ingest_record(item.record, replace=replace, vectors=item.vectors, timings=timings)
    except ReportExists as exc:
        return Outcome(path, "error", error=str(exc))
    item.record = item.vectors = None  # written: let them go
    return Outcome(path, "ingested", result)
