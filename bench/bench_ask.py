"""Question answering: share answered correctly (by kind and language) and
latency once warm, against plain hybrid search latency in the same run.

    python bench/bench_ask.py
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.config import load_config  # noqa: E402
from igfkg.evaluation import evaluate_answers, load_jsonl  # noqa: E402
from igfkg.kb import KnowledgeBase  # noqa: E402

SAMPLE = ROOT / "samples" / "igf2013-workshop-41.txt"
DEV = ROOT.parent / "shared" / "dev-questions.jsonl"
OWN = ROOT / "tests" / "data" / "ask-eval.jsonl"


def _median_ms(fn, items) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    own = load_jsonl(OWN)
    dev = load_jsonl(DEV) if DEV.exists() else []
    lines = ["## Question answering", "",
             f"Command: `python bench/bench_ask.py` ({time.strftime('%Y-%m-%d')}).", ""]
    with tempfile.TemporaryDirectory() as home:
        with KnowledgeBase(load_config(Path(home) / "sample")) as kb:
            kb.ingest_file(SAMPLE)
            if dev:
                result = evaluate_answers(kb.ask, dev)
                lines.append(f"- `dev-questions.jsonl` on the sample alone: **{result['overall']:.0%}** of "
                             f"{result['count']} answered correctly.")
            questions = [q["q"] for q in own + dev]
            kb.ask("warm up"), kb.search("warm up")
            ask_ms = _median_ms(kb.ask, questions)
            search_ms = _median_ms(lambda q: kb.search(q, k=5), questions)
        with KnowledgeBase(load_config(Path(home) / "all")) as kb:
            for path in [SAMPLE, *sorted((ROOT / "tests" / "data" / "reports").glob("*.txt"))]:
                kb.ingest_file(path)
            result = evaluate_answers(kb.ask, own)
    lines.append(f"- the team's {result['count']} questions (`tests/data/ask-eval.jsonl`) over the sample and "
                 f"the test reports: **{result['overall']:.0%}** answered correctly.")
    lines += ["", "| | share correct |", "| --- | ---: |"]
    lines += [f"| kind: {kind} | {share:.0%} |" for kind, share in result["by_kind"].items()]
    lines += [f"| language: {lang} | {share:.0%} |" for lang, share in result["by_lang"].items()]
    lines += ["", "Misses: " + ("; ".join(f"\u201c{q}\u201d \u2192 \u201c{a[:120]}\u201d" for q, a in result["misses"]) or "none"),
              "", f"Latency on the sample once warm, median over {len(questions)} questions: **{ask_ms:.0f} ms** "
              f"per question, against {search_ms:.0f} ms for a plain hybrid search of the same text "
              f"(ratio {ask_ms / search_ms:.1f})."]
    update_block("bench_ask", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
