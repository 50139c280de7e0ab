"""HTTP fuzz test (issue 11): random requests to every route of the OpenAPI
description and to the protocol and page routes, against the service as
`igfkg serve` runs it (queries in worker processes): no response is a 5xx
other than a 503 from the query limits, and the server logs no traceback.
Bounded by FUZZ_SECONDS of wall time."""
import itertools
import logging
import time
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, seed, settings, strategies as st

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import SAMPLE, SAMPLE_ID, serve_app

FUZZ_SECONDS = 90
NASTY = ["", " ", "%", "%ff%fe", "%3Cx%3E", "<x>", "\x00", "\ud7ff", "é", "中文", "../../etc/passwd", "-1", "0",
         "99999999999999999999999", "1e309", "NaN", "true", "null", "[]", "{}", "a" * 3000, SAMPLE_ID,
         "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
         "DESCRIBE <http://x>", "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
         "INSERT DATA { <http://a> <http://b> <http://c> }", "LOAD <http://127.0.0.1:1/>",
         "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "SELECT * WHERE { ?s ?p }",
         "https://w3id.org/igfkg/id/report/" + SAMPLE_ID, "http://", "json", "xml", "csv", "tsv", "ttl", "nq",
         "jsonld", "rdfxml", "trig", "nt", "hybrid", "dense", "bm25", "report", "transcript", "en", "fr"]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
MEDIA = st.sampled_from(["", "*/*", "text/html", "application/json", "text/turtle", "text/csv", "application/xml",
                         "application/sparql-results+json", "application/n-triples", "image/png", "a/b;q=x",
                         "application/sparql-query", "application/sparql-update",
                         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
# Routes outside the OpenAPI description: (methods, path, parameter names); "{}" takes a random segment.
ROUTES = [
    (["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"], "/sparql", ["query", "update", "format",
                                                                      "default-graph-uri", "named-graph-uri"]),
    (["GET", "POST", "DELETE"], "/update", ["update", "using-graph-uri"]),
    (["GET", "HEAD", "PUT", "POST", "DELETE"], "/gsp", ["graph", "default"]),
    (["GET"], "/gsp/{}", []),
    (["GET"], "/sparql-editor", ["query", "format"]),
    (["GET"], "/id/{}", ["format"]),
    (["GET"], "/id/report/{}", ["format"]),
    (["GET"], "/resource", ["iri", "format"]),
    (["GET"], "/report/{}", ["format"]),
    (["GET"], "/export", ["format", "report"]),
    (["GET"], "/quality", ["report", "format"]),
    (["GET"], "/participation", ["format"]),
    (["GET"], "/search", ["q", "k", "year", "mode", "format"]),
    (["GET"], "/ask", ["q", "format"]),
    (["GET"], "/", ["format"]),
    (["GET"], "/.well-known/void", []),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("fuzz") / "kb"))
    kb.ingest_file(SAMPLE)
    app = create_app(kb, token="fuzz-token", query_timeout=2.0, max_queries=4, isolate_queries=True,
                     max_body_bytes=100_000)
    httpd, url = serve_app(app)
    operations = _openapi_operations(requests.get(url + "/api/openapi.json", timeout=30).json())
    yield url, operations
    httpd.close()
    app.config["QUERY_POOL"].close()
    kb.query_runner = None
    kb.close()


class Tracebacks(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(self.format(record))


def _openapi_operations(spec) -> list:
    return [(method.upper(), path, op.get("parameters", [])) for path, item in spec["paths"].items()
            for method, op in item.items()]


def _value(schema):
    """A value of the parameter's schema, or anything else."""
    if "enum" in schema:
        valid = st.sampled_from(schema["enum"])
    elif schema.get("type") == "integer":
        valid = st.integers(schema.get("minimum", -10 ** 30), schema.get("maximum", 10 ** 30)).map(str)
    else:
        valid = st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 60), 60))
    return st.one_of(valid, valid, TEXT, st.integers(-10 ** 25, 10 ** 25).map(str))


@st.composite
def requests_to_send(draw, operations):
    if draw(st.booleans()):
        method, path, parameters = draw(st.sampled_from(operations))
        params = {p["name"]: draw(_value(p.get("schema", {}))) for p in parameters
                  if p.get("required") or draw(st.booleans())}
    else:
        methods, path, names = draw(st.sampled_from(ROUTES))
        method = draw(st.sampled_from(methods))
        if "{}" in path:
            segment = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)))
            raw = draw(st.booleans()) and "%" in segment  # bad percent-encoding as sent
            path = path.replace("{}", segment if raw else quote(segment, safe=""))
        params = {name: draw(TEXT) for name in names if draw(st.booleans())}
    headers = {"Accept": draw(MEDIA)}
    body = None
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        headers["Content-Type"] = draw(MEDIA)
        body = draw(st.one_of(TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)))
        if draw(st.booleans()):
            headers["Authorization"] = draw(st.sampled_from(["Bearer fuzz-token", "Bearer x", "Basic x", ""]))
    return method, path, params, headers, body


@pytest.mark.slow
def test_no_request_gets_a_5xx_or_a_traceback(service):
    url, operations = service
    assert {path for _m, path, _p in operations} >= {"/api/search", "/api/ask"}
    handler = Tracebacks()
    logging.getLogger().addHandler(handler)
    failures, statuses = [], {}
    stop_at = time.monotonic() + FUZZ_SECONDS

    def one(data):
        method, path, params, headers, body = data.draw(requests_to_send(operations))
        try:
            response = requests.request(method, url + path, params=params, headers=headers, data=body, timeout=30)
        except requests.exceptions.InvalidURL:
            return
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        limited = response.status_code == 503 and response.headers.get("Retry-After")
        if response.status_code >= 500 and not limited:
            failures.append((response.status_code, method, path, params, headers, response.text[:200]))

    try:
        for batch in itertools.count():  # batches of 50 until the time is up, each seeded differently
            if time.monotonic() > stop_at:
                break
            seed(batch)(settings(max_examples=50, deadline=None, database=None,
                                 suppress_health_check=list(HealthCheck))(given(st.data())(one)))()
    finally:
        logging.getLogger().removeHandler(handler)
    print("statuses:", dict(sorted(statuses.items())))
    assert sum(statuses.values()) > 200
    assert failures == [], failures[:5]
    assert handler.records == [], handler.records[:3]
