"""Precision and recall of extraction against a gold file (tests/gold/*.json).

A gold file lists, by reading the report: every person with roles and
affiliations, every organisation named, every example with its presenter,
the principles discussed and the earlier events named.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from igfkg.ingest.names import person_key
from igfkg.ingest.records import ReportRecord
from igfkg.ingest.text import fold


@dataclass(frozen=True)
class Score:
    true_positives: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.true_positives + other.true_positives, self.predicted + other.predicted,
                     self.expected + other.expected)


def _score(predicted: set, expected: set) -> Score:
    return Score(len(predicted & expected), len(predicted), len(expected))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def score_record(record: ReportRecord, gold: dict) -> dict[str, Score]:
    people = {r.person.key for r in record.roles if r.person}
    roles = {(r.person.key, r.role) for r in record.roles if r.person and r.role != "mentioned"}
    affiliations = {(r.person.key, r.affiliation.key) for r in record.roles if r.person and r.affiliation}
    organisations = {r.organisation.key for r in record.roles if r.organisation}
    organisations |= {r.affiliation.key for r in record.roles if r.affiliation}
    organisations |= {o.key for o in record.organisations_mentioned}
    organisations |= {o.key for e in record.examples for o in e.organisations}

    gold_people = {person_key(p["name"]) for p in gold["people"]}
    gold_roles = {(person_key(p["name"]), role) for p in gold["people"] for role in p["roles"]}
    gold_affiliations = {(person_key(p["name"]), org) for p in gold["people"] for org in p["affiliations"]}

    found_examples = set()
    for example in record.examples:
        presenter = example.presenter.key if example.presenter else None
        for i, wanted in enumerate(gold["examples"]):
            if fold(wanted["label_contains"]) in fold(example.label.value) \
                    and presenter == person_key(wanted["presenter"]):
                found_examples.add(i)
    examples = Score(len(found_examples), len(record.examples), len(gold["examples"]))
    events = Score(sum(1 for place in gold.get("events", []) if any(e.place == place for e in record.events)),
                   len(record.events), len(gold.get("events", [])))
    return {
        "people": _score(people, gold_people),
        "roles": _score(roles, gold_roles),
        "affiliations": _score(affiliations, gold_affiliations),
        "organisations": _score(organisations, set(gold["organisations"])),
        "examples with presenter": examples,
        "principles": _score({m.concept for m in record.principles}, set(gold["principles"])),
        "events built on": events,
    }


# -- search ---------------------------------------------------------------------

def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class SearchScores:
    recall_at_1: float
    recall_at_5: float
    mrr: float
    ranks: dict[str, int | None]  # query -> rank of the first right passage (1-based), None if not in top 10

    def misses(self, k: int = 5) -> list[str]:
        return [q for q, r in self.ranks.items() if r is None or r > k]


def evaluate_search(search, queries: list[dict], depth: int = 10) -> SearchScores:
    """``search(query) -> list of passage texts``, best first. A query is
    answered at the rank of the first passage containing its ``contains``."""
    ranks: dict[str, int | None] = {}
    for item in queries:
        wanted = fold(item["contains"])
        texts = search(item["q"])[:depth]
        ranks[item["q"]] = next((i + 1 for i, text in enumerate(texts) if wanted in fold(text)), None)
    n = len(queries) or 1
    return SearchScores(
        recall_at_1=sum(1 for r in ranks.values() if r == 1) / n,
        recall_at_5=sum(1 for r in ranks.values() if r and r <= 5) / n,
        mrr=sum(1 / r for r in ranks.values() if r) / n,
        ranks=ranks)


# -- questions ------------------------------------------------------------------

def answered_correctly(item: dict, response: dict) -> bool:
    """An expected answer counts when it appears (case and accents aside) in
    the answer, the answers' labels or, for passage questions, the first
    evidence passage."""
    found = fold(" ".join([response["answer"], *(a["label"] for a in response["answers"])]))
    if "passage_contains" in item:
        evidence = response["evidence"][0]["text"] if response["evidence"] else ""
        return fold(item["passage_contains"]) in fold(response["answer"] + " " + evidence)
    if "answers_all" in item:
        return all(fold(a) in found for a in item["answers_all"])
    return any(fold(a) in found for a in item["answers"])


def evaluate_answers(ask, items: list[dict]) -> dict:
    """Share answered correctly overall, by kind and by language, and the misses."""
    results = []
    for item in items:
        response = ask(item["q"])
        results.append((item, answered_correctly(item, response), response))

    def share(selected):
        return sum(ok for _, ok, _ in selected) / len(selected) if selected else 1.0

    by = lambda key: {value: share([r for r in results if r[0].get(key) == value])  # noqa: E731
                      for value in sorted({r[0].get(key, "?") for r in results})}
    return {"overall": share(results), "by_kind": by("kind"), "by_lang": by("lang"), "count": len(results),
            "misses": [(item["q"], response["answer"]) for item, ok, response in results if not ok]}
