"""Questions phrased any way, over the evaluation corpus (≥ 20 documents):
share answered correctly by kind, language and style for the development
half and the held-back half, and latency warm (median, 95th percentile)
against a plain hybrid search of the same questions in the same run.

    python bench/bench_ask_corpus.py --label first   # the baseline, before changes
    python bench/bench_ask_corpus.py --label final   # after
    python bench/bench_ask_corpus.py --dev-only --misses /tmp/misses.txt   # while tuning

The held-back half is reported as figures only: its misses are never printed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.config import load_config  # noqa: E402
from igfkg.evaluation import ask_corpus_paths, evaluate_answers, load_jsonl  # noqa: E402
from igfkg.kb import KnowledgeBase  # noqa: E402

HALVES = {"dev": ROOT / "tests" / "data" / "ask-corpus-dev.jsonl",
          "held-out": ROOT / "tests" / "data" / "ask-corpus-heldout.jsonl"}


def _timed(fn, times):
    def run(question):
        start = time.perf_counter()
        result = fn(question)
        times.append(1000 * (time.perf_counter() - start))
        return result
    return run


def _p95(values):
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def _table(results: dict) -> list[str]:
    names = list(results)
    lines = ["| | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    lines.append("| **overall** | " + " | ".join(f"**{r['overall']:.0%}** of {r['count']}" for r in results.values()) + " |")
    for key in ("by_lang", "by_kind", "by_style"):
        values = sorted({v for r in results.values() for v in r[key]})
        for value in values:
            lines.append(f"| {key[3:]}: {value} | " + " | ".join(
                f"{r[key][value]:.0%}" if value in r[key] else "–" for r in results.values()) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="final", choices=["first", "final"])
    parser.add_argument("--dev-only", action="store_true", help="tuning: the dev half only, nothing written")
    parser.add_argument("--misses", help="write the dev half's misses to this file")
    args = parser.parse_args()
    halves = {"dev": HALVES["dev"]} if args.dev_only else HALVES
    paths = ask_corpus_paths(ROOT)
    results, ask_times, search_times = {}, [], []
    with tempfile.TemporaryDirectory() as home:
        with KnowledgeBase(load_config(Path(home) / "kb")) as kb:
            for path in paths:
                kb.ingest_file(path)
            kb.ask("warm up"), kb.search("warm up")
            for name, path in halves.items():
                items = load_jsonl(path)
                result = evaluate_answers(_timed(kb.ask, ask_times), items)
                by_style = {}
                for item in items:
                    by_style.setdefault(item.get("style", "?"), []).append(item["q"])
                missed = {q for q, _ in result["misses"]}
                result["by_style"] = {s: 1 - len(set(qs) & missed) / len(qs) for s, qs in sorted(by_style.items())}
                results[name] = result
                for item in items:
                    _timed(lambda q: kb.search(q, k=5), search_times)(item["q"])
    if args.misses:
        Path(args.misses).write_text("\n".join(f"{q}\n    -> {a}" for q, a in results["dev"]["misses"]) + "\n",
                                     encoding="utf-8")
    lines = [f"### Questions over the evaluation corpus: {args.label} run", "",
             f"Command: `python bench/bench_ask_corpus.py --label {args.label}` ({time.strftime('%Y-%m-%d')}); "
             f"{len(paths)} documents (`igfkg.evaluation.ask_corpus_paths`), questions in "
             "`tests/data/ask-corpus-dev.jsonl` and `tests/data/ask-corpus-heldout.jsonl` (the held-out half is "
             "run only to report).", ""]
    lines += _table(results)
    lines += ["", f"Latency warm over {len(ask_times)} questions: `ask` median **{statistics.median(ask_times):.0f} ms**, "
              f"95th percentile **{_p95(ask_times):.0f} ms**; plain hybrid search of the same questions in the same "
              f"run median {statistics.median(search_times):.0f} ms, 95th percentile {_p95(search_times):.0f} ms."]
    print("\n".join(lines))
    if not args.dev_only:
        update_block(f"bench_ask_corpus_{args.label}", lines)


if __name__ == "__main__":
    main()
