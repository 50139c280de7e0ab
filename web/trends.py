"""Trends across years: sessions per year by kind, participation and the
share of women where reports give figures, principles discussed per year,
the organisations that come back most often.

Each chart is one SPARQL query (shown on the page, runnable in the editor)
and a function turning its rows into the chart's data; ``respond`` is the
one place that decides HTML, JSON or CSV (``?format=``, ``?chart=`` for one)."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from igfkg.ontology import PREFIXES
from igfkg.participation import PER_YEAR

from .i18n import label_pattern, translate
from .linked import entity_link

bp = Blueprint("trends", __name__)

TOP_PRINCIPLES = 15
TOP_ORGANISATIONS = 15


@dataclass(frozen=True)
class Chart:
    id: str
    title: str          # English; shown through translate()
    columns: tuple      # (key, English header) of each row's cells, in order
    query: Callable[[], str]
    rows: Callable[[list[dict]], list[dict]]


def with_prefixes(body: str) -> str:
    """The query as the SPARQL editor and protocol take it: PREFIX lines for the prefixes it uses."""
    used = [name for name in PREFIXES if re.search(rf"(?<![\w<]){name}:", body)]
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in used) + body.strip() + "\n"


def sessions_query() -> str:
    return with_prefixes(f"""
SELECT ?year ?kind (SAMPLE(?name) AS ?kind_label) (COUNT(DISTINCT ?session) AS ?sessions) WHERE {{
  ?session a igf:Session ; schema:superEvent/igf:year ?year .
  OPTIONAL {{ ?session igf:sessionKind ?kind . {label_pattern("?kind", "?name")} }}
}} GROUP BY ?year ?kind ORDER BY ?year ?kind_label""")


def sessions_rows(rows: list[dict]) -> list[dict]:
    return [{"year": r["year"], "kind": r["kind_label"] or translate("unknown"), "kind_iri": r["kind"],
             "sessions": int(r["sessions"])} for r in rows]


def participation_query() -> str:
    return with_prefixes(PER_YEAR)


def participation_rows(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        counted = int(r["gender_counted"])
        share = round(100 * int(r["women_counted"]) / counted, 1) if counted else None
        out.append({"year": r["year"], "sessions": int(r["sessions"]), "participants": int(r["participants"]),
                    "women": int(r["women_counted"]), "women_and_men": counted, "women_share": share})
    return out


def principles_query() -> str:
    # Themes and the SDGs are concepts a session discusses too, but not principles.
    base = current_app.config["KB"].iris.base
    return with_prefixes(f"""
SELECT ?principle (SAMPLE(?name) AS ?label) ?year (COUNT(DISTINCT ?session) AS ?sessions) WHERE {{
  ?session a igf:Session ; schema:superEvent/igf:year ?year ; igf:discusses ?principle .
  FILTER NOT EXISTS {{ ?principle skos:inScheme ?other FILTER(?other IN (<{base}theme/scheme>, <{base}sdg/scheme>)) }}
  {label_pattern("?principle", "?name")}
}} GROUP BY ?principle ?year ORDER BY ?principle ?year""")


def principles_rows(rows: list[dict]) -> list[dict]:
    """The most discussed principles (by sessions over all years), each with its count per year."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["principle"]] = totals.get(r["principle"], 0) + int(r["sessions"])
    labels = {r["principle"]: r["label"] or r["principle"].rsplit("/", 1)[-1] for r in rows}
    top = sorted(totals, key=lambda p: (-totals[p], labels[p].casefold()))[:TOP_PRINCIPLES]
    return [{"principle": labels[p], "iri": p, "year": r["year"], "sessions": int(r["sessions"])}
            for p in top for r in rows if r["principle"] == p]


ROLES = "schema:organizer|igf:reporter|igf:moderator|igf:remoteModerator|igf:panellist|igf:speaker"


def organisations_query() -> str:
    return with_prefixes(f"""
SELECT ?organisation (SAMPLE(?n) AS ?name) (COUNT(DISTINCT ?session) AS ?sessions)
       (COUNT(DISTINCT ?year) AS ?years) (GROUP_CONCAT(DISTINCT STR(?year); separator=" ") AS ?in_years) WHERE {{
  ?session a igf:Session ; schema:superEvent/igf:year ?year .
  {{ ?session schema:organizer|igf:reporter ?organisation }}
  UNION {{ ?session {ROLES} ?person . ?person schema:affiliation ?organisation }}
  ?organisation a schema:Organization ; schema:name ?n .
}} GROUP BY ?organisation ORDER BY DESC(?sessions) DESC(?years) ?name LIMIT {TOP_ORGANISATIONS}""")


def organisations_rows(rows: list[dict]) -> list[dict]:
    return [{"organisation": r["name"], "iri": r["organisation"], "sessions": int(r["sessions"]),
             "years": int(r["years"]), "in_years": " ".join(sorted((r["in_years"] or "").split()))} for r in rows]


CHARTS = (
    Chart("sessions", "Sessions per year by kind", (("year", "year"), ("kind", "kind"), ("sessions", "sessions")),
          sessions_query, sessions_rows),
    Chart("participation", "Participants and the share of women per year",
          (("year", "year"), ("sessions", "sessions with figures"), ("participants", "participants"),
           ("women", "women"), ("women_and_men", "women and men counted"), ("women_share", "share of women (%)")),
          participation_query, participation_rows),
    Chart("principles", "Principles discussed per year",
          (("principle", "principle"), ("year", "year"), ("sessions", "sessions")), principles_query, principles_rows),
    Chart("organisations", "Organisations that come back most often",
          (("organisation", "organisation"), ("sessions", "sessions"), ("years", "years"), ("in_years", "years present")),
          organisations_query, organisations_rows),
)


def chart_data(kb, chart: Chart) -> dict:
    """One chart: its title, columns, rows and the SPARQL behind it."""
    query = chart.query()
    result = kb.query(query)
    names = [v.value for v in result.variables]
    raw = [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]
    return {"id": chart.id, "title": translate(chart.title), "sparql": query,
            "columns": [{"key": key, "label": translate(label)} for key, label in chart.columns],
            "rows": chart.rows(raw)}


def respond(charts: list[dict]):
    """The one place deciding the form: CSV (one chart), JSON, or the HTML page."""
    fmt = request.args.get("format")
    if fmt == "csv":
        if len(charts) != 1:
            return jsonify({"error": "CSV is per chart: add ?chart=" + "|".join(c.id for c in CHARTS), "status": 400}), 400
        return _csv(charts[0])
    if fmt == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(charts[0] if request.args.get("chart") else {"charts": charts})
    return render_template("trends.html", charts={c["id"]: c for c in charts}, link=entity_link(current_app.config["KB"]))


def _csv(chart: dict) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c["key"] for c in chart["columns"]])
    for row in chart["rows"]:
        writer.writerow(["" if row[c["key"]] is None else row[c["key"]] for c in chart["columns"]])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="igfkg-trends-{chart["id"]}.csv"'})


@bp.get("/trends")
def trends():
    kb = current_app.config["KB"]
    wanted = request.args.get("chart")
    chosen = [c for c in CHARTS if not wanted or c.id == wanted]
    if not chosen:
        return jsonify({"error": f"no chart {wanted!r}: one of " + ", ".join(c.id for c in CHARTS), "status": 404}), 404
    return respond([chart_data(kb, c) for c in chosen])
