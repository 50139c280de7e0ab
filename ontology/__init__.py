"""The igfkg vocabulary: namespaces (declared once, here) and the Turtle files.

``vocabulary.ttl`` classes and properties, ``principles.ttl`` the SKOS scheme
of multistakeholder principles, ``frameworks.ttl`` the principle frameworks
(Tunis 2005 ... São Paulo 2024) and their crosswalk, ``themes.ttl`` the IGF
themes by year, ``sdgs.ttl`` the Sustainable Development Goals, ``glossary.ttl`` a bilingual thesaurus of
Internet-governance terms, ``organisations.ttl`` the gazetteer, ``groups.ttl`` stakeholder and UN regional groups, ``shapes.ttl`` SHACL shapes for a report
graph and ``context.jsonld`` the JSON-LD context used for exports.
Files that describe data (gazetteer) use relative IRIs resolved against the
knowledge base's base IRI.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent

IGF = "https://w3id.org/igfkg/ns#"
SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES = {
    "igf": IGF, "schema": SCHEMA, "foaf": FOAF, "org": ORG, "skos": SKOS, "prov": PROV,
    "dcterms": DCTERMS, "nif": NIF, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL,
}

#: The crosswalk: a principle and the same principle in other frameworks
#: (itself, its exact matches transitively and its close matches, both ways),
#: as one predicate. The knowledge base writes its pairs into the ontology graph
#: (``crosswalk_triples``) rather than have every query follow
#: SAME_PRINCIPLE_CLOSURE: Virtuoso evaluates zero-or-one and zero-or-more paths
#: wrongly (unrelated rows, or "transitive start not given"), and one predicate
#: is also the cheaper join everywhere.
SAME_PRINCIPLE = "igf:samePrincipleAs"
SAME_PRINCIPLE_CLOSURE = ("(skos:exactMatch|^skos:exactMatch)*/(skos:closeMatch|^skos:closeMatch)?/"
                          "(skos:exactMatch|^skos:exactMatch)*")

#: Files loaded into the knowledge base's ontology graph.
GRAPH_FILES = ("vocabulary.ttl", "principles.ttl", "organisations.ttl", "glossary.ttl", "session-kinds.ttl",
               "groups.ttl", "frameworks.ttl", "themes.ttl", "sdgs.ttl")
#: Files whose concepts a text can name as principles, goals or themes.
FRAMEWORK_FILES = ("principles.ttl", "frameworks.ttl", "sdgs.ttl", "themes.ttl")
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"


def crosswalk_triples(base_iri: str) -> list:
    """``<a> igf:samePrincipleAs <b>`` for every concept pair SAME_PRINCIPLE_CLOSURE
    joins in the ontology files (each concept with itself included)."""
    import pyoxigraph as ox

    store = ox.Store()
    for name in GRAPH_FILES:
        store.load(path=str(ONTOLOGY_DIR / name), format=ox.RdfFormat.TURTLE, base_iri=base_iri)
    same = ox.NamedNode(IGF + "samePrincipleAs")
    return [ox.Triple(r["a"], same, r["b"]) for r in store.query(
        f"SELECT DISTINCT ?a ?b WHERE {{ ?a a skos:Concept . ?a {SAME_PRINCIPLE_CLOSURE} ?b }}", prefixes=PREFIXES)]


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries people write."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


#: Base used to parse files with relative IRIs when only their local part matters.
_PLACEHOLDER_BASE = "http://relative.invalid/"


@lru_cache(maxsize=None)
def labelled_nodes(filename: str, segment: str) -> dict[str, list[tuple[str, str | None, bool]]]:
    """Labels of the nodes ``<segment/KEY>`` in one of the data files:
    ``{KEY: [(label, language or None, is_preferred), ...]}``, preferred first."""
    import pyoxigraph as ox

    prefix = _PLACEHOLDER_BASE + segment + "/"
    found: dict[str, list[tuple[str, str | None, bool]]] = {}
    for quad in ox.parse(path=str(ONTOLOGY_DIR / filename), format=ox.RdfFormat.TURTLE,
                         base_iri=_PLACEHOLDER_BASE):
        subject = quad.subject.value
        predicate = quad.predicate.value
        if not subject.startswith(prefix) or predicate not in (SKOS + "prefLabel", SKOS + "altLabel",
                                                               SKOS + "hiddenLabel"):
            continue
        is_pref = predicate == SKOS + "prefLabel"
        found.setdefault(subject[len(prefix):], []).append(
            (quad.object.value, quad.object.language, is_pref))
    for labels in found.values():
        labels.sort(key=lambda item: not item[2])
    return found


@lru_cache(maxsize=1)
def session_kind_labels() -> list[tuple[str, list[str], list[str]]]:
    """Kinds of session from ``session-kinds.ttl``: (key, labels, number prefixes)."""
    import pyoxigraph as ox

    prefix = _PLACEHOLDER_BASE + "session-kind/"
    labels: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for quad in ox.parse(path=str(ONTOLOGY_DIR / "session-kinds.ttl"), format=ox.RdfFormat.TURTLE,
                         base_iri=_PLACEHOLDER_BASE):
        subject, predicate = quad.subject.value, quad.predicate.value
        if not subject.startswith(prefix):
            continue
        key = subject[len(prefix):]
        if predicate in (SKOS + "prefLabel", SKOS + "altLabel"):
            labels.setdefault(key, []).append(quad.object.value)
        elif predicate == IGF + "numberPrefix":
            prefixes.setdefault(key, []).append(quad.object.value)
    return [(key, labels.get(key, []), prefixes.get(key, [])) for key in labels]


def document_kind_label(kind: str, lang: str = "en") -> str:
    """A document kind's label, e.g. "transcript"."""
    return _preferred_label("document-kind", kind, lang)


def session_kind_label(kind: str, lang: str = "en") -> str:
    """A session kind's label, e.g. "open forum"."""
    return _preferred_label("session-kind", kind, lang)


def _preferred_label(segment: str, key: str, lang: str) -> str:
    for label, label_lang, is_pref in labelled_nodes("session-kinds.ttl", segment).get(key, []):
        if is_pref and label_lang == lang:
            return label
    return key.replace("_", " ")
