"""Extraction quality and speed on the gold reports (tests/gold/*.json).

For each report: precision and recall of people, roles, affiliations,
organisations, examples with their presenter, principles and linked events,
and the time to extract one report (no embeddings, language and NER models
already loaded), with the structured-fields-only parse as the baseline.

    python bench/bench_extraction.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, median_ms, update_block  # noqa: E402

from igfkg.evaluation import load_gold, score_record  # noqa: E402
from igfkg.ingest.report import parse_report  # noqa: E402
from igfkg.kb import report_id_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per report")
    args = parser.parse_args()
    rows, totals, timings = [], {}, []
    for path in sorted((ROOT / "tests" / "gold").glob("*.json")):
        gold = load_gold(path)
        report = ROOT / gold["report"]
        text = report.read_text(encoding="utf-8")
        record = parse_report(text, report_id_for(report))  # also warms the models
        scores = score_record(record, gold)
        full = median_ms(lambda: parse_report(text, "x"), args.repeat)
        fields = median_ms(lambda: _fields_only(text), args.repeat)
        timings.append((path.stem, full, fields))
        for name, score in scores.items():
            totals[name] = totals[name] + score if name in totals else score
            rows.append(f"| {path.stem} | {name} | {score.precision:.2f} | {score.recall:.2f} | "
                        f"{score.true_positives}/{score.predicted}/{score.expected} |")
    for name, score in totals.items():
        rows.append(f"| **all reports** | {name} | {score.precision:.2f} | {score.recall:.2f} | "
                    f"{score.true_positives}/{score.predicted}/{score.expected} |")
    lines = [
        "## Extraction quality (issue: people, affiliations, roles, principles, examples)",
        "",
        f"Command: `python bench/bench_extraction.py --repeat {args.repeat}` ({time.strftime('%Y-%m-%d')}). "
        "Gold files in `tests/gold/`, written by reading each report; `tests/test_extraction.py` asserts "
        "the targets (people P and R >= 0.95, roles and affiliations >= 0.9, every example with its presenter).",
        "",
        "| report | what | precision | recall | found right / found / in gold |",
        "| --- | --- | ---: | ---: | ---: |",
        *rows,
        "",
        "Time to extract one report (median of the runs, models loaded): everything, against the "
        "structured-fields-only parse as baseline.",
        "",
        "| report | full extraction (ms) | fields only (ms) | ratio |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {name} | {full:.0f} | {fields:.1f} | {full / fields:.0f}x |" for name, full, fields in timings],
    ]
    update_block("bench_extraction", lines)
    print("\n".join(lines))


def _fields_only(text: str) -> None:
    """The baseline: the labelled fields only, no running text."""
    parse_report(text, "x", running_text=False)



if __name__ == "__main__":
    main()
