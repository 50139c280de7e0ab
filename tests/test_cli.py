"""The igfkg command line, including every kind of bad input."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from igfkg.cli import main
from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from conftest import REPORTS, SAMPLE, SAMPLE_ID, rows, snapshot

IGFKG = str(Path(sys.executable).with_name("igfkg"))


def run(home, *args, env=None):
    """Run the real console script."""
    return subprocess.run([IGFKG, "--home", str(home), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def invoke(home, *args, env=None):
    return CliRunner().invoke(main, ["--home", str(home), *args], env=env, catch_exceptions=False)


def store_state(home):
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        return snapshot(kb)


@pytest.fixture
def sample_home(home):
    assert invoke(home, "ingest", str(SAMPLE)).exit_code == 0
    return home


def test_end_to_end_with_the_console_script(home, tmp_path):
    result = run(home, "ingest", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    assert f"ingested {SAMPLE_ID} (workshop report, 49 passages" in result.stdout
    result = run(home, "sparql", "SELECT ?n WHERE { ?w igf:moderator/schema:name ?n }", "--format", "csv")
    assert result.stdout.splitlines() == ["n", "Anriette Esterhuysen"]
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?w igf:reporter ?p }")
    result = run(home, "sparql", str(query), "--format", "json")
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "2"
    out = tmp_path / "kb.trig"
    result = run(home, "export", "--format", "trig", "-o", str(out))
    assert result.returncode == 0 and out.stat().st_size > 10000
    result = run(home, "reports", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == [SAMPLE_ID]
    result = run(home, "remove", SAMPLE_ID)
    assert result.returncode == 0 and "removed igf2013-workshop-41" in result.stdout
    assert json.loads(run(home, "reports", "--json").stdout) == []


def test_every_command_has_help(home):
    for command in ([], ["ingest"], ["remove"], ["reports"], ["sparql"], ["export"]):
        result = invoke(home, *command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_sparql_table_construct_and_errors(sample_home):
    result = invoke(sample_home, "sparql", "SELECT ?n WHERE { ?w igf:reporter/schema:name ?n } ORDER BY ?n")
    assert result.output.splitlines()[2:] == ["Carlos Affonso Pereira de Souza", "Sarah Kiden", "(2 rows)"]
    result = invoke(sample_home, "sparql", "CONSTRUCT { ?w schema:name ?n } WHERE { ?w a igf:Workshop ; schema:name ?n }")
    assert "Developing and effectively using Multistakeholder Principles" in result.output
    before = store_state(sample_home)
    result = invoke(sample_home, "sparql", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 1 and "SPARQL syntax error" in result.output
    result = invoke(sample_home, "sparql", "DELETE WHERE { ?s ?p ?o }")
    assert result.exit_code == 1 and "SPARQL syntax error" in result.output
    assert store_state(sample_home) == before
    result = invoke(sample_home, "sparql", "ASK { ?s ?p ?o }", "--format", "ttl")
    assert result.exit_code == 2 and "is for CONSTRUCT" in result.output
    # A one-line query longer than a file name may be is the query, not a missing file.
    long_query = "ASK { ?w igf:reporter ?r " + "FILTER(true) " * 30 + "}"
    result = invoke(sample_home, "sparql", long_query, "--format", "json")
    assert result.exit_code == 0 and '"boolean": true' in result.output.replace('":true', '": true')


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "file is empty"),
    ("blank.txt", b"\n\n   \n", "file is empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    ("random.bin", bytes(range(256)) * 8, "binary"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj\n", "PDF"),
])
def test_unreadable_file_is_refused_and_store_unchanged(sample_home, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    before = store_state(sample_home)
    result = run(sample_home, "ingest", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: {path}: " + _reason_line(result, reason)
    assert store_state(sample_home) == before


def _reason_line(result, fragment):
    line = result.stderr.strip().splitlines()[-1]
    assert fragment in line
    return line.split(": ", 2)[2]


def test_missing_path(sample_home, tmp_path):
    before = store_state(sample_home)
    result = invoke(sample_home, "ingest", str(tmp_path / "nowhere.txt"))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nowhere.txt'}: no such file or folder" in result.output
    assert store_state(sample_home) == before


def test_huge_file_is_refused(sample_home, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(SAMPLE.read_bytes() * 80)  # about 1.2 MB
    before = store_state(sample_home)
    result = run(sample_home, "ingest", str(path), env={"IGFKG_MAX_FILE_MB": "1"})
    assert result.returncode == 1 and "file is too large (1.1 MiB; the limit is 1.0 MiB)" in result.stderr
    assert store_state(sample_home) == before


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_other_encodings_give_the_same_graph(sample_home, tmp_path, encoding):
    path = tmp_path / f"copy-{encoding}.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
    result = invoke(sample_home, "ingest", str(path))
    assert result.exit_code == 0
    with KnowledgeBase(load_config(sample_home), read_only=True) as kb:
        texts = rows(kb, "SELECT ?id ?t WHERE { ?r igf:reportId ?id ; nif:isString ?t }")
        by_id = {r["id"]: r["t"] for r in texts}
        assert by_id[f"copy-{encoding}"] == by_id[SAMPLE_ID]
        passages = {
            r["id"]: sorted((int(r["s"]), int(r["e"]), r["l"]) for r in rows(kb, f"""
                SELECT ?s ?e ?l WHERE {{ ?r igf:reportId "{r['id']}" . ?p nif:referenceContext ?r ;
                nif:beginIndex ?s ; nif:endIndex ?e ; dcterms:language ?l }}"""))
            for r in texts}
        assert passages[f"copy-{encoding}"] == passages[SAMPLE_ID]


def test_latin1_report_reads_accents(home, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes((REPORTS / "igf2016-taller-42-rural.txt").read_text(encoding="utf-8").encode("latin-1"))
    assert invoke(home, "ingest", str(path)).exit_code == 0
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        names = rows(kb, "SELECT ?n ?enc WHERE { ?w igf:moderator/schema:name ?n . ?r igf:encoding ?enc }")
    assert names == [{"n": "Ana Echániz", "enc": "windows-1252"}]


def test_text_that_is_not_a_report_is_kept_with_a_warning(home):
    result = run(home, "ingest", str(REPORTS / "not-a-report-meeting-notes.txt"))
    assert result.returncode == 0
    assert "not recognised as an IGF session document" in result.stderr
    assert "(plain document," in result.stdout


def test_folder_with_one_bad_file_among_good_ones(home, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("igf2014-ws173-cloud-privacy.txt", "igf2015-ws88-idn.txt"):
        (folder / name).write_bytes((REPORTS / name).read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    result = run(home, "ingest", str(folder))
    assert result.returncode == 1
    assert f"error: {folder / 'broken.txt'}: file looks binary" in result.stderr
    assert result.stdout.count("ingested ") == 2
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        assert kb.report_ids() == ["igf2014-ws173-cloud-privacy", "igf2015-ws88-idn"]


def test_remove_unknown_report_suggests_close_ids(sample_home):
    result = invoke(sample_home, "remove", "igf2013-workshop-14")
    assert result.exit_code == 1
    assert "no report 'igf2013-workshop-14' in the knowledge base; did you mean igf2013-workshop-41?" in result.output


def test_export_to_stdout_and_one_report(sample_home):
    result = invoke(sample_home, "export", "--format", "nt", "--report", SAMPLE_ID)
    assert result.exit_code == 0 and "<https://w3id.org/igfkg/id/person/sarah-kiden>" in result.output
    result = invoke(sample_home, "export", "--report", "nope")
    assert result.exit_code == 1 and "no report 'nope'" in result.output


def test_files_whose_names_differ_keep_their_own_reports(home, tmp_path):
    """Issue 11, finding 3: "a b.txt" replaced "a-b.txt", "中文.txt" replaced "日本.txt"."""
    folder = tmp_path / "names"
    folder.mkdir()
    for name in ("a b.txt", "a-b.txt", "中文.txt", "日本.txt"):
        (folder / name).write_text(f"Meeting notes from {name}.\n\nWe spoke about access.\n", encoding="utf-8")
    result = invoke(home, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "replace" not in result.output
    ids = [r["id"] for r in json.loads(invoke(home, "reports", "--json").output)]
    assert sorted(ids) == ["a-b", "a_b", "riben", "zhongwen"]


def test_another_file_for_a_taken_id_is_refused_with_exit_1(home, tmp_path):
    one, two = tmp_path / "one" / "Notes.txt", tmp_path / "two" / "notes.txt"
    for path, words in ((one, "first"), (two, "second")):
        path.parent.mkdir()
        path.write_text(f"Meeting notes, the {words} file.\n", encoding="utf-8")
    assert invoke(home, "ingest", str(one)).exit_code == 0
    result = run(home, "ingest", str(two))
    assert result.returncode == 1
    assert "report 'notes' already exists (read from Notes.txt); use --replace" in result.stderr
    assert run(home, "ingest", str(one)).returncode == 0  # the same file: replaced silently
    assert invoke(home, "ingest", "--replace", str(two)).exit_code == 0
    assert invoke(home, "ingest", "--id", "notes", str(one)).exit_code == 0
    ids = [r["id"] for r in json.loads(invoke(home, "reports", "--json").output)]
    assert ids == ["notes"]


def test_sparql_command_makes_no_outbound_request(sample_home):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = invoke(sample_home, "sparql", query)
    assert result.exit_code == 1
    assert "SERVICE <http://127.0.0.1:9/sparql> is not allowed" in result.output
    result = invoke(sample_home, "sparql", "--allow-service", "127.0.0.1", query)
    assert "--allow-service" not in result.output and "query failed" in result.output  # let through
