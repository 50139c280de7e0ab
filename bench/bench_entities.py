"""Entity quality: the entity gate (ingest/gate.py) on the adversarial
fixtures of tests/fixtures/entities/, against the same parse with the gate
turned off; the given-name lexicons measured; the person threshold swept.

    python bench/bench_entities.py [--sweep] [--record-first-run]

``--record-first-run`` writes the second batch's figures into their own
block, once: fixtures written after the gate worked, run as they are.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

import igfkg.ingest.gate as gate_module  # noqa: E402
import igfkg.ingest.kinds as kinds  # noqa: E402
from igfkg.evaluation import load_gold, score_entities, score_record  # noqa: E402
from igfkg.ingest.report import parse_report  # noqa: E402
from igfkg.ingest.text import fold  # noqa: E402

ENTITIES = ROOT / "tests" / "fixtures" / "entities"
SHOWN = ("people", "organisations", "groups on roles", "groups as entities", "furniture titles", "titles", "years")


def batch_scores(batch: str, gate: bool = True) -> dict:
    """Scores summed over one batch of fixtures, with or without the gate."""
    kinds.gate = gate_module.gate if gate else (lambda record: record)
    total = {}
    try:
        for path in sorted((ENTITIES / batch).glob("*.gold.json")):
            gold = load_gold(path)
            doc = path.parent / gold["document"]
            record = kinds.parse_document(doc.read_text(encoding="utf-8"), doc.stem)
            for name, score in score_entities(record, gold).items():
                total[name] = total[name] + score if name in total else score
    finally:
        kinds.gate = gate_module.gate
    return total


def gold_people() -> object:
    """People on the team's gold reports (tests/gold), which must keep their scores."""
    total = None
    for path in sorted((ROOT / "tests" / "gold").glob("*.json")):
        gold = load_gold(path)
        report = ROOT / gold["report"]
        score = score_record(parse_report(report.read_text(encoding="utf-8"), report.stem), gold)["people"]
        total = score if total is None else total + score
    return total


def _row(label: str, scores: dict) -> list[str]:
    out = []
    for name in SHOWN:
        s = scores[name]
        if name in ("groups as entities", "furniture titles"):
            out.append(f"| {label} | {name} | {s.predicted} written (target 0) | | |")
        else:
            out.append(f"| {label} | {name} | {s.precision:.2f} | {s.recall:.2f} | "
                       f"{s.true_positives}/{s.predicted}/{s.expected} |")
    return out


def lexicon_rows() -> list[str]:
    """How many gold people's given names each lexicon knows, and how many
    refused candidates (gold not_people) hold a word it takes for a given name."""
    from igfkg.ingest import names

    local = {w for line in (Path(names.__file__).with_name("data") / "given_names.txt").read_text().splitlines()
             if not line.startswith("#") for w in line.split()}
    guesser = names._gender_guesser_names()
    lexicons = {"data/given_names.txt (before)": local, "gender-guesser": guesser, "both (used)": local | guesser,
                "nameparser": set()}  # nameparser parses titles and particles; it has no given names
    people, non_people = [], []
    for path in sorted(ENTITIES.glob("first/*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        people += gold["people"]
        # Other forms of real people ("Castellanos Rafael", "Brambilla") rightly hold given names.
        parts = [set(fold(p).split()) for p in gold["people"]]
        non_people += [n for n in gold.get("not_people", []) if not any(set(fold(n).split()) <= s for s in parts)]
    rows = []
    for label, lexicon in lexicons.items():
        known = sum(1 for p in people if any(fold(t) in lexicon for t in p.split()))
        false = sum(1 for p in non_people if any(fold(t) in lexicon for t in p.split()))
        rows.append(f"| {label} | {len(lexicon)} | {known}/{len(people)} | {false}/{len(non_people)} |")
    return rows


def dev_people() -> object:
    """People on the document fixtures the readers were written on (tests/fixtures/documents/dev)."""
    from igfkg.evaluation import score_document

    total = None
    for path in sorted((ROOT / "tests" / "fixtures" / "documents" / "dev").glob("*.gold.json")):
        gold = load_gold(path)
        doc = ROOT / "tests" / "fixtures" / "documents" / gold["document"]
        score = score_document(kinds.parse_document(doc.read_text(encoding="utf-8"), doc.stem), gold)["people"]
        total = score if total is None else total + score
    return total


def sweep_rows() -> list[str]:
    rows, saved = [], gate_module.PERSON_THRESHOLD
    try:
        for threshold in (1, 2, 3, 4):
            gate_module.PERSON_THRESHOLD = threshold
            first, gold, dev = batch_scores("first")["people"], gold_people(), dev_people()
            rows.append(f"| {threshold} | {first.precision:.2f} | {first.recall:.2f} | {gold.precision:.2f} | "
                        f"{gold.recall:.2f} | {dev.precision:.2f} | {dev.recall:.2f} |")
    finally:
        gate_module.PERSON_THRESHOLD = saved
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also sweep the person threshold")
    parser.add_argument("--record-first-run", action="store_true",
                        help="write the second batch's figures into their first-run block")
    args = parser.parse_args()
    second = sorted((ENTITIES / "second").glob("*.gold.json"))
    if args.record_first_run and second:
        scores = batch_scores("second")
        lines = ["## Entity gate, second batch: first run", "",
                 f"The {len(second)} fixtures of `tests/fixtures/entities/second/`, written after the gate worked, "
                 f"run once as they were ({time.strftime('%Y-%m-%d')}); never used to tune the gate. "
                 "Later runs are in the \"Entity gate\" block.", "",
                 "| batch | what | precision | recall | right / found / in gold |", "| --- | --- | ---: | ---: | ---: |",
                 *_row("second, first run", scores)]
        update_block("bench_entities_second_first_run", lines)
        print("\n".join(lines))
        return
    rows = []
    for batch in ("first", "second"):
        if any((ENTITIES / batch).glob("*.gold.json")):
            rows += _row(f"{batch}, no gate", batch_scores(batch, gate=False))
            rows += _row(f"{batch}, gate", batch_scores(batch))
    people = gold_people()
    lines = [
        "## Entity gate (issue 15: every person a person, every organisation an organisation)",
        "",
        f"Command: `python bench/bench_entities.py{' --sweep' if args.sweep else ''}` ({time.strftime('%Y-%m-%d')}). "
        "Adversarial fixtures in `tests/fixtures/entities/` (invented content; gold files name the real people, "
        "organisations, groups on roles, titles and years); the baseline is the same parse with the gate off. "
        "Targets (first batch, `tests/test_gate.py`): person precision >= 0.98 and recall >= 0.95, organisation "
        "precision >= 0.95, no group as an entity, no title from page furniture.",
        "",
        "| batch | what | precision | recall | right / found / in gold |",
        "| --- | --- | ---: | ---: | ---: |",
        *rows,
        "",
        f"People on the team's gold reports (`tests/gold/`) with the gate: precision {people.precision:.2f}, "
        f"recall {people.recall:.2f} ({people.true_positives}/{people.predicted}/{people.expected}).",
        "",
        "Given-name lexicons on the first batch: how many real people have a word the lexicon knows as a given "
        "name, and how many refused candidates (gold `not_people`) have one (false evidence).",
        "",
        "| lexicon | names | people with a known given name | non-people with one |",
        "| --- | ---: | ---: | ---: |",
        *lexicon_rows(),
    ]
    if args.sweep:
        lines += ["", "Person threshold (`PERSON_THRESHOLD` in `ingest/gate.py`; evidence: given name 2, named "
                  "elsewhere 2, name shape, honorific, role field, role word, affiliation, group, speaker label 1 each):",
                  "", "| threshold | first batch P | first batch R | gold reports P | gold reports R | "
                  "dev documents P | dev documents R |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |", *sweep_rows()]
    update_block("bench_entities", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
