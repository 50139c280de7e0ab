"""Entity quality per document: what was written as a person or an
organisation, what the entity gate refused and why, and what deserves a
second look. ``igfkg quality`` and the /quality page both print this.
"""
from __future__ import annotations

import re

from igfkg.ingest.names import is_given_name
from igfkg.ingest.organisations import known_organisation
from igfkg.ingest.text import fold

_ENTITIES = """SELECT ?e ?type ?name WHERE { GRAPH $g {
  VALUES ?type { schema:Person schema:Organization } ?e a ?type ; schema:name ?name } } ORDER BY ?type ?name"""
_REJECTED = """SELECT ?text ?as ?reason ?start ?end WHERE { GRAPH $g { $g igf:rejectedCandidate ?c .
  ?c igf:candidateText ?text ; igf:rejectedAs ?as ; igf:rejectionReason ?reason ;
     nif:beginIndex ?start ; nif:endIndex ?end } } ORDER BY ?start"""
_TEXT = "SELECT ?text WHERE { GRAPH $g { $g nif:isString ?text } }"
_ORG_GRAPHS = """SELECT ?e (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e a schema:Organization } }
  GROUP BY ?e"""


def quality_report(kb, report_id: str | None = None) -> dict:
    """``{"reports": [...], "totals": {...}}``; one report when ``report_id`` is given.
    Raises the knowledge base's UnknownReport for an id it does not hold."""
    ids = list(kb.report_ids())
    if report_id is not None:
        if report_id not in ids:
            from igfkg.kb import UnknownReport

            raise UnknownReport(f"no report {report_id!r}; see: igfkg reports")
        ids = [report_id]
    graphs_of = {s["e"].value: int(s["n"].value) for s in kb.query(_ORG_GRAPHS)}
    reports = [_one_report(kb, rid, graphs_of) for rid in ids]
    totals: dict[str, int] = {}
    for report in reports:
        for name, count in report["counts"].items():
            totals[name] = totals.get(name, 0) + count
    return {"reports": reports, "totals": totals}


def _one_report(kb, report_id: str, graphs_of: dict[str, int]) -> dict:
    graph = kb.iris.report(report_id)
    fill = lambda query: query.replace("$g", str(graph))  # noqa: E731
    text = next((s["text"].value for s in kb.query(fill(_TEXT))), "")
    people, organisations = [], []
    for s in kb.query(fill(_ENTITIES)):
        iri, name = s["e"].value, s["name"].value
        if s["type"].value.endswith("Person"):
            people.append({"name": name, "iri": iri, "suspicious": _suspicious_person(name)})
        else:
            organisations.append({"name": name, "iri": iri,
                                  "suspicious": _suspicious_organisation(name, text, graphs_of.get(iri, 0))})
    rejected = [{"text": s["text"].value, "as": s["as"].value, "reason": s["reason"].value,
                 "start": int(s["start"].value), "end": int(s["end"].value)} for s in kb.query(fill(_REJECTED))]
    counts = {"people": len(people), "organisations": len(organisations),
              "rejected people": sum(1 for r in rejected if r["as"] == "person"),
              "rejected organisations": sum(1 for r in rejected if r["as"] == "organisation"),
              "rejected titles": sum(1 for r in rejected if r["as"] == "title"),
              "suspicious": sum(1 for e in people + organisations if e["suspicious"])}
    return {"report": report_id, "people": people, "organisations": organisations, "rejected": rejected,
            "counts": counts}


def _suspicious_person(name: str) -> str | None:
    if not any(is_given_name(token) for token in name.split()):
        return "no given name the lexicon knows"
    return None


def _suspicious_organisation(name: str, text: str, graphs: int) -> str | None:
    if known_organisation(name):
        return None
    seen = len(re.findall(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)", fold(text)))
    if graphs <= 1 and seen <= 1:
        return "seen once, in this document only, and not in the gazetteer"
    return None


def render_text(report: dict) -> str:
    """The report as lines for a terminal."""
    lines = []
    for doc in report["reports"]:
        c = doc["counts"]
        lines.append(f"{doc['report']}: {c['people']} people, {c['organisations']} organisations written; "
                     f"{c['rejected people'] + c['rejected organisations'] + c['rejected titles']} rejected; "
                     f"{c['suspicious']} to check")
        for label, entities in (("people", doc["people"]), ("organisations", doc["organisations"])):
            if entities:
                lines.append(f"  {label}:")
                lines.extend(f"    {e['name']}" + (f"  ? {e['suspicious']}" if e["suspicious"] else "")
                             for e in entities)
        if doc["rejected"]:
            lines.append("  rejected:")
            lines.extend(f"    {r['as']:<12} {r['text']!r} (characters {r['start']}-{r['end']}): {r['reason']}"
                         for r in doc["rejected"])
    t = report["totals"]
    if len(report["reports"]) > 1:
        lines.append("total: " + ", ".join(f"{n} {name}" for name, n in t.items()))
    return "\n".join(lines) if lines else "no reports yet; add some with: igfkg ingest PATH"
