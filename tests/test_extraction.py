"""Running text: people, affiliations, roles, principles and examples against
gold files the team wrote by reading each report (tests/gold/)."""
import pytest

from igfkg.evaluation import load_gold, score_record
from igfkg.ingest.report import parse_report
from igfkg.kb import report_id_for
from conftest import ROOT, rows

GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))
TARGETS = {"people": 0.95, "roles": 0.9, "affiliations": 0.9}


@pytest.fixture(scope="module")
def scores():
    result = {}
    for path in GOLD:
        gold = load_gold(path)
        report = ROOT / gold["report"]
        record = parse_report(report.read_text(encoding="utf-8"), report_id_for(report))
        result[path.stem] = score_record(record, gold)
    return result


def test_there_are_gold_files_for_the_sample_and_four_more_reports():
    assert len(GOLD) >= 5 and any(p.stem == "igf2013-workshop-41" for p in GOLD)


@pytest.mark.parametrize("gold", [p.stem for p in GOLD])
def test_people_roles_and_affiliations_reach_their_targets(scores, gold):
    for name, target in TARGETS.items():
        score = scores[gold][name]
        assert score.precision >= target and score.recall >= target, (name, score)


@pytest.mark.parametrize("gold", [p.stem for p in GOLD])
def test_every_example_is_found_with_its_presenter(scores, gold):
    score = scores[gold]["examples with presenter"]
    assert score.recall == 1.0, score


def test_micro_averaged_scores_over_all_reports(scores):
    total = {}
    for per_report in scores.values():
        for name, score in per_report.items():
            total[name] = total[name] + score if name in total else score
    assert total["people"].precision >= 0.95 and total["people"].recall >= 0.95
    assert total["principles"].precision >= 0.9 and total["principles"].recall >= 0.9
    assert total["organisations"].precision >= 0.9


# SPARQL over the sample: the questions the issue names.

def test_who_presented_the_port_25_example(sample_kb):
    found = rows(sample_kb, """SELECT DISTINCT ?name WHERE { ?w igf:workshopNumber 41 ; igf:example ?e .
        ?e schema:name ?label ; igf:presenter/schema:name ?name . FILTER(CONTAINS(?label, "port 25")
        || CONTAINS(?label, "ports 25")) }""")
    assert found == [{"name": "Everton Lucero"}]


def test_which_organisation_anne_rachel_inne_is_affiliated_with(sample_kb):
    found = rows(sample_kb, """SELECT DISTINCT ?org WHERE { ?p schema:name "Anne-Rachel Inné" ;
        schema:affiliation/schema:name ?org }""")
    assert found == [{"org": "AFRINIC"}]
    # The membership records the sentence it was read from.
    evidence = rows(sample_kb, """SELECT ?text WHERE { ?m org:member/schema:name "Anne-Rachel Inné" ;
        org:organization/skos:altLabel "AfriNIC" ; prov:wasDerivedFrom/nif:anchorOf ?text }""")
    assert any("d'AfriNIC" in r["text"] for r in evidence)


def test_which_examples_illustrate_transparency(sample_kb):
    found = rows(sample_kb, """SELECT DISTINCT ?label ?presenter WHERE { ?e igf:illustrates ?c ;
        schema:name ?label ; igf:presenter/schema:name ?presenter . ?c skos:prefLabel "transparency"@en }""")
    assert {r["presenter"] for r in found} >= {"Jacqueline Ruff"}
    assert any("transparence dans les applications mobiles" in r["label"] for r in found)


def test_which_principles_the_workshop_discussed_in_english(sample_kb):
    found = rows(sample_kb, """SELECT DISTINCT ?label WHERE { ?w igf:workshopNumber 41 ; dcterms:subject ?c .
        ?c skos:prefLabel ?label FILTER(lang(?label) = "en") }""")
    labels = {r["label"] for r in found}
    assert {"transparency", "consensus-based decision-making", "inclusiveness", "self-organization",
            "Roles of stakeholders"} <= labels
    # French passages are tagged with the same concepts as the English agenda.
    french = rows(sample_kb, """SELECT DISTINCT ?label WHERE { ?p dcterms:language "fr" ; dcterms:subject ?c .
        ?c skos:prefLabel ?label FILTER(lang(?label) = "en") }""")
    assert {"transparency", "consensus-based decision-making", "inclusiveness"} <= {r["label"] for r in french}


def test_examples_have_outcomes_organisations_and_source_passages(sample_kb):
    found = rows(sample_kb, """SELECT ?outcome ?org ?passage WHERE { ?e schema:name ?label ; igf:outcome ?outcome ;
        igf:involves/schema:name ?org ; prov:wasDerivedFrom ?passage . FILTER(CONTAINS(?label, "ports 25")) }""")
    assert any("25ème position" in r["outcome"] for r in found)
    assert {"Brazilian Internet Steering Committee"} <= {r["org"] for r in found}


def test_events_the_workshop_builds_on(sample_kb):
    found = rows(sample_kb, """SELECT ?name ?year ?place WHERE { ?w igf:workshopNumber 41 ; igf:buildsOn ?e .
        ?e schema:name ?name ; igf:year ?year ; schema:location/schema:name ?place }""")
    assert {(r["year"], r["place"]) for r in found} == {("2012", "Baku"), ("2013", "Paris")}


def test_organisation_aliases_resolve_to_one_node(sample_kb):
    found = rows(sample_kb, """SELECT DISTINCT ?o WHERE { ?o skos:altLabel ?l .
        FILTER(?l IN ("APC", "Association pour le progrès des communications"@fr)) }""")
    assert found == [{"o": "https://w3id.org/igfkg/id/org/apc"}]
    cgi = rows(sample_kb, """SELECT DISTINCT ?o WHERE { ?o skos:altLabel ?l .
        FILTER(STR(?l) IN ("CGI.br", "Comité de pilotage de l'Internet au Brésil")) }""")
    assert len(cgi) == 1


def test_role_words_never_become_people(sample_kb):
    people = {r["n"].lower() for r in rows(sample_kb, "SELECT DISTINCT ?n WHERE { ?p a schema:Person ; schema:name ?n }")}
    for word in ("moderator", "modérateur", "participant", "the moderator", "a participant from the audience"):
        assert not any(word == name or name.startswith(word + " ") for name in people)
