"""Linked data: entity IRIs dereference (HTML for browsers, RDF by content
negotiation on the same URL, with Vary: Accept), report pages with the
original text, exports, and a VoID/DCAT description of the dataset."""
from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from igfkg.formats import RDF_FORMATS, rdf_format, serialize_triples
from igfkg.ingest.text import fold_chars
from igfkg.ontology import document_kind_label
from igfkg.kb import KnowledgeBaseError
from igfkg.ontology import RDFS, SCHEMA, SKOS

bp = Blueprint("linked", __name__)

RDF_MEDIA = {fmt.media_type: name for name, fmt in RDF_FORMATS.items() if not fmt.keeps_graphs}
RDF_MEDIA["application/ld+json"] = "jsonld"


def describe(kb, iri: str) -> dict:
    """Every fact about an entity, outgoing and incoming, each with the
    passages it was read from. The HTML page and the JSON twin both use this."""
    node = ox.NamedNode(iri)
    outgoing, incoming = [], []
    for s in kb.query(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} ORDER BY ?p ?o"):
        outgoing.append({"property": s["p"].value, "value": _term(s["o"]),
                         "passages": _passages(kb, node, s["p"], s["o"])})
    for s in kb.query(f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s LIMIT 500"):
        incoming.append({"subject": _term(s["s"]), "property": s["p"].value})
    label = next((f["value"]["value"] for f in outgoing if f["property"] in (
        SCHEMA + "name", SKOS + "prefLabel", RDFS + "label")), iri.rsplit("/", 1)[-1])
    types = [f["value"]["value"] for f in outgoing if f["property"].endswith("#type")]
    return {"iri": iri, "label": label, "types": types, "outgoing": outgoing, "incoming": incoming}


def _term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "iri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    return {"type": "literal", "value": term.value, "lang": term.language,
            "datatype": term.datatype.value if term.datatype else None}


def _passages(kb, s, p, o) -> list[dict]:
    query = (f"SELECT DISTINCT ?passage ?report ?start ?end WHERE {{ ?st rdf:subject {s} ; rdf:predicate {p} ;"
             f" rdf:object {o} ; prov:wasDerivedFrom ?passage . ?passage nif:beginIndex ?start ; nif:endIndex ?end ;"
             " nif:referenceContext/igf:reportId ?report } LIMIT 5")
    return [{"passage": r["passage"].value, "report": r["report"].value, "start": int(r["start"].value),
             "end": int(r["end"].value)} for r in kb.query(query)]


def passage_anchor(kb, report_id: str, offset: int) -> str:
    """The id, on the report page, of the passage holding this character."""
    graph = kb.iris.report(report_id)
    for r in kb.query(f"SELECT ?s ?e WHERE {{ GRAPH {graph} {{ ?p nif:referenceContext {graph} ; nif:beginIndex ?s ;"
                      f" nif:endIndex ?e }} FILTER(?s <= {int(offset)} && ?e > {int(offset)}) }}"):
        return f"c{r['s'].value}-{r['e'].value}"
    return ""


def _wanted_rdf() -> str | None:
    if request.args.get("format") in RDF_FORMATS:
        return request.args["format"]
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA])
    return RDF_MEDIA.get(best) if best and best != "text/html" else None


@bp.get("/id/<path:rest>")
def entity(rest: str):
    kb = current_app.config["KB"]
    iri = kb.iris.base + rest
    return _entity_response(kb, iri)


@bp.get("/resource")
def resource():
    """Any IRI, for knowledge bases whose base is not under this service."""
    kb = current_app.config["KB"]
    iri = request.args.get("iri", "")
    if not re.match(r"^https?://", iri):
        return jsonify({"error": "give ?iri=http(s)://...", "status": 400}), 400
    return _entity_response(kb, iri)


def _entity_response(kb, iri: str):
    try:
        ox.NamedNode(iri)
    except ValueError as exc:  # "<", spaces, bad percent-encoding: a 400, not a 500
        return jsonify({"error": f"not a valid IRI: {exc}", "status": 400}), 400
    report_id = kb.iris.report_id_of(iri)
    if report_id and request.args.get("format") != "json" and not _wanted_rdf():
        return report_page(report_id)
    data = describe(kb, iri)
    if not data["outgoing"] and not data["incoming"]:
        abort(404)
    fmt = _wanted_rdf()
    if fmt:
        triples = list(kb.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ BIND({ox.NamedNode(iri)} AS ?s) ?s ?p ?o }} "
                                f"UNION {{ BIND({ox.NamedNode(iri)} AS ?o) ?s ?p ?o }} }}"))
        body = serialize_triples(triples, rdf_format(fmt))
        return Response(body, mimetype=rdf_format(fmt).media_type, headers={"Vary": "Accept"})
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(data)
    response = Response(render_template("entity.html", data=data, link=entity_link(kb)))
    response.headers["Vary"] = "Accept"
    return response


def entity_link(kb):
    def link(iri: str) -> str:
        if iri.startswith(kb.iris.base):
            return url_for("linked.entity", rest=iri[len(kb.iris.base):])
        return url_for("linked.resource", iri=iri)
    return link


def report_data(kb, report_id: str) -> dict:
    """The report's text in passages, with the people, organisations and
    principles it names marked and linked."""
    graph = kb.iris.report(report_id)
    rows = kb.query(f"SELECT ?text ?title WHERE {{ {graph} nif:isString ?text ; schema:name ?title }}")
    found = next(iter(rows), None)
    if found is None:
        abort(404)
    text = found["text"].value
    passages = [{"start": int(r["s"].value), "end": int(r["e"].value), "lang": r["l"].value, "section": r["sec"].value}
                for r in kb.query(f"SELECT ?s ?e ?l ?sec WHERE {{ GRAPH {graph} {{ ?p nif:referenceContext {graph} ;"
                                  " nif:beginIndex ?s ; nif:endIndex ?e ; dcterms:language ?l ; igf:section ?sec } }"
                                  " ORDER BY ?s")]
    entities = [(r["label"].value, r["e"].value, r["kind"].value) for r in kb.query(
        f"SELECT DISTINCT ?e ?label ?kind WHERE {{ GRAPH {graph} {{ ?e a ?type ; schema:name|skos:altLabel ?label . "
        "VALUES (?type ?kind) { (schema:Person \"person\") (schema:Organization \"org\") } } }")]
    entities += [(r["label"].value, r["c"].value, "principle") for r in kb.query(
        f"SELECT DISTINCT ?c ?label WHERE {{ GRAPH {graph} {{ ?x dcterms:subject ?c }} "
        "?c skos:prefLabel|skos:altLabel ?label }")]
    about = kb.query(f"SELECT ?kind ?format ?s ?label WHERE {{ GRAPH {graph} {{ {graph} igf:documentKind ?kind ;"
                     " igf:fileFormat ?format OPTIONAL { " + f"{graph}" + " schema:about ?s OPTIONAL { ?s schema:name ?label } } } }"
                     " ORDER BY ?label")
    about = list(about)
    kind = kb.iris.key_of(about[0]["kind"].value, "document-kind") if about else None
    return {"report": report_id, "title": found["title"].value, "text": text, "passages": passages,
            "kind": kind, "kind_label": document_kind_label(kind) if kind else None,
            "format": about[0]["format"].value if about else None,
            "sessions": [{"iri": r["s"].value, "label": r["label"].value if r["label"] else r["s"].value}
                         for r in about if r["s"] is not None],
            "entities": [{"label": label, "iri": iri, "kind": kind} for label, iri, kind in entities]}


def mark_entities(text: str, entities: list[dict], link) -> Markup:
    """The text escaped, with every entity label (longest first) linked."""
    folded = fold_chars(text)
    spans = []
    for entity in sorted(entities, key=lambda e: -len(e["label"])):
        label = fold_chars(entity["label"])
        if len(label) < 3:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(label) + r"(?!\w)", folded):
            if all(m.end() <= a or m.start() >= b for a, b, _ in spans):
                spans.append((m.start(), m.end(), entity))
    out, pos = [], 0
    for a, b, entity in sorted(spans, key=lambda s: s[0]):
        out += [escape(text[pos:a]), Markup(f'<a class="entity {entity["kind"]}" href="{escape(link(entity["iri"]))}">'),
                escape(text[a:b]), Markup("</a>")]
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def report_page(report_id: str):
    kb = current_app.config["KB"]
    data = report_data(kb, report_id)
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(data)
    link = entity_link(kb)
    blocks = [{"id": f"c{p['start']}-{p['end']}", "lang": p["lang"], "section": p["section"],
               "html": mark_entities(data["text"][p["start"]:p["end"]], data["entities"], link)}
              for p in data["passages"]]
    return render_template("report.html", data=data, blocks=blocks, link=link)


@bp.get("/report/<report_id>")
def report(report_id: str):
    return report_page(report_id)


@bp.get("/export")
def export():
    kb = current_app.config["KB"]
    name = request.args.get("format", "ttl")
    if name not in RDF_FORMATS:
        return jsonify({"error": f"unknown format {name!r}; choose one of {', '.join(RDF_FORMATS)}",
                        "status": 400}), 400
    fmt = rdf_format(name)
    report_id = request.args.get("report") or None
    try:
        data = kb.export(fmt, report_id)
    except KnowledgeBaseError as exc:
        return jsonify({"error": str(exc), "status": 404}), 404
    filename = f"igfkg-{report_id or 'all'}{fmt.extension}"
    return Response(data, mimetype=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/.well-known/void")
def void():
    kb = current_app.config["KB"]
    root = request.host_url.rstrip("/")
    dataset = root + "/.well-known/void#dataset"
    dumps = " , ".join(f"<{root}/export?format={name}>" for name in RDF_FORMATS)
    body = f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{dataset}> a void:Dataset, dcat:Dataset ;
    dcterms:title "igfkg: a knowledge graph of Internet Governance Forum reports"@en ;
    dcterms:description "Workshops, people, organisations, principles and examples read from IGF reports, with the passages they came from."@en ;
    void:sparqlEndpoint <{root}/sparql> ;
    void:uriSpace "{kb.iris.base}" ;
    void:triples {kb.triple_count()} ;
    void:vocabulary <https://w3id.org/igfkg/ns#>, <http://schema.org/>, <http://www.w3.org/ns/org#>,
        <http://www.w3.org/2004/02/skos/core#>, <http://www.w3.org/ns/prov#> ;
    void:dataDump {dumps} ;
    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{root}/export?format=nq> ; dcat:mediaType "application/n-quads" ] ;
    dcat:accessService [ a dcat:DataService ; dcat:endpointURL <{root}/sparql> ] .
"""
    return Response(body, mimetype="text/turtle")
