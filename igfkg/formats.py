"""Serialisers behind one interface, chosen by name (as rdflib does).

``RDF_FORMATS`` for graphs and datasets, ``RESULT_FORMATS`` for SELECT/ASK
results. Names are the short ones the command line and the web use.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pyoxigraph as ox

from igfkg.ontology import PREFIXES, jsonld_context


@dataclass(frozen=True)
class RdfFormat:
    name: str
    media_type: str
    extension: str
    keeps_graphs: bool  # a dataset format (quads) rather than a graph format
    oxigraph: ox.RdfFormat | None  # None: written through rdflib


RDF_FORMATS = {
    "ttl": RdfFormat("ttl", "text/turtle", ".ttl", False, ox.RdfFormat.TURTLE),
    "nt": RdfFormat("nt", "application/n-triples", ".nt", False, ox.RdfFormat.N_TRIPLES),
    "xml": RdfFormat("xml", "application/rdf+xml", ".rdf", False, ox.RdfFormat.RDF_XML),
    "nq": RdfFormat("nq", "application/n-quads", ".nq", True, ox.RdfFormat.N_QUADS),
    "trig": RdfFormat("trig", "application/trig", ".trig", True, ox.RdfFormat.TRIG),
    "jsonld": RdfFormat("jsonld", "application/ld+json", ".jsonld", True, None),
}

RESULT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}


class FormatError(ValueError):
    pass


def rdf_format(name: str) -> RdfFormat:
    try:
        return RDF_FORMATS[name]
    except KeyError:
        raise FormatError(f"unknown RDF format {name!r}; choose one of {', '.join(RDF_FORMATS)}") from None


def serialize_quads(quads: list[ox.Quad], fmt: RdfFormat) -> bytes:
    """Quads in a dataset format, or their triples merged in a graph format."""
    if fmt.oxigraph is None:
        return _jsonld(quads)
    if fmt.keeps_graphs:
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=_prefixes(fmt))
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=_prefixes(fmt))


def serialize_triples(triples, fmt: RdfFormat) -> bytes:
    if fmt.oxigraph is None:
        return _jsonld([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples])
    if fmt.keeps_graphs:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=_prefixes(fmt))


def _prefixes(fmt: RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt.name in ("ttl", "trig", "xml") else None


def _jsonld(quads: list[ox.Quad]) -> bytes:
    """JSON-LD with the project's context; named graphs are kept."""
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"),
                  format="nquads")
    text = dataset.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
    json.loads(text)  # fail here, not in a user's tool, if it is not JSON
    return text.encode("utf-8")


def serialize_results(result, name: str) -> bytes:
    """SELECT/ASK results in one of RESULT_FORMATS."""
    try:
        fmt, _media = RESULT_FORMATS[name]
    except KeyError:
        raise FormatError(f"unknown results format {name!r}; choose one of {', '.join(RESULT_FORMATS)}") from None
    out = io.BytesIO()
    result.serialize(out, format=fmt)
    return out.getvalue()
