"""The knowledge base: the one owner of the on-disk graph store.

Nothing else writes the store. Each report lives in its own named graph
(named by the report's IRI); the ontology lives in its own graph. The
default graph is kept as the merge of all named graphs, so a plain query
sees every report once (set semantics, no duplicates), while GRAPH queries
still tell which report said what.

Replacing a report is one SPARQL update: remove from the default graph the
triples no other graph supports, drop the report's graph, insert the new
one into both. Oxigraph applies an update in a single transaction: readers
see the old report or the new one, never a mix, and a failure leaves the
old one. Within a batch (igfkg ingest), the graphs of new reports are held
back and written in bulk, several at once (igfkg/unwritten.py says which
lookups must see them first).
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from igfkg.ingest.identity import match_people, record_people, rename_people, session_key
from igfkg.ingest import EXTRACTOR_VERSION
from igfkg.ingest.reading import decode_report_bytes, read_file_bytes
from igfkg.ingest.records import ReportRecord
from igfkg.ingest.report import parse_report
from igfkg.ontology import (DCTERMS, GRAPH_FILES, IGF, ONTOLOGY_DIR, PREFIXES, SCHEMA, crosswalk_triples, document_kind_label,
                            session_kind_label)

from igfkg.search.context import embedding_inputs
from igfkg.search.encoders import DEFAULT_BACKEND, EncoderError, get_encoder
from igfkg.search.hybrid import Hit, rank
from igfkg.search.index import PassageIndex, SearchIndexError

from .config import Config, save_settings
from .formats import RdfFormat, serialize_quads
from .iris import Iris
from .outbound import OutboundRefused, check_outbound, update_reach  # noqa: F401  (OutboundRefused: for callers)
from .unwritten import UnwrittenGraphs, with_default_copies
from .remote_store import RemoteStoreError
from .triples import report_quads
from .vector_journal import VectorJournal


class KnowledgeBaseError(RuntimeError):
    """Something a person can act on, said in one line."""


class UnknownReport(KnowledgeBaseError):
    pass


class ReportGraphProtected(KnowledgeBaseError):
    """A protocol write that would change a report's graph behind ingest's back."""


class ReportExists(KnowledgeBaseError):
    """The id is taken by a report read from another file; replacing it must be asked for."""


@dataclass
class KnownIdentity:
    """KnowledgeBase.identify: where a record meets what the store holds."""
    previous_source: str | None  # the file its report was read from; "" not from a file; None: a new report
    session_nodes: list  # the IRI of each of its sessions
    moves: list  # (old, new): session nodes that move to a numbered IRI
    renames: dict  # person key -> (key, name) the store already knows them by


@dataclass
class IngestResult:
    report_id: str
    source: str
    is_report: bool
    triples: int
    passages: int
    replaced: bool
    warnings: list[str] = field(default_factory=list)
    record: ReportRecord | None = None

    @property
    def kind(self) -> str:
        return self.record.kind if self.record else ("report" if self.is_report else "plain")

    @property
    def kind_label(self) -> str:
        """"workshop report", "open forum report", "transcript", "plain document"."""
        if self.kind == "report" and self.record:
            return f"{session_kind_label(self.record.session_kind)} report"
        return document_kind_label(self.kind)

    @property
    def summary(self) -> str:
        """"transcript, 2 sessions, 20 passages, 600 triples"."""
        parts = [self.kind_label]
        sessions = len(self.record.sessions) if self.record else 0
        if sessions > 1:
            parts.append(f"{sessions} sessions")
        if self.record and self.record.utterances:
            parts.append(f"{len(self.record.utterances)} turns")
        parts += [f"{self.passages} passages", f"{self.triples} triples"]
        return ", ".join(parts)


class KnowledgeBase:
    def __init__(self, config: Config, read_only: bool = False, snapshot: Path | None = None):
        """``snapshot``: read the graph from this checkpoint of the store
        (``Store.backup``), never from the live store, which another process
        writes (the reading workers of ``igfkg serve --workers``); implies read_only."""
        self.config = config
        self.iris = Iris(config.base_iri)
        self.read_only = read_only or snapshot is not None
        try:
            if config.store:  # a SPARQL 1.1 server (igfkg/remote_store.py)
                self.store = _remote_store(config)
            elif snapshot is not None:
                self.store = ox.Store.read_only(str(snapshot))
            elif read_only and config.store_path.exists():
                self.store = ox.Store.read_only(str(config.store_path))
            else:
                config.home.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(config.store_path))
                self.read_only = False
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise KnowledgeBaseError(
                    f"the knowledge base in {config.home} is in use by another igfkg process "
                    "(a running 'igfkg serve'?); stop it or use another --home") from None
            raise KnowledgeBaseError(f"cannot open the knowledge base in {config.home}: {exc}") from None
        except RemoteStoreError as exc:
            raise KnowledgeBaseError(str(exc)) from None
        self._index: PassageIndex | None = None
        self._entity_labels: list[str] | None = None
        self._answerer = None
        self.version = 0  # bumped by every write, so caches of graph content know to refresh
        # Hosts SERVICE and LOAD may reach; none by default: no query makes the machine fetch a URL.
        self.allowed_service_hosts: tuple[str, ...] = ()
        # Set by the web service: runs queries in killable worker processes under a time limit
        # (igfkg/querypool.py); called as runner(sparql, protocol=bool, **store.query options).
        self.query_runner = None
        self._steps = 0
        self._batch = False  # inside batch(): FAISS files written at flush_batch only
        self._unwritten = UnwrittenGraphs()  # inside batch(): new report graphs, written in bulk
        if not self.read_only:
            if not config.settings_path.exists():
                save_settings(config)
            self._install_ontology()
            self._recover()

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        if not self.read_only:
            self.write_unwritten()
            self.store.flush()
        if self._index is not None:
            self._index.close()
        del self.store

    def reopen_store(self) -> None:
        """Flush the store; the embedded one is also closed and opened again,
        as a long ingest does at each flush: RocksDB's block caches fill with
        what lookups read, more of them the larger the store, so a run's
        memory would otherwise grow with the archive (bench/bench_ingest.py).
        It opens again keeping few table files open (INGEST_TABLE_FILES)."""
        if self.read_only:
            return
        self.write_unwritten()
        self.store.flush()
        if self.config.store:  # a server's store: nothing of it lives here
            return
        self.store = None  # the last reference: RocksDB closes before it opens again
        self.store = _store_keeping_few_table_files(self.config.store_path)

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def ingest_file(self, path: Path, report_id: str | None = None, replace: bool = False) -> IngestResult:
        """Read, parse and store one file. Raises UnreadableReport on bad input,
        and ReportExists when the id holds a report from another file (unless
        replace), before anything is written."""
        report_id = report_id or report_id_for(path)
        self._check_replace(report_id, path.name, replace)  # before the costly reading
        data = read_file_bytes(path, self.config.max_file_bytes)
        decoded = decode_report_bytes(data)
        record = parse_report(decoded.text, report_id, source_name=path.name,
                              encoding=decoded.encoding, warnings=decoded.warnings,
                              file_format=getattr(decoded, "format", "text"))
        record.content_hash = content_hash(data)
        return self.ingest_record(record, replace=replace)

    def unchanged(self, report_id: str, source_name: str, digest: str) -> bool:
        """True when the report was read from this file name, with these
        bytes (sha256 ``digest``), by this EXTRACTOR_VERSION: reading it
        again would give the same graph."""
        graph = self._written(self.iris.report(report_id))
        found = {q.predicate.value: q.object.value for q in self.store.quads_for_pattern(graph, None, None, graph)
                 if q.predicate.value in _INCREMENTAL}
        return found == {IGF + "contentHash": digest, IGF + "extractorVersion": EXTRACTOR_VERSION,
                         IGF + "sourceFile": source_name}

    def _check_replace(self, report_id: str, source_name: str, replace: bool) -> None:
        """Re-ingesting the same file replaces silently; another file needs replace=True."""
        previous = self._report_source(self.iris.report(report_id))
        if replace or previous is None or not source_name or previous == source_name:
            return
        held = f"read from {previous}" if previous else "not read from a file"
        raise ReportExists(f"report {report_id!r} already exists ({held}); "
                           "use --replace to replace it, or --id to give this file another id")

    def ingest_record(self, record: ReportRecord, replace: bool = False, vectors=None,
                      timings: dict | None = None) -> IngestResult:
        """Store a parsed record. ``vectors``: its passages' embeddings when
        the caller computed them in a batch; ``timings``: seconds per stage
        (identity, triples, embed, write) are added to it."""
        clock = _Clock(timings)
        graph = self.iris.report(record.report_id)
        self._check_replace(record.report_id, record.source_name, replace)
        known = self.identify(record)
        previous_source = known.previous_source
        warnings = list(record.warnings)
        if previous_source and record.source_name and previous_source != record.source_name:
            warnings.append(f"replaces report {record.report_id!r} that was read from {previous_source}")
        rename_people(record, known.renames)
        clock.lap("identity")
        quads = report_quads(record, self.iris, known.session_nodes)
        rows = passage_rows(record)
        clock.lap("triples")
        if vectors is None:
            vectors = self.encoder.encode(embedding_inputs(rows))  # before anything is written
            clock.lap("embed")
        with self._intent("ingest", record.report_id):
            self._replace_graph(graph, quads, known.moves)
            self._step("graph")
            self.index.replace_report(record.report_id, rows, vectors)
        clock.lap("write")
        self._entity_labels = None
        self.version += 1
        return IngestResult(record.report_id, record.source_name, record.is_report, len(quads),
                            len(record.passages), previous_source is not None, warnings, record)

    def identify(self, record: ReportRecord) -> "KnownIdentity":
        """What the store already holds of a record's report, sessions and
        people: the lookups an ingest makes before it writes the record
        (nothing of the record is written; graphs a batch held back may be,
        where a lookup needs them)."""
        graph = self.iris.report(record.report_id)
        previous_source = self._report_source(graph)
        found = [self._session_node(session) for session in record.sessions]
        session_nodes = [node for node, _ in found]
        moves = [(old, node) for node, old in found if old is not None]
        people = record_people(record)
        renames = match_people(people, self._people_of(session_nodes + [old for old, _ in moves]))
        renames.update(self._names_in_store([p for p in people if p.key not in renames], graph,
                                            new_report=previous_source is None))
        return KnownIdentity(previous_source, session_nodes, moves, renames)

    def _session_node(self, session: ReportRecord) -> tuple[ox.NamedNode, ox.NamedNode | None]:
        """The IRI of a session, and the IRI it moves from, if any.

        A session with a number is ``workshop/YEAR-N`` (or ``session/YEAR-KIND-N``)
        whatever came first; one without is the session an earlier document
        gave the same year, kind and title, else ``session/YEAR-TITLE``. When a
        numbered document meets a session known so far only by its title, that
        node moves to the numbered IRI, so the IRI never depends on the order
        of ingest."""
        key = session_key(session)
        node = self.iris.session(key.year, key.kind, key.number, key.title_key, session.report_id)
        if self._unwritten.mentions([node]) or (key.title_key and self._unwritten.has_title_key(key.title_key)):
            self.write_unwritten()  # the lookups below read what an earlier document said
        # The default graph only (the merge of the report graphs): a lookup
        # in every graph reads more of a large store's table files, which
        # stay in memory until it is reopened (bench/bench_lookups.py).
        if key.number is not None and any(self.store.quads_for_pattern(node, None, None, ox.DefaultGraph())):
            return node, None
        if key.year and key.title_key:
            meeting, kind = self.iris.meeting(key.year), self.iris.session_kind(key.kind)
            for row in self.store.query(
                    f"SELECT ?s ?n WHERE {{ ?s igf:titleKey {ox.Literal(key.title_key)} ; schema:superEvent {meeting} ;"
                    f" igf:sessionKind {kind} OPTIONAL {{ ?s igf:sessionNumber ?n }} }} ORDER BY ?s",
                    prefixes=PREFIXES):
                number = int(row["n"].value) if row["n"] is not None else None
                if key.number is None and number is not None:
                    return row["s"], None  # join the numbered session
                if key.number is None or number is None:
                    return (row["s"], None) if key.number is None else (node, row["s"])
        return node, None

    def _names_in_store(self, people: list, graph: ox.NamedNode, new_report: bool) -> dict[str, tuple[str, str]]:
        """A person the store already knows keeps the name shown there (one
        schema:name per person); the new document's spelling becomes an
        alternative label. For a ``new_report`` any name the store holds is
        another document's, and the default graph (their merge) is asked
        alone, as in _session_node; a replaced report's own graph is left out."""
        mapping = {}
        name = ox.NamedNode(SCHEMA + "name")
        for person in people:
            node = self.iris.person(person.key)
            if new_report:
                names = (q.object.value for q in self.store.quads_for_pattern(node, name, None, ox.DefaultGraph()))
            else:
                names = (q.object.value for q in self.store.quads_for_pattern(node, name, None, None)
                         if q.graph_name not in (graph, ox.DefaultGraph()))
            known = next(names, None) or self._unwritten.name_of(node)
            if known is not None and known != person.name:
                mapping[person.key] = (person.key, known)
        return mapping

    def _people_of(self, sessions: list[ox.NamedNode]) -> list[tuple[str, str]]:
        """(key, name) of the people earlier documents tie to these sessions:
        by a role, which everyone who speaks in a transcript has too
        (ingest/speakers.py, roles), so the turns are not read one by one (a
        read each, all over a large store, that stays in its memory until it
        is reopened: bench/bench_lookups.py)."""
        if not sessions:
            return []
        if self._unwritten.mentions(sessions):
            self.write_unwritten()
        values = " ".join(str(s) for s in sessions)
        rows = self.store.query(
            f"SELECT DISTINCT ?p ?name WHERE {{ VALUES ?s {{ {values} }} "
            "?s ?role ?p . ?p a schema:Person ; schema:name ?name }", prefixes=PREFIXES)
        people = []
        for row in rows:
            key = self.iris.key_of(row["p"].value, "person")
            if key:
                people.append((key, row["name"].value))
        return people

    def remove(self, report_id: str) -> int:
        """Delete a report's graph; returns how many triples went with it."""
        graph = self.iris.report(report_id)
        if not self.store.contains_named_graph(graph):
            raise UnknownReport(_unknown_message(report_id, self.report_ids()))
        count = sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))
        with self._intent("remove", report_id):
            self.store.update(_drop_graph(graph))
            self._step("graph")
            self.index.remove_report(report_id)
        self._entity_labels = None
        self.version += 1
        return count

    def _replace_graph(self, graph: ox.NamedNode, quads: list[ox.Quad],
                       moves: list[tuple[ox.NamedNode, ox.NamedNode]] = ()) -> None:
        """One transaction: nodes renamed in every graph (``moves``: old, new),
        the report's graph dropped with what only it supported, the new one
        inserted into it and into the default graph. ``quads`` are in ``graph``."""
        if moves or graph in self._unwritten.graphs:
            self.write_unwritten()  # renames and replacements read and change what is written
        if not moves and isinstance(self.store, ox.Store) and not self.store.contains_named_graph(graph):
            if self._batch:  # held back, written in bulk with the next ones (igfkg/unwritten.py)
                self._unwritten.add(graph, quads)
                return
            # A new graph: nothing to drop or rename, and extend (one
            # transaction too) spares writing and parsing an update's text
            # (measured: a fifth of the time of writing a report's graph).
            # (every caller's quads are in ``graph`` already: only the default
            # graph's copies are made, a second of a thousand documents' time)
            self.store.extend(with_default_copies(quads))
            return
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        steps = [step for old, new in moves for step in _rename_node(old, new)]
        steps.append(f"{_drop_graph(graph)} ;\nINSERT DATA {{ GRAPH {graph} {{\n{body}\n}}\n{body}\n}}")
        self.store.update(" ;\n".join(steps))

    def _install_ontology(self) -> None:
        """Load ontology/*.ttl into the ontology graph when they changed."""
        graph = self.iris.ontology_graph()
        digest = hashlib.sha256(b"crosswalk pairs 1")  # a change in what is derived re-installs too
        for name in GRAPH_FILES:
            digest.update((ONTOLOGY_DIR / name).read_bytes())
        version = ox.Literal(digest.hexdigest())
        marker = ox.Quad(graph, ox.NamedNode(DCTERMS + "hasVersion"), version, graph)
        if marker in self.store:
            return
        quads = [marker]
        for name in GRAPH_FILES:
            parsed = ox.parse(path=str(ONTOLOGY_DIR / name), format=ox.RdfFormat.TURTLE,
                              base_iri=self.iris.base)
            quads.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in crosswalk_triples(self.iris.base))
        self._replace_graph(graph, quads)

    # -- crash safety: a recorded intent, finished on the next open -------------
    #
    # Every write that touches the graph and the index records first what it
    # is about to do (write-intent.json in the data directory), and clears it
    # once both are written. The graph update is one transaction, so after a
    # crash the graph holds either the old report or the new one; the next
    # open that may write finds the intent and brings the index in step with
    # the graph for that report (the graph is the truth), then drops FAISS ids
    # SQLite does not hold. No command has to be run by hand.

    @property
    def intent_path(self) -> Path:
        return self.config.home / "write-intent.json"

    @contextmanager
    def _intent(self, operation: str, report_id: str | None):
        if self._batch and not self.pending_path.exists():
            _write_durably(self.pending_path, {"vectors": "pending"})
        _write_durably(self.intent_path, {"operation": operation, "report": report_id})
        self._step("intent")
        yield
        self.intent_path.unlink(missing_ok=True)
        self._step("done")

    @property
    def pending_path(self) -> Path:
        return self.config.home / "vectors-pending.json"

    # A batch of ingests (igfkg ingest of many files) writes the graph and the
    # SQLite rows of each report as usual, but the FAISS files only at
    # flush_batch: rewriting them after every report grows with the index,
    # quadratic over an archive. A crash in between leaves rows without
    # vectors; vectors-pending.json, written before the first report and
    # removed once the files are written, makes the next open re-embed them
    # from the graph (reconcile), so nothing is lost.

    @contextmanager
    def batch(self):
        self._batch = True
        self.index.autosave = False
        try:
            yield self
        finally:
            self.flush_batch()
            self._batch = False
            self.index.autosave = True

    def flush_batch(self) -> None:
        """Write the held-back graphs, then the FAISS files, and clear the
        intent (a checkpoint of a batch). In that order: after a crash, a
        report whose graph was not written has no vectors in the FAISS files
        either, so the next open finds its rows (reconcile) and, finding no
        graph, drops them."""
        self.write_unwritten()
        if self.pending_path.exists():
            self.index.flush()
            self.pending_path.unlink(missing_ok=True)

    def write_unwritten(self) -> None:
        """Write the report graphs a batch held back, in one bulk write (as
        one: under a million quads, Oxigraph adds its files to the store at once)."""
        if self._unwritten:
            self.store.bulk_extend(self._unwritten.quads)
            self._unwritten.clear()
            self._step("graphs")

    @property
    def has_unwritten(self) -> bool:
        return bool(self._unwritten)

    def _written(self, graph: ox.NamedNode) -> ox.NamedNode:
        """``graph``, written first if a batch held it back."""
        if graph in self._unwritten.graphs:
            self.write_unwritten()
        return graph

    def _step(self, name: str) -> None:
        """A write step is done. Tests set IGFKG_CRASH_AFTER=N to have the
        process kill itself (SIGKILL, no clean-up) after the N-th step."""
        import os

        self._steps += 1
        crash_after = os.environ.get("IGFKG_CRASH_AFTER")
        if crash_after and self._steps == int(crash_after):
            import signal

            os.kill(os.getpid(), signal.SIGKILL)

    def _recover(self) -> None:
        """Finish what a crashed write left: the index follows the graph."""
        import json

        journal = VectorJournal(self.config.home, self.embeddings)  # vectors a batch computed (ingest_run.py)
        if self.intent_path.exists():
            try:
                intent = json.loads(self.intent_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                intent = {"operation": "unknown", "report": None}
            if intent.get("report"):
                self._resync_report(intent["report"], journal)
            else:  # a reindex, or an intent that cannot be read: the whole index
                self.sync_index()
        elif not self.pending_path.exists():
            return
        for report_id in sorted(self.index.reconcile()):  # rows whose vectors a batch had not written
            self._resync_report(report_id, journal)
        self.index.flush()
        self.intent_path.unlink(missing_ok=True)
        self.pending_path.unlink(missing_ok=True)
        journal.clear()

    def _resync_report(self, report_id: str, journal: VectorJournal | None = None) -> None:
        """The index rows and vectors of one report, made again from its graph
        (the vectors from ``journal`` where it holds them)."""
        rows = self._passages_from_graph(report_id) \
            if self.store.contains_named_graph(self.iris.report(report_id)) else []
        if rows:
            inputs = embedding_inputs(rows)
            self.index.replace_report(report_id, rows, journal.vectors(inputs, lambda texts: self.encoder.encode(texts))
                                      if journal else self.encoder.encode(inputs))
        else:
            self.index.remove_report(report_id)

    def check(self, repair: bool = False) -> list[str]:
        """Disagreements between the report graphs, the default-graph merge and
        the passage index, one line each; with repair, each is fixed (the
        graphs are the truth) and the lines say what was found."""
        problems = []
        in_graph, in_index = set(self.report_ids()), self.index.report_ids()
        for report_id in sorted(in_index - in_graph):
            problems.append(f"{report_id}: in the search index but not in the graph")
            if repair:
                self.index.remove_report(report_id)
        counts = self._graph_passage_counts()
        indexed = dict(self.index.db.execute("SELECT report, COUNT(*) FROM passages GROUP BY report").fetchall())
        for report_id in sorted(in_graph):
            if counts.get(report_id, 0) != indexed.get(report_id, 0):
                problems.append(f"{report_id}: {counts.get(report_id, 0)} passages in the graph, "
                                f"{indexed.get(report_id, 0)} in the search index")
                if repair:
                    self._resync_report(report_id)
        problems += self._check_vectors(repair)
        unmerged = self._unmerged_count()
        if unmerged:
            problems.append(f"default graph: {unmerged} triples of report graphs are missing from the merge")
            if repair:
                self.store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ {self._unmerged_pattern()} }}")
        if repair and problems:
            self._changed()
        return problems

    def _check_vectors(self, repair: bool) -> list[str]:
        found = self.index.vector_problems()
        if not (found["extra"] or found["duplicates"] or found["missing"] or found["approximate_stale"]):
            return []
        if repair:
            for report_id in sorted(self.index.reconcile()):
                self._resync_report(report_id)
        return [f"search vectors: {len(found['extra'])} ids without a passage, {len(found['duplicates'])} "
                f"held twice, reports lacking vectors: {', '.join(sorted(found['missing'])) or 'none'}"
                + ("; the approximate index is stale" if found["approximate_stale"] else "")]

    def _graph_passage_counts(self) -> dict[str, int]:
        """Passages per report graph, counted as _passages_from_graph reads them."""
        counts = {}
        for row in self.store.query(
                "SELECT ?g (COUNT(?p) AS ?n) WHERE { GRAPH ?g { ?p nif:referenceContext ?g ; igf:section ?s ;"
                " nif:beginIndex ?b ; nif:endIndex ?e ; dcterms:language ?l ; nif:anchorOf ?t } } GROUP BY ?g",
                prefixes=PREFIXES):
            report_id = self.iris.report_id_of(row["g"].value)
            if report_id:
                counts[report_id] = int(row["n"].value)
        return counts

    def _unmerged_pattern(self) -> str:
        prefix = ox.Literal(self.iris.base + "report/")
        return (f"GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix}) || ?g = {self.iris.ontology_graph()}) "
                "FILTER NOT EXISTS { ?s ?p ?o }")

    def _unmerged_count(self) -> int:
        for row in self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {self._unmerged_pattern()} }}"):
            return int(row["n"].value)
        return 0

    # -- passage index -------------------------------------------------------

    @property
    def embeddings(self) -> str:
        """The embedding backend: as configured, else the index's, else the default."""
        if self.config.embeddings:
            return self.config.embeddings
        return PassageIndex.stored_model(self.config.index_path) or DEFAULT_BACKEND

    @property
    def encoder(self):
        try:
            return get_encoder(self.embeddings)
        except EncoderError as exc:
            raise KnowledgeBaseError(str(exc)) from None

    @property
    def index(self) -> PassageIndex:
        if self._index is None:
            try:
                self._index = PassageIndex(self.config.index_path, self.embeddings,
                                           approximate_threshold=self.config.approximate_threshold)
                self._index.step_hook = self._step
            except SearchIndexError as exc:
                raise KnowledgeBaseError(str(exc)) from None
        return self._index

    def search(self, query: str, k: int = 10, mode: str = "hybrid", **filters) -> list[Hit]:
        """Ranked passages for a query in any language; filters: report,
        section, lang, year, kind (of document), speaker."""
        filters = {key: value for key, value in filters.items() if value is not None}
        vector = self.encoder.encode([query], query=True)[0]
        return rank(self.index, vector, query, k=k, mode=mode, filters=filters,
                    boost_labels=self.entities_named_in(query))

    def ask(self, question: str) -> dict:
        """Answer a question with evidence (the JSON object of docs/ARCHITECTURE.md)."""
        from igfkg.search.answer import Answerer

        if self._answerer is None:
            self._answerer = Answerer(self)
        return self._answerer.ask(question)

    def entities_named_in(self, text: str) -> list[str]:
        """Labels of people, organisations and principles that the text names."""
        from igfkg.ingest.text import fold

        if self._entity_labels is None:
            labels = self.query("""SELECT DISTINCT ?l WHERE {
                { ?e a schema:Person } UNION { ?e a schema:Organization } UNION { ?e a skos:Concept }
                { ?e schema:name ?l } UNION { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l } }""")
            self._entity_labels = sorted({fold(s["l"].value) for s in labels if len(s["l"].value) >= 4})
        words = re.findall(r"[\w.-]+", fold(text))
        folded = " " + " ".join(words) + " "
        return [label for label in self._entity_labels if f" {label} " in folded]

    def sync_index(self) -> list[str]:
        """Bring the passage index in step with the graph (after a crash or
        a reindex): re-embed reports it lacks, drop reports the graph lacks."""
        in_graph, in_index = set(self.report_ids()), self.index.report_ids()
        for report_id in sorted(in_index - in_graph):
            self.index.remove_report(report_id)
        for report_id in sorted(in_graph - in_index):
            rows = self._passages_from_graph(report_id)
            if rows:
                self.index.replace_report(report_id, rows, self.encoder.encode(embedding_inputs(rows)))
        return sorted(in_graph ^ in_index)

    def reindex(self) -> int:
        """Rebuild the passage index from the graph with the configured model."""
        if self._index is not None:
            self._index.close()
            self._index = None
        import shutil

        with self._intent("reindex", None):
            shutil.rmtree(self.config.index_path, ignore_errors=True)
            self.sync_index()
        return self.index.count()

    def _passages_from_graph(self, report_id: str) -> list[dict]:
        graph = self.iris.report(report_id)
        year = None
        for s in self.store.query(f"SELECT ?y WHERE {{ GRAPH {graph} {{ ?w schema:subjectOf {graph} ; "
                                  f"schema:superEvent/igf:year ?y }} }}", prefixes=PREFIXES):
            year = int(s["y"].value)
        kind = next((self.iris.key_of(q.object.value, "document-kind") for q in self.store.quads_for_pattern(
            graph, ox.NamedNode(IGF + "documentKind"), None, graph)), None)
        rows = self.store.query(
            f"SELECT ?section ?start ?end ?lang ?text ?speaker WHERE {{ GRAPH {graph} {{ ?p nif:referenceContext {graph} ;"
            " igf:section ?section ; nif:beginIndex ?start ; nif:endIndex ?end ; dcterms:language ?lang ;"
            " nif:anchorOf ?text OPTIONAL { ?p igf:utterance/igf:spokenBy/schema:name ?speaker } } } ORDER BY ?start",
            prefixes=PREFIXES)
        return [{"section": r["section"].value, "start": int(r["start"].value), "end": int(r["end"].value),
                 "lang": r["lang"].value, "year": year, "text": r["text"].value, "kind": kind,
                 "speaker": _value(r["speaker"])} for r in rows]

    # -- reading -----------------------------------------------------------

    def query(self, sparql: str, **options):
        """Run a SPARQL query; the default graph is the merge of all graphs.
        The namespaces in ontology.PREFIXES may be used without PREFIX lines."""
        check_outbound(sparql, self.allowed_service_hosts, self.iris.base, PREFIXES)
        if self.query_runner is not None:
            return self.query_runner(sparql, protocol=False, prefixes=PREFIXES, base_iri=self.iris.base, **options)
        return self.store.query(sparql, prefixes=PREFIXES, base_iri=self.iris.base, **options)

    # -- SPARQL protocol and graph store (raw dataset semantics) ----------------

    def protocol_query(self, sparql: str, base_iri: str | None = None,
                       default_graphs: list[str] = (), named_graphs: list[str] = ()):
        """A query as the SPARQL protocol asks: no predeclared prefixes; the
        dataset given by the protocol, when given, replaces the query's own."""
        options = {}
        if default_graphs or named_graphs:
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
        check_outbound(sparql, self.allowed_service_hosts, base_iri)
        if self.query_runner is not None:
            return self.query_runner(sparql, protocol=True, base_iri=base_iri, **options)
        return self.store.query(sparql, base_iri=base_iri, **options)

    def protocol_update(self, sparql: str, base_iri: str | None = None) -> None:
        """A SPARQL 1.1 Update on the raw store, in one transaction. It acts on
        the default graph as it is: igfkg's own merge is kept by ingest alone."""
        check_outbound(sparql, self.allowed_service_hosts, base_iri)
        self._check_update_spares_reports(sparql, base_iri)
        self.store.update(sparql, base_iri=base_iri)
        self._changed()

    def _check_update_spares_reports(self, sparql: str, base_iri: str | None) -> None:
        """Report graphs are written by ingest alone, which keeps the default-graph
        merge and the passage index in step with them: an update that names a
        report graph, or may reach every graph while reports exist, is refused."""
        iris, wide = update_reach(sparql, base_iri)
        named = sorted(i for i in iris if self.iris.report_id_of(i))
        if named:
            self._refuse_report_write(self.iris.report_id_of(named[0]))
        if wide and self.report_ids():
            raise ReportGraphProtected(
                "this update may change every graph, report graphs included (DROP/CLEAR ALL or NAMED, GRAPH ?g); "
                "report graphs are written by ingest only: remove a report with 'igfkg remove ID', "
                "or name the graphs to change")

    def _refuse_report_write(self, report_id: str) -> None:
        raise ReportGraphProtected(
            f"{self.iris.report(report_id).value} is the graph of report {report_id!r}, written by ingest only "
            f"(it keeps the merged default graph and the search index in step): remove the report with "
            f"'igfkg remove {report_id}', or re-ingest its file")

    def check_graph_write(self, graph) -> None:
        if isinstance(graph, ox.NamedNode) and self.iris.report_id_of(graph.value):
            self._refuse_report_write(self.iris.report_id_of(graph.value))

    def graph_exists(self, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
        return isinstance(graph, ox.DefaultGraph) or self.store.contains_named_graph(graph)

    def graph_triples(self, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]

    def put_graph(self, graph: ox.NamedNode | ox.DefaultGraph, triples: list[ox.Triple], replace: bool) -> bool:
        """Replace (PUT) or add to (POST) a graph in one transaction; True if it is new."""
        self.check_graph_write(graph)
        created = not self.graph_exists(graph)
        default = isinstance(graph, ox.DefaultGraph)
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        steps = [] if default else [f"CREATE SILENT GRAPH {graph}"]
        if replace:
            steps.append("CLEAR SILENT DEFAULT" if default else f"CLEAR SILENT GRAPH {graph}")
        steps.append(f"INSERT DATA {{ {body if default else f'GRAPH {graph} {{ {body} }}'} }}")
        self.store.update(" ;\n".join(steps))
        self._changed()
        return created

    def drop_graph(self, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
        self.check_graph_write(graph)
        if not self.graph_exists(graph):
            return False
        self.store.update("CLEAR DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"DROP GRAPH {graph}")
        self._changed()
        return True

    def _changed(self) -> None:
        self._entity_labels = None
        self.version += 1

    def follow(self, version: int, snapshot: Path | None = None) -> None:
        """A read-only view catches up with the writer's generation ``version``:
        it reads from ``snapshot`` (a checkpoint of that generation) from now
        on, and caches of graph content refresh as after a write. The store is
        swapped before the number, so whoever reads the number sees at least that data."""
        if snapshot is not None:
            self.store = ox.Store.read_only(str(snapshot))
        self._entity_labels = None
        self.version = version

    def report_ids(self) -> list[str]:
        ids = []
        for graph in self.store.named_graphs():
            report_id = self.iris.report_id_of(graph.value) if isinstance(graph, ox.NamedNode) else None
            if report_id:
                ids.append(report_id)
        return sorted(ids)

    def reports(self, report_ids: list[str] | None = None) -> list[dict]:
        """One row per report (all, or these): id, title, source file, passages, triples."""
        rows = []
        wanted = None if report_ids is None else set(report_ids)
        for report_id in self.report_ids():
            if wanted is not None and report_id not in wanted:
                continue
            graph = self.iris.report(report_id)
            triples = sum(1 for _ in self.store.quads_for_pattern(None, None, None, graph))
            info = {"id": report_id, "iri": graph.value, "triples": triples}
            for solution in self.store.query(
                    f"SELECT ?title ?source ?isReport (COUNT(?p) AS ?passages) WHERE {{ GRAPH {graph} {{"
                    " ?r schema:name ?title ; igf:isWorkshopReport ?isReport ."
                    " OPTIONAL { ?r igf:sourceFile ?source } OPTIONAL { ?p nif:referenceContext ?r } } }"
                    " GROUP BY ?title ?source ?isReport", prefixes=PREFIXES):
                info.update(title=_value(solution["title"]), source=_value(solution["source"]),
                            workshop_report=_value(solution["isReport"]) == "true",
                            passages=int(solution["passages"].value))
            rows.append(info)
        return rows

    def triple_count(self) -> int:
        """Triples in the merged (default) graph."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def quads(self, report_id: str | None = None) -> list[ox.Quad]:
        """The named graphs' quads (all, or one report's). The default graph
        is left out: it is their merge."""
        if report_id is None:
            return [q for q in self.store.quads_for_pattern(None, None, None, None)
                    if not isinstance(q.graph_name, ox.DefaultGraph)]
        graph = self.iris.report(report_id)
        if not self.store.contains_named_graph(graph):
            raise UnknownReport(_unknown_message(report_id, self.report_ids()))
        return list(self.store.quads_for_pattern(None, None, None, graph))

    def export(self, fmt: RdfFormat, report_id: str | None = None) -> bytes:
        return b"".join(self.export_chunks(fmt, report_id))

    def export_chunks(self, fmt: RdfFormat, report_id: str | None = None) -> Iterator[bytes]:
        """The export in pieces, one named graph at a time for the line- and
        graph-wise formats (nq, trig, nt), so that neither the knowledge base
        nor the file is ever held whole (a remote store answers one graph per
        request). Turtle, RDF/XML and JSON-LD group by subject across graphs
        and are written in one piece. Raises UnknownReport before the first piece."""
        if report_id is not None or fmt.name not in STREAMED_FORMATS:
            return iter([serialize_quads(self.quads(report_id), fmt)])
        graphs = sorted(self.store.named_graphs(), key=lambda g: g.value)

        def pieces():
            seen: set = set()  # nt merges the graphs: a triple two reports hold is written once
            for graph in graphs:
                quads = list(self.store.quads_for_pattern(None, None, None, graph))
                if fmt.keeps_graphs:
                    yield serialize_quads(quads, fmt)
                    continue
                fresh = [q for q in quads if q.triple not in seen]
                seen.update(q.triple for q in fresh)
                yield serialize_quads(fresh, fmt)
        return pieces()

    def load(self, path: Path, fmt: ox.RdfFormat) -> list[str]:
        """Bulk-load an export (N-Quads or TriG) from another knowledge base:
        each graph it holds replaces the graph of that name, one update per
        graph, the default-graph merge kept; then the passage index is made
        from the loaded report graphs. Returns the graphs loaded."""
        loaded: list[str] = []
        with self._intent("load", None):  # a crash: the next open re-syncs the whole index
            graph, quads = None, []
            for quad in ox.parse(path=str(path), format=fmt, base_iri=self.iris.base):
                if quad.graph_name != graph and quads:
                    self._load_graph(graph, quads, loaded)
                    quads = []
                graph = quad.graph_name
                quads.append(quad)
            if quads:
                self._load_graph(graph, quads, loaded)
            for iri in loaded:
                if self.iris.report_id_of(iri):
                    self._resync_report(self.iris.report_id_of(iri))
        self._changed()
        return loaded

    def _load_graph(self, graph, quads: list[ox.Quad], loaded: list[str]) -> None:
        if isinstance(graph, ox.DefaultGraph):  # a dataset's own default graph: added as it is
            self.store.update("INSERT DATA {\n" + "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
                              + "\n}")
        elif graph.value in loaded:  # the graph came in several runs: add to what is loaded
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            self.store.update(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}}\n{body}\n}}")
        else:
            self._replace_graph(graph, quads)
            loaded.append(graph.value)

    def _report_source(self, graph: ox.NamedNode) -> str | None:
        self._written(graph)
        for quad in self.store.quads_for_pattern(graph, ox.NamedNode(IGF + "sourceFile"), None, graph):
            return quad.object.value
        if self.store.contains_named_graph(graph):
            return ""
        return None


#: Formats an export writes graph by graph (igfkg/formats.py names them).
STREAMED_FORMATS = ("nq", "trig", "nt")


#: Table files the store keeps open while a long ingest writes it (the store
#: reopen_store opens). RocksDB, in Oxigraph, sizes its cache of open table
#: files from the soft limit on open files when the store opens (that limit
#: less OXIGRAPH_OTHER_FILES), and while that cache is under a quarter full it
#: holds every new table file open with its index in memory: under a limit of
#: thousands of files, the memory of an ingest grows with the store
#: (bench/bench_ingest.py, BENCHMARKS.md). 48 is the fewest: Oxigraph refuses
#: a limit under 96.
INGEST_TABLE_FILES = 48
#: Open files Oxigraph keeps out of the limit for its own (log, manifest, ...).
OXIGRAPH_OTHER_FILES = 48


def _store_keeping_few_table_files(path: Path) -> ox.Store:
    """The embedded store at ``path``, opened under a soft limit on open files
    that gives RocksDB a cache of INGEST_TABLE_FILES table files; the limit
    is set back at once (what is open stays open, the cache keeps its size).
    Never below the files open now and a margin for those the store opens."""
    import os
    import resource

    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        open_now = len(os.listdir("/proc/self/fd"))
    except (OSError, ValueError):  # no /proc: the limit stays as it is
        return ox.Store(str(path))
    limit = max(INGEST_TABLE_FILES, open_now + 16) + OXIGRAPH_OTHER_FILES
    if soft != resource.RLIM_INFINITY and limit >= soft:
        return ox.Store(str(path))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    try:
        return ox.Store(str(path))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _remote_store(config: Config):
    """The store named by the configuration, credentials from the environment."""
    from .remote_store import Credentials, Endpoints, RemoteStore

    return RemoteStore(Endpoints.of(*config.store), config.base_iri, Credentials.from_env())


def _write_durably(path: Path, content: dict) -> None:
    """Write a small JSON file so that it is whole on disk or absent."""
    import json
    import os

    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(content, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


_INCREMENTAL = {IGF + "contentHash", IGF + "extractorVersion", IGF + "sourceFile"}


def content_hash(data: bytes) -> str:
    """What incremental ingest compares: the sha256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class _Clock:
    """Seconds per stage, added into a dict (or nothing when it is None)."""

    def __init__(self, timings: dict | None):
        import time

        self.timings, self._now = timings, time.perf_counter
        self._last = self._now()

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = self._now()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self._last
            self._last = now


def passage_rows(record: ReportRecord) -> list[dict]:
    """The search index's rows for a record's passages: where, which
    language, year and kind of document, and who spoke in a transcript turn."""
    year = int(record.meeting_year.value) if record.meeting_year else None
    turns = sorted((u.start, u.end, u.speaker.name if u.speaker else None) for u in record.utterances)
    starts = [t[0] for t in turns]

    def speaker(offset: int) -> str | None:
        i = bisect.bisect_right(starts, offset) - 1
        return turns[i][2] if i >= 0 and turns[i][0] <= offset < turns[i][1] else None

    return [{"section": p.section, "start": p.start, "end": p.end, "lang": p.lang, "year": year, "text": p.text,
             "kind": record.kind, "speaker": speaker(p.start)} for p in record.passages]


def _rename_node(old: ox.NamedNode, new: ox.NamedNode) -> list[str]:
    """Updates that give ``old``'s triples to ``new``, as subject and as
    object, in the named graphs and in the default graph."""
    steps = []
    for where in ("GRAPH ?g { %s }", "%s"):
        for pattern in ("{s} ?p ?o", "?s ?p {s}"):
            before, after = where % pattern.format(s=old), where % pattern.format(s=new)
            steps.append(f"DELETE {{ {before} }} INSERT {{ {after} }} WHERE {{ {before} }}")
    return steps


def _drop_graph(graph: ox.NamedNode) -> str:
    """Drop a named graph and the default-graph triples only it supported."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph}) }} }} ;\n"
            f"DROP SILENT GRAPH {graph}")


def report_id_for(path: Path) -> str:
    """A report's id is its file name without extension, made IRI-safe while
    keeping what tells names apart: letters of any script are transliterated
    ("中文" -> "zhongwen"), spaces become "_", and "-", "_" and "." stay, so
    "a b.txt" and "a-b.txt" get different ids. Other characters become "-".
    A name with nothing left gets "unnamed-" and a hash of the name."""
    stem = unicodedata.normalize("NFC", path.stem)
    text = _transliterate(stem).lower()
    text = re.sub(r"\s+", "_", text.strip())
    text = re.sub(r"[^a-z0-9._-]", "-", text).strip("-._")
    if not re.search(r"[a-z0-9]", text):
        return "unnamed-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return text


def _transliterate(text: str) -> str:
    try:
        from anyascii import anyascii
    except ImportError:  # without it, accents are still folded; other scripts fall to the hash
        return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return anyascii(text)


def _value(term) -> str | None:
    return None if term is None else term.value


def _unknown_message(report_id: str, known: list[str]) -> str:
    close = difflib.get_close_matches(report_id, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else \
        (f"; known reports: {', '.join(known[:10])}" if known else "; the knowledge base is empty")
    return f"no report {report_id!r} in the knowledge base{hint}"
