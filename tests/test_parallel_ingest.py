"""`igfkg ingest --jobs N`, incremental and resumable (issue 12): parallel
and serial ingest give the same graph and index; an unchanged file is
skipped, a changed one (or a new extractor version, or --force) read again;
a run killed midway and started again ends where one uninterrupted run does."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import REPORTS
from igfkg.cli import main
from igfkg.config import load_config
from igfkg.kb import KnowledgeBase

IGFKG = str(Path(sys.executable).with_name("igfkg"))
DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([IGFKG, "--home", str(home), *args], capture_output=True, text=True, timeout=600)


def invoke(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)


def contents(home: Path) -> tuple[list[str], list[tuple], dict]:
    """(the graph as sorted N-Quads lines, the index rows without their ids,
    the vector of each passage by (report, start, section))."""
    import faiss

    with KnowledgeBase(load_config(home), read_only=True) as kb:
        assert not kb.intent_path.exists() and not kb.pending_path.exists()
        quads = sorted(kb.export(__import__("igfkg.formats", fromlist=["rdf_format"]).rdf_format("nq"))
                       .decode("utf-8").splitlines())
        rows = kb.index.db.execute('SELECT id, report, section, start, "end", lang, year, text, kind, speaker '
                                   'FROM passages').fetchall()
        kb.index._load()
        exact = kb.index._exact
        ids = faiss.vector_to_array(exact.id_map).astype(np.int64)
        vectors = dict(zip(ids.tolist(), exact.index.reconstruct_n(0, exact.ntotal)))
    assert sorted(vectors) == sorted(r[0] for r in rows)  # one vector per passage, none else
    by_passage = {(r[1], r[3], r[2]): vectors[r[0]] for r in rows}
    return quads, sorted(r[1:] for r in rows), by_passage


def same(a, b) -> None:
    assert a[0] == b[0]
    assert a[1] == b[1]
    assert a[2].keys() == b[2].keys()
    for key, vector in a[2].items():
        np.testing.assert_allclose(vector, b[2][key], atol=1e-5)


# ---------------------------------------------------------------- parallel = serial

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The dev documents and one workshop told by four documents (its
    people and session merge across files, so the order of writes matters)."""
    folder = tmp_path_factory.mktemp("documents")
    for source in sorted((DOCUMENTS / "dev").glob("*.txt")) + sorted((DOCUMENTS / "merge").glob("*.txt")):
        shutil.copy(source, folder)
    return folder


@pytest.fixture(scope="module")
def serial(folder, tmp_path_factory):
    home = tmp_path_factory.mktemp("serial") / "kb"
    result = run(home, "ingest", "--jobs", "1", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    return result, contents(home)


@pytest.mark.slow  # two ingests of 25 documents
def test_two_jobs_give_the_same_graph_and_index_as_one(folder, serial, tmp_path):
    result = run(tmp_path / "kb", "ingest", "--jobs", "2", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == serial[0].stdout  # the same lines, in the order of the files
    same(contents(tmp_path / "kb"), serial[1])


def test_held_back_graphs_give_the_graph_of_documents_written_one_by_one(folder, serial, tmp_path):
    """A batch holds new report graphs back and writes them in bulk
    (igfkg/unwritten.py); each document ingested on its own is written at
    once. The merged workshop's documents look each other up (its session,
    its people), so a lookup that missed a held-back graph would show here."""
    home = tmp_path / "kb"
    with KnowledgeBase(load_config(home)) as kb:
        for path in sorted(folder.iterdir()):
            kb.ingest_file(path)
            assert not kb.has_unwritten
    same(contents(home), serial[1])


SAME_PEOPLE_ELSEWHERE = {
    # another workshop, a year later: its people spelled without the accents the first document gives
    "b-igf2016-ws12.txt": "Workshop 12: Domain names for everyone\n\nInternet Governance Forum 2016, Guadalajara, "
                          "Mexico\n7 December 2016\n\nModerator\nPatrik Faltstrom (Netnod)\n\nSpeakers\n"
                          "Anne-Rachel Inne, AfriNIC\nRam Mohan, Afilias\n\nSummary\nThe session looked at how "
                          "registries in Asia and Latin America accept domain names in local scripts.\n",
    # the same workshop under another title (the number ties it), its moderator misspelled: only the
    # session's people from the first document tell who that is
    "c-igf2015-ws88-notes.txt": "Workshop 88: Universal acceptance, notes\n\nInternet Governance Forum 2015, "
                                "João Pessoa, Brazil\n10 November 2015\n\nModerator\nPatrick Faltstrom\n\n"
                                "Speakers\nAnne Rachel Inne\nHong Xue\n\nSummary\nA second account of the panel "
                                "on universal acceptance of domain names.\n",
}


def test_held_back_graphs_give_the_graph_of_one_by_one_when_people_and_sessions_recur(tmp_path):
    """Documents whose people and session an earlier one named, each in the
    same batch as that one: a person's name and the session's people are
    read from the held-back graph, as they are from a written one."""
    folder = tmp_path / "recur"
    folder.mkdir()
    shutil.copy(REPORTS / "igf2015-ws88-idn.txt", folder / "a-igf2015-ws88-idn.txt")
    for name, text in SAME_PEOPLE_ELSEWHERE.items():
        (folder / name).write_text(text, encoding="utf-8")
    batch, one_by_one = tmp_path / "batch", tmp_path / "one-by-one"
    assert invoke(batch, "ingest", "-q", "--jobs", "1", str(folder)).exit_code == 0
    with KnowledgeBase(load_config(one_by_one)) as kb:
        for path in sorted(folder.iterdir()):
            kb.ingest_file(path)
    same(contents(batch), contents(one_by_one))


@pytest.mark.slow  # an ingest killed midway, then the rest
def test_a_killed_run_started_again_ends_as_one_uninterrupted_run(folder, serial, tmp_path):
    home = tmp_path / "kb"
    process = subprocess.Popen([IGFKG, "--home", str(home), "ingest", "--jobs", "2", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    done = []
    for line in process.stdout:
        done.append(line.split()[1])
        if len(done) == 5:
            os.killpg(process.pid, signal.SIGKILL)  # the parent and its workers, no clean-up
            break
    process.wait(60)
    assert process.returncode == -signal.SIGKILL
    result = run(home, "ingest", "--jobs", "2", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    total = len(list(folder.iterdir()))
    again = [line.split()[1] for line in result.stdout.splitlines()[:-1]]
    assert not set(again) & set(done)  # nothing finished is done again
    skipped = total - len(again)
    assert skipped >= len(done)
    assert result.stdout.splitlines()[-1].endswith(f"; {skipped} unchanged, skipped")
    same(contents(home), serial[1])


# ---------------------------------------------------------------- incremental

@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(REPORTS, folder)
    return folder


def test_unchanged_files_are_skipped_and_force_reads_them_again(tmp_path, reports):
    home = tmp_path / "kb"
    first = invoke(home, "ingest", "-j", "1", str(reports))
    assert first.exit_code == 0 and first.stdout.splitlines()[-1].startswith("5 documents read: ")
    before = contents(home)
    again = invoke(home, "ingest", "-j", "1", str(reports))
    assert again.exit_code == 0
    assert again.stdout.splitlines() == ["0 documents read; 5 unchanged, skipped"]
    changed = reports / "igf2015-ws88-idn.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA closing remark on universal acceptance.\n",
                       encoding="utf-8")
    third = invoke(home, "ingest", "-j", "1", str(reports))
    assert third.stdout.splitlines() == [
        f"replaced igf2015-ws88-idn (workshop report, 13 passages, {_triples(home, 'igf2015-ws88-idn')} triples) "
        f"from {changed}",
        "1 document read: 1 session report; 4 unchanged, skipped"]
    forced = invoke(home, "ingest", "-j", "1", "--force", str(reports))
    assert sum(line.startswith("replaced ") for line in forced.stdout.splitlines()) == 5
    assert forced.stdout.splitlines()[-1].startswith("5 documents read: ")
    assert contents(home)[1] != before[1]  # the changed file's passages, nothing else
    assert len(contents(home)[1]) == len(before[1]) + 1


def test_a_new_extractor_version_reads_every_file_again(tmp_path, reports, monkeypatch):
    home = tmp_path / "kb"
    assert invoke(home, "ingest", "-j", "1", str(reports / "igf2015-ws88-idn.txt")).exit_code == 0
    assert invoke(home, "ingest", "-j", "1", str(reports / "igf2015-ws88-idn.txt")).stdout == \
        "0 documents read; 1 unchanged, skipped\n"
    import igfkg.kb
    import igfkg.triples

    for module in (igfkg.kb, igfkg.triples):
        monkeypatch.setattr(module, "EXTRACTOR_VERSION", "next")
    result = invoke(home, "ingest", "-j", "1", str(reports / "igf2015-ws88-idn.txt"))
    assert result.stdout.startswith("replaced igf2015-ws88-idn (workshop report, 12 passages")
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        found = kb.query('SELECT ?v ?h WHERE { ?r igf:reportId "igf2015-ws88-idn" ; igf:extractorVersion ?v ;'
                         ' igf:contentHash ?h }')
        (row,) = list(found)
    import hashlib

    assert row["v"].value == "next"
    assert row["h"].value == hashlib.sha256((reports / "igf2015-ws88-idn.txt").read_bytes()).hexdigest()


def _triples(home: Path, report_id: str) -> int:
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        return len(kb.quads(report_id))


# ---------------------------------------------------------------- the named-entity model, where it is needed

def _records_with_ner(paths, whole: bool, monkeypatch) -> list:
    from igfkg.ingest import ner, people
    from igfkg.ingest.gate import gate
    from igfkg.ingest.kinds import read_document

    spans = ner.person_spans
    monkeypatch.setattr(people, "person_spans",
                        lambda text, a, b, lang, names=None: spans(text, a, b, lang, None if whole else names))
    return [gate(read_document(path.read_text(encoding="utf-8"), path.stem)) for path in paths]


@pytest.mark.slow  # every fixture document parsed twice
def test_the_named_entity_model_reads_only_where_a_name_can_stand_and_finds_the_same(monkeypatch):
    """ingest/ner.py gives the model windows around runs of capitalised words
    (and single words that are part of a name), not whole sections: the
    records are those the model on whole sections gives, and it reads less."""
    from igfkg.ingest import ner

    paths = sorted((DOCUMENTS / "dev").glob("*.txt")) + sorted((DOCUMENTS / "merge").glob("*.txt")) + \
        sorted(REPORTS.glob("*.txt"))
    whole = _records_with_ner(paths, True, monkeypatch)
    before = dict(ner.STATS)
    windows = _records_with_ner(paths, False, monkeypatch)
    for path, a, b in zip(paths, whole, windows):
        assert a == b, path.name
    chars, read = ner.STATS["chars"] - before["chars"], ner.STATS["chars_read"] - before["chars_read"]
    assert 0 < read < 0.8 * chars


def test_no_model_runs_on_text_where_no_name_can_stand():
    from igfkg.ingest import ner

    text = "participants discussed how community networks affect schools. it was agreed to meet again."
    calls = ner.STATS["calls"]
    assert ner.person_spans(text, 0, len(text), "en", ner.name_parts(text)) == []
    assert ner.STATS["calls"] == calls  # the model was not even asked
    named = ("Pieter van der Berg opened the session. " + "the discussion went on about spectrum, schools and "
             "rural users for a long while. " * 3 + "Then Ana Lopez closed it.")
    windows = ner.windows(named, 0, len(named), ner.name_parts(named))
    assert [named[a:b] for _, _, a, b in windows] == ["Pieter van der Berg", "Then Ana Lopez"]
    assert named[windows[1][0]:windows[1][1]] == "schools and rural users for a long while. Then Ana Lopez closed it."
    assert sum(b - a for a, b, _, _ in windows) < len(named) / 2


# ---------------------------------------------------------------- a stopped batch costs no embedding again

def test_a_batch_stopped_before_its_checkpoint_recovers_its_vectors_without_embedding(tmp_path, reports,
                                                                                    monkeypatch):
    """Killed before the FAISS files are written, a batch leaves rows without
    vectors; the next open takes them from the vector journal, not the model."""
    from igfkg import ingest_run
    from igfkg.vector_journal import FILE_NAME

    home = tmp_path / "kb"
    files = sorted(reports.glob("*.txt"))
    with KnowledgeBase(load_config(home)) as kb:
        monkeypatch.setattr(kb, "flush_batch", lambda: None)  # the run dies before any checkpoint
        monkeypatch.setattr(ingest_run.VectorJournal, "clear", lambda self: None)
        outcomes = list(ingest_run.ingest_files(kb, files, jobs=1))
        assert [o.status for o in outcomes] == ["ingested"] * len(files)
        assert kb.pending_path.exists() and (home / FILE_NAME).exists()
        kb.index._writable = False  # what this process holds in memory dies with it
        kb.index._exact = kb.index._approximate = None
    monkeypatch.undo()

    def no_model(*args, **kwargs):
        raise AssertionError("the model was asked to embed again")

    import igfkg.kb

    monkeypatch.setattr(igfkg.kb, "get_encoder", no_model)
    with KnowledgeBase(load_config(home)) as kb:  # recovers
        assert not kb.pending_path.exists() and not (home / FILE_NAME).exists()
        assert not kb.index.vector_problems()["missing"]
        passages = sum(o.result.passages for o in outcomes)
        assert kb.index.count() == passages
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    assert invoke(fresh, "ingest", "-j", "1", str(reports)).exit_code == 0
    same(contents(home), contents(fresh))


# ------------------------------------------------------------ bounded memory

def _options_number(options: Path) -> int:
    """OPTIONS-000123 -> 123: RocksDB writes a new file, numbered higher, at each open."""
    return int(options.name.split("-")[1])


def _latest_options(store: Path) -> Path:
    """The options RocksDB wrote when the store last opened."""
    return max(store.glob("OPTIONS-*"), key=_options_number)


def _open_files_setting(store: Path) -> int:
    """max_open_files in the options RocksDB wrote when the store last opened."""
    return int(next(line.split("=")[1] for line in _latest_options(store).read_text().splitlines()
                    if line.strip().startswith("max_open_files=")))


def test_the_store_a_long_ingest_reopens_keeps_few_table_files_open(tmp_path, reports):
    """reopen_store (each flush of a long ingest) opens RocksDB with a bounded
    cache of table files, and gives the process back its limit on open files."""
    import resource

    from igfkg.kb import INGEST_TABLE_FILES

    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    with KnowledgeBase(load_config(tmp_path / "kb")) as kb:
        kb.ingest_file(reports / "igf2015-ws88-idn.txt")
        triples = kb.triple_count()
        opened_with = _open_files_setting(kb.config.store_path)
        kb.reopen_store()
        open_now = len(os.listdir("/proc/self/fd"))  # the bound gives way only to the files open already
        assert INGEST_TABLE_FILES <= _open_files_setting(kb.config.store_path) <= max(INGEST_TABLE_FILES, open_now + 16)
        assert _open_files_setting(kb.config.store_path) < opened_with
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == limit
        assert kb.triple_count() == triples
        held = [open(os.devnull) for _ in range(150)]  # more files open than the bound allows for
        try:
            kb.reopen_store()
            assert INGEST_TABLE_FILES < _open_files_setting(kb.config.store_path) <= len(os.listdir("/proc/self/fd")) + 16
            kb.ingest_file(reports / "igf2016-taller-42-rural.txt")
        finally:
            for handle in held:
                handle.close()
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == limit
        assert kb.triple_count() > triples


def test_a_re_run_that_skips_every_file_still_reopens_the_store(tmp_path, reports, monkeypatch):
    """Lookups fill the store's block caches though a re-run of unchanged
    files writes nothing: the store is reopened every
    DOCUMENTS_BETWEEN_REOPENS documents as well as every FLUSH_TRIPLES."""
    from igfkg import ingest_run

    files = sorted(reports.glob("*.txt"))[:5]
    with KnowledgeBase(load_config(tmp_path / "kb")) as kb:
        assert [o.status for o in ingest_run.ingest_files(kb, files)] == ["ingested"] * 5
        triples = kb.triple_count()
        reopened, reopen = [], kb.reopen_store

        def options() -> int:
            return _options_number(_latest_options(kb.config.store_path))

        monkeypatch.setattr(kb, "reopen_store", lambda: (reopen(), reopened.append(options())))
        opened = options()
        monkeypatch.setattr(ingest_run, "DOCUMENTS_BETWEEN_REOPENS", 2)
        assert [o.status for o in ingest_run.ingest_files(kb, files)] == ["unchanged"] * 5
        assert len(reopened) == 2  # after the second and the fourth file
        assert opened < reopened[0] < reopened[1]  # RocksDB wrote its options at each open: it did open again
        assert kb.triple_count() == triples
