"""Precision and recall of extraction against a gold file (tests/gold/*.json).

A gold file lists, by reading the report: every person with roles and
affiliations, every organisation named, every example with its presenter,
the principles discussed and the earlier events named.
"""
from __future__ import annotations

import json
import re
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


def _sample_principles() -> set[str]:
    from igfkg.ontology import labelled_nodes

    return set(labelled_nodes("principles.ttl", "principle"))


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
        # the gold files list the concepts of principles.ttl; the frameworks
        # have their own gold (tests/fixtures/frameworks/gold.json, bench/bench_frameworks.py)
        "principles": _score({m.concept for m in record.principles if m.concept in _sample_principles()},
                             set(gold["principles"])),
        "events built on": events,
    }


# -- documents of every kind (tests/fixtures/documents/*/NAME.gold.json) ----------

SESSION_FIELDS = ("title", "date", "number", "year", "session_kind")
ROLE_FIELDS = {"organisers": ("organizer",), "moderators": ("moderator",),
               "remote_moderators": ("remote_moderator",), "speakers": ("panellist", "speaker"),
               "rapporteurs": ("reporter",)}


def _words(text: str | None) -> str | None:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text))) if text else None


def _org(name: str) -> str:
    from igfkg.ingest.organisations import organisation_key

    return organisation_key(name.strip(" ."))[0]


def _org_names(name: str) -> set[str]:
    """The keys an organisation written "Name (ACRONYM)" or "Name (Country)"
    goes by: the whole, the name alone and what the parentheses hold."""
    inside = re.findall(r"\(([^()]+)\)", name)
    outside = re.sub(r"\s*\([^()]*\)", "", name)
    return {_org(n) for n in (name, outside, *inside) if n.strip()}


def _same_org(found: str, wanted: str) -> bool:
    return bool(_org_names(found) & _org_names(wanted))


def _pairs_score(predicted: set[tuple], expected: set[tuple]) -> Score:
    """(key, organisation name) pairs, organisations compared by _same_org;
    two forms of one organisation found for one pair count once."""
    def same(p, e):
        return p[:-1] == e[:-1] and _same_org(p[-1], e[-1])

    matched = {e for e in expected if any(same(p, e) for p in predicted)}
    right = sum(1 for p in predicted if any(same(p, e) for e in expected))
    return Score(len(matched), len(predicted) - (right - len(matched)), len(expected))


def _session_values(session: ReportRecord) -> dict:
    return {"title": _words(session.title.value if session.title else None),
            "date": session.date[0].isoformat() if session.date else None,
            "number": int(session.number.value) if session.number else None,
            "year": int(session.meeting_year.value) if session.meeting_year else None,
            "session_kind": session.session_kind}


def _gold_values(gold: dict) -> dict:
    return {"title": _words(gold.get("title")), "date": gold.get("date"), "number": gold.get("number"),
            "year": gold.get("year"), "session_kind": gold.get("session_kind")}


def _pair_sessions(found: list[ReportRecord], gold: list[dict]) -> list[tuple[int, int]]:
    """(found index, gold index) pairs: by number, else by title, else in order."""
    pairs, used = [], set()
    for g, wanted in enumerate(gold):
        want = _gold_values(wanted)
        candidates = [f for f in range(len(found)) if f not in used]
        values = {f: _session_values(found[f]) for f in candidates}
        best = next((f for f in candidates if want["number"] is not None and values[f]["number"] == want["number"]),
                    None)
        if best is None:
            best = next((f for f in candidates if want["title"] and values[f]["title"] == want["title"]), None)
        if best is None and candidates and len(found) == len(gold):
            best = candidates[0]
        if best is not None:
            used.add(best)
            pairs.append((best, g))
    return pairs


def score_document(record: ReportRecord, gold: dict) -> dict[str, Score]:
    """Precision and recall of every field of the document gold schema."""
    from igfkg.ingest.identity import record_people

    found, wanted = record.sessions, gold.get("sessions", [])
    pairs = _pair_sessions(found, wanted)
    scores = {"kind": Score(int(record.kind == gold["kind"]), 1, 1),
              "sessions": Score(len(pairs), len(found), len(wanted))}
    for name in SESSION_FIELDS:
        predicted = {(f, v) for f, s in enumerate(found) if (v := _session_values(s)[name]) is not None}
        expected = {(f, v) for f, g in pairs if (v := _gold_values(wanted[g])[name]) is not None}
        unpaired = sum(1 for g, w in enumerate(wanted) if g not in {p[1] for p in pairs}
                       and _gold_values(w)[name] is not None)
        scores[name] = Score(len(predicted & expected), len(predicted), len(expected) + unpaired)
    gold_of = {f: wanted[g] for f, g in pairs}
    for name, roles in ROLE_FIELDS.items():
        predicted = {(f, r.person.key) for f, s in enumerate(found) for r in s.roles if r.person and r.role in roles}
        expected = {(f, person_key(n)) for f, g in gold_of.items() for n in g.get(name, [])}
        missing = sum(len(w.get(name, [])) for g, w in enumerate(wanted) if g not in {p[1] for p in pairs})
        scores[name] = Score(len(predicted & expected), len(predicted), len(expected) + missing)
    # organisations that organise, and those the document ties to an organising person (an
    # affiliation is the person's, whichever role's line gave it)
    predicted = set()
    for f, s in enumerate(found):
        organisers = {r.person.key for r in s.roles if r.role == "organizer" and r.person}
        predicted |= {(f, r.organisation.name.value) for r in s.roles if r.role == "organizer" and r.organisation}
        predicted |= {(f, r.affiliation.name.value) for r in s.roles
                      if r.person and r.person.key in organisers and r.affiliation}
    expected = {(f, n) for f, g in gold_of.items() for n in g.get("organiser_organisations", [])}
    scores["organiser_organisations"] = _pairs_score(predicted, expected)
    predicted = {(r.person.key, r.affiliation.name.value) for s in found for r in s.roles if r.person and r.affiliation}
    expected = {(person_key(p), o) for g in wanted for p, o in g.get("affiliations", {}).items()}
    scores["affiliations"] = _pairs_score(predicted, expected)
    scores["people"] = _score({p.key for p in record_people(record)}, {person_key(n) for n in gold.get("people", [])})
    if "utterances" in gold:
        said = [u.speaker.key if u.speaker else None for u in record.utterances]
        truth = [person_key(n) if n else None for n in gold["utterances"]["speakers"]]
        right = sum(1 for a, b in zip(said, truth) if a == b)
        scores["utterance speakers"] = Score(right, len(said), len(truth))
    return scores


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
    if item.get("unanswerable"):  # must say it found nothing, not answer confidently
        return not response["answers"] and response["confidence"] == 0.0
    if "yes" in item:  # yes/no: the first word decides, then the deciding fact if one is expected
        first = (re.findall(r"\w+", found) or [""])[0]
        if first not in (("yes", "oui", "si") if item["yes"] else ("no", "non")):
            return False
        return all(fold(a) in found for a in item.get("answers_all", []))
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


# -- entity quality (tests/fixtures/entities/*/NAME.gold.json) -----------------------

def _role_groups(role) -> tuple[str | None, str | None]:
    from igfkg.ingest.groups import any_group

    keys = [any_group(span.value).key if span and any_group(span.value) else None
            for span in (role.stakeholder_group, role.regional_group)]
    return keys[0], keys[1]


def score_entities(record: ReportRecord, gold: dict) -> dict[str, Score]:
    """People and organisations written, groups on roles, session titles and
    years, and how many groups or furniture slipped through as entities."""
    from igfkg.ingest.gate import FURNITURE
    from igfkg.ingest.groups import any_group
    from igfkg.ingest.identity import record_people

    people = record_people(record)
    organisations = {}
    for session in record.sessions:
        for role in session.roles:
            for org in (role.organisation, role.affiliation):
                if org is not None:
                    organisations[_org(org.name.value)] = org.name.value
        for org in session.organisations_mentioned:
            organisations[_org(org.name.value)] = org.name.value
    scores = {
        "people": _score({p.key for p in people}, {person_key(n) for n in gold["people"]}),
        "organisations": _score(set(organisations), {_org(n) for n in gold["organisations"]}),
    }
    found_groups = {(r.role, r.person.key if r.person else None, *_role_groups(r))
                    for s in record.sessions for r in s.roles}
    matched = 0
    for want in gold.get("groups", []):
        who = person_key(want["who"]) if want["who"] else None
        if any(role == want["role"] and person == who
               and all(w is None or w == f for w, f in ((want["stakeholder_group"], sg), (want["regional_group"], rg)))
               for role, person, sg, rg in found_groups):
            matched += 1
    scores["groups on roles"] = Score(matched, len(gold.get("groups", [])), len(gold.get("groups", [])))
    slipped = [p.name for p in people if any_group(p.name)] + [n for n in organisations.values() if any_group(n)]
    scores["groups as entities"] = Score(0, len(slipped), 0)
    titles = [s.title.value for s in record.sessions if s.title]
    furniture = [t for t in titles if FURNITURE.match(t)]
    scores["furniture titles"] = Score(0, len(furniture), 0)
    want_titles = {_words(s["title"]) for s in gold.get("sessions", []) if s.get("title")}
    scores["titles"] = _score({_words(t) for t in titles}, want_titles)
    want_years = [(_words(s["title"]), s["year"]) for s in gold.get("sessions", []) if s.get("year")]
    found_years = {(_words(s.title.value) if s.title else None, int(s.meeting_year.value))
                   for s in record.sessions if s.meeting_year}
    scores["years"] = Score(sum(1 for y in want_years if y in found_years), len(found_years), len(want_years))
    return scores


def entity_mistakes(record: ReportRecord, gold: dict) -> dict[str, list[str]]:
    """What was written that the gold does not hold, and what it holds that was missed."""
    from igfkg.ingest.identity import record_people

    people = {p.key: p.name for p in record_people(record)}
    orgs = {_org(o.name.value): o.name.value for s in record.sessions for r in s.roles
            for o in (r.organisation, r.affiliation) if o} | \
        {_org(o.name.value): o.name.value for s in record.sessions for o in s.organisations_mentioned}
    gold_people = {person_key(n): n for n in gold["people"]}
    gold_orgs = {_org(n): n for n in gold["organisations"]}
    return {"wrong people": sorted(v for k, v in people.items() if k not in gold_people),
            "missed people": sorted(v for k, v in gold_people.items() if k not in people),
            "wrong organisations": sorted(v for k, v in orgs.items() if k not in gold_orgs),
            "missed organisations": sorted(v for k, v in gold_orgs.items() if k not in orgs)}


def ask_corpus_paths(root: Path) -> list[Path]:
    """The documents the corpus questions (tests/data/ask-corpus-*.jsonl) are
    asked of: the sample, the team's reports and the kinds fixtures."""
    return [root / "samples" / "igf2013-workshop-41.txt", *sorted((root / "tests" / "data" / "reports").glob("*.txt")),
            *sorted((root / "tests" / "fixtures" / "documents" / "dev").glob("*.txt")),
            *sorted((root / "tests" / "fixtures" / "documents" / "merge").glob("*.txt"))]
