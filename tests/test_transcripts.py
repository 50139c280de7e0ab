"""Captioned transcripts: the dev fixtures against their gold files, and
the rules of turns, speakers and roles on small invented transcripts."""
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

from igfkg.ingest.kinds import detect_kind, parse_document
from igfkg.ingest.organisations import organisation_key
from igfkg.ingest.records import ReportRecord
from igfkg.ingest.text import fold

DEV = Path(__file__).resolve().parent / "fixtures" / "documents" / "dev"
FIXTURES = sorted(p.stem for p in DEV.glob("transcript-*.txt"))
SPEAKER_ROLES = ("speaker", "panellist")
DISCLAIMER = ("This is the output of the real-time captioning taken during the Tenth Meeting of the IGF. "
              "Although it is largely accurate, in some cases it may be incomplete or inaccurate due to "
              "inaudible passages or transcription errors. It is posted as an aid to understanding the "
              "proceedings at the session, but should not be treated as an authoritative record.")


def read(text: str, report_id: str = "invented") -> ReportRecord:
    """What the document's reader reads, before the entity gate
    (``ingest/gate.py``, tested on its own) weighs the people it names."""
    record = ReportRecord(report_id=report_id, text=text, source_name="", encoding="utf-8", is_report=False,
                          kind="plain")
    reader, _scores = detect_kind(text)
    if reader is not None:
        reader.read(record)
    return record


#: The reader alone, and the whole of ``parse_document`` (with the entity gate).
PIPELINES = {"reader": read, "parse_document": parse_document}


@lru_cache(maxsize=None)
def fixture(name: str, pipeline: str = "reader"):
    text = (DEV / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((DEV / f"{name}.gold.json").read_text(encoding="utf-8"))
    return PIPELINES[pipeline](text, name), gold


def names(record, *roles) -> set[str]:
    return {r.person.name for r in record.roles if r.person and r.role in roles}


def speakers(record) -> list[str | None]:
    return [u.speaker.name if u.speaker else None for u in record.utterances]


def transcript(*turns: str, header: str = "IGF 2015\nWS 12 Invented Session") -> str:
    return header + "\n\n" + DISCLAIMER + "\n\n" + "\n\n".join(turns) + "\n"


# -- the dev fixtures against their gold -------------------------------------------


def test_there_are_dev_transcripts():
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", FIXTURES)
def test_session_facts_match_the_gold(name, pipeline):
    record, gold = fixture(name, pipeline)
    session = gold["sessions"][0]
    assert record.kind == gold["kind"] == "transcript"
    assert fold(record.title.value) == fold(session["title"])
    assert (int(record.number.value) if record.number else None) == session["number"]
    assert int(record.meeting_year.value) == session["year"]
    assert (record.date[0].isoformat() if record.date else None) == session["date"]
    assert record.session_kind == session["session_kind"]


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", FIXTURES)
def test_utterances_and_their_speakers_match_the_gold(name, pipeline):
    record, gold = fixture(name, pipeline)
    wanted = gold["utterances"]["speakers"]
    assert len(record.utterances) == gold["utterances"]["count"] == len(wanted)
    right = sum(1 for got, want in zip(speakers(record), wanted) if got == want)
    assert right / len(wanted) >= 0.98, list(zip(speakers(record), wanted))


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", FIXTURES)
def test_roles_match_the_gold(name, pipeline):
    record, gold = fixture(name, pipeline)
    session = gold["sessions"][0]
    assert names(record, "moderator") == set(session["moderators"])
    assert names(record, "remote_moderator") == set(session["remote_moderators"])
    assert names(record, *SPEAKER_ROLES) == set(session["speakers"])
    assert names(record, "reporter") == set(session["rapporteurs"])


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", FIXTURES)
def test_affiliations_match_the_gold(name, pipeline):
    record, gold = fixture(name, pipeline)
    found = {r.person.name: r.affiliation.key for r in record.roles if r.person and r.affiliation}
    wanted = {person: organisation_key(org)[0] for person, org in gold["sessions"][0]["affiliations"].items()}
    assert found == wanted


@pytest.mark.parametrize("name", FIXTURES)
def test_facts_point_at_the_words_that_state_them(name):
    record, _gold = fixture(name)
    text = record.text
    for role in record.roles:
        source = role.person.source
        assert text[source.start:source.end] == source.value
        if role.affiliation:
            span = role.affiliation.name
            assert fold(text[span.start:span.end]) == fold(span.value)
    for u in record.utterances:
        assert text[u.label.start:u.label.end] == u.label.value
        assert text[u.start:u.end].strip() == text[u.start:u.end]


@pytest.mark.parametrize("name", FIXTURES)
def test_passages_never_cross_turns(name):
    record, _gold = fixture(name)
    turns = [s for s in record.sections if s.key == "turn"]
    assert len(turns) == len(record.utterances)
    for p in record.passages:
        if p.section == "turn":
            assert any(s.start <= p.start and p.end <= s.end for s in turns)


# -- turns -------------------------------------------------------------------------


def test_stage_directions_and_separators_are_not_turns():
    record = read(transcript(
        ">> JANE DOE: Good morning. (Applause)",
        "(Pause in proceedings)",
        ">> (Phone ringing)",
        ">>  JOHN ROE: Thank you, Jane.\n\n[Laughter]\n\n***",
        "*  *  *",
        ">> JANE DOE: Let us go on.\n(Applause)",
    ))
    assert record.kind == "transcript"
    assert speakers(record) == ["Jane Doe", "John Roe", "Jane Doe"]
    words = [record.text[u.start:u.end] for u in record.utterances]
    assert words == ["Good morning.", "Thank you, Jane.", "Let us go on."]


def test_the_disclaimer_is_neither_header_nor_speech():
    record = read(transcript(">> JANE DOE: Good morning.", ">> JOHN ROE: Hello.", ">> JANE DOE: Bye."))
    start = record.text.index("This is the output")
    for section in record.sections:
        assert not section.start <= start < section.end
    assert record.meeting_year.value == "2015"
    assert record.number.value == "12"
    assert record.title.value == "Invented Session"


def test_quoted_turns_in_a_summary_are_not_a_transcript():
    text = ("IGF 2021 WS #12 Invented Title\n\nOrganizer 1: Civil Society, WEOG\nSpeaker 1: Jane Doe, "
            "Civil Society, WEOG\n\nPolicy Question(s)\n1. How?\n\nKey Takeaways\nThe panel agreed. As one "
            "speaker put it:\n>> JANE DOE: We need data.\n>> JOHN ROE: And trust.\n\nCall to Action\nAct.\n")
    reader, scores = detect_kind(text)
    assert scores["transcript"] < 1.0
    assert read(text).kind != "transcript"


def test_a_transcript_without_speaker_labels_is_not_a_transcript():
    text = transcript("Good morning. Thank you for coming.", "Thank you, Chair. Our first point is access.")
    reader, scores = detect_kind(text)
    assert scores["transcript"] == 0.0
    assert parse_document(text, "invented").kind == "plain"


# -- speakers ----------------------------------------------------------------------


def test_generic_labels_are_roles_never_people():
    record = read(transcript(*(f">> {label}: Some words here." for label in (
        "MODERATOR", "PANELIST", "PANELLIST", "SPEAKER", "SPEAKER 2", "AUDIENCE", "FEMALE SPEAKER",
        "MALE SPEAKER", "PARTICIPANT", "CHAIR", "INTERPRETER", "AUDIENCE MEMBER"))))
    assert speakers(record) == [None] * 12
    assert record.roles == []
    assert [u.role for u in record.utterances][:4] == ["moderator", "panellist", "panellist", "speaker"]
    assert {u.role for u in record.utterances[5:9]} == {"audience", "speaker"}


@pytest.mark.parametrize("opening, header", [
    (">> MODERATOR: Good morning. I'm Ana Pérez and I will moderate this session.", "IGF 2015\nWS 12 Invented"),
    (">> MODERATOR: Welcome. My name is Ana Pérez, I'm the moderator today.", "IGF 2015\nWS 12 Invented"),
    (">> MODERATOR: Welcome, everybody. Let us begin.", "IGF 2015\nWS 12 Invented\nModerator: Ana Pérez"),
    (">> JOHN ROE: Welcome. I give the floor to our moderator, Ana Pérez.\n\n>> MODERATOR: Thank you, John.",
     "IGF 2015\nWS 12 Invented"),
])
def test_a_moderator_label_resolves_to_the_named_moderator(opening, header):
    record = read(transcript(opening, ">> JOHN ROE: Thank you.", ">> MODERATOR: Next question.", header=header))
    moderator_turns = [u for u in record.utterances if u.label.value == "MODERATOR"]
    assert [u.speaker.name for u in moderator_turns] == ["Ana Pérez", "Ana Pérez"]
    assert {u.role for u in moderator_turns} == {"moderator"}
    assert names(record, "moderator") == {"Ana Pérez"}
    assert names(record, "speaker") == {"John Roe"}


def test_an_unnamed_moderator_stays_a_role():
    record = read(transcript(">> MODERATOR: Welcome.", ">> JOHN ROE: Thanks.", ">> MODERATOR: Bye."))
    assert speakers(record) == [None, "John Roe", None]
    assert names(record, "moderator") == set()


def test_spelling_variants_are_one_person_in_the_accented_form():
    record = read(transcript(
        ">> MODERATOR: I'm John Roe and I will moderate. With us is Ana Pérez from the Acme Foundation.",
        ">> ANNA PERES: Thank you, John.",
        ">> MARIA GONZALES: Hello.",
        ">> ANA PEREZ: I agree.",
        ">> MARIA GONZALEZ: So do I.",
        ">> MARIA GONZALEZ: Yes.",
    ))
    assert speakers(record) == ["John Roe", "Ana Pérez", "Maria Gonzalez", "Ana Pérez", "Maria Gonzalez",
                                "Maria Gonzalez"]
    assert {u.speaker.key for u in record.utterances} == {"john-roe", "ana-perez", "maria-gonzalez"}
    assert names(record, "speaker") == {"Ana Pérez", "Maria Gonzalez"}


@pytest.mark.parametrize("first, second", [
    ("JOHN SMITH", "JOAN SMITH"), ("JOHN SMITH", "MARY SMITH"), ("DANIEL SMITH", "DANIELA SMITH"),
    ("MARIO ROSSI", "MARIA ROSSI"),
])
def test_people_sharing_a_surname_are_not_merged(first, second):
    record = read(transcript(f">> {first}: Hello.", f">> {second}: Hello to you.", f">> {first}: Bye."))
    keys = [u.speaker.key for u in record.utterances]
    assert keys[0] == keys[2] != keys[1]
    assert len(names(record, "speaker")) == 2


def test_a_surname_with_an_honorific_finds_the_full_name():
    record = read(transcript(">> JOHN SMITH: Hello.", ">> MR. SMITH: Me again.", ">> DR. JANE ROE: Hi."))
    assert speakers(record) == ["John Smith", "John Smith", "Jane Roe"]


def test_affiliations_come_from_labels_and_introductions_with_their_words():
    record = read(transcript(
        ">> JOHN ROE: Good morning, I'm John Roe and I'll be moderating. Let me introduce the panel: "
        "Jane Doe from the Acme Foundation, and Kofi Mensah of the Ministry of Communications.",
        ">> JANE DOE: Thank you.",
        ">> KOFI MENSAH, MINISTRY OF COMMUNICATIONS: Thank you, John.",
        ">> PRIYA NAIR: Hello. My name is Priya Nair, I work at Open Data Kenya.",
        ">> AUDIENCE: Hi, I am Tom Berg from Brazil. A question.",
    ))
    affiliations = {r.person.name: r.affiliation.name.value for r in record.roles if r.affiliation}
    assert affiliations == {"Jane Doe": "Acme Foundation", "Kofi Mensah": "Ministry of Communications",
                            "Priya Nair": "Open Data Kenya"}
    text = record.text
    for role in record.roles:
        if role.affiliation:
            span = role.affiliation.name
            assert text[span.start:span.end] == span.value
            assert role.confidence == pytest.approx(0.9)
    assert speakers(record)[-1] == "Tom Berg"  # a generic turn resolved by a self-introduction
    assert names(record, "moderator") == {"John Roe"}
    assert names(record, "speaker") == {"Jane Doe", "Kofi Mensah", "Priya Nair", "Tom Berg"}


def test_silent_panellists_introduced_by_the_moderator_are_panellists_and_mentions_are_nobody():
    record = read(transcript(
        ">> MODERATOR: I'm Ana Pérez, your moderator. Our panelists are Jane Doe from Acme Foundation "
        "and Kofi Mensah from the Ministry of Communications. As Vint Cerf once said, the net is for everyone.",
        ">> JANE DOE: Thank you, Ana.",
        ">> MODERATOR: Thank you.",
    ))
    assert names(record, "panellist") == {"Kofi Mensah"}
    assert names(record, "speaker") == {"Jane Doe"}
    assert "Vint Cerf" not in {r.person.name for r in record.roles}


def test_the_header_gives_the_session_in_its_many_layouts():
    record = read(transcript(">> JANE DOE: Hi.", ">> JOHN ROE: Hi.", ">> JANE DOE: Bye.", header=(
        "SIXTH ANNUAL MEETING OF THE INTERNET GOVERNANCE FORUM\n27 -30 SEPTEMBER 2011\nNAIROBI, KENYA\n"
        "28 SEPTEMBER 2011\n11:00 A.M.\nWORKSHOP 340\nSOCIAL MEDIA AND YOUTH")))
    assert record.meeting_year.value == "2011"
    assert record.date[0] == date(2011, 9, 28)
    assert record.number.value == "340"
    assert record.session_kind == "workshop"
    assert record.title.value == "SOCIAL MEDIA AND YOUTH"


def test_principles_named_in_turns_are_linked():
    record = read(transcript(">> JANE DOE: Transparency and accountability matter most.",
                             ">> JOHN ROE: I agree.", ">> JANE DOE: Good."))
    assert {"transparency", "accountability"} <= {m.concept for m in record.principles}


def test_a_captioners_block_and_a_time_are_not_title_or_date_range():
    record = read(transcript(">> JANE DOE: Hi.", ">> JOHN ROE: Hi.", ">> JANE DOE: Bye.", header=(
        "ROUGH EDITED COPY\n\nINTERNET GOVERNANCE FORUM 2013\nBALI, INDONESIA\nOPEN FORUM 12\n"
        "OCTOBER 22, 2013 - 14:30\n\nServices Provided By:\nCaption First, Inc.\nP.O. Box 3066\n"
        "Monument, CO 80132\nwww.captionfirst.com")))
    assert (record.session_kind, record.number.value, record.meeting_year.value) == ("open_forum", "12", "2013")
    assert record.date[0] == date(2013, 10, 22)
    assert record.title is None  # this header prints no title; the captioner's address is none


def test_a_notice_after_the_last_turn_is_not_speech():
    text = transcript(">> JANE DOE: Hi.", ">> JOHN ROE: Hi.", ">> JANE DOE: Bye.\n\n(Session ends)\n\n"
                      "This text is being provided in a rough draft format. Communication Access Realtime "
                      "Translation (CART) is provided in order to facilitate communication accessibility and "
                      "may not be a totally verbatim record of the proceedings.")
    record = read(text)
    last = record.utterances[-1]
    assert text[last.start:last.end] == "Bye."


def test_roles_in_labels_and_one_word_labels():
    record = read(transcript(
        ">> AMINA YUSUF, MODERATOR: Welcome. Let us start.",
        ">> JOHN ROE (ACME FOUNDATION): Thank you.",
        ">> AMINA: Thank you, John.",
        ">> MODERATOR: Next.",
    ))
    assert speakers(record) == ["Amina Yusuf", "John Roe", "Amina Yusuf", "Amina Yusuf"]
    assert names(record, "moderator") == {"Amina Yusuf"}
    assert {r.person.name: r.affiliation.name.value for r in record.roles if r.affiliation} == {
        "John Roe": "ACME FOUNDATION"}


@pytest.mark.parametrize("name", FIXTURES)
def test_everyone_who_speaks_has_a_role_in_the_session(name):
    """KnowledgeBase finds the people an earlier document ties to a session
    by their roles alone, without reading the turns one by one: so each
    speaker of a turn, after the entity gate, has a role in the session."""
    record, _gold = fixture(name, "parse_document")
    spoke = {u.speaker.key for u in record.utterances if u.speaker}
    assert spoke, "a transcript fixture with named speakers"
    session = record.sessions[0]  # the session the turns are part of (igfkg/triples.py)
    assert spoke <= {r.person.key for r in session.roles if r.person}
