"""HTML pages, each built from the same function as its JSON twin."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from igfkg.api import BadRequest
from igfkg.kb import KnowledgeBaseError
from igfkg.ontology import sparql_prefixes
from igfkg.outbound import OutboundRefused
from igfkg.search.hybrid import highlight_spans

from .api import ask_from_request, search_from_request
from .linked import entity_link, passage_anchor

EXAMPLE_QUERIES = {
    "Workshops by principle": """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/>
PREFIX igf: <https://w3id.org/igfkg/ns#>
SELECT ?principle (COUNT(DISTINCT ?w) AS ?workshops) WHERE {
  ?w a igf:Workshop ; dcterms:subject ?c .
  ?c skos:prefLabel ?principle FILTER(lang(?principle) = "en")
} GROUP BY ?principle ORDER BY DESC(?workshops) ?principle""",
    "People by organisation": """PREFIX schema: <http://schema.org/>
SELECT ?organisation ?person WHERE {
  ?p a schema:Person ; schema:name ?person ; schema:affiliation/schema:name ?organisation
} ORDER BY ?organisation ?person""",
    "Participation figures": """PREFIX schema: <http://schema.org/>
PREFIX igf: <https://w3id.org/igfkg/ns#>
SELECT ?number ?year ?women ?men ?total WHERE {
  ?w a igf:Workshop ; igf:workshopNumber ?number ; schema:superEvent/igf:year ?year .
  OPTIONAL { ?w igf:femaleParticipants ?women } OPTIONAL { ?w igf:maleParticipants ?men }
  OPTIONAL { ?w igf:totalParticipants ?total }
} ORDER BY ?year ?number""",
}
FIGURES = [("femaleParticipants", "women"), ("maleParticipants", "men"), ("youngParticipants", "young"),
           ("developingCountryParticipants", "developing"), ("developedCountryParticipants", "developed"),
           ("ldcParticipants", "LDC"), ("totalParticipants", "total")]

bp = Blueprint("pages", __name__)


def wants_json() -> bool:
    return request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json"


@bp.get("/")
def home():
    kb = current_app.config["KB"]
    data = {"reports": kb.reports()}
    return jsonify(data) if wants_json() else render_template("home.html", **data)


@bp.get("/ask")
def ask_page():
    try:
        data = ask_from_request() if request.args.get("q") else None
    except (BadRequest, KnowledgeBaseError) as exc:
        return _page_error(str(exc))
    if wants_json():
        return jsonify(data or {})
    kb = current_app.config["KB"]
    return render_template("answer.html", data=data, highlight=highlight, link=entity_link(kb),
                           anchor=lambda item: passage_anchor(kb, item["report"], item["start"]))


@bp.get("/search")
def search_page():
    try:
        data = search_from_request() if request.args.get("q") else None
    except (BadRequest, KnowledgeBaseError) as exc:
        return _page_error(str(exc))
    if wants_json():
        return jsonify(data or {})
    return render_template("search.html", data=data, highlight=highlight)


#: What the editor shows first: every prefix `igfkg sparql` predeclares, written out (the editor
#: speaks the standard protocol, where a query declares its prefixes), and a query to start from.
DEFAULT_QUERY = sparql_prefixes() + "\nSELECT ?session ?title WHERE { ?session a igf:Session ; schema:name ?title }\nLIMIT 20\n"


@bp.get("/sparql-editor")
def sparql_editor():
    """A SPARQL page: editor, example queries, a results table, download links.
    Queries run under the same time limit and bound on queries at once as /sparql."""
    from .sparql import Busy, busy_response, run_bounded

    kb = current_app.config["KB"]
    query = request.args.get("query") or DEFAULT_QUERY
    table, error, status = None, None, 200
    if request.args.get("query"):
        try:
            table = run_bounded(lambda deadline: _editor_table(kb, query, deadline))
        except Busy:
            return busy_response()
        except OutboundRefused as exc:
            error, status = str(exc), 400
        except SyntaxError as exc:
            error, status = f"SPARQL syntax error: {exc}", 400
        except TimeoutError as exc:
            error, status = str(exc), 503
        except (OSError, RuntimeError, ValueError) as exc:
            error, status = f"the query failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", 400
    data = {"query": query, "examples": EXAMPLE_QUERIES, "table": table, "error": error}
    headers = {"Retry-After": "5"} if status == 503 else {}
    if wants_json():
        return jsonify(data), status, headers
    return render_template("sparql.html", **data), status, headers


EDITOR_ROWS = 1000


def _editor_table(kb, query: str, deadline: float) -> dict:
    """The first rows of a query's answer as plain strings, read in the
    query's own thread and stopped at the deadline."""
    import time

    import pyoxigraph as ox

    from igfkg.querypool import Boolean, Solutions

    result = kb.protocol_query(query)
    if isinstance(result, (ox.QueryBoolean, Boolean)):
        return {"columns": ["answer"], "rows": [[str(bool(result)).lower()]]}
    if isinstance(result, (ox.QuerySolutions, Solutions)):
        names = [v.value for v in result.variables]
        cells = lambda s: [(s[n].value if s[n] is not None else "") for n in names]  # noqa: E731
    else:
        names = ["subject", "predicate", "object"]
        cells = lambda t: [t.subject.value, t.predicate.value, t.object.value]  # noqa: E731
    rows = []
    for item in result:
        if time.monotonic() > deadline:
            raise TimeoutError("the query ran past the time limit and was stopped")
        rows.append(cells(item))
        if len(rows) >= EDITOR_ROWS:
            break
    return {"columns": names, "rows": rows}


def participation_data(kb) -> list[dict]:
    rows = kb.query("""SELECT ?w ?title ?number ?year ?p ?value WHERE { ?w a igf:Workshop ; schema:name ?title ; ?p ?value .
          ?p rdfs:subPropertyOf igf:participationFigure .
          OPTIONAL { ?w igf:workshopNumber ?number } OPTIONAL { ?w schema:superEvent/igf:year ?year } }""")
    workshops: dict[str, dict] = {}
    for r in rows:
        w = workshops.setdefault(r["w"].value, {"iri": r["w"].value, "title": r["title"].value,
                                               "number": r["number"].value if r["number"] else None,
                                               "year": r["year"].value if r["year"] else None, "figures": {}})
        w["figures"][r["p"].value.rsplit("#", 1)[-1]] = int(r["value"].value)
    return sorted(workshops.values(), key=lambda w: (w["year"] or "", int(w["number"] or 0)))


@bp.get("/participation")
def participation():
    kb = current_app.config["KB"]
    data = participation_data(kb)
    if wants_json():
        return jsonify({"workshops": data})
    return render_template("participation.html", workshops=data, figures=FIGURES, link=entity_link(kb))


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the query's words in <mark>."""
    out, pos = [], 0
    for a, b in highlight_spans(text, query):
        out += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _page_error(message: str):
    if wants_json():
        return jsonify({"error": message, "status": 400}), 400
    return render_template("error.html", status=400, message=message), 400
