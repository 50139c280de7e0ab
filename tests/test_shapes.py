"""Every report graph conforms to ontology/shapes.ttl."""
import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from igfkg.ontology import SHAPES_FILE
from conftest import REPORTS, SAMPLE_ID

REPORT_IDS = [SAMPLE_ID] + [p.stem for p in sorted(REPORTS.glob("*.txt"))]


@pytest.fixture(scope="module")
def shapes():
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_report_graph_conforms(sample_kb, shapes, report_id):
    quads = sample_kb.quads(report_id)
    data = rdflib.Graph().parse(
        data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    conforms, _graph, text = validate(data, shacl_graph=shapes)
    assert conforms, text


def test_shapes_catch_a_broken_graph(sample_kb, shapes):
    """The shapes are not vacuous: a passage without offsets fails them."""
    quads = [q for q in sample_kb.quads(SAMPLE_ID)
             if q.predicate.value != "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex"]
    data = rdflib.Graph().parse(
        data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    conforms, _graph, text = validate(data, shacl_graph=shapes)
    assert not conforms and "beginIndex" in text
