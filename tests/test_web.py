"""The web service on a real waitress server on a free local port, used with
real clients: requests, SPARQLWrapper and rdflib's SPARQLStore."""
import threading
import time

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import SAMPLE, serve_app

TOKEN = "test-token"


def _serve(kb, **options):
    return serve_app(create_app(kb, **options))


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory):
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("web") / "kb"))
    kb.ingest_file(SAMPLE)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def server(knowledge_base):
    httpd, url = _serve(knowledge_base, token=TOKEN, query_timeout=2.0, row_limit=5000, max_body_bytes=200_000)
    yield url
    httpd.close()


def test_sparqlwrapper_select_json_and_xml(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("PREFIX igf: <https://w3id.org/igfkg/ns#> PREFIX schema: <http://schema.org/> "
                    "SELECT ?name WHERE { ?w igf:moderator/schema:name ?name }")
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["name"]["value"] for b in bindings] == ["Anriette Esterhuysen"]
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert "Anriette Esterhuysen" in document.toxml()


def test_sparqlwrapper_construct_turtle(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("PREFIX igf: <https://w3id.org/igfkg/ns#> PREFIX schema: <http://schema.org/> "
                    "CONSTRUCT { ?w schema:name ?n } WHERE { ?w a igf:Workshop ; schema:name ?n }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 1
    assert str(next(iter(graph))[2]) == "Developing and effectively using Multistakeholder Principles"


def test_rdflib_sparqlstore(server):
    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql"))
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?p a <http://schema.org/Person> }"))
    assert int(rows[0][0]) == 9


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")])
def test_select_content_negotiation(server, accept, media):
    response = requests.get(server + "/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
                            headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_malformed_query_is_a_400_with_the_parsers_message(server):
    response = requests.get(server + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400 and "SPARQL syntax error" in response.text


def test_service_description(server):
    response = requests.get(server + "/sparql")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(server + "/sparql"), sd.endpoint, rdflib.URIRef(server + "/sparql")) in graph


def test_writes_need_the_token(server):
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"
    count = "ASK { <http://example.org/s> <http://example.org/p> 1 }"
    ask = lambda: requests.get(server + "/sparql", params={"query": count}).json()["boolean"]  # noqa: E731
    assert requests.post(server + "/update", data={"update": update}).status_code == 401
    assert requests.post(server + "/update", data={"update": update},
                         headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert requests.put(server + "/gsp?graph=http://example.org/g", data="<http://a> <http://b> <http://c> .",
                        headers={"Content-Type": "text/turtle"}).status_code == 401
    assert ask() is False
    ok = requests.post(server + "/update", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 204 and ask() is True
    # Reads never change anything, even with an update in the query parameter.
    assert requests.get(server + "/sparql", params={"update": "CLEAR ALL"}).status_code == 400
    assert ask() is True
    requests.post(server + "/update", data={"update": "DELETE DATA { <http://example.org/s> <http://example.org/p> 1 }"},
                  headers={"Authorization": f"Bearer {TOKEN}"})


def test_service_started_without_a_token_refuses_writes(tmp_path):
    with KnowledgeBase(load_config(tmp_path / "kb")) as kb:
        client = create_app(kb).test_client()
        response = client.post("/update", data={"update": "CLEAR ALL"})
        assert response.status_code == 403 and "without a token" in response.get_data(as_text=True)


def test_runaway_query_ends_within_the_limit_while_others_are_served(knowledge_base):
    httpd, server = _serve(knowledge_base, query_timeout=2.0, row_limit=10**8)
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product over everything
    result = {}

    def run():
        start = time.monotonic()
        response = requests.get(server + "/sparql", params={"query": runaway}, timeout=30)
        result.update(status=response.status_code, seconds=time.monotonic() - start, text=response.text)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    quick = requests.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert quick.status_code == 200 and time.monotonic() - start < 1.5
    thread.join(30)
    httpd.close()
    assert result["status"] == 503 and result["seconds"] < 2.0 + 1.5
    assert "ran past the 2 s limit" in result["text"]


def test_row_limit(server):
    response = requests.get(server + "/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert response.status_code == 400 and "more than 5000 rows" in response.text


def test_request_body_limit(server):
    response = requests.post(server + "/sparql", data="x" * 300_000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_api_search_and_ask(server):
    search = requests.get(server + "/api/search", params={"q": "soft law", "k": 2}).json()
    assert search["query"] == "soft law" and len(search["results"]) == 2
    # the contract's fields, plus the document kind (and the speaker of a transcript turn)
    assert set(search["results"][0]) - {"speaker"} == {"text", "report", "section", "start", "end", "lang", "score",
                                                       "kind"}
    answer = requests.get(server + "/api/ask", params={"q": "Who is affiliated with AfriNIC?"}).json()
    assert answer["answers"][0]["label"] == "Anne-Rachel Inné" and answer["evidence"]
    for path, params in (("/api/search", {"q": ""}), ("/api/search", {"q": "x", "k": "lots"}),
                         ("/api/ask", {}), ("/api/search", {"q": "x", "mode": "magic"})):
        response = requests.get(server + path, params=params)
        assert response.status_code == 400 and response.json()["error"]


def test_openapi_description(server):
    spec = requests.get(server + "/api/openapi.json").json()
    assert spec["openapi"].startswith("3.") and {"/api/search", "/api/ask"} <= set(spec["paths"])


def test_pages_and_their_json_twins(server):
    page = requests.get(server + "/ask", params={"q": "Who moderated workshop 41?"})
    assert page.status_code == 200 and "Anriette Esterhuysen" in page.text and "<pre id=\"sparql\">" in page.text
    twin = requests.get(server + "/ask", params={"q": "Who moderated workshop 41?", "format": "json"}).json()
    assert twin["answers"][0]["label"] == "Anriette Esterhuysen"
    assert "<mark>" in requests.get(server + "/search", params={"q": "soft law"}).text
    bad = requests.get(server + "/search", params={"q": "x" * 5000})
    assert bad.status_code == 400 and "too long" in bad.text


def test_text_from_reports_is_escaped(server):
    page = requests.get(server + "/ask", params={"q": "<script>alert(1)</script> who moderated?"})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
