"""Linked data: entity IRIs dereference (HTML for browsers, RDF by content
negotiation on the same URL, with Vary: Accept), concept pages that follow
a principle across frameworks and years, report pages with the original
text, exports, and a VoID/DCAT description of the dataset with the concept
schemes and their crosswalk as linksets."""
from __future__ import annotations

import itertools
import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup, escape

from igfkg.formats import RDF_FORMATS, rdf_format, serialize_triples
from igfkg.ingest.text import fold_chars
from igfkg.ontology import document_kind_label
from igfkg.kb import KnowledgeBaseError
from igfkg.ontology import RDFS, SAME_PRINCIPLE, SCHEMA, SKOS

bp = Blueprint("linked", __name__)

RDF_MEDIA = {fmt.media_type: name for name, fmt in RDF_FORMATS.items() if not fmt.keeps_graphs}
RDF_MEDIA["application/ld+json"] = "jsonld"


def node_labels(kb, iris, lang: str = "en") -> dict[str, str]:
    """A label per IRI, in ``lang``, else English, else any (mixed case
    before capitals); a node without one (a statement, a role, a turn) is
    named by its class and its document, never by its hexadecimal id."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    found: dict[str, tuple] = {}
    for r in kb.query(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x skos:prefLabel|schema:name|rdfs:label ?l }}"):
        label = r["l"].value
        rank = (r["l"].language != lang, r["l"].language not in ("en", ""), label.isupper(), -len(label), label)
        if r["x"].value not in found or rank < found[r["x"].value]:
            found[r["x"].value] = rank
    out = {i: found[i][-1] for i in found}
    unnamed = [i for i in iris if i not in out]
    if unnamed:
        values = " ".join(str(ox.NamedNode(i)) for i in unnamed)
        for r in kb.query(f"""SELECT ?x (SAMPLE(?t) AS ?type) (SAMPLE(?tl) AS ?typeLabel) (SAMPLE(?d) AS ?detail) WHERE {{
                VALUES ?x {{ {values} }} OPTIONAL {{ ?x a ?t OPTIONAL {{ ?t rdfs:label ?tl FILTER(lang(?tl) = "{lang}") }} }}
                OPTIONAL {{ ?x igf:roleName|igf:speakerLabel ?d }} }} GROUP BY ?x"""):
            kind = _v(r["typeLabel"]) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", (_v(r["type"]) or "node")
                                                 .rsplit("/", 1)[-1].rsplit("#", 1)[-1]).lower()
            detail = f": {r['detail'].value}" if r["detail"] is not None else ""
            report = re.match(r"report/([^/]+)/", r["x"].value[len(kb.iris.base):])
            out[r["x"].value] = kind + detail + (f" ({report.group(1)})" if report else "")
    return {i: out.get(i, i.rstrip("/").rsplit("/", 1)[-1]) for i in iris}


def _v(term) -> str | None:
    return None if term is None else term.value


def describe(kb, iri: str) -> dict:
    """Every fact about an entity, outgoing and incoming, each with the
    passages it was read from. The HTML page and the JSON twin both use this."""
    node = ox.NamedNode(iri)
    outgoing, incoming = [], []
    read_from = _passages_of(kb, node)
    for s in kb.query(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} ORDER BY ?p ?o"):
        outgoing.append({"property": s["p"].value, "value": _term(s["o"]),
                         "passages": read_from.get((str(s["p"]), str(s["o"])), [])})
    for s in kb.query(f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s LIMIT 500"):
        incoming.append({"subject": _term(s["s"]), "property": s["p"].value})
    label = next((f["value"]["value"] for f in outgoing if f["property"] in (
        SCHEMA + "name", SKOS + "prefLabel", RDFS + "label")), iri.rsplit("/", 1)[-1])
    types = [f["value"]["value"] for f in outgoing if f["property"].endswith("#type")]
    # Names for every node shown, and classes as prefixed names (schema:Person, foaf:Person).
    named = node_labels(kb, [f["value"]["value"] for f in outgoing if f["value"]["type"] == "iri"]
                        + [f["subject"]["value"] for f in incoming if f["subject"]["type"] == "iri"])
    for f in outgoing:
        f["value"]["label"] = named.get(f["value"]["value"])
    for f in incoming:
        f["subject"]["label"] = named.get(f["subject"]["value"])
    return {"iri": iri, "label": label, "types": types, "type_names": [_prefixed(t) for t in types],
            "outgoing": outgoing, "incoming": incoming}


def _prefixed(iri: str) -> str:
    from igfkg.ontology import PREFIXES

    for prefix, space in PREFIXES.items():
        if iri.startswith(space):
            return f"{prefix}:{iri[len(space):]}"
    return iri


# A match as seen from the page's concept: an incoming broadMatch makes the
# other concept narrower; the other SKOS matches are symmetric.
MATCHES = {"exactMatch": "exactMatch", "closeMatch": "closeMatch", "broadMatch": "narrowMatch",
           "narrowMatch": "broadMatch", "relatedMatch": "relatedMatch"}


def concept_data(kb, iri: str) -> dict | None:
    """A SKOS concept (a framework's principle, a theme, a goal) as a
    researcher reads it: its scheme and notation, definition, matches in
    other schemes, and the sessions per year that discussed it or only
    mentioned it. None for anything that is not a concept in a scheme."""
    node = ox.NamedNode(iri)
    # A concept in two schemes (the sample's WSIS+10 concepts) shows the dated framework first.
    head = list(kb.query(f"""SELECT ?scheme ?notation ?issued WHERE {{ {node} a skos:Concept ; skos:inScheme ?scheme .
        OPTIONAL {{ {node} skos:notation ?notation }} OPTIONAL {{ ?scheme dcterms:issued ?issued }} }}
        ORDER BY DESC(BOUND(?issued)) ?scheme"""))
    if not head:
        return None
    schemes = [{"iri": r["scheme"].value, "label": _label(kb, r["scheme"].value),
                "year": r["issued"].value if r["issued"] else None} for r in head]
    texts = _texts_by_language(kb, node, ("prefLabel", "definition"), ("rdfs:comment",))
    matches = []
    for relation, inverse in MATCHES.items():
        for r in kb.query(f"SELECT DISTINCT ?other ?dir WHERE {{ {{ {node} skos:{relation} ?other BIND(1 AS ?dir) }} "
                          f"UNION {{ ?other skos:{relation} {node} BIND(0 AS ?dir) }} FILTER(isIRI(?other)) }}"):
            seen_as = relation if r["dir"].value == "1" else inverse
            matches.append({"relation": seen_as, **_concept_summary(kb, r["other"].value)})
    matches.sort(key=lambda m: (list(MATCHES).index(m["relation"]), m["scheme_year"] or "", m["notation"] or "",
                                m["label"]))
    return {
        "scheme": schemes[0], "other_schemes": schemes[1:],
        "notation": head[0]["notation"].value if head[0]["notation"] else None,
        "labels": texts["prefLabel"], "definition": texts["definition"], "notes": texts["rdfs:comment"],
        "matches": matches,
        "discussed": _sessions_by_year(kb, node, "discusses"),
        "mentioned_only": _sessions_by_year(kb, node, "mentionsInPassing"),
    }


def _texts_by_language(kb, node, skos_names, others=()) -> dict[str, dict[str, str]]:
    found = {name: {} for name in (*skos_names, *others)}
    for name, by_language in found.items():
        prop = name if ":" in name else "skos:" + name
        for r in kb.query(f"SELECT ?v WHERE {{ {node} {prop} ?v }} ORDER BY ?v"):
            by_language.setdefault(r["v"].language or "", r["v"].value)
    return found


def _label(kb, iri: str, fallback: str | None = None) -> str:
    """The interface's language first (English outside a request), then English, then
    French, then any, then ``fallback`` or the IRI's last segment."""
    from flask import has_request_context

    from .i18n import current_language

    lang = current_language() if has_request_context() else "en"
    for r in kb.query(f"SELECT ?l WHERE {{ {ox.NamedNode(iri)} skos:prefLabel|schema:name|rdfs:label ?l }} "
                      f"ORDER BY DESC(lang(?l) = '{lang}') DESC(lang(?l) = 'en') DESC(lang(?l) = 'fr') ?l LIMIT 1"):
        return r["l"].value
    return fallback or iri.rstrip("/").rsplit("/", 1)[-1]


def _concept_summary(kb, iri: str) -> dict:
    """Enough to name and link another concept: label, notation, scheme.
    An outside IRI (the UN's SDGs) has none of these but its address."""
    node = ox.NamedNode(iri)
    r = next(iter(kb.query(f"SELECT ?scheme ?notation ?issued WHERE {{ OPTIONAL {{ {node} skos:inScheme ?scheme "
                           f"OPTIONAL {{ ?scheme dcterms:issued ?issued }} }} OPTIONAL {{ {node} skos:notation ?notation }} }}"
                           " ORDER BY DESC(BOUND(?issued)) ?scheme LIMIT 1")), None)
    scheme = r["scheme"].value if r and r["scheme"] else None
    return {"iri": iri, "label": _label(kb, iri, fallback=iri), "notation": r["notation"].value if r and r["notation"] else None,
            "scheme": scheme, "scheme_label": _label(kb, scheme) if scheme else None,
            "scheme_year": r["issued"].value if r and r["issued"] else None}


def _sessions_by_year(kb, node, how: str) -> list[dict]:
    """[{year, sessions: [{iri, label, number, via}]}], oldest first. A session
    that discussed the same principle under another framework's name (exact or
    close match, as ``ask`` follows it) or a narrower one (a goal's target)
    counts too, with ``via`` that name; a session that only mentioned it is
    listed only where none discussed it."""
    # Only mentioned = mentioned and discussed by no name of the principle.
    same = f"({SAME_PRINCIPLE})|^skos:broader"
    exclude = "" if how == "discusses" else f"FILTER NOT EXISTS {{ {node} {same} ?c2 . ?w igf:discusses ?c2 }}"
    rows = kb.query(f"""SELECT ?w ?c ?name ?number ?year WHERE {{
        {node} {same} ?c . ?w igf:{how} ?c . {exclude}
        OPTIONAL {{ ?w schema:name ?name }} OPTIONAL {{ ?w igf:workshopNumber ?number }}
        OPTIONAL {{ ?w schema:superEvent/igf:year ?year }} }} ORDER BY ?year ?number ?name""")
    years: dict[str | None, dict[str, dict]] = {}
    for r in rows:
        year = r["year"].value if r["year"] else None
        sessions = years.setdefault(year, {})
        known = sessions.get(r["w"].value)
        if known and known["via"] is None:
            continue  # named under two names: listed once, by the page's own when it is one
        via = None if r["c"] == node else {"iri": r["c"].value, "label": _label(kb, r["c"].value)}
        sessions[r["w"].value] = {"iri": r["w"].value, "label": r["name"].value if r["name"] else r["w"].value,
                                  "number": int(r["number"].value) if r["number"] else None, "via": via}
    return [{"year": year, "sessions": list(years[year].values())}
            for year in sorted(years, key=lambda y: (y is None, y or ""))]


def _term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "iri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    return {"type": "literal", "value": term.value, "lang": term.language,
            "datatype": term.datatype.value if term.datatype else None}


def _passages_of(kb, s) -> dict[tuple[str, str], list[dict]]:
    """The passages (at most 5) each fact about ``s`` was read from, by
    (predicate, object) in N-Triples form: one query for the whole page."""
    found: dict[tuple[str, str], list[dict]] = {}
    for r in kb.query(f"SELECT DISTINCT ?p ?o ?passage ?report ?start ?end WHERE {{ ?st rdf:subject {s} ; "
                      "rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?passage . ?passage nif:beginIndex ?start ;"
                      " nif:endIndex ?end ; nif:referenceContext/igf:reportId ?report } ORDER BY ?report ?start"):
        passages = found.setdefault((str(r["p"]), str(r["o"])), [])
        if len(passages) < 5:
            passages.append({"passage": r["passage"].value, "report": r["report"].value,
                             "start": int(r["start"].value), "end": int(r["end"].value)})
    return found


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
    from .browse import profile  # sessions, meetings, people, organisations, principles: a profile page

    found = profile(kb, iri, data)
    if found is not None:
        return found
    # A concept's page adds what a researcher follows: scheme, matches, sessions by year.
    concept = concept_data(kb, iri) if SKOS + "Concept" in data["types"] else None
    if concept:
        data["concept"] = concept
        data["label"] = concept["labels"].get("en") or next(iter(concept["labels"].values()), data["label"])
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
        pieces = kb.export_chunks(fmt, report_id)
        first = next(pieces, b"")  # an unknown report fails here, before the response starts
    except KnowledgeBaseError as exc:
        return jsonify({"error": str(exc), "status": 404}), 404
    filename = f"igfkg-{report_id or 'all'}{fmt.extension}"
    # nq, trig and nt are sent graph by graph as they are read
    return Response(itertools.chain([first], pieces), mimetype=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


SKOS_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def void_description(kb) -> dict:
    """The concept schemes as subsets of the dataset and the SKOS match links
    between them (the crosswalk) or to outside IRIs (the UN's SDGs) as
    linksets, one per (predicate, subjects' scheme, objects' target), with
    counts from the store. Only links between concepts count, not a scheme's
    own match to another vocabulary."""
    schemes = {}
    for r in kb.query("SELECT ?scheme (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?y) AS ?year) WHERE { "
                      "?scheme a skos:ConceptScheme OPTIONAL { ?c skos:inScheme ?scheme } "
                      "OPTIONAL { ?scheme dcterms:issued ?y } } GROUP BY ?scheme ORDER BY ?scheme"):
        iri = r["scheme"].value
        schemes[iri] = {"iri": iri, "id": _void_id(kb, iri), "label": _label(kb, iri), "concepts": int(r["n"].value),
                        "year": r["year"].value if r["year"] else None}
    values = " ".join(f"skos:{name}" for name in SKOS_MATCHES)
    external, linksets = {}, []
    for r in kb.query(f"""SELECT ?p ?from ?to ?space (COUNT(*) AS ?n) WHERE {{
            VALUES ?p {{ {values} }} ?s ?p ?o . ?s skos:inScheme ?from .
            OPTIONAL {{ ?o skos:inScheme ?to }}
            BIND(IF(BOUND(?to), "", REPLACE(STR(?o), "[^/#]+$", "")) AS ?space)
        }} GROUP BY ?p ?from ?to ?space ORDER BY ?p ?from ?to ?space"""):
        source = schemes[r["from"].value]["id"]
        if r["to"] is not None:
            target = schemes[r["to"].value]["id"]
        else:  # an outside vocabulary, known by the namespace its IRIs share
            space = r["space"].value
            target = external.setdefault(space, {"id": "ext-" + _slug(space.split("://", 1)[-1]), "uri_space": space})["id"]
        name = r["p"].value.rsplit("#", 1)[-1]
        linksets.append({"id": f"links-{source}-{name}-{target}", "predicate": r["p"].value, "subjects": source,
                         "objects": target, "triples": int(r["n"].value), "crosswalk": r["to"] is not None})
    return {"schemes": list(schemes.values()), "external": list(external.values()), "linksets": linksets}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _void_id(kb, iri: str) -> str:
    return _slug(iri[len(kb.iris.base):] if iri.startswith(kb.iris.base) else iri.split("://", 1)[-1])


def _void_turtle(root: str, described: dict) -> str:
    """The schemes and linksets of ``void_description`` as Turtle statements
    about fragments of the VoID document (labels escaped by pyoxigraph)."""
    def node(local: str) -> str:
        return f"<{root}/.well-known/void#{local}>"

    dataset = node("dataset")
    out = []
    for scheme in described["schemes"]:
        title = ox.Literal(scheme["label"], language="en")
        out.append(f"{dataset} void:subset {node(scheme['id'])} .\n{node(scheme['id'])} dcterms:title {title} ;\n"
                   f"    void:rootResource <{scheme['iri']}> ; void:entities {scheme['concepts']} ;\n"
                   "    void:classPartition [ void:class skos:Concept ; "
                   f"void:entities {scheme['concepts']} ] .")
    for ext in described["external"]:
        out.append(f"{node(ext['id'])} void:uriSpace {ox.Literal(ext['uri_space'])} .")
    crosswalk = [ls for ls in described["linksets"] if ls["crosswalk"]]
    if crosswalk:
        total = sum(ls["triples"] for ls in crosswalk)
        members = ", ".join(node(ls["id"]) for ls in crosswalk)
        out.append(f"{dataset} void:subset {node('crosswalk')} .\n{node('crosswalk')} dcterms:title "
                   f"{ox.Literal('Crosswalk between principle frameworks, themes and goals', language='en')} ;\n"
                   f"    void:triples {total} ;\n    void:subset {members} .")
    for ls in described["linksets"]:
        out.append(f"{dataset} void:subset {node(ls['id'])} .\n{node(ls['id'])} a void:Linkset ;\n"
                   f"    void:linkPredicate <{ls['predicate']}> ;\n"
                   f"    void:subjectsTarget {node(ls['subjects'])} ; void:objectsTarget {node(ls['objects'])} ;\n"
                   f"    void:target {node(ls['subjects'])}, {node(ls['objects'])} ;\n"
                   f"    void:triples {ls['triples']} .")
    return "\n".join(out) + "\n"


@bp.get("/.well-known/void")
def void():
    kb = current_app.config["KB"]
    root = request.host_url.rstrip("/")
    dataset = root + "/.well-known/void#dataset"
    dumps = " , ".join(f"<{root}/export?format={name}>" for name in RDF_FORMATS)
    body = f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
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
    # The concept schemes (frameworks, themes, goals) and the links between them.
    return Response(body + _void_turtle(root, void_description(kb)), mimetype="text/turtle")
