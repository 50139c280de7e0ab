"""Re-ingest replaces, removal cleans up, IRIs are stable, writes are atomic."""
import shutil

import pytest

from igfkg.config import ConfigError, load_config
from igfkg.ingest.reading import UnreadableReport
from igfkg.kb import KnowledgeBase, UnknownReport
from conftest import REPORTS, SAMPLE, SAMPLE_ID, rows, snapshot


def test_ingesting_twice_changes_nothing(kb):
    first = kb.ingest_file(SAMPLE)
    count, quads = kb.triple_count(), snapshot(kb)
    second = kb.ingest_file(SAMPLE)
    assert not first.replaced and second.replaced
    assert kb.triple_count() == count
    assert snapshot(kb) == quads


def test_reingesting_an_edited_file_leaves_nothing_behind(kb, tmp_path):
    path = tmp_path / "ws.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    kb.ingest_file(path)
    assert rows(kb, 'SELECT ?p WHERE { ?p schema:name "Anriette Esterhuysen" }') != []
    path.write_text(text.replace("Anriette Esterhuysen", "Jane Mbeki"), encoding="utf-8")
    kb.ingest_file(path)
    moderators = rows(kb, "SELECT DISTINCT ?n WHERE { ?w igf:moderator/schema:name ?n }")
    assert moderators == [{"n": "Jane Mbeki"}]
    assert rows(kb, 'SELECT ?p WHERE { ?p schema:name "Anriette Esterhuysen" }') == []


def test_removal_leaves_no_triple_that_mentions_the_report(kb):
    kb.ingest_file(SAMPLE)
    kb.ingest_file(REPORTS / "igf2015-ws88-idn.txt")
    before_other = snapshot_of(kb, "igf2015-ws88-idn")
    removed = kb.remove(SAMPLE_ID)
    assert removed > 500
    report = kb.iris.report(SAMPLE_ID).value
    mentions = [q for q in kb.store.quads_for_pattern(None, None, None, None) if report in str(q)]
    assert mentions == []
    assert rows(kb, "SELECT ?w WHERE { ?w igf:workshopNumber 41 }") == []
    # Shared people stay, supported by the other report: Sarah Kiden reported on both.
    assert rows(kb, 'SELECT ?p WHERE { ?p a schema:Person ; schema:name "Sarah Kiden" }') != []
    # People only the removed report named are gone from the merged graph too.
    assert rows(kb, 'SELECT ?p WHERE { ?p schema:name "Anriette Esterhuysen" }') == []
    assert snapshot_of(kb, "igf2015-ws88-idn") == before_other
    with pytest.raises(UnknownReport, match="no report 'igf2013-workshop-41'"):
        kb.remove(SAMPLE_ID)


def snapshot_of(kb, report_id):
    return {str(q) for q in kb.quads(report_id)}


def test_same_person_in_two_reports_is_one_node_and_iris_are_stable(tmp_path):
    iris = []
    for run in range(2):
        with KnowledgeBase(load_config(tmp_path / f"kb{run}")) as kb:
            kb.ingest_file(SAMPLE)
            kb.ingest_file(REPORTS / "igf2015-ws88-idn.txt")
            iris.append(sorted(r["p"] for r in rows(kb, "SELECT DISTINCT ?p WHERE { ?p a schema:Person }")))
    assert iris[0] == iris[1]
    assert iris[0].count("https://w3id.org/igfkg/id/person/sarah-kiden") == 1


def test_base_iri_is_configurable_and_then_fixed(tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(load_config(home, base_iri="http://example.org/igf/")) as kb:
        kb.ingest_file(SAMPLE)
        people = rows(kb, "SELECT ?p WHERE { ?w igf:moderator ?p }")
        assert people == [{"p": "http://example.org/igf/person/anriette-esterhuysen"}]
        principle = rows(kb, 'SELECT ?c WHERE { ?c skos:prefLabel "transparency"@en }')
        assert principle == [{"c": "http://example.org/igf/principle/transparency"}]
    assert load_config(home).base_iri == "http://example.org/igf/"
    with pytest.raises(ConfigError, match="uses base IRI http://example.org/igf/"):
        load_config(home, base_iri="http://other.example/")


def test_bad_file_leaves_the_store_exactly_as_before(kb, tmp_path):
    kb.ingest_file(SAMPLE)
    before = snapshot(kb)
    bad = tmp_path / f"{SAMPLE_ID}.txt"  # same id as the stored report
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(UnreadableReport):
        kb.ingest_file(bad)
    assert snapshot(kb) == before


def test_store_persists_on_disk(tmp_path):
    home = tmp_path / "kb"
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(SAMPLE)
        count = kb.triple_count()
    copy = tmp_path / "copy"
    shutil.copytree(home, copy)
    with KnowledgeBase(load_config(copy), read_only=True) as kb:
        assert kb.triple_count() == count
        assert kb.report_ids() == [SAMPLE_ID]


@pytest.mark.parametrize("first, second", [
    ("a b.txt", "a-b.txt"), ("中文.txt", "日本.txt"), ("a_b.txt", "a-b.txt"), ("x.y.txt", "x-y.txt"),
])
def test_distinct_file_names_give_distinct_ids(first, second):
    """Issue 11, finding 3: these pairs used to share an id and overwrite each other."""
    from pathlib import Path

    from igfkg.kb import report_id_for

    ids = report_id_for(Path(first)), report_id_for(Path(second))
    assert ids[0] != ids[1]
    assert all(i and "unnamed" not in i for i in ids)


def test_report_ids_are_iri_safe_and_stable():
    from pathlib import Path

    from igfkg.kb import report_id_for

    assert report_id_for(Path("igf2013-workshop-41.txt")) == "igf2013-workshop-41"
    assert report_id_for(Path("中文.txt")) == "zhongwen"
    assert report_id_for(Path("Résumé  final (v2).txt")) == "resume_final_-v2"
    assert report_id_for(Path("★.txt")).startswith("unnamed-")
    assert report_id_for(Path("★.txt")) != report_id_for(Path("☆.txt"))


def test_another_file_with_the_same_id_is_refused_unless_asked(kb, tmp_path):
    from igfkg.kb import ReportExists

    first, second = tmp_path / "one" / "Report.txt", tmp_path / "two" / "report.txt"
    for path, source in ((first, SAMPLE), (second, REPORTS / "igf2015-ws88-idn.txt")):
        path.parent.mkdir()
        path.write_bytes(source.read_bytes())
    kb.ingest_file(first)
    before = snapshot(kb)
    with pytest.raises(ReportExists, match="already exists .read from Report.txt.*--replace"):
        kb.ingest_file(second)
    assert snapshot(kb) == before
    assert kb.ingest_file(first).replaced  # the same file again: silently
    assert kb.ingest_file(second, replace=True).replaced
