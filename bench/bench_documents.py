"""Documents of every kind: how well and how fast igfkg reads them.

For every fixture of a set (tests/fixtures/documents/SET/NAME.txt or .html
with NAME.gold.json): precision and recall of every field of the gold schema
(igfkg.evaluation.score_document), by kind of document and overall; and the
time to read one document of each kind, parse only and a full
``KnowledgeBase.ingest_file`` into a temporary knowledge base, against the
bundled sample report (samples/igf2013-workshop-41.txt) measured in the
same run.

    python bench/bench_documents.py --set dev [--repeat 3]

The held-out set is run once by the reviewer (``--set heldout``), never to
tune the readers.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, median_ms, update_block  # noqa: E402

from igfkg.config import load_config  # noqa: E402
from igfkg.evaluation import Score, load_gold, score_document  # noqa: E402
from igfkg.ingest.reading import read_report_file  # noqa: E402
from igfkg.ingest.records import DOCUMENT_KINDS  # noqa: E402
from igfkg.ingest.report import parse_report  # noqa: E402
from igfkg.kb import KnowledgeBase, report_id_for  # noqa: E402

DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
SAMPLE = ROOT / "samples" / "igf2013-workshop-41.txt"
ALL = "all"


@dataclass
class Fixture:
    path: Path
    gold: dict

    @property
    def kind(self) -> str:
        return self.gold["kind"]


def fixtures(name: str) -> list[Fixture]:
    """The documents of a set with their gold files, by file name."""
    found = []
    for gold_path in sorted((DOCUMENTS / name).glob("*.gold.json")):
        gold = load_gold(gold_path)
        path = DOCUMENTS / gold["document"] if gold.get("document") else None
        if path is None or not path.is_file():
            stem = gold_path.name[: -len(".gold.json")]
            path = next(p for p in sorted(gold_path.parent.glob(f"{stem}.*")) if not p.name.endswith(".gold.json"))
        found.append(Fixture(path, gold))
    return found


def read(path: Path):
    """Decode and parse one file, as ``ingest_file`` does before writing."""
    decoded = read_report_file(path)
    return parse_report(decoded.text, report_id_for(path), source_name=path.name, encoding=decoded.encoding,
                        warnings=decoded.warnings, file_format=decoded.format)



# ---------------------------------------------------------------- quality

def quality(items: list[Fixture]) -> tuple[dict[str, dict[str, Score]], list[str]]:
    """Scores added up by kind (and ALL) and field; the documents read as another kind."""
    totals: dict[str, dict[str, Score]] = defaultdict(dict)
    wrong_kind = []
    for item in items:
        record = read(item.path)
        if record.kind != item.kind:
            wrong_kind.append(f"{item.path.name} ({item.kind} read as {record.kind})")
        for field, score in score_document(record, item.gold).items():
            for kind in (item.kind, ALL):
                totals[kind][field] = totals[kind][field] + score if field in totals[kind] else score
    return totals, wrong_kind


def quality_table(totals: dict[str, dict[str, Score]], counts: dict[str, int]) -> list[str]:
    kinds = [k for k in DOCUMENT_KINDS if k in totals] + [ALL]
    fields = list(dict.fromkeys(field for kind in kinds for field in totals[kind]))

    def cell(kind: str, field: str) -> str:
        score = totals[kind].get(field)
        if score is None or (score.predicted == 0 and score.expected == 0):
            return "–"
        return f"{score.precision:.2f} / {score.recall:.2f}"

    return [
        "| field | " + " | ".join(f"{kind} ({counts[kind]})" for kind in kinds) + " |",
        "| --- |" + " ---: |" * len(kinds),
        *[f"| {field} | " + " | ".join(cell(kind, field) for kind in kinds) + " |" for field in fields],
    ]


# ---------------------------------------------------------------- speed

def speed(items: list[Fixture], repeat: int) -> tuple[dict[str, tuple[float, float]], tuple[float, float]]:
    """Milliseconds per document by kind, (parse only, full ingest), and the
    sample's as the baseline. Each timed ingest writes a new report."""
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder, KnowledgeBase(load_config(Path(folder) / "kb")) as kb:
        runs = iter(range(10**9))

        def timings(path: Path) -> tuple[float, float]:
            return (median_ms(lambda: read(path), repeat),
                    median_ms(lambda: kb.ingest_file(path, report_id=f"run-{next(runs)}"), repeat))

        timings(SAMPLE)  # loads the language, NER and embedding models
        baseline = timings(SAMPLE)
        for item in items:
            per_kind[item.kind].append(timings(item.path))
    return ({kind: (statistics.mean(t[0] for t in values), statistics.mean(t[1] for t in values))
             for kind, values in per_kind.items()}, baseline)


def speed_table(by_kind: dict[str, tuple[float, float]], baseline: tuple[float, float],
                counts: dict[str, int]) -> list[str]:
    kinds = [k for k in DOCUMENT_KINDS if k in by_kind]
    rows = [f"| sample report (baseline) | 1 | {baseline[0]:.0f} | 1.0x | {baseline[1]:.0f} | 1.0x |"]
    for kind in kinds:
        parse, ingest = by_kind[kind]
        rows.append(f"| {kind} | {counts[kind]} | {parse:.0f} | {parse / baseline[0]:.1f}x | {ingest:.0f} | "
                    f"{ingest / baseline[1]:.1f}x |")
    return ["| kind | documents | parse (ms/doc) | vs sample | full ingest (ms/doc) | vs sample |",
            "| --- | ---: | ---: | ---: | ---: | ---: |", *rows]


# ---------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="name", choices=["dev", "heldout"], required=True,
                        help="which fixtures: tests/fixtures/documents/dev or heldout")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per document")
    args = parser.parse_args()
    items = fixtures(args.name)
    if not items:
        sys.exit(f"no fixtures with gold files in {DOCUMENTS / args.name}")
    counts = defaultdict(int, {ALL: len(items)})
    for item in items:
        counts[item.kind] += 1
    totals, wrong_kind = quality(items)
    by_kind, baseline = speed(items, args.repeat)
    lines = [
        f"## Documents of every kind: the {args.name} set",
        "",
        f"Command: `python bench/bench_documents.py --set {args.name} --repeat {args.repeat}` "
        f"({time.strftime('%Y-%m-%d')}). {len(items)} fixtures of `tests/fixtures/documents/{args.name}/`, scored "
        "against their gold files with `igfkg.evaluation.score_document`; columns are the gold kind of "
        "document (number of fixtures), cells precision / recall (– where neither gold nor reader has a value).",
        "",
        *quality_table(totals, counts),
        "",
        "Documents read as another kind: " + ("; ".join(wrong_kind) if wrong_kind else "none") + ".",
        "",
        "Time per document by kind (mean over the kind's documents of the median of the runs; models loaded): "
        "decode and parse only, and a full `KnowledgeBase.ingest_file` (passages embedded, graph written) into a "
        f"temporary knowledge base; the baseline is the bundled sample `{SAMPLE.relative_to(ROOT)}` (plain text) "
        "measured in the same run.",
        "",
        *speed_table(by_kind, baseline, counts),
    ]
    update_block(f"bench_documents_{args.name}", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
