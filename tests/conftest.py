from __future__ import annotations

from pathlib import Path

import pytest

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "igf2013-workshop-41.txt"
REPORTS = ROOT / "tests" / "data" / "reports"
SAMPLE_ID = "igf2013-workshop-41"


def rows(kb: KnowledgeBase, query: str) -> list[dict]:
    """SELECT results as dicts of plain values (IRIs and lexical forms)."""
    result = kb.query(query)
    names = [v.value for v in result.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in result]


def serve_app(app, threads: int = 4, port: int = 0):
    """A real HTTP server (waitress, as `igfkg serve`) for ``app`` in a thread:
    (server, base URL). Bodies above the app's limit are refused before they are read."""
    import threading

    import waitress

    httpd = waitress.create_server(app, host="127.0.0.1", port=port, threads=threads,
                                   max_request_body_size=app.config.get("MAX_CONTENT_LENGTH") or 1 << 30)

    def run():
        try:
            httpd.run()
        except OSError:
            # close() from the test's thread can pull the socket from under
            # the loop's select (EBADF): that is the server stopping.
            if httpd.accepting:
                raise

    threading.Thread(target=run, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.effective_port}"


def snapshot(kb: KnowledgeBase) -> set[str]:
    return {str(q) for q in kb.quads()}


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "kb"


@pytest.fixture
def kb(home):
    with KnowledgeBase(load_config(home)) as knowledge_base:
        yield knowledge_base


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory):
    """The sample and the team's other reports, ingested once for read-only tests."""
    with KnowledgeBase(load_config(tmp_path_factory.mktemp("sample") / "kb")) as knowledge_base:
        knowledge_base.ingest_file(SAMPLE)
        for path in sorted(REPORTS.glob("*.txt")):
            knowledge_base.ingest_file(path)
        yield knowledge_base
