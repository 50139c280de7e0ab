"""The entity gate (ingest/gate.py): every person a person, every
organisation an organisation, groups as groups, titles and years with
evidence. One test per class of error seen on real pages (issue 15), names
that look odd but are real, and the adversarial fixtures of
tests/fixtures/entities/ against their gold files."""
import json
import re

import pytest

from igfkg.config import load_config
from igfkg.evaluation import score_entities
from igfkg.ingest.gate import FURNITURE, judge_organisation, judge_person
from igfkg.ingest.groups import any_group, group_of
from igfkg.ingest.kinds import parse_document
from igfkg.ingest.names import normalise_person_name, person_key
from igfkg.ingest.records import Organisation, Person, Span
from igfkg.kb import KnowledgeBase
from conftest import ROOT, rows

ENTITIES = ROOT / "tests" / "fixtures" / "entities"
FIRST = sorted((ENTITIES / "first").glob("*.gold.json"))
SECOND = sorted((ENTITIES / "second").glob("*.gold.json"))


def candidate(text: str, name: str, **flags):
    """The verdict on ``name`` as written in ``text``."""
    start = text.index(name)
    person = Person(name, Span(name, start, start + len(name)), person_key(name))
    return judge_person(text, person, **flags)


def organisation(name: str, in_slot: bool = True):
    return judge_organisation(Organisation(Span(name, 0, len(name)), person_key(name)), in_slot)


def people_of(record) -> set[str]:
    from igfkg.ingest.identity import record_people

    return {p.name for p in record_people(record)}


# -- page furniture and field labels are no people ------------------------------------

@pytest.mark.parametrize("line", ["Policy Question", "Round Table", "Youth To Be Determined",
                                  "And That Too Urgently", "Youth That Have", "Associates", "Economic",
                                  "Loading", "Go To Report", "Wednesday", "Zurich"])
def test_furniture_labels_and_fragments_are_never_people(line):
    # Even in a role field, the most generous place.
    verdict = candidate(f"Speakers: {line}\n", line, role_field=True)
    assert not verdict.keep, verdict


def test_a_placeholder_behind_a_group_word_is_no_speaker():
    text = "IGF 2022 WS #9 A title\n\nSpeaker 1: Ana Pérez, Civil Society, WEOG\nSpeaker 2: Youth To Be Determined\n"
    record = parse_document(text, "placeholder")
    assert people_of(record) == {"Ana Pérez"}  # read as a placeholder, or refused by the gate


# -- organisations and groups are no people ----------------------------------------------

@pytest.mark.parametrize("line", ["Packet Clearing House", "Digital Grassroots", "Watch Ict", "Watch Indonesia Ict",
                                  "Western European", "Latin American", "Caribbean Group"])
def test_organisations_and_regional_groups_are_never_people(line):
    assert not candidate(f"Panelists\n{line}\n", line, role_field=True).keep


def test_an_organisation_on_a_line_of_its_own_is_kept_as_an_organisation_not_a_person():
    text = ("Workshop # 12 Report\n\nOrganizer Name\nPacket Clearing House\n\nModerator\nAna Pérez\n\n"
            "Panelists\nBruno Costa\nLena Vogel\n")
    record = parse_document(text, "org-line")
    assert "Packet Clearing House" not in people_of(record)
    assert {"Ana Pérez", "Bruno Costa", "Lena Vogel"} <= people_of(record)


def test_an_ngo_name_in_capitals_is_not_turned_into_a_person():
    text = "Organizer Name\nICT WATCH INDONESIA\n\nModerator\nAna Pérez\n\nPanelists\nBruno Costa\n\nReported by\nLena Vogel\n"
    record = parse_document(text, "caps-ngo")
    assert not any("Watch" in name for name in people_of(record))


# -- groups are no organisations: they are the role's groups ---------------------------------

@pytest.mark.parametrize("line", ["Stakeholder Group: Civil Society", "Caribbean Group", "Others Group", "WEOG",
                                  "Latin American and Caribbean Group (GRULAC)", "Intergovernmental Organization"])
def test_stakeholder_and_regional_groups_are_never_organisations(line):
    assert any_group(line) is not None
    assert not organisation(line).keep


def test_groups_come_from_the_ontology_with_their_spellings():
    assert group_of("Western European and Others Group (WEOG)").key == "weog"
    assert group_of("Latin American and Caribbean Group").key == group_of("GRULAC").key == "grulac"
    assert group_of("Asia Pacific Group").key == "asia-pacific-group"
    assert group_of("Stakeholder Group: Private Sector").key == "private-sector"
    assert group_of("Packet Clearing House") is None


def test_civil_society_weog_is_a_persons_stakeholder_and_regional_group():
    text = ("IGF 2021 WS #5 A title\n\nSpeaker 1: Juan Pérez, Government, Latin American and Caribbean Group (GRULAC)\n"
            "Speaker 2: Ana Lima, Civil Society, WEOG\n")
    record = parse_document(text, "groups")
    found = {(r.person.name, r.stakeholder_group and any_group(r.stakeholder_group.value).key,
              r.regional_group and any_group(r.regional_group.value).key, r.affiliation)
             for r in record.roles if r.person}
    assert found == {("Juan Pérez", "government", "grulac", None), ("Ana Lima", "civil-society", "weog", None)}
    assert not any(r.organisation for r in record.roles)


def test_an_anonymised_organiser_is_a_role_with_a_group_and_no_person():
    text = "IGF 2022 WS #7 A title\n\nOrganizer 1: Civil Society, African Group\nOrganizer 2: Ana Lima, Example Lab, WEOG\n"
    record = parse_document(text, "anonymous")
    anonymous = [r for r in record.roles if r.role == "organizer" and r.person is None]
    assert len(anonymous) == 1 and anonymous[0].organisation is None
    assert any_group(anonymous[0].stakeholder_group.value).key == "civil-society"
    assert any_group(anonymous[0].regional_group.value).key == "african-group"


def test_a_common_word_alone_is_no_organisation_but_a_name_in_an_affiliation_slot_is():
    assert not organisation("Associates").keep
    assert organisation("Idrissi & Associates").keep
    assert organisation("Safaricom").keep  # stands where an organisation is named
    assert not organisation("Safaricom", in_slot=False).keep
    assert organisation("UNESCO", in_slot=False).keep


# -- names: surname first, lower case, a surname alone --------------------------------------

@pytest.mark.parametrize("raw, context, surname_first, expected", [
    ("Lanteri Paolo", "", True, "Paolo Lanteri"),  # organiser fields list surnames first
    ("Gupta Kaushalya", "", True, "Kaushalya Gupta"),
    ("utoyo donny", "", False, "Donny Utoyo"),  # lower case: the lexicon decides
    ("wibowo agus", "Agus Wibowo spoke first.", False, "Agus Wibowo"),  # the other order elsewhere decides
    ("okafor chidi", "Chidi Okafor argued that ...", False, "Chidi Okafor"),
    ("Klensin Klensin", "", False, "Klensin"),
])
def test_surname_first_and_lower_case_names_are_normalised_with_evidence(raw, context, surname_first, expected):
    assert normalise_person_name(raw, context or raw, surname_first) == expected


def test_the_same_person_written_both_ways_is_one_person():
    text = ("Privacy and Mobile Money\n\nWorkshop # 3 Report\n\nOrganizer Name\nCastellanos Rafael\n\n"
            "Moderator\nRafael Castellanos\n\nPanelists\nDewi Lestari, Example Institute\n")
    assert people_of(parse_document(text, "both-ways")) == {"Rafael Castellanos", "Dewi Lestari"}


def test_a_surname_alone_is_the_person_named_in_full_or_no_one():
    text = ("Workshop # 3 Report\n\nModerator\nJohn Harlow\n\nPanelists\nAna Lima, Example Lab\n\n"
            "Brief substantive summary\nJohn Harlow opened. Harlow then asked Ana Lima about the registry. "
            "Mr. Okonjo, in the audience, disagreed.\n")
    record = parse_document(text, "surname")
    assert people_of(record) == {"John Harlow", "Ana Lima"}


# -- names that look odd but are real ------------------------------------------------------------

def test_a_one_word_name_given_as_a_speaker_label_with_a_role_is_kept():
    text = "Transcript\n\n>> AMINA: Welcome everyone. I am glad that Amina could come.\n"
    person = Person("Amina", Span("AMINA", text.index("AMINA"), text.index("AMINA") + 5), "amina")
    assert judge_person(text, person, role_field=True).keep
    in_text = Person("Amina", Span("Amina", text.index("Amina"), text.index("Amina") + 5), "amina")
    assert not judge_person(text, in_text).keep  # the same word in running text, with no role, is no one


@pytest.mark.parametrize("name", ["Hendrik van der Linde", "Lucía Fernández de la Vega", "Abdullah bin Rashid",
                                  "Jean-Luc Moreau-Dupont", "Patrik Fältström", "Anne-Rachel Inné",
                                  "Zhang Wei", "Nguyen Thi Mai", "Mereana Te Whata"])
def test_names_with_particles_hyphens_accents_and_east_asian_order_are_people(name):
    assert candidate(f"Speakers: {name}, Example Institute\n", name, role_field=True, affiliation=True).keep


@pytest.mark.parametrize("raw", ["Nguyen Thi Mai", "Zhang Wei", "Tran Van Minh"])
def test_east_asian_names_keep_their_order(raw):
    assert normalise_person_name(raw, raw, surname_first_likely=True) == raw


# -- titles and years ---------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["Loading…", "Loading...", "Skip to main content", "Page 2 of 14",
                                  "Schedule | Speakers | Attendees", "Powered by Sched", "None"])
def test_page_furniture_is_recognised(line):
    assert FURNITURE.match(line)


def test_a_session_without_a_meeting_year_takes_the_documents_and_none_is_never_written():
    text = ("Our sessions at the Forum\n\nWhen: 25-29 November 2019\n\n-----\n\n"
            "Securing Routing (WS 56)\n\nNovember 26 th, from 10:30 am till 12:00 pm\n\n"
            "Moderator: Ivana Horvat, Example University\n")
    record = parse_document(text, "no-year")
    assert all(s.meeting_year is None or s.meeting_year.value == "2019" for s in record.sessions)
    assert not any(s.title and "None" in s.title.value for s in record.sessions)


# -- the adversarial fixtures ------------------------------------------------------------------------

def _parse(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = gold_path.parent / gold["document"]
    return parse_document(doc.read_text(encoding="utf-8"), doc.stem), gold


@pytest.fixture(scope="module")
def first_batch():
    total = {}
    for path in FIRST:
        record, gold = _parse(path)
        for name, score in score_entities(record, gold).items():
            total[name] = total[name] + score if name in total else score
    return total


def test_the_first_batch_covers_every_class_and_kind():
    kinds = {json.loads(p.read_text())["kind"] for p in FIRST}
    assert len(FIRST) >= 5 and {"session_page", "report", "listing", "description", "proposal"} <= kinds


def test_first_batch_people_precision_and_recall(first_batch):
    people = first_batch["people"]
    assert people.precision >= 0.98 and people.recall >= 0.95, people


def test_first_batch_organisation_precision(first_batch):
    assert first_batch["organisations"].precision >= 0.95, first_batch["organisations"]


def test_no_group_as_an_entity_and_no_title_from_furniture(first_batch):
    assert first_batch["groups as entities"].predicted == 0
    assert first_batch["furniture titles"].predicted == 0
    assert first_batch["titles"].recall == 1.0 and first_batch["years"].recall == 1.0


@pytest.mark.parametrize("path", FIRST + SECOND, ids=[p.stem for p in FIRST + SECOND])
def test_no_gold_non_person_or_non_organisation_is_written(path):
    record, gold = _parse(path)
    people = {person_key(n) for n in people_of(record)}
    assert not people & {person_key(n) for n in gold.get("not_people", [])}
    organisations = {o.name.value.casefold() for s in record.sessions for r in s.roles
                     for o in (r.organisation, r.affiliation) if o}
    assert not organisations & {n.casefold() for n in gold.get("not_organisations", [])}


# -- ask never phrases a rejected candidate as a person or an organisation ------------------

@pytest.fixture(scope="module")
def adversarial_kb(tmp_path_factory):
    with KnowledgeBase(load_config(tmp_path_factory.mktemp("entities") / "kb")) as kb:
        for path in FIRST + SECOND:
            gold = json.loads(path.read_text(encoding="utf-8"))
            kb.ingest_file(path.parent / gold["document"])
        yield kb


def test_rejected_candidates_are_stored_with_reasons_and_never_as_entities(adversarial_kb):
    rejected = rows(adversarial_kb, """SELECT ?text ?as ?why WHERE { ?r igf:rejectedCandidate ?c .
        ?c igf:candidateText ?text ; igf:rejectedAs ?as ; igf:rejectionReason ?why }""")
    assert rejected and all(r["why"] for r in rejected)
    names = {r["n"] for r in rows(adversarial_kb, """SELECT ?n WHERE { VALUES ?t { schema:Person schema:Organization }
        ?e a ?t ; schema:name ?n }""")}
    assert not names & {r["text"] for r in rejected}
    groups = rows(adversarial_kb, """SELECT ?n WHERE { ?e a schema:Organization ; schema:name ?n .
        FILTER(?n IN ("Civil Society", "WEOG", "Caribbean Group", "Others Group", "Western European")) }""")
    assert groups == []


def test_ask_never_phrases_a_rejected_candidate_as_a_person_or_an_organisation(adversarial_kb):
    rejected = {r["text"] for r in rows(adversarial_kb, """SELECT DISTINCT ?text WHERE {
        ?c a igf:RejectedCandidate ; igf:candidateText ?text ; igf:rejectedAs ?as FILTER(?as != "title") }""")}
    assert rejected
    for text in sorted(rejected):
        for question in (f"Which organisation is {text} affiliated with?", f"Who is affiliated with {text}?"):
            response = adversarial_kb.ask(question)
            assert text not in {a["label"] for a in response["answers"]}, (question, response["answer"])
            assert not re.search(re.escape(text) + r" (?:is affiliated|\(affiliated)", response["answer"]), \
                (question, response["answer"])


def test_quality_report_lists_written_rejected_and_suspicious_per_document(adversarial_kb):
    from igfkg.quality import quality_report

    report = quality_report(adversarial_kb, "third-party-2019")
    doc = report["reports"][0]
    assert {"Ivana Horvat", "Fatoumata Keïta"} <= {p["name"] for p in doc["people"]}
    assert any(r["text"] == "Okello" and "surname alone" in r["reason"] for r in doc["rejected"])
    assert doc["counts"]["rejected people"] >= 1 and doc["counts"]["people"] == len(doc["people"])
    assert any(o["suspicious"] for o in doc["organisations"])


def test_quality_page_and_its_json_twin(adversarial_kb):
    from igfkg.web import create_app

    client = create_app(adversarial_kb).test_client()
    data = client.get("/quality?format=json&report=third-party-2019").get_json()
    assert data["reports"][0]["report"] == "third-party-2019" and "totals" in data
    page = client.get("/quality?report=third-party-2019", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Okello" in page.get_data(as_text=True)
    assert client.get("/quality?format=json&report=nope").status_code == 404


def test_quality_command_and_verbose_rejections(tmp_path):
    from click.testing import CliRunner

    from igfkg.cli import main

    home, doc = str(tmp_path / "kb"), FIRST[0].parent / "third-party-2019.txt"
    result = CliRunner().invoke(main, ["--home", home, "-v", "ingest", str(doc)])
    assert result.exit_code == 0, result.output
    assert "rejected person 'Mr. Okello'" in result.output and "surname alone" in result.output
    result = CliRunner().invoke(main, ["--home", home, "quality", "--json"])
    report = json.loads(result.output)
    assert report["totals"]["rejected people"] >= 1
    text = CliRunner().invoke(main, ["--home", home, "quality", "--report", "third-party-2019"]).output
    assert text.startswith("third-party-2019:") and "rejected:" in text
