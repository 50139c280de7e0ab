"""Entity IRIs under the service's base dereference: HTML for browsers, RDF
by content negotiation on the same URL; exports and the VoID description."""
import socket

import pytest
import rdflib
import requests

from igfkg.config import load_config
from igfkg.formats import RDF_FORMATS
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import SAMPLE, serve_app

RDFLIB = {"ttl": "turtle", "nt": "nt", "xml": "xml", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("ld") / "kb", base_iri=base + "/id/"))
    kb.ingest_file(SAMPLE)
    httpd, _url = serve_app(create_app(kb), port=port)
    yield base
    httpd.close()
    kb.close()


@pytest.mark.parametrize("accept, parser", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                            ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_entity_iri_negotiates_rdf_with_outgoing_and_incoming_links(site, accept, parser):
    iri = site + "/id/person/anriette-esterhuysen"
    response = requests.get(iri, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.text, format=parser)
    me = rdflib.URIRef(iri)
    assert (me, rdflib.URIRef("http://schema.org/name"), rdflib.Literal("Anriette Esterhuysen")) in graph
    incoming = set(graph.subjects(rdflib.URIRef("https://w3id.org/igfkg/ns#moderator"), me))
    assert incoming == {rdflib.URIRef(site + "/id/workshop/2013-41")}


def test_entity_iri_gives_html_to_browsers_with_facts_and_passages(site):
    page = requests.get(site + "/id/org/afrinic", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "AFRINIC" in page.text and "Linked from" in page.text
    person = requests.get(site + "/id/person/everton-lucero", headers={"Accept": "text/html"}).text
    assert 'href="/report/igf2013-workshop-41#c' in person  # every fact links to its passage
    for path in ("/id/workshop/2013-41", "/id/principle/transparency", "/id/meeting/igf-2013"):
        assert requests.get(site + path).status_code == 200
    example = requests.get(site + "/id/workshop/2013-41?format=json").json()
    examples = [f["value"]["value"] for f in example["outgoing"] if f["property"].endswith("#example")]
    assert len(examples) == 5 and requests.get(examples[0]).status_code == 200
    assert requests.get(site + "/id/person/nobody-at-all").status_code == 404


def test_report_page_shows_the_text_with_entities_marked(site):
    page = requests.get(site + "/id/report/igf2013-workshop-41").text
    assert 'lang="fr"' in page and 'class="entity person"' in page and 'class="entity org"' in page
    data = requests.get(site + "/report/igf2013-workshop-41?format=json").json()
    assert data["text"].startswith("Developing and effectively") and data["passages"]


@pytest.mark.parametrize("name", sorted(RDF_FORMATS))
def test_exports_download_and_reparse(site, name):
    for params in ({"format": name}, {"format": name, "report": "igf2013-workshop-41"}):
        response = requests.get(site + "/export", params=params)
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        if RDF_FORMATS[name].keeps_graphs:
            dataset = rdflib.Dataset()
            dataset.parse(data=response.text, format=RDFLIB[name])
            assert sum(len(g) for g in dataset.graphs()) > 1000
        else:
            assert len(rdflib.Graph().parse(data=response.text, format=RDFLIB[name])) > 1000
    assert requests.get(site + "/export", params={"format": "docx"}).status_code == 400
    assert requests.get(site + "/export", params={"report": "missing"}).status_code == 404


def test_void_and_dcat_description_linked_from_home(site):
    assert "/.well-known/void" in requests.get(site + "/").text
    graph = rdflib.Graph().parse(data=requests.get(site + "/.well-known/void").text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(graph.subjects(rdflib.RDF.type, void.Dataset))
    assert (dataset, void.sparqlEndpoint, rdflib.URIRef(site + "/sparql")) in graph
    assert int(graph.value(dataset, void.triples)) > 1000
    assert (dataset, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")) in graph
