"""Latency of the browsing pages and the reports API (issue 14): median and
95th percentile of sequential requests to `igfkg serve` (waitress, queries in
worker processes) on the test corpus (tests/fixtures/documents/dev and the
bundled sample), against a static JSON document from the same server.

    python bench/bench_browse.py [--repeat 40]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.web.local import serve_process  # noqa: E402

CORPUS = [ROOT / "tests" / "fixtures" / "documents" / "dev", ROOT / "samples"]
TARGETS = [
    ("/api/openapi.json (baseline: the server stack alone)", "/api/openapi.json"),
    ("/sessions", "/sessions"),
    ("/sessions, two facets chosen", "/sessions?year=2013&kind=workshop"),
    ("/sessions, JSON", "/sessions?format=json"),
    ("/meeting/2013", "/meeting/2013"),
    ("session page", "/id/workshop/2013-41"),
    ("person page", "/id/person/anriette-esterhuysen"),
    ("organisation page", "/id/org/isoc"),
    ("principle page", "/id/principle/transparency"),
    ("/api/reports", "/api/reports"),
    ("/upload", "/upload"),
    ("network of a session (JSON)", "/graph?iri=https://w3id.org/igfkg/id/workshop/2013-41"),
    ("graph view page", "/graph/view?iri=https://w3id.org/igfkg/id/workshop/2013-41"),
    ("/trends", "/trends"),
    ("/trends, one chart as CSV", "/trends?chart=sessions&format=csv"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    igfkg = str(Path(sys.executable).with_name("igfkg"))
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([igfkg, "--home", home, "ingest", "-q", *map(str, CORPUS)], check=True, capture_output=True)
        with serve_process(home) as base, requests.Session() as http:
            documents = http.get(base + "/api/reports", timeout=60).json()["total"]
            sessions = http.get(base + "/sessions?format=json", timeout=60).json()["total"]
            rows = []
            for name, path in TARGETS:
                http.get(base + path, headers={"Accept": "text/html"}, timeout=60).raise_for_status()  # warm
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    http.get(base + path, headers={"Accept": "text/html"}, timeout=60).raise_for_status()
                    times.append(1000 * (time.perf_counter() - start))
                rows.append((name, statistics.median(times), statistics.quantiles(times, n=20)[-1]))
                print(name, f"{rows[-1][1]:.1f} {rows[-1][2]:.1f}", flush=True)
    baseline = rows[0][1]
    lines = ["## Browsing pages", "",
             f"Command: `python bench/bench_browse.py --repeat {args.repeat}` ({time.strftime('%Y-%m-%d')}): "
             "`igfkg serve` (waitress, queries in worker processes) on the test corpus "
             f"(tests/fixtures/documents/dev and the bundled sample: {documents} documents, {sessions} sessions), one client "
             f"asking each page {args.repeat} times in a row for HTML, on the same 2-core machine as the server.", "",
             "| page | median latency (ms) | 95th percentile (ms) | median / baseline |",
             "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {median:.1f} | {p95:.1f} | {median / baseline:.1f} |" for name, median, p95 in rows]
    update_block("bench_browse", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
