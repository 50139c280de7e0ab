"""The worker side of ingest: a file's bytes in, a parsed and gated record
and its passages' vectors out.

Decoding, parsing (with the named-entity model), the entity gate and
embedding the passages are pure and CPU-bound, so ``prepared_in_order``
runs them in worker processes, one core each; the parent is the one writer
of the store (igfkg/ingest_run.py). Embedding in the workers rather than in
the parent was measured (bench/bench_ingest.py): on 2 cores a parent
embedding with two threads while two workers parse left the model a
fraction of its own rate, and one thread per process does more work per
core than two. Workers are started with 'spawn': forking a parent whose
BLAS/OpenMP threads are running can hang the child.

This module imports no store or index: a worker loads the extraction, the
embedding model when it has passages to embed, and spaCy (its entity
recogniser only) when a document has running text where a name can stand.
"""
from __future__ import annotations

import logging
import os
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy as np

from igfkg.config import environment, one_thread_environment
from igfkg.ingest import ner
from igfkg.ingest.gate import gate
from igfkg.ingest.kinds import read_document
from igfkg.ingest.reading import UnreadableReport, decode_report_bytes
from igfkg.ingest.records import ReportRecord
from igfkg.search.context import record_inputs
from igfkg.search.encoders import EncoderError, get_encoder


@dataclass
class Job:
    """One file to read, with the bytes the parent hashed (no second read)."""
    path: str
    report_id: str
    data: bytes
    digest: str
    embeddings: str | None = None  # the embedding model's name; None: the caller embeds


@dataclass
class Prepared:
    path: str
    record: ReportRecord | None
    error: str | None = None
    timings: dict = field(default_factory=dict)  # seconds: decode, parse, ner (load), gate, embed
    logs: list = field(default_factory=list)  # (logger, level, message) said in a worker
    vectors: np.ndarray | None = None  # one row per passage of record, in its order


def prepare(job: Job) -> Prepared:
    """Decode, parse, gate and embed one file; an unreadable one gives ``error``."""
    timings: dict[str, float] = {}
    began = time.perf_counter()
    try:
        decoded = decode_report_bytes(job.data)
        now = time.perf_counter()
        timings["decode"], began = now - began, now
        ner_before, load_before = ner.STATS["seconds"], ner.STATS["load"]
        record = read_document(decoded.text, job.report_id, source_name=os.path.basename(job.path),
                               encoding=decoded.encoding, warnings=decoded.warnings,
                               file_format=getattr(decoded, "format", "text"))
        now = time.perf_counter()
        timings["ner"] = ner.STATS["seconds"] - ner_before
        timings["ner load"] = ner.STATS["load"] - load_before
        timings["parse"], began = now - began - timings["ner"] - timings["ner load"], now
        record = gate(record)
        timings["gate"] = time.perf_counter() - began
    except UnreadableReport as exc:
        return Prepared(job.path, None, str(exc), timings, _drain_logs())
    record.content_hash = job.digest
    vectors = _embed(record, job.embeddings, timings) if job.embeddings else None
    return Prepared(job.path, record, None, timings, _drain_logs(), vectors)


def _embed(record: ReportRecord, model: str, timings: dict) -> np.ndarray | None:
    """The passages' vectors, in one call of the model; None when the model
    cannot be loaded (the parent then says why, as it would embedding itself)."""
    began = time.perf_counter()
    try:
        encoder = get_encoder(model)  # loaded once per process (the first call of the model loads its weights)
    except EncoderError:
        return None
    vectors = encoder.encode(record_inputs(record))
    timings["embed"] = time.perf_counter() - began
    return vectors


# -- running jobs in worker processes, in order, a bounded number ahead ---------

_LOGS: list = []


class _Collect(logging.Handler):
    def emit(self, record):
        _LOGS.append((record.name, record.levelno, record.getMessage()))


def _drain_logs() -> list:
    logs = _LOGS[:]
    _LOGS.clear()
    return logs


def _worker_init(log_level: int) -> None:
    # Ctrl-C goes to the whole process group: the parent stops the pool, the
    # workers should not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logger = logging.getLogger("igfkg")
    logger.setLevel(log_level)
    logger.addHandler(_Collect())  # the parent says them, in order with its own output
    logger.propagate = False


def _one_thread_per_worker():
    """Workers inherit the environment at spawn: one compute thread each."""
    return environment(one_thread_environment())


def prepared_in_order(items: Iterable, workers: int, ahead: int | None = None) -> Iterator:
    """Each item in order: a Job becomes its Prepared, anything else passes
    through as it is. At most ``ahead`` items are in flight, so memory does not
    grow with the number of files when the parent is the slower side.
    ``workers`` <= 1 runs in this process (no pool, nothing to start)."""
    if workers <= 1:
        for item in items:
            yield prepare(item) if isinstance(item, Job) else item
        return
    import multiprocessing

    # Enough ahead that the workers go on while the parent takes longer over
    # a document (a long one, a checkpoint, the HNSW graph built once the
    # index passes its threshold): measured, 4 per worker left them idle.
    ahead = ahead or 16 * workers
    level = logging.getLogger("igfkg").getEffectiveLevel()
    with _one_thread_per_worker():
        pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_worker_init, initargs=(level,))
    try:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(prepare, (item,)) if isinstance(item, Job) else item)
            while len(pending) >= ahead:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _result(item):
    return item.get() if hasattr(item, "get") and hasattr(item, "ready") else item


def replay_logs(prepared: Prepared) -> None:
    """Say in this process what a worker logged while reading the file."""
    for name, level, message in prepared.logs:
        logging.getLogger(name).log(level, "%s", message)
