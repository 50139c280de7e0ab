"""Rough edges a newcomer meets: hints that run as written, configuration
errors in one line."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

IGFKG = str(Path(sys.executable).with_name("igfkg"))


def _run(args: list[str], home: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([IGFKG, "--home", str(home), *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env})


def test_the_reindex_hint_of_an_index_mismatch_runs_as_written(tmp_path):
    home = tmp_path / "kb"
    note = tmp_path / "note.txt"
    note.write_text("A short plain note about open data in cities, to have one passage.\n", encoding="utf-8")
    assert _run(["ingest", str(note)], home).returncode == 0
    mismatch = _run(["--embeddings", "e5", "search", "open data"], home)
    assert mismatch.returncode == 1
    hint = re.search(r"rebuild it with '(igfkg [^']+)'", mismatch.stderr)
    assert hint, mismatch.stderr
    args = shlex.split(hint.group(1))[1:]
    fixed = _run(args, home)
    assert fixed.returncode == 0, fixed.stderr
    assert _run(["--embeddings", "e5", "search", "open data"], home).returncode == 0


def test_a_bad_configuration_value_is_one_line_not_a_traceback(tmp_path):
    for name, value in (("IGFKG_MAX_FILE_MB", "abc"), ("IGFKG_MAX_FILE_MB", "-3"),
                        ("IGFKG_APPROXIMATE_THRESHOLD", "many")):
        done = _run(["reports"], tmp_path / "kb", **{name: value})
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines() == [f"Error: {name} must be "
                                                   f"{'a whole number' if 'THRESHOLD' in name else 'a number'} "
                                                   f"above 0, not {value!r}"]


def test_a_read_command_on_a_missing_knowledge_base_says_how_to_create_one(tmp_path):
    home = tmp_path / "typo"
    for command in (["reports"], ["search", "open data"], ["ask", "Who moderated?"], ["sparql", "ASK {}"]):
        done = _run(command, home)
        assert done.returncode == 1
        assert done.stderr.strip() == (f"Error: no knowledge base in {home}; create one with "
                                       f"'igfkg --home {home} ingest FILE_OR_FOLDER'")
    assert not home.exists()  # nothing was created


def test_a_lost_index_is_named_with_the_command_that_rebuilds_it(tmp_path):
    import shutil

    home = tmp_path / "kb"
    note = tmp_path / "note.txt"
    note.write_text("A short plain note about open data in cities, to have one passage.\n", encoding="utf-8")
    assert _run(["ingest", str(note)], home).returncode == 0
    shutil.rmtree(home / "index")
    lost = _run(["search", "open data"], home)
    assert lost.returncode == 1
    hint = re.search(r"rebuild it with '(igfkg [^']+)'", lost.stderr)
    assert hint and "lacks 1 report(s) the graph holds (note)" in lost.stderr, lost.stderr
    assert _run(shlex.split(hint.group(1))[1:], home).returncode == 0
    assert "note" in _run(["search", "open data"], home).stdout


def test_every_negotiated_response_varies_on_accept(sample_kb):
    from igfkg.web import create_app

    client = create_app(sample_kb).test_client()
    for path in ("/", "/search?q=soft+law", "/ask?q=Who+moderated%3F", "/report/igf2013-workshop-41",
                 "/sparql?query=ASK%20%7B%7D", "/api/search?q=soft+law", "/participation", "/.well-known/void"):
        response = client.get(path)
        assert response.status_code < 500, path
        assert "Accept" in response.headers.get("Vary", ""), path


def test_the_row_limit_message_names_what_was_counted_and_the_limit(sample_kb):
    from igfkg.web import create_app

    client = create_app(sample_kb, row_limit=5).test_client()
    rows = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"})
    assert rows.status_code == 400 and "more than 5 rows (this service's --row-limit); add a LIMIT of 5 or less" \
        in rows.get_data(as_text=True)
    triples = client.get("/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
                         headers={"Accept": "text/turtle"})
    assert triples.status_code == 400 and "more than 5 triples" in triples.get_data(as_text=True)


def test_the_editor_starts_with_every_predeclared_prefix_and_runs_as_shown(sample_kb):
    from igfkg.ontology import PREFIXES
    from igfkg.web import create_app
    from igfkg.web.pages import DEFAULT_QUERY

    client = create_app(sample_kb).test_client()
    page = client.get("/sparql-editor?format=json").get_json()
    assert page["query"] == DEFAULT_QUERY
    assert all(f"PREFIX {name}: <{iri}>" in DEFAULT_QUERY for name, iri in PREFIXES.items())
    ran = client.get("/sparql-editor", query_string={"query": DEFAULT_QUERY, "format": "json"}).get_json()
    assert ran["error"] is None and ran["table"]["rows"]


def test_models_load_quietly_off_a_terminal(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A short plain note about open data in cities, to have one passage.\n", encoding="utf-8")
    done = _run(["--embeddings", "minilm", "ingest", str(note)], tmp_path / "kb")
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "it/s" not in done.stderr and "Loading" not in done.stderr
    assert done.stderr.strip().startswith("warning:")  # only the plain-document warning


def test_output_lines_never_share_a_line_with_the_progress_bar(tmp_path):
    """On a terminal the bar is cleared before a line is printed."""
    import pty

    home = tmp_path / "kb"
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(3):
        (folder / f"note-{i}.txt").write_text(f"Plain note number {i} about open data.\n", encoding="utf-8")
    main, child = pty.openpty()
    process = subprocess.Popen([IGFKG, "--home", str(home), "ingest", "--jobs", "1", str(folder)],
                               stdin=child, stdout=child, stderr=child, env={**os.environ, "COLUMNS": "120"})
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    screen = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")  # the terminal's line ends
    assert process.returncode == 0
    # what a terminal shows: each line after its last carriage return
    shown = [line.rsplit("\r", 1)[-1] for line in screen.split("\n")]
    ingested = [line for line in shown if "ingested note-" in line]
    assert len(ingested) == 3 and all(line.lstrip("\x1b[A2K ").startswith("ingested note-") for line in ingested)
