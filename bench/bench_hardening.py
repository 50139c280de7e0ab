"""Load test of `igfkg serve` (issue 11), loopback only: 16 connections for 60 s
on a mix of search, ask, SPARQL and pages while 10 runaway queries run
(each resent after its 503, honouring Retry-After). Records errors, p50/p99
per route and the server's memory (with its query workers) before and after
into BENCHMARKS.md.

    python bench/bench_hardening.py [--seconds 60] [--connections 16] [--runaways 10]
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import update_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IGFKG = str(Path(sys.executable).with_name("igfkg"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MIX = [
    ("search", "/api/search?q=" + quote("internet governance and privacy")),
    ("ask", "/api/ask?q=" + quote("Who were the panelists of workshop 41?")),
    ("sparql ASK", "/sparql?query=" + quote("ASK { ?s ?p ?o }")),
    ("sparql SELECT", "/sparql?query=" + quote("SELECT ?s ?name WHERE { ?s <http://schema.org/name> ?name } LIMIT 50")),
    ("report page", "/report/igf2013-workshop-41"),
    ("participation", "/participation"),
]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    for proc in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def start_server(home: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([IGFKG, "--home", str(home), "serve", "--port", str(port), "--threads", "24"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/sparql", timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("igfkg serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runaways", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from web.local import free_port

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "kb"
        subprocess.run([IGFKG, "--home", str(home), "ingest", "-q", str(ROOT / "samples"),
                        str(ROOT / "tests" / "data" / "reports")], check=True)
        port = free_port()
        server = start_server(home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for _label, path in MIX:  # warm every route (models, caches) before measuring
                requests.get(base + path, timeout=60)
            memory_before = rss_kib(server.pid)
            results, runaway_results = run_load(base, args)
            time.sleep(1.0)
            memory_after = rss_kib(server.pid)
            log = server.stderr
        finally:
            server.terminate()
            server.wait(30)
        tracebacks = (log.read() if log else "").count("Traceback")
    write_report(args, results, runaway_results, memory_before, memory_after, tracebacks)


def run_load(base: str, args):
    stop_at = time.monotonic() + args.seconds
    results: list[tuple[str, int, float, bool]] = []  # route, status, seconds, Retry-After given
    runaway_results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def runaway():
        session = requests.Session()
        while time.monotonic() < stop_at:
            start = time.perf_counter()
            response = session.get(base + "/sparql", params={"query": RUNAWAY}, timeout=120)
            with lock:
                runaway_results.append((response.status_code, time.perf_counter() - start))
            retry = float(response.headers.get("Retry-After", 0) or 0)
            time.sleep(min(retry, max(0.0, stop_at - time.monotonic())))


    def client(offset: int):
        session = requests.Session()
        mix = MIX[offset % len(MIX):] + MIX[:offset % len(MIX)]
        for label, path in itertools.cycle(mix):
            if time.monotonic() >= stop_at:
                return
            start = time.perf_counter()
            try:
                response = session.get(base + path, timeout=60)
                status, retry = response.status_code, "Retry-After" in response.headers
            except requests.RequestException:
                status, retry = 0, False
            with lock:
                results.append((label, status, time.perf_counter() - start, retry))

    threads = [threading.Thread(target=runaway) for _ in range(args.runaways)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # the runaways are running
    clients = [threading.Thread(target=client, args=(i,)) for i in range(args.connections)]
    for t in clients:
        t.start()
    for t in clients + threads:
        t.join()
    return results, runaway_results


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def write_report(args, results, runaway_results, memory_before, memory_after, tracebacks) -> None:
    lines = [f"## Load test with runaway queries (`bench/bench_hardening.py`, {time.strftime('%Y-%m-%d')})", "",
             f"`igfkg serve` (defaults: `--max-queries 4`, `--query-timeout 10`) on the sample and the team's "
             f"reports; {args.connections} connections for {args.seconds:g} s over loopback on a mix of routes, "
             f"while {args.runaways} clients send a runaway query (a COUNT over a cross product) to /sparql, "
             "resending it after each 503 and its Retry-After. Errors: responses other than 2xx and other than "
             "a 503 with Retry-After (the concurrency limit). Latencies of all answered requests.", "",
             "| route | requests | 2xx | 503 (limit) | errors | p50 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    summary = []
    for label, _path in MIX:
        rows = [r for r in results if r[0] == label]
        ok = [r for r in rows if 200 <= r[1] < 300]
        limited = [r for r in rows if r[1] == 503 and r[3]]
        errors = len(rows) - len(ok) - len(limited)
        p50, p99 = 1000 * percentile([r[2] for r in ok], 0.5), 1000 * percentile([r[2] for r in ok], 0.99)
        lines.append(f"| {label} | {len(rows)} | {len(ok)} | {len(limited)} | {errors} | {p50:.1f} | {p99:.1f} |")
        summary.append((label, len(rows), len(ok), len(limited), errors, p50, p99))
    statuses = sorted({s for s, _ in runaway_results})
    stopped = [t for s, t in runaway_results if s == 503]
    lines += ["", f"Runaway queries sent: {len(runaway_results)}, answered with status {statuses}; "
              f"time to their 503: median {statistics.median(stopped) if stopped else float('nan'):.2f} s, "
              f"max {max(stopped) if stopped else float('nan'):.2f} s.",
              f"Server memory (server and its query workers, RSS): {memory_before / 1024:.0f} MiB before, "
              f"{memory_after / 1024:.0f} MiB after. Tracebacks in the server log: {tracebacks}.", "",
              "Target: 0 errors other than 503s from the concurrency limit; ASK p99 < 100 ms."]
    update_block("hardening", lines)
    for row in summary:
        print("%-14s n=%d ok=%d 503=%d errors=%d p50=%.1fms p99=%.1fms" % row)
    print("\n".join(lines[-4:]))


if __name__ == "__main__":
    main()
