"""Every export format re-parses with rdflib to what the store holds."""
import json

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic, to_isomorphic

from igfkg.formats import RDF_FORMATS, rdf_format

RDFLIB_NAMES = {"ttl": "turtle", "nt": "nt", "xml": "xml", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def _store_graph(quads) -> rdflib.Graph:
    """The merge of the quads' graphs, as rdflib sees it."""
    data = ox.serialize(list(dict.fromkeys(q.triple for q in quads)), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data.decode(), format="nt")


def _store_graphs(quads) -> dict[str, rdflib.Graph]:
    by_graph = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    return {name: _store_graph(qs) for name, qs in by_graph.items()}


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_export_reparses_isomorphic(sample_kb, name):
    fmt = rdf_format(name)
    data = sample_kb.export(fmt)
    quads = sample_kb.quads()
    if fmt.keeps_graphs:
        dataset = rdflib.Dataset()
        dataset.parse(data=data.decode(), format=RDFLIB_NAMES[name])
        parsed = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        expected = _store_graphs(quads)
        assert set(parsed) == set(expected)
        for graph_name, graph in expected.items():
            assert isomorphic(to_isomorphic(graph), to_isomorphic(parsed[graph_name])), graph_name
    else:
        parsed = rdflib.Graph().parse(data=data.decode(), format=RDFLIB_NAMES[name])
        expected = _store_graph(quads)
        assert len(parsed) == len(expected) > 1000
        assert isomorphic(to_isomorphic(expected), to_isomorphic(parsed))


def test_one_report_export(sample_kb):
    data = sample_kb.export(rdf_format("nq"), "igf2013-workshop-41")
    dataset = rdflib.Dataset()
    dataset.parse(data=data.decode(), format="nquads")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {"https://w3id.org/igfkg/id/report/igf2013-workshop-41"}


def test_jsonld_uses_the_project_context_and_expands_with_pyld(sample_kb):
    document = json.loads(sample_kb.export(rdf_format("jsonld")))
    assert document["@context"]["igf"] == "https://w3id.org/igfkg/ns#"
    expanded = jsonld.expand(document)
    flat = json.dumps(expanded)
    assert "https://w3id.org/igfkg/ns#femaleParticipants" in flat
    assert "http://schema.org/name" in flat


def test_line_and_graph_formats_are_exported_graph_by_graph(tmp_path):
    """nq, trig and nt come in one piece per named graph (a remote store sends one
    graph per request, and nothing holds the whole export), and the pieces
    together are the same dataset as the export in one piece."""
    from igfkg.config import load_config
    from igfkg.formats import rdf_format
    from igfkg.kb import KnowledgeBase
    from conftest import SAMPLE

    with KnowledgeBase(load_config(tmp_path / "kb")) as kb:
        kb.ingest_file(SAMPLE)
        graphs = len(list(kb.store.named_graphs()))
        for name in ("nq", "trig", "nt"):
            pieces = list(kb.export_chunks(rdf_format(name), None))
            assert len(pieces) == graphs >= 2
            read = list(ox.parse(b"".join(pieces), format=rdf_format(name).oxigraph))
            if name == "nt":  # the graphs merged: each triple once
                assert len(read) == len({q.triple for q in kb.quads()})
            else:
                assert len(read) == len(kb.quads()) and {q.graph_name for q in read} == set(kb.store.named_graphs())
        assert len(list(kb.export_chunks(rdf_format("ttl"), None))) == 1
