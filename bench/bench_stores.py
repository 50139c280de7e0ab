"""The graph in the embedded store, in an Oxigraph server and in Virtuoso:
ingest throughput and the latency of dashboard queries, same data, same run.

    python bench/bench_stores.py [--repeat 5]

Also the launchers tests/test_remote_store.py starts its servers with: an
Oxigraph server (pip package ``oxigraph``) and Virtuoso (Debian's
``virtuoso-opensource``), each on free ports in a directory of its own.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

VIRTUOSO = "/usr/bin/virtuoso-t"
VIRTUOSO_VSP = "/var/lib/virtuoso-opensource-7/vsp"

#: Dashboard queries: what the pages and a typical dashboard ask of the graph.
DASHBOARD = {
    "people by organisation": """SELECT ?org (COUNT(DISTINCT ?person) AS ?people) WHERE {
        ?person a schema:Person ; schema:affiliation/schema:name ?org } GROUP BY ?org ORDER BY DESC(?people) ?org""",
    "workshops by principle": """SELECT ?label (COUNT(DISTINCT ?w) AS ?workshops) WHERE {
        ?w a igf:Session ; dcterms:subject ?c . ?c skos:prefLabel ?label FILTER(LANG(?label) = "en") }
        GROUP BY ?label ORDER BY DESC(?workshops) ?label""",
    "participation sums": """SELECT ?figure (SUM(?value) AS ?total) (COUNT(?w) AS ?sessions) WHERE {
        ?w a igf:Session ; ?figure ?value . ?figure rdfs:subPropertyOf igf:participationFigure }
        GROUP BY ?figure ORDER BY ?figure""",
    "provenance join": """SELECT ?name ?role ?text WHERE {
        ?st a rdf:Statement ; rdf:subject ?w ; rdf:predicate ?role ; rdf:object ?person ;
            prov:wasDerivedFrom ?passage . ?person a schema:Person ; schema:name ?name .
        ?passage nif:anchorOf ?text } ORDER BY ?name ?role ?text""",
    "per-graph counts": """SELECT ?g (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } }
        GROUP BY ?g ORDER BY ?g""",
}


# -- servers on free ports ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A triple store this process started: its endpoints, how to stop and start it again."""
    name: str
    query: str
    update: str
    command: list[str]
    folder: Path
    user: str | None = None
    password: str | None = None
    process: subprocess.Popen | None = None

    def start(self, wait: float = 90.0) -> "Server":
        log = open(self.folder / "server.log", "ab")
        self.process = subprocess.Popen(self.command, cwd=self.folder, stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.folder / 'server.log'}")
            try:
                if requests.post(self.query, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {wait:g} s")

    def kill(self) -> None:
        """SIGKILL: the server stops as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def env(self) -> dict[str, str]:
        """The environment igfkg reads the store from."""
        env = {"IGFKG_STORE": self.query, "IGFKG_STORE_UPDATE": self.update}
        if self.user:
            env.update(IGFKG_STORE_USER=self.user, IGFKG_STORE_PASSWORD=self.password or "")
        return env


def oxigraph_server(folder: Path) -> Server:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder.mkdir(parents=True, exist_ok=True)
    return Server("Oxigraph server", f"{base}/query", f"{base}/update",
                  [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"], folder)


def virtuoso_server(folder: Path) -> Server:
    """Virtuoso with a virtuoso.ini of its own: free ports, its files in ``folder``,
    answers up to a million rows (the default, 10,000, cuts exports short).
    Updates go to /sparql-auth (digest authentication, the fresh database's dba/dba)."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, sql=sql_port, http=http_port,
                                                             vsp=VIRTUOSO_VSP), encoding="utf-8")
    base = f"http://127.0.0.1:{http_port}"
    return Server("Virtuoso", f"{base}/sparql", f"{base}/sparql-auth",
                  [VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")], folder, "dba", "dba")


def virtuoso_available() -> bool:
    return os.access(VIRTUOSO, os.X_OK) and Path(VIRTUOSO_VSP).is_dir()


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {vsp}
ServerThreads = 8
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""


# -- the benchmark -----------------------------------------------------------------------

def documents() -> list[Path]:
    """The same documents for every store: the sample, the team's reports, the dev fixtures."""
    return [ROOT / "samples" / "igf2013-workshop-41.txt", *sorted((ROOT / "tests/data/reports").glob("*.txt")),
            *sorted((ROOT / "tests/fixtures/documents/dev").glob("*.txt"))]


def measure(name: str, env: dict, work: Path, repeat: int) -> dict:
    from igfkg.config import load_config
    from igfkg.kb import KnowledgeBase
    from igfkg.search.context import record_inputs

    os.environ.update(env)
    config = load_config(work / name, store=env.get("IGFKG_STORE"), store_update=env.get("IGFKG_STORE_UPDATE"))
    try:
        with KnowledgeBase(config) as kb:
            records = _records(kb)
            vectors = [kb.encoder.encode(record_inputs(r)) for r in records]  # embeddings are not the store's work
            began = time.perf_counter()
            triples = sum(kb.ingest_record(r, vectors=v).triples for r, v in zip(records, vectors))
            seconds = time.perf_counter() - began
            latencies = {}
            for label, query in DASHBOARD.items():
                list(kb.query(query))  # warm
                runs = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    list(kb.query(query))
                    runs.append((time.perf_counter() - start) * 1000)
                latencies[label] = statistics.median(runs)
    finally:
        for key in env:
            os.environ.pop(key, None)
    return {"documents": len(records), "triples": triples, "seconds": seconds, "latencies": latencies}


def _records(kb):
    from igfkg.ingest.reading import decode_report_bytes, read_file_bytes
    from igfkg.ingest.report import parse_report
    from igfkg.kb import report_id_for

    records = []
    for path in documents():
        decoded = decode_report_bytes(read_file_bytes(path, kb.config.max_file_bytes))
        records.append(parse_report(decoded.text, report_id_for(path), source_name=path.name,
                                    encoding=decoded.encoding, warnings=decoded.warnings))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query; the median is kept")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["embedded"] = measure("embedded", {}, work, args.repeat)
        servers = [("Oxigraph server", oxigraph_server(work / "oxigraph"))]
        if virtuoso_available():
            servers.append(("Virtuoso", virtuoso_server(work / "virtuoso")))
        else:
            print("virtuoso-t is not installed (apt-get install virtuoso-opensource): Virtuoso left out")
        for label, server in servers:
            server.start()
            try:
                results[label] = measure(label.split()[0].lower(), server.env(), work, args.repeat)
            finally:
                server.stop()
    for label, figures in results.items():
        print(label, figures, flush=True)
    update_block("bench_stores", _lines(results, args.repeat))


def _lines(results: dict, repeat: int) -> list[str]:
    stores = list(results)
    first = results[stores[0]]
    lines = ["## The graph in a triple store: embedded, Oxigraph server, Virtuoso", "",
             f"Command: `python bench/bench_stores.py --repeat {repeat}` ({time.strftime('%Y-%m-%d')}): "
             f"{first['documents']} documents (the sample, tests/data/reports, the dev fixtures), "
             f"{first['triples']} triples, written to each store through the knowledge base (parsing and "
             "embeddings computed beforehand, so the figures are the store's); servers on the same 2-core "
             f"machine, over HTTP on localhost; query latency is the median of {repeat} runs after one warm-up, "
             "results read in full.", "",
             "| store | ingest (documents/s) | ingest (triples/s) | " + " | ".join(DASHBOARD) + " |",
             "| --- | ---: | ---: | " + " | ".join("---:" for _ in DASHBOARD) + " |"]
    for store, r in results.items():
        cells = [f"{r['documents'] / r['seconds']:.1f}", f"{r['triples'] / r['seconds']:.0f}"]
        cells += [f"{r['latencies'][q]:.1f} ms" for q in DASHBOARD]
        lines.append(f"| {store} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()
