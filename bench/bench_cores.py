"""What N processes of the same computation achieve against one on this
machine: the ceiling for `igfkg serve --workers N` against `--workers 1`
(bench/bench_serve.py), measured the same way, in the same run.

    python bench/bench_cores.py [--processes N] [--seconds 20] [--dry-run]

Two workloads, each first in one process, then in N processes at once, each
process computing on one thread (as serving processes do): the embedding
model encoding one search query at a time (a search's main cost), and pure
Python (what runs under the interpreter's lock). The ratio is N processes'
total rate over one process's rate. Run it alone (`flock
/tmp/igfkg-heavy.lock`): anything else on the cores lowers the ratio.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.config import environment, one_thread_environment  # noqa: E402
from igfkg.evaluation import load_jsonl  # noqa: E402
from igfkg.workers import default_workers  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "search-eval.jsonl"


def _encode(seconds: float, start_at: float) -> int:
    """Queries encoded one at a time in ``seconds``, starting at ``start_at``."""
    from igfkg.search.encoders import get_encoder

    queries = [q["q"] for q in load_jsonl(QUERIES)]
    encoder = get_encoder("use")
    encoder.encode(queries[:2], query=True)  # loaded before the clock
    return _run(lambda i: encoder.encode([queries[i % len(queries)]], query=True), seconds, start_at)


def _python(seconds: float, start_at: float) -> int:
    """Rounds of pure-Python work (a dictionary of words counted) in ``seconds``."""
    words = ("internet governance forum multistakeholder access rights " * 40).split()

    def count(_):
        seen: dict[str, int] = {}
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    return _run(count, seconds, start_at)


def _run(step, seconds: float, start_at: float) -> int:
    while time.time() < start_at:  # every process starts together
        time.sleep(0.001)
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        step(done)
        done += 1
    return done


WORKLOADS = {"encoder, one query at a time": _encode, "pure Python": _python}


def measure(workload: str, processes: int, seconds: float) -> float:
    """Total rate per second of ``processes`` processes running the workload at once."""
    context = multiprocessing.get_context("spawn")
    with environment(one_thread_environment()), context.Pool(processes) as pool:  # the pool inherits it
        start_at = time.time() + 20  # time for every process to load the model
        counts = pool.starmap(WORKLOADS[workload], [(seconds, start_at)] * processes)
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=default_workers())
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--dry-run", action="store_true", help="print the block, do not write BENCHMARKS.md")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    for workload in WORKLOADS:
        one = measure(workload, 1, args.seconds)
        many = measure(workload, args.processes, args.seconds)
        rows.append(f"| {workload} | {one:.0f} | {many:.0f} | {many / one:.2f} |")
        print(rows[-1], flush=True)
    lines = ["## Cores: what N processes achieve against one", "",
             f"Command: `flock /tmp/igfkg-heavy.lock python bench/bench_cores.py --processes {args.processes} "
             f"--seconds {args.seconds:g}` ({time.strftime('%Y-%m-%d')}), on {os.cpu_count()} cores (load average "
             f"{load_before[0]:.2f} when it started). Each workload runs in one process, then in "
             f"{args.processes} at once, each process on one compute thread as `igfkg serve` runs them; the "
             "ratio is the ceiling for *Serving on every core* on this machine.", "",
             f"| workload | 1 process, per second | {args.processes} processes, per second | ratio |",
             "| --- | ---: | ---: | ---: |", *rows]
    if not args.dry_run:
        update_block("bench_cores", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
