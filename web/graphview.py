"""The graph, visible: the neighbourhood of one node (a session, person,
organisation, principle...) as nodes and labelled edges, for the network
view that session and profile pages include (templates/_network.html).

``/graph?iri=IRI`` is the JSON; ``/graph/view?iri=IRI`` a page of its own
with the network and the same data as a list. The browser library
(cytoscape, installed from npm by ``make setup``) is served by igfkg itself
from node_modules/ at ``/vendor/...``: no CDN, works offline; without it the
pages keep the list and say the drawing is unavailable."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_file

from igfkg.ontology import IGF, SCHEMA, SKOS

from .i18n import label_lang, translate
from .linked import entity_link
from .pages import wants_json

bp = Blueprint("graphview", __name__)

#: The relations the network draws, most telling first: a full neighbourhood is cut in this
#: order. Provenance statements, passages and role nodes are bookkeeping, not the graph a
#: reader means, so they are left out. The label is the property's rdfs:label in the graph in
#: the chosen language; the English here is the fallback for schema.org and SKOS terms.
RELATIONS = {
    IGF + "moderator": "moderator", IGF + "remoteModerator": "remote moderator",
    IGF + "panellist": "panellist", IGF + "speaker": "speaker", SCHEMA + "organizer": "organiser",
    IGF + "reporter": "reporter", SCHEMA + "affiliation": "affiliated with",
    IGF + "discusses": "discusses", IGF + "example": "example", IGF + "presenter": "presenter",
    IGF + "involves": "involves", IGF + "illustrates": "illustrates", IGF + "hasTheme": "has theme",
    SCHEMA + "subjectOf": "documented in", SCHEMA + "superEvent": "part of", IGF + "buildsOn": "builds on",
    IGF + "mentionsInPassing": "mentions in passing", SKOS + "broader": "broader",
    SKOS + "exactMatch": "same as", SKOS + "closeMatch": "close to",
}
#: Node types, the first class that matches wins; the colours are the legend's (contrast
#: against white text ≥ 4.5:1, so labels on the swatches stay readable).
TYPES = [
    ("session", IGF + "Session", "Session", "#1f5fa8"),
    ("person", SCHEMA + "Person", "Person", "#1d7a3a"),
    ("organisation", SCHEMA + "Organization", "Organisation", "#a1470d"),
    ("example", IGF + "Example", "Example", "#7a3e9d"),
    ("document", IGF + "Report", "Document", "#4a4a4a"),
    ("meeting", IGF + "Meeting", "Meeting", "#0b6e75"),
    ("theme", None, "Theme", "#8a5a00"),
    ("goal", None, "Goal", "#9b1c4a"),
    ("principle", SKOS + "Concept", "Principle", "#b0186b"),
    ("event", SCHEMA + "Event", "Event", "#365f6b"),
    ("other", None, "Other", "#555555"),
]
MAX_NODES = 60
VENDOR = {"cytoscape.min.js": "cytoscape/dist/cytoscape.min.js"}


def node_modules() -> Path:
    """The npm packages `make setup` installed at the top of the repository."""
    return Path(current_app.config.get("NODE_MODULES") or Path(__file__).resolve().parents[1] / "node_modules")


def vendor_available(name: str = "cytoscape.min.js") -> bool:
    return (node_modules() / VENDOR[name]).is_file()


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name not in VENDOR or not vendor_available(name):
        abort(404)
    return send_file(node_modules() / VENDOR[name], mimetype="text/javascript", max_age=24 * 3600)


def neighbourhood(kb, iri: str, limit: int = MAX_NODES) -> dict | None:
    """{center, nodes: [{id, type, type_label, colour, label, href, relation}], edges:
    [{source, target, relation, label}], truncated, total}: the node, its neighbours over
    RELATIONS (either direction) up to ``limit`` nodes, and the edges among them. None when
    the graph knows nothing of ``iri``."""
    center = ox.NamedNode(iri)
    relations = " ".join(f"<{p}>" for p in RELATIONS)
    rows = kb.query(f"""SELECT DISTINCT ?n ?p ?out WHERE {{ VALUES ?p {{ {relations} }}
        {{ {center} ?p ?n BIND(true AS ?out) }} UNION {{ ?n ?p {center} BIND(false AS ?out) }} FILTER(isIRI(?n)) }}""")
    found = [(r["n"].value, r["p"].value, r["out"].value == "true") for r in rows if r["n"].value != iri]
    info = _describe_nodes(kb, {iri} | {n for n, _p, _o in found})
    if iri not in info and not found:
        return None
    order = list(RELATIONS)
    found.sort(key=lambda f: (order.index(f[1]), info.get(f[0], {}).get("label", f[0]).casefold()))
    kept: list[str] = []
    for n, _p, _o in found:
        if n not in kept:
            kept.append(n)
    total = len(kept)
    kept = [iri] + kept[:limit - 1]
    edges = _edges_among(kb, kept, relations)
    link = entity_link(kb)
    nodes = []
    for n in kept:
        node = info.get(n) or _fallback_node(n)
        # How the node touches the centre, for the list beside the drawing.
        relations = sorted({e["label"] for e in edges if iri in (e["source"], e["target"]) and n in (e["source"], e["target"])})
        nodes.append({"id": n, **node, "href": _href(kb, n, node["type"], link), "center": n == iri,
                      "relations": [] if n == iri else relations})
    return {"center": iri, "label": nodes[0]["label"], "nodes": nodes, "edges": edges,
            "truncated": total > len(kept) - 1, "total": total + 1}


def _describe_nodes(kb, iris: set[str]) -> dict[str, dict]:
    """Type and label (in the page's language where the graph has it) of each node."""
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    types: dict[str, set[str]] = {}
    for r in kb.query(f"""SELECT ?n ?t ?scheme WHERE {{ VALUES ?n {{ {values} }} ?n a ?t
            OPTIONAL {{ ?n skos:inScheme ?scheme }} }}"""):
        found = types.setdefault(r["n"].value, set())
        found.add(r["t"].value)
        if r["scheme"] is not None:
            found.add("scheme:" + r["scheme"].value)
    labels = _labels(kb, values)
    out = {}
    for n, classes in types.items():
        kind = _kind(kb, classes)
        out[n] = {**_type_fields(kind), "label": labels.get(n) or _last_segment(n)}
    return out


def _labels(kb, values: str) -> dict[str, str]:
    """The best label per node: the chosen language, then English, then untagged, then any."""
    rank = {label_lang(): 0, "en": 1, "": 2}
    best: dict[str, tuple] = {}
    for r in kb.query(f"SELECT ?n ?l WHERE {{ VALUES ?n {{ {values} }} ?n skos:prefLabel|schema:name|rdfs:label ?l }}"):
        key = (rank.get(r["l"].language or "", 3), r["l"].value)
        if r["n"].value not in best or key < best[r["n"].value]:
            best[r["n"].value] = key
    return {n: key[1] for n, key in best.items()}


def _kind(kb, classes: set[str]) -> str:
    base = kb.iris.base
    if "scheme:" + base + "theme/scheme" in classes:
        return "theme"
    if "scheme:" + base + "sdg/scheme" in classes:
        return "goal"
    return next((name for name, cls, _l, _c in TYPES if cls and cls in classes), "other")


def _type_fields(kind: str) -> dict:
    _name, _cls, label, colour = next(t for t in TYPES if t[0] == kind)
    return {"type": kind, "type_label": translate(label), "colour": colour}


def _fallback_node(iri: str) -> dict:
    return {**_type_fields("other"), "label": _last_segment(iri)}


def _last_segment(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _href(kb, iri: str, kind: str, link) -> str:
    prefix = kb.iris.base + "report/"
    if kind == "document" and iri.startswith(prefix):
        return "/report/" + iri[len(prefix):]
    return link(iri)


def _edges_among(kb, kept: list[str], relations: str) -> list[dict]:
    values = " ".join(str(ox.NamedNode(i)) for i in kept)
    names = _relation_labels(kb, relations)
    rows = kb.query(f"""SELECT DISTINCT ?a ?p ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }}
        VALUES ?p {{ {relations} }} ?a ?p ?b FILTER(?a != ?b) }}""")
    edges = [{"source": r["a"].value, "target": r["b"].value, "relation": r["p"].value,
              "label": names[r["p"].value]} for r in rows]
    return sorted(edges, key=lambda e: (e["source"], e["relation"], e["target"]))


def _relation_labels(kb, relations: str) -> dict[str, str]:
    lang = label_lang()
    found = {r["p"].value: r["l"].value for r in kb.query(
        f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {relations} }} ?p rdfs:label ?l FILTER(lang(?l) = {ox.Literal(lang)}) }}")}
    return {p: found.get(p) or translate(english) for p, english in RELATIONS.items()}


def legend() -> list[dict]:
    return [{"type": name, "label": translate(label), "colour": colour} for name, _c, label, colour in TYPES]


@bp.app_template_global()
def network_data(iri: str) -> dict | None:
    """For templates/_network.html: the neighbourhood, the legend, whether the library is there."""
    data = neighbourhood(current_app.config["KB"], iri) if iri else None
    if data is None:
        return None
    present = {n["type"] for n in data["nodes"]}
    return {**data, "legend": [t for t in legend() if t["type"] in present], "drawable": vendor_available()}


NO_IRI = "give the node's IRI as ?iri="


@bp.get("/graph")
def graph_json():
    iri = (request.args.get("iri") or "").strip()
    data = neighbourhood(current_app.config["KB"], iri) if iri else None
    if data is None:
        status, message = (404, f"nothing is known of {iri}") if iri else (400, NO_IRI)
        return jsonify({"error": message, "status": status}), status
    return jsonify(data)


@bp.get("/graph/view")
def graph_page():
    iri = (request.args.get("iri") or "").strip()
    data = network_data(iri)
    if data is None:
        status, message = (404, translate("Nothing is known of this node.")) if iri else (400, NO_IRI)
        if wants_json():
            return jsonify({"error": message, "status": status}), status
        return render_template("error.html", status=status, message=message), status
    if wants_json():
        return jsonify({k: v for k, v in data.items() if k not in ("legend", "drawable")})
    return render_template("graph.html", data=data, network=data, network_iri=iri)
