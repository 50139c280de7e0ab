"""`igfkg serve --workers N` (issue 12): several processes answer on one port,
writes go to the one writer. A real server on a free port: reads are answered
by both processes, a write sent to a reader's connection is passed to the
writer and then seen by every process, refusals stay 4xx, the upload page's
sign-in holds in every process, and SIGTERM or SIGINT stops every process."""
import os
import shutil
import signal
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from conftest import ROOT, SAMPLE
from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web.local import serve_process
from igfkg.workers import WORKER_HEADER

TOKEN = "workers-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WS88 = ROOT / "tests" / "fixtures" / "documents" / "dev" / "report-2012-ws88.txt"
SEARCH = "/api/search?k=3&q=" + quote("community networks spectrum sharing rural")


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> tuple[Path, Path]:
    """Two data directories holding the sample: one for the shared server, one for the servers of one test."""
    home = tmp_path_factory.mktemp("workers") / "kb"
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(SAMPLE)
    spare = home.with_name("spare")
    shutil.copytree(home, spare)
    return home, spare


@pytest.fixture(scope="module")
def home(homes) -> Path:
    return homes[0]


@pytest.fixture(scope="module")
def spare(homes) -> Path:
    return homes[1]


@pytest.fixture(scope="module")
def server(home):
    with serve_process(home, "--workers", "2", "--token", TOKEN, "--max-queries", "2") as base:
        yield base


def by_worker(base: str, path: str, method: str = "GET", tries: int = 200, **kwargs) -> dict[str, requests.Response]:
    """One answer per process: the request sent on fresh connections (the
    kernel spreads them over the processes) until two processes answered."""
    answers = {}
    for _ in range(tries):
        response = requests.request(method, base + path, timeout=30, **kwargs)
        answers.setdefault(response.headers[WORKER_HEADER], response)
        if len(answers) == 2:
            return answers
    raise AssertionError(f"only {sorted(answers)} answered {path} in {tries} connections")


def reader_session(server) -> requests.Session:
    """A kept-alive connection that a reader (not the writer) accepted."""
    for _ in range(100):
        session = requests.Session()
        if session.get(server + "/api/openapi.json", timeout=30).headers[WORKER_HEADER] != str(server.process.pid):
            return session
        session.close()
    raise AssertionError("no connection reached a reader")


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(parent_of(int(stat.parent.name)), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its exit status is left


def assert_all_stop(server, sig: int) -> None:
    family = {server.process.pid} | descendants(server.process.pid)
    assert len(family) >= 2
    server.process.send_signal(sig)
    assert server.process.wait(30) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in family if alive(pid)], "processes left running after the server stopped"


def test_reads_are_answered_by_both_processes(server):
    answers = by_worker(server, SEARCH)
    writer = str(server.process.pid)
    assert writer in answers
    reader = next(pid for pid in answers if pid != writer)
    assert parent_of(int(reader)) == server.process.pid
    assert all(r.status_code == 200 for r in answers.values())
    assert answers[writer].json() == answers[reader].json()  # the same data, read from a checkpoint
    asked = by_worker(server, "/api/ask?q=" + quote("Who moderated the workshop?"))
    assert {r.status_code for r in asked.values()} == {200}
    assert len({r.json()["answer"] for r in asked.values()}) == 1


def test_a_write_through_a_reader_is_seen_by_every_process(server):
    writer = str(server.process.pid)
    session = reader_session(server)
    response = session.post(server + "/api/reports", headers=AUTH, timeout=120,
                            files={"file": (WS88.name, WS88.read_bytes())})
    assert response.status_code == 201, response.text
    assert response.headers[WORKER_HEADER] == writer  # the writer's answer, passed on unchanged
    assert response.headers["Location"] == "/report/report-2012-ws88"
    assert session.get(server + "/api/openapi.json", timeout=30).headers[WORKER_HEADER] != writer  # same connection
    for answer in by_worker(server, SEARCH).values():
        assert answer.json()["results"][0]["report"] == "report-2012-ws88"
    iri = response.json()["iri"]
    for answer in by_worker(server, "/sparql?query=" + quote(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"),
                            headers={"Accept": "application/sparql-results+json"}).values():
        assert answer.json()["boolean"] is True
    for answer in by_worker(server, "/api/reports/report-2012-ws88").values():
        assert answer.status_code == 200 and answer.json()["passages"] > 0


def test_a_sparql_update_through_a_reader_is_seen_by_every_process(server):
    session = reader_session(server)
    response = session.post(server + "/sparql", headers=AUTH, timeout=30,
                            data={"update": 'INSERT DATA { <urn:x:w> <urn:x:said> "both workers" }'})
    assert response.status_code == 204, response.text
    for answer in by_worker(server, "/sparql", "POST", headers={"Accept": "application/sparql-results+json"},
                            data={"query": 'ASK { <urn:x:w> <urn:x:said> "both workers" }'}).values():
        assert answer.json()["boolean"] is True  # a query sent by POST is answered where it arrives


def test_bad_requests_are_still_4xx_on_every_process(server):
    for answer in by_worker(server, "/api/search?q=").values():
        assert answer.status_code == 400 and "empty" in answer.json()["error"]
    for answer in by_worker(server, "/sparql", "POST", data={"query": "SELECT WHERE {"}).values():
        assert answer.status_code == 400
    session = reader_session(server)
    response = session.post(server + "/api/reports", files={"file": (WS88.name, WS88.read_bytes())}, timeout=30)
    assert response.status_code == 401 and "Bearer" in response.json()["error"]
    response = session.post(server + "/update", data={"update": "CLEAR DEFAULT"}, timeout=30,
                            headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 403


def test_the_upload_sign_in_holds_in_every_process(server):
    session = requests.Session()
    response = session.post(server + "/upload/sign-in", data={"token": TOKEN}, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    cookies = session.cookies.get_dict()
    for answer in by_worker(server, "/upload?format=json", cookies=cookies).values():
        assert answer.json()["signed_in"] is True


def test_sigterm_stops_every_process(server, home):
    assert_all_stop(server, signal.SIGTERM)
    assert not (home / "serve").exists()  # the readers' checkpoints went with them


def test_sigint_stops_every_process(spare):
    with serve_process(spare, "--workers", "2", "--max-queries", "1") as base:
        by_worker(base, "/api/openapi.json")
        assert_all_stop(base, signal.SIGINT)


def test_one_worker_is_one_process_on_one_thread(spare):
    from igfkg.config import one_thread_environment

    with serve_process(spare, "--workers", "1", "--max-queries", "1") as base:
        response = requests.get(base + SEARCH, timeout=30)
        assert response.status_code == 200 and WORKER_HEADER not in response.headers
        children = [pid for pid in descendants(base.process.pid) if alive(pid)]
        assert not any("igfkg.workers" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
                       for pid in children)
        # --workers 1 uses one core, as each of N workers does: the environment
        # was limited before the server started its query processes, which inherit it.
        environments = [set(Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0"))
                        for pid in children]
        assert environments
        wanted = {f"{name}={value}" for name, value in one_thread_environment().items()}
        assert all(wanted <= environment for environment in environments)


def test_the_writer_refuses_a_port_another_program_holds(spare):
    import socket
    import subprocess
    import sys

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        igfkg = str(Path(sys.executable).with_name("igfkg"))
        result = subprocess.run([igfkg, "--home", str(spare), "serve", "--port", str(port), "--workers", "2",
                                 "--max-queries", "1"], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "IGFKG_TOKEN": ""})
    assert result.returncode != 0 and "in use" in result.stderr.lower()
