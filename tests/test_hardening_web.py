"""The web service under attack and bad input (issue 11): no outbound
requests, no 5xx, time limits and a bound on queries everywhere, auth
before body, report graphs kept whole."""
import socket
import threading
import time

import pytest
import requests

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import SAMPLE, SAMPLE_ID, serve_app

TOKEN = "test-token"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product over everything


def _serve(kb, **options):
    return serve_app(create_app(kb, **options), threads=6)


@pytest.fixture(scope="module")
def knowledge_base(tmp_path_factory):
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("hardening") / "kb"))
    kb.ingest_file(SAMPLE)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def server(knowledge_base):
    httpd, url = _serve(knowledge_base, token=TOKEN, query_timeout=2.0, max_body_bytes=200_000)
    yield url
    httpd.close()


@pytest.fixture
def listener():
    """A local port that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    connections, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                connections.append(conn)
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connections
    stop.set()
    thread.join()
    sock.close()


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# -- no outbound requests ------------------------------------------------------------

def test_service_is_refused_and_nothing_is_fetched(server, listener):
    port, connections = listener
    messages = set()
    for target in (port, _closed_port()):
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{target}/sparql> {{ ?s ?p ?o }} }}"
        response = requests.get(server + "/sparql", params={"query": query}, timeout=10)
        assert response.status_code == 400
        assert "SERVICE" in response.text and "--allow-service" in response.text
        messages.add(response.text.replace(str(target), "PORT"))
    assert len(messages) == 1  # an open port and a closed one answer the same
    assert connections == []


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:1/> SELECT * WHERE { service x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { ?x <http://a> ?y SERVICE ?x { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:1/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE # a comment\n <http://127.0.0.1:1/> { ?s ?p ?o } }",
])
def test_every_spelling_of_service_is_refused(server, query):
    response = requests.post(server + "/sparql", data={"query": query}, timeout=10)
    assert response.status_code == 400 and "not allowed" in response.text or "fixed IRI" in response.text


def test_the_word_service_in_strings_and_iris_is_fine(server):
    query = 'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:1/> LOAD" } LIMIT 1'
    assert requests.get(server + "/sparql", params={"query": query}, timeout=10).status_code == 200
    query = "ASK { <http://example.org/SERVICE> ?p ?o }"
    assert requests.get(server + "/sparql", params={"query": query}, timeout=10).status_code == 200


def test_load_is_refused_even_with_the_token(server, listener):
    port, connections = listener
    response = requests.post(server + "/update", data={"update": f"LOAD <http://127.0.0.1:{port}/data.ttl>"},
                             headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 400 and "LOAD" in response.text and "--allow-service" in response.text
    assert connections == []


def test_service_on_the_editor_page_is_a_400(server, listener):
    port, connections = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
    response = requests.get(server + "/sparql-editor", params={"query": query, "format": "json"}, timeout=10)
    assert response.status_code == 400 and "not allowed" in response.json()["error"]
    assert connections == []


def test_allowed_hosts_may_be_reached(knowledge_base):
    httpd, url = _serve(knowledge_base, query_timeout=5.0)
    knowledge_base.allowed_service_hosts = ("127.0.0.1",)
    try:
        query = f"SELECT ?n WHERE {{ SERVICE <{url}/sparql> {{ ?w <https://w3id.org/igfkg/ns#workshopNumber> ?n }} }}"
        response = requests.get(url + "/sparql", params={"query": query, "format": "json"}, timeout=20)
        assert response.status_code == 200, response.text
        assert [b["n"]["value"] for b in response.json()["results"]["bindings"]] == ["41"]
    finally:
        knowledge_base.allowed_service_hosts = ()
        httpd.close()


# -- no 5xx on bad input ---------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/id/%3Cx%3E", "/id/%ff%fe", "/id/a%20b%22c", "/resource?iri=http://exa%20mple/<x>",
    "/resource?iri=http://a/%ff", "/api/search?q=access&year=99999999999999999999999",
    "/search?q=access&year=99999999999999999999999", "/api/search?q=access&k=99999999999999999999999",
    "/sparql?query=ASK%7B%7D&format=bogus", "/export?format=bogus", "/id/report/nope?format=bogus",
    "/sparql-editor?query=SELEC", "/report/%ff",
])
def test_bad_input_is_a_4xx_with_a_reason(server, path):
    response = requests.get(server + path, timeout=20)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:300])
    assert "Traceback" not in response.text


def test_csv_of_a_construct_is_refused_not_mislabelled(server):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    response = requests.get(server + "/sparql", params={"query": query, "format": "csv"}, timeout=10)
    assert response.status_code == 406 and "CONSTRUCT" in response.text
    response = requests.get(server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=10)
    assert response.status_code == 406
    response = requests.get(server + "/sparql", params={"query": "ASK {}", "format": "ttl"}, timeout=10)
    assert response.status_code == 406


def test_writes_without_a_token_are_refused_before_the_body(server):
    """A 10 MB PUT without a token: refused from its headers, the body never sent."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"PUT /gsp?graph=http://example.org/big HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: text/turtle\r\nContent-Length: 10000000\r\n\r\n")
        start = time.monotonic()
        answer = sock.recv(4096)
        assert time.monotonic() - start < 5
    status = int(answer.split(b" ", 2)[1])
    assert status in (401, 413)
    # Under the size limit the server holds the body (at most the limit), but
    # the token is checked before the body is read or parsed.
    response = requests.post(server + "/update", data=b"CLEAR ALL ; " * 10,
                             headers={"Content-Type": "application/sparql-update"}, timeout=10)
    assert response.status_code == 401


# -- time limits and a bound on queries at once --------------------------------------------

class SlowTriples:
    """Stands in for the knowledge base: a CONSTRUCT whose rows come slowly and
    never end, so the limit is what stops it (and no core is kept busy)."""

    class Triple:
        subject = predicate = object = type("Term", (), {"value": "x"})()

    def __init__(self, kb):
        self.kb = kb

    def protocol_query(self, *_args, **_kwargs):
        def rows():
            while True:
                time.sleep(0.05)
                yield self.Triple()
        return rows()

    def __getattr__(self, name):
        return getattr(self.kb, name)


def test_the_editor_has_the_same_time_limit(knowledge_base):
    httpd, url = _serve(SlowTriples(knowledge_base), query_timeout=1.0, max_queries=4)
    try:
        start = time.monotonic()
        response = requests.get(url + "/sparql-editor", params={"query": "ASK {}", "format": "json"}, timeout=30)
        assert response.status_code == 503 and "limit" in response.json()["error"]
        assert time.monotonic() - start < 3.0
    finally:
        httpd.close()


def test_queries_beyond_the_bound_get_503_with_retry_after(knowledge_base):
    httpd, url = _serve(SlowTriples(knowledge_base), query_timeout=1.5, max_queries=2)
    try:
        results = []

        def runaway(path):
            results.append(requests.get(url + path, params={"query": "ASK {}"}, timeout=30))

        threads = [threading.Thread(target=runaway, args=(p,)) for p in ("/sparql-editor", "/sparql-editor")]
        for t in threads:
            t.start()
        time.sleep(0.4)
        busy = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        busy = requests.get(url + "/sparql-editor", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        for t in threads:
            t.join()
        assert sorted(r.status_code for r in results) == [503, 503]
        time.sleep(0.3)  # the stopped queries gave their slots back
        again = requests.get(url + "/sparql-editor", params={"query": "x", "format": "json"}, timeout=10)
        assert "limit" in again.json()["error"]  # it ran (and was stopped), it was not turned away
    finally:
        httpd.close()


# -- protocol writes keep the knowledge base whole ------------------------------------------

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_report_graphs_cannot_be_written_over_the_protocol(server, knowledge_base):
    """Issue 11, finding 7: a GSP DELETE left the report in the merge and the index."""
    graph = knowledge_base.iris.report(SAMPLE_ID).value
    before = knowledge_base.triple_count()
    data = "<http://a> <http://b> <http://c> ."
    for method in ("DELETE", "PUT", "POST"):
        response = requests.request(method, server + "/gsp", params={"graph": graph}, data=data,
                                    headers={**AUTH, "Content-Type": "text/turtle"}, timeout=10)
        assert response.status_code == 403, (method, response.text)
        assert f"igfkg remove {SAMPLE_ID}" in response.text
    for update in (f"DROP GRAPH <{graph}>", f"INSERT DATA {{ GRAPH <{graph}> {{ {data} }} }}",
                   "DROP ALL", "CLEAR NAMED", "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
                   f"PREFIX r: <{graph.rsplit('/', 1)[0]}/> CLEAR GRAPH r:{SAMPLE_ID}"):
        response = requests.post(server + "/update", data={"update": update}, headers=AUTH, timeout=10)
        assert response.status_code == 403, (update, response.text)
        assert "igfkg remove" in response.text
    assert knowledge_base.triple_count() == before
    assert SAMPLE_ID in knowledge_base.report_ids()
    hits = requests.get(server + "/api/search", params={"q": "Anriette Esterhuysen"}, timeout=30).json()["results"]
    assert hits and hits[0]["report"] == SAMPLE_ID


def test_other_graphs_keep_working(server):
    graph = "http://example.org/mine"
    response = requests.put(server + "/gsp", params={"graph": graph}, data="<http://a> <http://b> <http://c> .",
                            headers={**AUTH, "Content-Type": "text/turtle"}, timeout=10)
    assert response.status_code == 201
    response = requests.post(server + "/update", data={"update": f"DROP GRAPH <{graph}>"}, headers=AUTH, timeout=10)
    assert response.status_code == 204
