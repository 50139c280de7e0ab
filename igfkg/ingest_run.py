"""Ingest of many files: incremental, resumable, parallel.

The parent reads each file's bytes and hashes them; a file whose report
holds the same hash, file name and EXTRACTOR_VERSION is skipped without
parsing. The others go to worker processes (igfkg/pipeline.py) to be
decoded, parsed and gated; their passages are embedded here in batches
(one model, loaded once, and only when something is to be embedded), and
the KnowledgeBase writes each report, in the order of the files, as the
one writer of the store.

Each report is committed on its own (graph transaction, then its index
rows), so a run stopped at any point keeps every report it finished, each
with its hash: the next run skips them and goes on with the rest, and
ends with the graph an uninterrupted run gives.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from igfkg.ingest.reading import UnreadableReport, read_file_bytes
from igfkg.search.context import embedding_inputs

from .kb import IngestResult, KnowledgeBase, ReportExists, content_hash, passage_rows, report_id_for
from .pipeline import Job, Prepared, prepared_in_order, replay_logs

#: Passages embedded in one call of the model (measured: bench/bench_ingest.py).
EMBED_BATCH = 256
#: Seconds between checkpoints of the FAISS files during a long run.
CHECKPOINT_SECONDS = 60.0
#: Reports between flushes of the store: Oxigraph (RocksDB) keeps what was
#: written in memory tables until flushed; flushing keeps memory flat.
FLUSH_REPORTS = 50


@dataclass
class Outcome:
    path: Path
    status: str  # "ingested", "unchanged" or "error"
    result: IngestResult | None = None
    error: str | None = None


def ingest_files(kb: KnowledgeBase, files: list[Path], report_id: str | None = None, replace: bool = False,
                 force: bool = False, jobs: int = 1, timings: dict | None = None) -> Iterator[Outcome]:
    """One Outcome per file, in the order of ``files``. ``timings`` (a dict)
    gets seconds per stage: read, decode, parse, ner, gate (summed over
    workers), embed, identity, triples, write."""
    timings = {} if timings is None else timings
    workers = max(1, min(jobs, len(files)))
    checkpoint, written = time.monotonic(), 0
    with kb.batch():
        items = _jobs(kb, files, report_id, replace, force, timings)
        for group in _groups(prepared_in_order(items, workers)):
            vectors = _embed(kb, [p.record for p in group if isinstance(p, Prepared) and p.record], timings)
            for item in group:
                outcome = _write(kb, item, vectors, replace or bool(report_id), timings)
                written += outcome.status == "ingested"
                if written and written % FLUSH_REPORTS == 0 and outcome.status == "ingested":
                    kb.store.flush()
                yield outcome
            if time.monotonic() - checkpoint > CHECKPOINT_SECONDS:
                kb.flush_batch()
                checkpoint, written = time.monotonic(), 0


def _jobs(kb, files, report_id, replace, force, timings) -> Iterator:
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
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - began
        yield Outcome(path, "unchanged") if unchanged else Job(str(path), rid, data, digest)


def _groups(stream) -> Iterator[list]:
    """Consecutive items, cut when their passages fill an embedding batch."""
    group, passages = [], 0
    for item in stream:
        group.append(item)
        if isinstance(item, Prepared) and item.record:
            passages += len(item.record.passages)
        if passages >= EMBED_BATCH:
            yield group
            group, passages = [], 0
    if group:
        yield group


def _embed(kb: KnowledgeBase, records: list, timings: dict) -> dict:
    """Vectors per report id, one model call for the whole group. What is
    embedded depends on the passages' text and section only, not on the
    store, so it can be computed before the writes."""
    texts, spans = [], {}
    for record in records:
        inputs = embedding_inputs(passage_rows(record))
        spans[id(record)] = (len(texts), len(texts) + len(inputs))
        texts += inputs
    if not texts:
        return {key: None for key in spans}
    began = time.perf_counter()
    vectors = kb.encoder.encode(texts)
    timings["embed"] = timings.get("embed", 0.0) + time.perf_counter() - began
    return {key: vectors[a:b] for key, (a, b) in spans.items()}


def _write(kb: KnowledgeBase, item, vectors: dict, replace: bool, timings: dict) -> Outcome:
    if isinstance(item, Outcome):
        return item
    path = Path(item.path)
    for stage, seconds in item.timings.items():
        timings[stage] = timings.get(stage, 0.0) + seconds
    replay_logs(item)
    if item.record is None:
        return Outcome(path, "error", error=item.error)
    try:
        result = kb.ingest_record(item.record, replace=replace, vectors=vectors.get(id(item.record)),
                                  timings=timings)
    except ReportExists as exc:
        return Outcome(path, "error", error=str(exc))
    item.record = None  # the record is written: let it go
    return Outcome(path, "ingested", result)
