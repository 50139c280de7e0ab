"""Serving on every core (issue 12): `igfkg serve --workers 1` against
`--workers N` on the same data directory in the same run, with wrk (Debian's
package) sending varied questions (a Lua script cycles through them).

For /api/search and /api/ask, each server: one connection at a time (the
latency of a request alone); 16 connections, each sending its next request
as soon as its answer comes (throughput, p50, p99); and 16 connections each
pausing between requests so that together they offer 90% of what one worker
sustained (p50 and p99 at a load one worker only just carries).

    python bench/bench_serve.py [--workers N] [--seconds 25] [--connections 16] [--rounds 2] [--dry-run]

Each round starts the one-worker server, measures it, stops it, then the
same for N workers; a ratio is taken within a round, and every round's is
reported (one worker's throughput varied by a quarter between runs before).

Run it alone (wrapped in `flock /tmp/igfkg-heavy.lock`). The machine's CPU
is shared with processes this one cannot see, so each measurement is taken
again (up to five times) when processes other than the server and wrk used
more than a fifth of a core during it; the block says how much they used.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.evaluation import ask_corpus_paths, load_jsonl  # noqa: E402
from igfkg.web.local import serve_process  # noqa: E402
from igfkg.workers import WORKER_HEADER, default_workers  # noqa: E402

#: Questions sent: the search evaluation set and the development half of the ask corpus.
SEARCH_QUERIES = ROOT / "tests" / "data" / "search-eval.jsonl"
ASK_QUESTIONS = ROOT / "tests" / "data" / "ask-corpus-dev.jsonl"
ALONE_SECONDS = 10
PACED_SECONDS = 20
#: A measurement is taken again when other processes used more than this many cores during it.
OTHERS_LIMIT = 0.2
TRIES = 5

LUA = """
paths = {%s}
counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("first", counter * 7)
end
function init(args)
  i = first
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
%s
"""
PAUSE = """
function delay()
  return %.1f
end
"""


def _paths() -> dict[str, list[str]]:
    searches = [q["q"] for q in load_jsonl(SEARCH_QUERIES)]
    questions = [q["q"] for q in load_jsonl(ASK_QUESTIONS)]
    return {"/api/search": [f"/api/search?k=10&q={quote(q)}" for q in searches],
            "/api/ask": [f"/api/ask?q={quote(q)}" for q in questions]}


def _machine_busy() -> float:
    """Seconds of CPU the whole machine has used (all cores, not idle)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _family_busy(pid: int) -> float:
    """Seconds of CPU used by a process and its descendants, with the children they have reaped."""
    parents: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents.setdefault(int(fields[1]), []).append(child)
        times[child] = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    total, todo = times.get(pid, 0.0), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            total += times.get(child, 0.0)
            todo.append(child)
    return total


def _children_busy() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wait_idle(limit: float = 0.15, patience: float = 900.0) -> None:
    """Wait until the machine (the idle server included) uses under ``limit`` of a core."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        before, start = _machine_busy(), time.monotonic()
        time.sleep(3)
        busy = (_machine_busy() - before) / (time.monotonic() - start)
        if busy < limit:
            return
        print(f"  machine busy ({busy:.2f} cores); waiting", flush=True)
        time.sleep(10)


def _measure(base: str, server_pid: int, paths: list[str], connections: int, seconds: int, script: Path,
             pause_ms: float = 0.0) -> dict:
    """wrk's figures, taken again while other processes used over OTHERS_LIMIT of a core meanwhile."""
    for _ in range(TRIES):
        _wait_idle()
        machine, family, children, start = (_machine_busy(), _family_busy(server_pid), _children_busy(),
                                            time.monotonic())
        result = _wrk(base, paths, connections, seconds, script, pause_ms)
        elapsed, server, load = (time.monotonic() - start, _family_busy(server_pid) - family,
                                 _children_busy() - children)
        result["server_cores"] = server / elapsed  # its processes and their query processes
        result["others"] = max(0.0, (_machine_busy() - machine - server - load) / elapsed)
        if result["others"] <= OTHERS_LIMIT:
            break
        print(f"  other processes used {result['others']:.2f} cores meanwhile; again", flush=True)
    return result


def _wrk(base: str, paths: list[str], connections: int, seconds: int, script: Path, pause_ms: float) -> dict:
    script.write_text(LUA % (", ".join(json.dumps(p) for p in paths), PAUSE % pause_ms if pause_ms else ""),
                      encoding="utf-8")
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "--latency", "-s", str(script), base], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "errors": (int(errors.group(1)) if errors else 0) + (sum(map(int, failed.groups())) if failed else 0)}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _warm(base: str, paths: list[str], workers: int) -> None:
    """Every question once in every process (fresh connections spread over them)."""
    for path in paths:
        seen: set[str] = set()
        for _ in range(20 * workers):
            response = requests.get(base + path, timeout=60)
            response.raise_for_status()
            seen.add(response.headers.get(WORKER_HEADER, ""))
            if len(seen) >= workers:
                break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--seconds", type=int, default=25)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="times each server is started and measured")
    parser.add_argument("--dry-run", action="store_true", help="print the block, do not write BENCHMARKS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    load_before = os.getloadavg()
    paths = _paths()
    igfkg = str(Path(sys.executable).with_name("igfkg"))
    results: dict[tuple[int, int, str], dict] = {}  # (round, workers, endpoint)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "kb"
        documents = ask_corpus_paths(ROOT)
        subprocess.run([igfkg, "--home", str(home), "ingest", "-q", *map(str, documents)], check=True,
                       capture_output=True)
        for round_ in range(1, args.rounds + 1):
            for workers in (1, args.workers):
                _measure_server(home, round_, workers, paths, args, results, Path(tmp) / "run.lua")
    lines = _block(args, results, load_before)
    if not args.dry_run:
        update_block("bench_serve", lines)
    print("\n".join(lines))


def _measure_server(home: Path, round_: int, workers: int, paths: dict, args, results: dict, script: Path) -> None:
    """Start ``igfkg serve --workers N``; alone, loaded and paced figures for each endpoint."""
    with serve_process(home, "--workers", str(workers), wait_seconds=180) as base:
        for endpoint_paths in paths.values():
            _warm(base, endpoint_paths, workers)
        for endpoint, endpoint_paths in paths.items():
            pid = base.process.pid
            alone = _measure(base, pid, endpoint_paths, 1, ALONE_SECONDS, script)
            loaded = _measure(base, pid, endpoint_paths, args.connections, args.seconds, script)
            # Paced: the connections together offer 90% of what one worker sustained this round.
            one = results.get((round_, 1, endpoint), {"alone": alone, "loaded": loaded})
            pause = max(0.0, 1000 * args.connections / (0.9 * one["loaded"]["rate"]) - one["alone"]["p50"])
            paced = _measure(base, pid, endpoint_paths, args.connections, PACED_SECONDS, script, pause)
            results[(round_, workers, endpoint)] = {"alone": alone, "loaded": loaded, "paced": paced, "pause": pause}
            print(round_, workers, endpoint, results[(round_, workers, endpoint)], flush=True)


def _block(args, results: dict, load_before: tuple) -> list[str]:
    n, c = args.workers, args.connections
    others = max(r[kind]["others"] for r in results.values() for kind in ("alone", "loaded", "paced"))
    search, ask = _paths()["/api/search"], _paths()["/api/ask"]
    lines = ["## Serving on every core", "",
             f"Command: `flock /tmp/igfkg-heavy.lock python bench/bench_serve.py --workers {n} --seconds {args.seconds} "
             f"--connections {c} --rounds {args.rounds}` ({time.strftime('%Y-%m-%d')}): `igfkg serve --workers 1` "
             f"and `--workers {n}` (each process computing on one thread), started in turn {args.rounds} times on "
             f"the same data directory (the {len(ask_corpus_paths(ROOT))} documents of the ask corpus), wrk on "
             f"the same {os.cpu_count()}-core machine cycling through {len(search)} search queries and "
             f"{len(ask)} questions, each warmed once in every process first. *Alone*: 1 connection for "
             f"{ALONE_SECONDS} s. *Loaded*: {c} connections for {args.seconds} s, each sending its next request "
             f"when its answer comes. *Paced*: {c} connections for {PACED_SECONDS} s, each pausing between "
             "requests so that together they offer 90% of the loaded throughput of one worker.", "",
             f"Conditions: load average {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} "
             f"(1, 5, 15 min) when the run started, from other sessions sharing the machine; each measurement "
             f"started with the machine idle and was taken again (up to {TRIES} times) when processes other than "
             f"the server and wrk used over {OTHERS_LIMIT} of a core meanwhile; the most they used during a kept "
             f"measurement: {others:.2f} of a core.", "",
             "| endpoint | round | workers | alone p50 (ms) | loaded requests/s | loaded p50 (ms) | loaded p99 (ms) "
             "| loaded: cores the server used | paced requests/s | paced p50 (ms) | paced p99 (ms) | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for (round_, workers, endpoint), r in sorted(results.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        errors = sum(r[kind]["errors"] for kind in ("alone", "loaded", "paced"))
        lines.append(f"| {endpoint} | {round_} | {workers} | {r['alone']['p50']:.1f} | {r['loaded']['rate']:.0f} | "
                     f"{r['loaded']['p50']:.1f} | {r['loaded']['p99']:.1f} | {r['loaded']['server_cores']:.2f} | "
                     f"{r['paced']['rate']:.0f} | "
                     f"{r['paced']['p50']:.1f} | {r['paced']['p99']:.1f} | {errors} |")
    lines += ["", f"| endpoint | round | loaded throughput, {n} workers / 1 | the same per core the server used "
                  f"| loaded p50, {n} workers / alone, 1 worker | paced p50, {n} workers / alone, 1 worker "
                  "| paced p50, 1 worker / alone, 1 worker |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for endpoint in ("/api/search", "/api/ask"):
        for round_ in range(1, args.rounds + 1):
            one, many = results[(round_, 1, endpoint)], results[(round_, n, endpoint)]
            alone = one["alone"]["p50"]
            per_core = ((many['loaded']['rate'] / many['loaded']['server_cores'])
                        / (one['loaded']['rate'] / one['loaded']['server_cores']))
            lines.append(f"| {endpoint} | {round_} | {many['loaded']['rate'] / one['loaded']['rate']:.2f} | "
                         f"{per_core:.2f} | "
                         f"{many['loaded']['p50'] / alone:.1f} | {many['paced']['p50'] / alone:.1f} | "
                         f"{one['paced']['p50'] / alone:.1f} |")
    lines += ["", f"With {c} connections that never pause, the median cannot be under twice the latency alone: "
                  f"{c} requests are always in the server, so each waits for about {c} / throughput "
                  f"(Little's law), on {os.cpu_count()} cores at least {c // (os.cpu_count() or 1)} times the "
                  "time a request takes alone; the paced rows show the latency at the load one worker only "
                  "just carries.",
              "", "*Cores the server used*: the CPU time of the server's processes (its query processes included) "
                  "over the wall time of the loaded run. One worker is not confined to one core: each process "
                  "computes on one thread per request, but its request threads run at once whenever none holds "
                  "Python's lock (the encoder, FAISS, SQLite and the store release it), and its SPARQL runs in its "
                  "query processes; so two workers can add at most what one leaves of the second core."]
    return lines


if __name__ == "__main__":
    main()
