"""Detection of principles (discussed / only mentioned), SDGs and themes
against tests/fixtures/frameworks/gold.json: precision and recall per set ("dev":
the sample and fixtures seen while writing the detector; "new": fixtures
written after it, first-run figures kept apart).

    python bench/bench_frameworks.py [--no-write]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.ingest.report import parse_report  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "frameworks" / "gold.json"


def found(path: Path) -> dict[str, set]:
    """What the detector says of a document's first session."""
    record = parse_report(path.read_text(encoding="utf-8"), path.stem)
    session = record.sessions[0]
    return {"discussed": {m.concept for m in record.principles if m.discussed},
            "mentioned": {m.concept for m in record.principles if not m.discussed},
            "goals": {m.concept for m in session.goals},
            "themes": {t.concept for t in session.themes}}


def gold_of(item: dict) -> dict[str, set]:
    return {key: set(item[key]) for key in ("discussed", "mentioned", "goals", "themes")}


def score(items: list[dict]) -> dict[str, tuple[float, float, int]]:
    """Per field and overall (concept with its status): precision, recall, gold count."""
    counts = {}
    for item in items:
        got, want = found(ROOT / item["path"]), gold_of(item)
        for key in (*want, "all"):
            g = {(k, v) for k in want for v in got[k]} if key == "all" else got[key]
            w = {(k, v) for k in want for v in want[k]} if key == "all" else want[key]
            tp, p, e = counts.get(key, (0, 0, 0))
            counts[key] = (tp + len(g & w), p + len(g), e + len(w))
    return {k: (tp / p if p else 1.0, tp / e if e else 1.0, e) for k, (tp, p, e) in counts.items()}


def misses(items: list[dict]) -> list[str]:
    out = []
    for item in items:
        got, want = found(ROOT / item["path"]), gold_of(item)
        for key in want:
            for extra in sorted(got[key] - want[key]):
                out.append(f"{Path(item['path']).name}: extra {key} {extra}")
            for missing in sorted(want[key] - got[key]):
                out.append(f"{Path(item['path']).name}: missed {key} {missing}")
    return out


def main() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    lines = ["## Principles, goals and themes", "",
             f"Command: `python bench/bench_frameworks.py` ({time.strftime('%Y-%m-%d')}), against "
             "`tests/fixtures/frameworks/gold.json`. A concept counts only with the right status (discussed or only mentioned).", ""]
    for name, label in (("dev", "sample and dev fixtures (seen while writing the detector)"),
                        ("new", "3 fixtures written after the detector (tests/fixtures/frameworks/), first run")):
        items = [i for i in gold if i["set"] == name]
        result = score(items)
        lines += [f"{label}:", "", "| | precision | recall | gold |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {k} | {p:.2f} | {r:.2f} | {n} |" for k, (p, r, n) in result.items()]
        lines += ["", "Misses: " + ("; ".join(misses(items)) or "none"), ""]
    if "--no-write" not in sys.argv:
        update_block("bench_frameworks", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
