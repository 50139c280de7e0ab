"""Documents of every kind in the graph, the search index, ask and the pages:
document kinds and file formats recorded, utterances with their speakers,
search by kind and by speaker, "what did X say", a report page that says
what kind of document it shows and which sessions it is about."""
from __future__ import annotations

import pytest

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app

from conftest import ROOT, SAMPLE, rows

DEV = ROOT / "tests" / "fixtures" / "documents" / "dev"
TRANSCRIPT = DEV / "transcript-2015-ws6.txt"
PROPOSAL = DEV / "proposal-2015-form.txt"


@pytest.fixture(scope="module")
def mixed_kb(tmp_path_factory):
    with KnowledgeBase(load_config(tmp_path_factory.mktemp("mixed") / "kb")) as kb:
        for path in (SAMPLE, TRANSCRIPT, PROPOSAL, DEV / "listing-2017-sched.txt"):
            kb.ingest_file(path)
        yield kb


def test_document_kind_and_format_are_recorded(mixed_kb):
    found = {r["id"]: r["kind"].rsplit("/", 1)[-1] for r in rows(mixed_kb, """
        SELECT ?id ?kind WHERE { ?d igf:reportId ?id ; igf:documentKind ?kind ; igf:fileFormat "text" }""")}
    assert found == {"igf2013-workshop-41": "report", "transcript-2015-ws6": "transcript",
                     "proposal-2015-form": "proposal", "listing-2017-sched": "listing"}


def test_a_listing_is_about_each_of_its_sessions(mixed_kb):
    sessions = rows(mixed_kb, """SELECT ?s WHERE { ?d igf:reportId "listing-2017-sched" ; schema:about ?s .
                                                   ?s a igf:Session }""")
    assert len(sessions) == 4


def test_utterances_in_order_with_speakers_and_no_generic_label_as_a_person(mixed_kb):
    turns = rows(mixed_kb, """SELECT ?order ?label ?name WHERE { ?u a igf:Utterance ; igf:order ?order ;
        igf:speakerLabel ?label OPTIONAL { ?u igf:spokenBy/schema:name ?name } } ORDER BY ?order""")
    assert [int(t["order"]) for t in turns] == list(range(1, len(turns) + 1))
    generic = [t for t in turns if t["label"].upper() in ("AUDIENCE", "FEMALE SPEAKER")]
    assert generic and all(t["name"] is None for t in generic)
    people = {r["name"] for r in rows(mixed_kb, "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }")}
    assert not people & {"Audience", "Female Speaker", "Moderator", "Speaker"}


def test_passages_of_a_turn_link_to_it(mixed_kb):
    linked = rows(mixed_kb, """SELECT ?p WHERE { ?p a igf:Passage ; igf:utterance/igf:spokenBy ?who }""")
    assert linked


def test_search_by_kind_and_speaker(mixed_kb):
    transcript_only = mixed_kb.search("encryption and lawful access", k=10, kind="transcript")
    assert transcript_only and {h.row.report for h in transcript_only} == {"transcript-2015-ws6"}
    speakers = {h.row.speaker for h in mixed_kb.search("encryption", k=30, kind="transcript") if h.row.speaker}
    assert speakers
    one = sorted(speakers)[0]
    assert {h.row.speaker for h in mixed_kb.search("encryption", k=10, speaker=one)} == {one}
    payload = mixed_kb.search("encryption", k=3, kind="proposal")[0].as_json()
    assert payload["kind"] == "proposal"


def test_ask_what_a_speaker_said_answers_from_their_turns(mixed_kb):
    speaker = rows(mixed_kb, """SELECT ?name (COUNT(?u) AS ?n) WHERE { ?u igf:spokenBy/schema:name ?name }
                                GROUP BY ?name ORDER BY DESC(?n) LIMIT 1""")[0]["name"]
    answer = mixed_kb.ask(f"What did {speaker} say about encryption?")
    evidence = answer["evidence"][0]
    assert evidence["report"] == "transcript-2015-ws6"
    turn = rows(mixed_kb, f"""SELECT ?name WHERE {{ ?u igf:spokenBy/schema:name ?name ;
        nif:beginIndex ?b ; nif:endIndex ?e ; nif:referenceContext/igf:reportId "transcript-2015-ws6"
        FILTER(?b <= {evidence['start']} && {evidence['start']} < ?e) }}""")
    assert [t["name"] for t in turn] == [speaker]


def test_report_page_names_kind_and_sessions(mixed_kb):
    client = create_app(mixed_kb).test_client()
    data = client.get("/report/listing-2017-sched?format=json").get_json()
    assert data["kind"] == "listing" and data["format"] == "text" and len(data["sessions"]) == 4
    html = client.get("/report/transcript-2015-ws6").get_data(as_text=True)
    assert "transcript" in html and "About:" in html
