"""Browsing: sessions with facets, a page per meeting, and profiles of
sessions, people, organisations and principles (issue 14).

Every page is a function that returns data; ``page`` alone decides HTML or
JSON. Profiles are the HTML and JSON renderings of the entity IRIs
(web/linked.py hands them over); RDF formats stay with linked.py. Facts
are shown with the sentence they were read from and a link to its passage.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from igfkg.ontology import IGF, SCHEMA, SKOS, document_kind_label, session_kind_label

from .i18n import current_language
from .linked import concept_data, entity_link, node_labels
from .pages import wants_json

bp = Blueprint("browse", __name__)

ROLES = ("organizer", "moderator", "remoteModerator", "panellist", "speaker", "reporter", "presenter")
ROLE_PROPERTY = {name: (SCHEMA if name == "organizer" else IGF) + name for name in ROLES}
ROLE_VALUES = " ".join(f"<{iri}>" for iri in ROLE_PROPERTY.values())
PER_PAGE, MOST_PER_PAGE = 25, 200
QUOTE_CHARS = 300
#: The network view of a node's neighbourhood, from the graph view's blueprint, when it is there.
NETWORK = Path(__file__).parent / "templates" / "_network.html"


def page(template: str, data: dict, status: int = 200, **helpers):
    """The one place a browsing page becomes HTML or JSON."""
    if wants_json():
        return jsonify(data), status
    kb = current_app.config["KB"]
    return render_template(template, data=data, link=entity_link(kb), network_partial=NETWORK.exists(),
                           **helpers), status


# -- small readers ------------------------------------------------------------------------

def _v(term) -> str | None:
    return None if term is None else term.value


def _values(iris) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def labels(kb, iris) -> dict[str, str]:
    return node_labels(kb, iris, current_language())


#: Sentence ends, but not after a title (Mr. Dubois) or an initial (J. Smith).
_SENTENCE_END = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)(?<!\bProf\.)(?<!\b[A-Z]\.)(?<=[.!?])\s+|\n+")


def quote(text: str, needle: str | None = None) -> str:
    """The sentence of a passage that names ``needle`` (else its first), cut
    to QUOTE_CHARS: what a fact was read from, as a person reads it."""
    from igfkg.ingest.text import fold

    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()] or [text.strip()]
    chosen = sentences[0]
    if needle:
        words = [w for w in re.findall(r"\w+", fold(needle)) if len(w) > 2][:3]
        chosen = next((s for s in sentences if words and all(w in fold(s) for w in words)),
                      next((s for s in sentences if any(w in fold(s) for w in words)), chosen))
    return cut(chosen)


def cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def evidence(kb, pattern: str, needles: dict[str, str] | None = None, limit: int = 200) -> dict[tuple, list[dict]]:
    """Where facts were read from: for each statement matching ``pattern``
    (over ?s ?p ?o), {(s, p, o): [{report, anchor, quote}]}."""
    out: dict[tuple, list[dict]] = {}
    for r in kb.query(f"""SELECT DISTINCT ?s ?p ?o ?report ?start ?end ?text WHERE {{
            {{ {pattern} }} ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?passage .
            ?passage nif:beginIndex ?start ; nif:endIndex ?end ; nif:anchorOf ?text ;
                     nif:referenceContext/igf:reportId ?report }} ORDER BY ?report ?start LIMIT {limit}"""):
        key = (r["s"].value, r["p"].value, r["o"].value)
        needle = (needles or {}).get(r["o"].value) or (needles or {}).get(r["s"].value)
        found = out.setdefault(key, [])
        anchor = f"c{r['start'].value}-{r['end'].value}"
        if all(e["anchor"] != anchor or e["report"] != r["report"].value for e in found):
            found.append({"report": r["report"].value, "anchor": anchor, "quote": quote(r["text"].value, needle),
                          "href": f"/report/{r['report'].value}#{anchor}"})
    return out


def kind_of(kb, iri: str) -> str | None:
    """What a node is for browsing: session, meeting, person, organisation, principle, or None."""
    types = {r["t"].value for r in kb.query(f"SELECT ?t WHERE {{ {ox.NamedNode(iri)} a ?t }}")}
    for kind, cls in (("session", IGF + "Session"), ("meeting", IGF + "Meeting"), ("person", SCHEMA + "Person"),
                      ("organisation", SCHEMA + "Organization"), ("principle", SKOS + "Concept")):
        if cls in types:
            return kind
    return None


def _sessions_summary(kb, iris) -> dict[str, dict]:
    """Title, number, year and kind of sessions, by IRI."""
    if not iris:
        return {}
    names = labels(kb, iris)
    out = {i: {"iri": i, "title": names[i], "number": None, "year": None, "kind": None, "kind_label": None}
           for i in iris}
    for r in kb.query(f"""SELECT ?s ?n ?y ?k WHERE {{ VALUES ?s {{ {_values(iris)} }}
            OPTIONAL {{ ?s igf:sessionNumber ?n }} OPTIONAL {{ ?s schema:superEvent/igf:year ?y }}
            OPTIONAL {{ ?s igf:sessionKind ?k }} }}"""):
        kind = kb.iris.key_of(r["k"].value, "session-kind") if r["k"] is not None else None
        out[r["s"].value].update(number=int(r["n"].value) if r["n"] is not None else None,
                                 year=_v(r["y"]), kind=kind,
                                 kind_label=session_kind_label(kind, current_language()) if kind else None)
    return out


def _session_order(s: dict) -> tuple:
    return (s["year"] or "", s["kind"] or "", s["number"] or 0, s["title"])


# -- /sessions ---------------------------------------------------------------------------

FACETS = [  # name, label, pattern binding ?v for session ?s
    ("year", "Meeting year", "?s schema:superEvent/igf:year ?v"),
    ("kind", "Session kind", "?s igf:sessionKind ?v"),
    ("document", "Document kind", "?s schema:subjectOf/igf:documentKind ?v"),
    ("theme", "Theme", "?s igf:hasTheme ?v"),
    ("principle", "Principle", "?s igf:discusses ?v"),
    ("organisation", "Organisation",
     f"{{ ?s schema:organizer ?v }} UNION {{ VALUES ?role {{ {ROLE_VALUES} }} ?s ?role ?who . ?who schema:affiliation ?v }} "
     "?v a schema:Organization"),
    ("language", "Language", "?s schema:subjectOf ?r . ?passage nif:referenceContext ?r ; dcterms:language ?v"),
]


def _facet_key(kb, term) -> str:
    """A facet value as it goes in the URL: a literal as is, an IRI without the base."""
    value = term.value
    if isinstance(term, ox.NamedNode):
        for segment in ("session-kind/", "document-kind/"):
            key = kb.iris.key_of(value, segment[:-1])
            if key:
                return key
        return value.removeprefix(kb.iris.base)
    return value


def sessions_data(kb, args) -> dict:
    """Sessions filtered by the facets in ``args`` (a value list per facet:
    any of them within a facet, every facet), with each facet's values
    counted over the sessions the other facets leave, and a page of them."""
    try:
        page_no, per_page = int(args.get("page", 1)), int(args.get("per_page", PER_PAGE))
    except ValueError:
        abort(400, "page and per_page must be whole numbers")
    if page_no < 1 or not 1 <= per_page <= MOST_PER_PAGE:
        abort(400, f"page starts at 1; per_page is 1 to {MOST_PER_PAGE}")
    sessions = [r["s"].value for r in kb.query("SELECT DISTINCT ?s WHERE { ?s a igf:Session }")]
    values: dict[str, dict[str, set[str]]] = {}  # facet -> session -> keys
    iris: dict[str, str] = {}  # key -> IRI, to label
    for name, _label, pattern in FACETS:
        found = values.setdefault(name, {})
        for r in kb.query(f"SELECT DISTINCT ?s ?v WHERE {{ ?s a igf:Session . {pattern} }}"):
            key = _facet_key(kb, r["v"])
            found.setdefault(r["s"].value, set()).add(key)
            if isinstance(r["v"], ox.NamedNode) and name not in ("kind", "document"):
                iris[key] = r["v"].value
    chosen = {name: args.getlist(name) for name, _l, _p in FACETS if args.getlist(name)}

    def passes(session: str, skip: str | None = None) -> bool:
        return all(values[name].get(session, set()) & set(wanted)
                   for name, wanted in chosen.items() if name != skip)

    named = labels(kb, iris.values())
    lang = current_language()
    facets = []
    for name, label, _pattern in FACETS:
        counts: dict[str, int] = {}
        for session in sessions:
            if passes(session, skip=name):
                for key in values[name].get(session, ()):
                    counts[key] = counts.get(key, 0) + 1
        for key in chosen.get(name, []):
            counts.setdefault(key, 0)  # a chosen value stays visible, to be unticked
        shown = [{"value": key, "count": n, "selected": key in chosen.get(name, []),
                  "label": _facet_label(name, key, named.get(iris.get(key, ""), key), lang)}
                 for key, n in counts.items()]
        order = (lambda v: v["value"]) if name == "year" else (lambda v: (-v["count"], v["label"].lower()))
        facets.append({"name": name, "label": label, "values": sorted(shown, key=order)})
    matching = [s for s in sessions if passes(s)]
    summaries = _sessions_summary(kb, matching)
    rows = sorted(summaries.values(), key=_session_order)
    total = len(rows)
    shown = rows[(page_no - 1) * per_page:page_no * per_page]
    documents = _document_counts(kb, [s["iri"] for s in shown])
    for s in shown:
        s["documents"] = documents.get(s["iri"], 0)
    return {"total": total, "page": page_no, "per_page": per_page, "pages": max(1, -(-total // per_page)),
            "filters": chosen, "facets": facets, "sessions": shown}


def _facet_label(name: str, key: str, label: str, lang: str) -> str:
    if name == "kind":
        return session_kind_label(key, lang)
    if name == "document":
        return document_kind_label(key, lang)
    return label


def _document_counts(kb, iris) -> dict[str, int]:
    if not iris:
        return {}
    return {r["s"].value: int(r["n"].value) for r in kb.query(
        f"SELECT ?s (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s schema:subjectOf ?r }} "
        "GROUP BY ?s")}


def toggle_url(name: str, value: str) -> str:
    """This list with ``value`` of facet ``name`` added or taken away, from its first page."""
    args = request.args.copy()
    values = args.getlist(name)
    args.setlist(name, [v for v in values if v != value] if value in values else values + [value])
    args.pop("page", None)
    return url_for("browse.sessions", **args.to_dict(flat=False))


def page_url(number: int, **changes) -> str:
    args = request.args.copy()
    args["page"] = str(number)
    args.update(changes)
    return url_for("browse.sessions", **args.to_dict(flat=False))


@bp.get("/sessions")
def sessions():
    kb = current_app.config["KB"]
    data = sessions_data(kb, request.args)
    return page("sessions.html", data, toggle=toggle_url, page_url=page_url)


# -- /meeting/<year> ---------------------------------------------------------------------

def meeting_data(kb, iri: str) -> dict | None:
    node = ox.NamedNode(iri)
    head = next(iter(kb.query(f"""SELECT ?year ?city ?country WHERE {{ {node} a igf:Meeting ; igf:year ?year
            OPTIONAL {{ {node} schema:location ?place OPTIONAL {{ ?place schema:name ?city }}
                       OPTIONAL {{ ?place schema:containedInPlace/schema:name ?country }} }} }} LIMIT 1""")), None)
    if head is None:
        return None
    members = [r["s"].value for r in kb.query(f"SELECT DISTINCT ?s WHERE {{ ?s schema:superEvent {node} ; a igf:Session }}")]
    by_kind: dict[str, dict] = {}
    for s in sorted(_sessions_summary(kb, members).values(), key=_session_order):
        group = by_kind.setdefault(s["kind"] or "", {"kind": s["kind"], "label": s["kind_label"], "sessions": []})
        group["sessions"].append(s)
    year = head["year"].value
    return {"iri": iri, "kind": "meeting", "year": year, "label": labels(kb, [iri])[iri],
            "city": _v(head["city"]), "country": _v(head["country"]), "sessions": len(members),
            "by_kind": sorted(by_kind.values(), key=lambda g: -len(g["sessions"]))}


@bp.get("/meeting/<year>")
def meeting(year: str):
    kb = current_app.config["KB"]
    if not year.isdigit() or len(year) != 4:
        abort(404)
    data = meeting_data(kb, kb.iris.meeting(year).value)
    if data is None:
        abort(404)
    return page("meeting.html", data)


# -- profiles --------------------------------------------------------------------------

def _role_labels(kb) -> dict[str, str]:
    return {iri: label for iri, label in labels(kb, ROLE_PROPERTY.values()).items()}


def session_profile(kb, iri: str) -> dict:
    """A session: its meeting, documents, people by role with affiliations,
    organisations, examples, principles and themes, each fact with its sentence."""
    node = ox.NamedNode(iri)
    summary = _sessions_summary(kb, [iri])[iri]
    documents = [{"id": r["id"].value, "title": _v(r["title"]), "kind": kb.iris.key_of(r["k"].value, "document-kind"),
                  "kind_label": document_kind_label(kb.iris.key_of(r["k"].value, "document-kind") or "",
                                                    current_language()),
                  "href": f"/report/{r['id'].value}"}
                 for r in kb.query(f"SELECT ?id ?title ?k WHERE {{ {node} schema:subjectOf ?r . ?r igf:reportId ?id ; "
                                   "igf:documentKind ?k OPTIONAL { ?r schema:name ?title } } ORDER BY ?id")]
    rows = list(kb.query(f"SELECT ?role ?who WHERE {{ VALUES ?role {{ {ROLE_VALUES} }} {node} ?role ?who }}"))
    who = sorted({r["who"].value for r in rows})
    names = labels(kb, who)
    affiliations = _affiliations(kb, who)
    proofs = evidence(kb, f"VALUES ?p {{ {ROLE_VALUES} }} BIND({node} AS ?s)", names)
    role_names = _role_labels(kb)
    roles = []
    for role in ROLE_PROPERTY.values():
        holders = sorted({r["who"].value for r in rows if r["role"].value == role}, key=lambda i: names[i])
        if holders:
            roles.append({"role": role.rsplit("/", 1)[-1].rsplit("#", 1)[-1], "label": role_names[role],
                          "people": [{"iri": h, "label": names[h], "affiliations": affiliations.get(h, []),
                                      "evidence": proofs.get((iri, role, h), [])} for h in holders]})
    concepts = list(kb.query(f"SELECT ?how ?c WHERE {{ VALUES ?how {{ igf:discusses igf:mentionsInPassing igf:hasTheme }} "
                             f"{node} ?how ?c }}"))
    concept_names = labels(kb, [r["c"].value for r in concepts])
    concept_proofs = evidence(kb, f"VALUES ?p {{ igf:discusses igf:mentionsInPassing }} BIND({node} AS ?s)", concept_names)

    def concepts_by(how: str) -> list[dict]:
        return sorted(({"iri": r["c"].value, "label": concept_names[r["c"].value],
                        "evidence": concept_proofs.get((iri, IGF + how, r["c"].value), [])}
                       for r in concepts if r["how"].value == IGF + how), key=lambda c: c["label"])

    examples = [{"iri": r["e"].value, "label": r["label"].value} for r in kb.query(
        f"SELECT ?e (SAMPLE(?l) AS ?label) WHERE {{ {node} igf:example ?e . ?e schema:name ?l }} GROUP BY ?e ORDER BY ?label")]
    example_proofs = evidence(kb, f"BIND({node} AS ?s) BIND(igf:example AS ?p)")
    for example in examples:
        example["evidence"] = example_proofs.get((iri, IGF + "example", example["iri"]), [])
    meeting = next(iter(kb.query(f"SELECT ?m ?place WHERE {{ {node} schema:superEvent ?m "
                                 f"OPTIONAL {{ {node} schema:location/schema:name ?place }} }} LIMIT 1")), None)
    return {**summary, "kind": "session", "session_kind": summary["kind"], "label": summary["title"],
            "meeting": {"iri": meeting["m"].value, "year": summary["year"],
                        "href": f"/meeting/{summary['year']}" if summary["year"] else None} if meeting else None,
            "place": _v(meeting["place"]) if meeting else None,
            "documents": documents, "roles": roles, "examples": examples,
            "principles": concepts_by("discusses"), "mentioned": concepts_by("mentionsInPassing"),
            "themes": concepts_by("hasTheme")}


def _affiliations(kb, people) -> dict[str, list[dict]]:
    if not people:
        return {}
    out: dict[str, list[dict]] = {}
    rows = list(kb.query(f"SELECT ?p ?o WHERE {{ VALUES ?p {{ {_values(people)} }} ?p schema:affiliation ?o }}"))
    names = labels(kb, [r["o"].value for r in rows])
    for r in rows:
        out.setdefault(r["p"].value, []).append({"iri": r["o"].value, "label": names[r["o"].value]})
    for found in out.values():
        found.sort(key=lambda o: o["label"])
    return out


def _sessions_with_roles(kb, pattern: str, needles: dict[str, str]) -> list[dict]:
    """[{year, sessions: [{..., roles: [{role, label, evidence}]}]}] for the
    (session ?s, role ?p, ?o) that ``pattern`` binds, oldest first."""
    rows = list(kb.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {ROLE_VALUES} }} {pattern} }}"))
    summaries = _sessions_summary(kb, {r["s"].value for r in rows})
    proofs = evidence(kb, f"VALUES ?p {{ {ROLE_VALUES} }} {pattern}", needles, limit=500)
    role_names = _role_labels(kb)
    for r in rows:
        s = summaries[r["s"].value]
        s.setdefault("roles", []).append({"role": r["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                                          "label": role_names[r["p"].value],
                                          "evidence": proofs.get((r["s"].value, r["p"].value, r["o"].value), [])})
    years: dict[str, list] = {}
    for s in sorted(summaries.values(), key=_session_order):
        s["roles"].sort(key=lambda role: ROLES.index(role["role"]) if role["role"] in ROLES else 99)
        years.setdefault(s["year"] or "?", []).append(s)
    return [{"year": y, "sessions": ss} for y, ss in years.items()]


def person_profile(kb, iri: str) -> dict:
    """A person: names, organisations, sessions and roles across years, and what they said."""
    node = ox.NamedNode(iri)
    name = labels(kb, [iri])[iri]
    other_names = sorted({r["l"].value for r in kb.query(f"SELECT ?l WHERE {{ {node} skos:altLabel ?l }}")} - {name})
    said = [{"report": r["id"].value, "anchor": f"c{r['b'].value}-{r['e'].value}",
             "href": f"/report/{r['id'].value}#c{r['b'].value}-{r['e'].value}", "quote": cut(r["t"].value),
             "session": _v(r["s"])}
            for r in kb.query(f"""SELECT ?id ?b ?e ?t ?s WHERE {{ ?passage igf:utterance ?u . ?u igf:spokenBy {node} .
                OPTIONAL {{ ?u schema:isPartOf ?s }}
                ?passage nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?t ; nif:referenceContext/igf:reportId ?id }}
                ORDER BY ?id ?b LIMIT 50""")]
    return {"iri": iri, "kind": "person", "label": name, "other_names": other_names,
            "organisations": _affiliations(kb, [iri]).get(iri, []),
            "years": _sessions_with_roles(kb, f"?s ?p {node} . BIND({node} AS ?o)", {iri: name}), "said": said}


def organisation_profile(kb, iri: str) -> dict:
    """An organisation: its people, and sessions it organised or its people took part in, across years."""
    node = ox.NamedNode(iri)
    name = labels(kb, [iri])[iri]
    people = [r["p"].value for r in kb.query(f"SELECT DISTINCT ?p WHERE {{ ?p schema:affiliation {node} }}")]
    names = labels(kb, people)
    roles_of_people = _sessions_with_roles(
        kb, f"VALUES ?o {{ {_values(people) or '<urn:none>'} }} ?s ?p ?o", names) if people else []
    return {"iri": iri, "kind": "organisation", "label": name,
            "people": sorted(({"iri": p, "label": names[p]} for p in people), key=lambda p: p["label"]),
            "organised": _sessions_with_roles(kb, f"?s ?p {node} . BIND({node} AS ?o)", {iri: name}),
            "people_sessions": roles_of_people}


def principle_profile(kb, iri: str) -> dict:
    """A principle (any SKOS concept): the concept page's data, and the
    sentences in which sessions discussed it."""
    concept = concept_data(kb, iri) or {}
    name = labels(kb, [iri])[iri]
    proofs = evidence(kb, f"VALUES ?p {{ igf:discusses igf:mentionsInPassing igf:hasTheme }} BIND({ox.NamedNode(iri)} AS ?o)",
                      {iri: name}, limit=100)
    sessions = _sessions_summary(kb, {s for s, _p, _o in proofs})
    said = [{**e, "session": sessions[s]} for (s, _p, _o), found in proofs.items() for e in found]
    said.sort(key=lambda e: _session_order(e["session"]))
    return {"iri": iri, "kind": "principle", "label": name, "concept": concept, "said": said}


PROFILES = {"session": (session_profile, "session.html"), "person": (person_profile, "person.html"),
            "organisation": (organisation_profile, "organisation.html"),
            "principle": (principle_profile, "principle.html"),
            "meeting": (meeting_data, "meeting.html")}


def profile(kb, iri: str, described: dict):
    """The profile page (HTML or JSON) of an entity IRI, or None when it is
    not a session, meeting, person, organisation or principle. ``described``
    (linked.describe: every fact) stays in the JSON and under "All facts"."""
    kind = kind_of(kb, iri)
    if kind is None:
        return None
    build, template = PROFILES[kind]
    data = {**described, **build(kb, iri)}
    response = current_app.make_response(page(template, data))
    response.headers["Vary"] = "Accept"
    return response
