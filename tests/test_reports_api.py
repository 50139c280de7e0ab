"""Reports through the service (issue 14): POST, PUT, DELETE and GET
/api/reports, the upload page and `igfkg ingest --server`. Every refused
request is a 4xx with a one-line reason and leaves the knowledge base as it
was."""
import io
import json
import socket
import time

import pytest
import requests
from click.testing import CliRunner

from igfkg.cli import main
from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import ROOT, SAMPLE, SAMPLE_ID, serve_app, snapshot

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DEV = ROOT / "tests" / "fixtures" / "documents" / "dev"
WS88 = DEV / "report-2012-ws88.txt"
BODY_LIMIT = 200_000


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    # Files above 100 KB are refused by the reader, well under the body limit.
    knowledge_base = KnowledgeBase(load_config(tmp_path_factory.mktemp("reports") / "kb", max_file_mb=0.1))
    knowledge_base.ingest_file(SAMPLE)
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="module")
def app(kb):
    return create_app(kb, token=TOKEN, max_body_bytes=BODY_LIMIT)


@pytest.fixture
def client(app):
    return app.test_client()


def state(kb) -> tuple:
    return kb.reports(), kb.triple_count(), kb.index.count(), snapshot(kb)


def upload(path_or_bytes, name=None, **form):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    return {"file": (io.BytesIO(data), name or path_or_bytes.name), **form}


def assert_refused(response, status, words):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == status and words in body["error"] and "\n" not in body["error"]


# -- refusals: 4xx, one line, nothing changed ------------------------------------------

@pytest.mark.parametrize("headers, status, words", [
    ({}, 401, "Bearer"), ({"Authorization": "Bearer nope"}, 403, "wrong token"),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 401, "Bearer")])
def test_writes_without_the_right_token_are_refused(client, kb, headers, status, words):
    before = state(kb)
    assert_refused(client.post("/api/reports", data=upload(WS88), headers=headers), status, words)
    assert_refused(client.put(f"/api/reports/{SAMPLE_ID}", data=upload(SAMPLE), headers=headers), status, words)
    assert_refused(client.delete(f"/api/reports/{SAMPLE_ID}", headers=headers), status, words)
    assert state(kb) == before


def test_a_service_without_a_token_takes_no_report(kb):
    response = create_app(kb).test_client().post("/api/reports", data=upload(WS88), headers=AUTH)
    assert_refused(response, 403, "without a token")


@pytest.mark.parametrize("content, name, status, words", [
    (b"", "empty.txt", 422, "file is empty"),
    (b"   \n\n  ", "blank.txt", 422, "file is empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "picture.txt", 422, "PNG image"),
    (b"abc\x00\x01\x02" * 200, "blob.txt", 422, "binary"),
    (json.dumps({"title": "not a report", "items": [1, 2, 3]}).encode(), "data.txt", 422, "JSON data file"),
    (b"Workshop report\n" + b"x" * 120_000, "huge.txt", 413, "too large"),
])
def test_files_the_cli_refuses_are_refused_alike(client, kb, content, name, status, words):
    before = state(kb)
    assert_refused(client.post("/api/reports", data=upload(content, name), headers=AUTH), status, words)
    assert state(kb) == before


def test_a_body_over_the_limit_is_refused_from_its_headers(client, kb):
    before = state(kb)
    big = b"a" * (BODY_LIMIT + 10)
    assert_refused(client.post("/api/reports", data=upload(big, "big.txt"), headers=AUTH), 413, "larger than")
    assert state(kb) == before


def test_bad_requests_say_what_is_wrong(client, kb):
    before = state(kb)
    assert_refused(client.post("/api/reports", data={"id": "x"}, headers=AUTH), 400, "multipart field 'file'")
    assert_refused(client.post("/api/reports", data=upload(WS88, "/"), headers=AUTH), 400, "file name")
    assert_refused(client.post("/api/reports", data=upload(WS88, id="../etc"), headers=AUTH), 400, "an id is")
    assert_refused(client.get("/api/reports?page=0"), 400, "page starts at 1")
    assert_refused(client.get("/api/reports?per_page=x"), 400, "whole numbers")
    assert state(kb) == before


def test_unknown_ids_are_404(client, kb):
    before = state(kb)
    assert_refused(client.put("/api/reports/nope", data=upload(WS88), headers=AUTH), 404, "POST /api/reports")
    assert_refused(client.delete("/api/reports/nope", headers=AUTH), 404, "no report 'nope'")
    assert_refused(client.get("/api/reports/nope"), 404, "no report 'nope'")
    assert state(kb) == before


def test_an_id_clash_is_409_and_the_same_file_again_changes_nothing(client, kb):
    before = state(kb)
    assert_refused(client.post("/api/reports", data=upload(WS88, id=SAMPLE_ID), headers=AUTH), 409, "PUT /api/reports")
    again = client.post("/api/reports", data=upload(SAMPLE), headers=AUTH)
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    assert state(kb) == before


# -- the round trip ------------------------------------------------------------------

def test_add_list_replace_and_remove_a_report(client, kb):
    before = state(kb)
    added = client.post("/api/reports", data=upload(WS88), headers=AUTH)
    assert added.status_code == 201 and added.headers["Location"].endswith("/report/report-2012-ws88")
    summary = added.get_json()
    assert summary["id"] == "report-2012-ws88" and summary["status"] == "ingested"
    assert summary["kind"] == "report" and summary["passages"] > 0 and summary["triples"] > 100
    assert "workshop report" in summary["summary"] and summary["sessions"][0]["iri"].endswith("/workshop/2012-88")
    assert client.get(added.headers["Location"]).status_code == 200

    listing = client.get("/api/reports").get_json()
    assert listing["total"] == 2 and [r["id"] for r in listing["reports"]] == [SAMPLE_ID, "report-2012-ws88"]
    row = listing["reports"][1]
    assert row["kind"] == "report" and row["sessions"] and row["passages"] == summary["passages"]
    page = client.get("/api/reports?per_page=1&page=2").get_json()
    assert page["pages"] == 2 and [r["id"] for r in page["reports"]] == ["report-2012-ws88"]

    replaced = client.put("/api/reports/report-2012-ws88", data=upload(DEV / "open-forum-2013.txt"), headers=AUTH)
    assert replaced.status_code == 200 and replaced.get_json()["status"] == "replaced"
    assert client.get("/api/reports/report-2012-ws88").get_json()["source"] == "open-forum-2013.txt"

    removed = client.delete("/api/reports/report-2012-ws88", headers=AUTH)
    assert removed.status_code == 200 and removed.get_json()["triples"] > 0
    assert state(kb) == before


# -- the upload page -------------------------------------------------------------------

def test_upload_page_needs_the_token_kept_in_a_strict_http_only_cookie(app, kb):
    client = app.test_client()
    before = state(kb)
    page = client.get("/upload").get_data(as_text=True)
    assert 'id="sign-in"' in page and 'type="password"' in page and 'id="upload"' not in page
    refused = client.post("/upload", data=upload(WS88))
    assert refused.status_code == 401 and "sign in" in refused.get_data(as_text=True)
    wrong = client.post("/upload/sign-in", data={"token": "nope"})
    assert wrong.status_code == 403 and "wrong token" in wrong.get_data(as_text=True)
    assert state(kb) == before

    signed = client.post("/upload/sign-in", data={"token": TOKEN})
    assert signed.status_code == 303 and TOKEN not in signed.headers["Location"]
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    assert 'id="upload"' in client.get("/upload").get_data(as_text=True)

    done = client.post("/upload", data=upload(WS88))
    html = done.get_data(as_text=True)
    assert done.status_code == 201 and 'href="/report/report-2012-ws88"' in html and "workshop report" in html
    clash = client.post("/upload", data=upload(WS88, "other-name.txt", id="report-2012-ws88"))
    assert clash.status_code == 409 and "already exists" in clash.get_data(as_text=True)
    assert client.post("/upload", data=upload(WS88, replace="1")).status_code == 200
    client.post("/upload/sign-out")
    assert client.post("/upload", data=upload(WS88)).status_code == 401
    kb.remove("report-2012-ws88")
    assert state(kb) == before


def test_a_big_sign_in_is_refused_before_it_is_read(app):
    response = app.test_client().post("/upload/sign-in", data={"token": "x" * 10_000})
    assert response.status_code == 413


# -- on a real server: before the body, and visible at once to search, ask and SPARQL -----

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """As `igfkg serve` runs: waitress, queries in worker processes."""
    knowledge_base = KnowledgeBase(load_config(tmp_path_factory.mktemp("served") / "kb"))
    knowledge_base.ingest_file(SAMPLE)
    application = create_app(knowledge_base, token=TOKEN, max_body_bytes=BODY_LIMIT, isolate_queries=True)
    httpd, url = serve_app(application)
    yield url, knowledge_base
    httpd.close()
    application.config["QUERY_POOL"].close()
    knowledge_base.query_runner = None
    knowledge_base.close()


@pytest.mark.parametrize("headers", [b"", b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"])
def test_a_big_upload_is_refused_before_its_body_is_sent(served, headers):
    url, _kb = served
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /api/reports HTTP/1.1\r\nHost: x\r\n" + headers +
                     b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 10000000\r\n\r\n")
        start = time.monotonic()
        answer = sock.recv(4096)
        assert time.monotonic() - start < 5
    assert int(answer.split(b" ", 2)[1]) == 413


def test_an_uploaded_report_is_searchable_and_askable_at_once(served):
    url, _kb = served
    question = {"q": "Who moderated workshop 88?"}
    assert "Mäkelä" not in requests.get(url + "/api/ask", params=question, timeout=60).json()["answer"]
    with WS88.open("rb") as handle:
        added = requests.post(url + "/api/reports", files={"file": (WS88.name, handle)}, headers=AUTH, timeout=60)
    assert added.status_code == 201
    hits = requests.get(url + "/api/search", params={"q": "community networks spectrum sharing"}, timeout=60).json()
    assert hits["results"][0]["report"] == "report-2012-ws88"
    answer = requests.get(url + "/api/ask", params=question, timeout=60).json()
    assert "Mäkelä" in answer["answer"]
    sparql = requests.get(url + "/sparql", params={"query": "ASK { <https://w3id.org/igfkg/id/workshop/2012-88> ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    assert sparql["boolean"] is True
    assert requests.delete(url + "/api/reports/report-2012-ws88", headers=AUTH, timeout=60).status_code == 200
    assert "Mäkelä" not in requests.get(url + "/api/ask", params=question, timeout=60).json()["answer"]


# -- igfkg ingest --server ----------------------------------------------------------------

def test_ingest_server_sends_files_with_the_token(served, tmp_path):
    url, kb = served
    runner = CliRunner()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(main, ["ingest", "--server", url, str(WS88), str(empty)], env={"IGFKG_TOKEN": TOKEN})
    assert result.exit_code == 1
    assert "ingested report-2012-ws88 (workshop report" in result.output
    assert "error: " in result.output and "empty.txt: file is empty" in result.output
    again = runner.invoke(main, ["ingest", "--server", url, str(WS88)], env={"IGFKG_TOKEN": TOKEN})
    assert again.exit_code == 0 and "unchanged report-2012-ws88" in again.output
    other = tmp_path / "other.txt"
    other.write_bytes(WS88.read_bytes())
    clash = runner.invoke(main, ["ingest", "--server", url, "--id", "report-2012-ws88", str(other)],
                          env={"IGFKG_TOKEN": TOKEN})  # --id replaces, as on disk
    assert clash.exit_code == 0 and "replaced report-2012-ws88" in clash.output
    refused = runner.invoke(main, ["ingest", "--server", url, str(WS88)], env={"IGFKG_TOKEN": TOKEN})
    assert refused.exit_code == 1 and "already exists" in refused.output and "--replace" in refused.output
    replaced = runner.invoke(main, ["ingest", "--server", url, "--replace", str(WS88)], env={"IGFKG_TOKEN": TOKEN})
    assert replaced.exit_code == 0 and "replaced report-2012-ws88" in replaced.output
    wrong = runner.invoke(main, ["ingest", "--server", url, str(WS88)], env={"IGFKG_TOKEN": "nope"})
    assert wrong.exit_code == 1 and "wrong token" in wrong.output
    unset = runner.invoke(main, ["ingest", "--server", url, str(WS88)], env={"IGFKG_TOKEN": ""})
    assert unset.exit_code != 0 and "IGFKG_TOKEN" in unset.output
    down = runner.invoke(main, ["ingest", "--server", "http://127.0.0.1:9", str(WS88)], env={"IGFKG_TOKEN": TOKEN})
    assert down.exit_code != 0 and "cannot reach" in down.output
    kb.remove("report-2012-ws88")
