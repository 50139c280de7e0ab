"""Questions in plain language: answers from the graph with the SPARQL that
found them and the passages that prove them, or from the passages."""
import json

import pytest
from click.testing import CliRunner

from igfkg.api import BadRequest, ask_payload
from igfkg.cli import main
from igfkg.config import load_config
from igfkg.evaluation import answered_correctly, evaluate_answers, load_jsonl
from igfkg.kb import KnowledgeBase
from conftest import ROOT, SAMPLE

DEV = load_jsonl(ROOT.parent / "shared" / "dev-questions.jsonl") if (ROOT.parent / "shared").exists() else []
OWN = load_jsonl(ROOT / "tests" / "data" / "ask-eval.jsonl")


@pytest.fixture(scope="module")
def sample_only(tmp_path_factory):
    """The bundled sample alone, as after `make demo`."""
    home = tmp_path_factory.mktemp("ask") / "kb"
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(SAMPLE)
        yield kb


@pytest.mark.skipif(not DEV, reason="shared/dev-questions.jsonl is not beside the project")
@pytest.mark.parametrize("item", DEV, ids=[q["q"] for q in DEV])
def test_every_dev_question_is_answered(sample_only, item):
    response = sample_only.ask(item["q"])
    assert answered_correctly(item, response), response["answer"]


def test_own_evaluation_set(sample_kb):
    assert len(OWN) >= 40
    result = evaluate_answers(sample_kb.ask, OWN)
    assert result["overall"] >= 0.9, result["misses"]
    assert result["by_lang"]["fr"] >= 0.85, result["misses"]


def test_response_shape_and_evidence(sample_only):
    response = ask_payload(sample_only, "Who is affiliated with AfriNIC?")
    assert set(response) >= {"question", "answer", "answers", "sparql", "evidence", "confidence"}
    assert response["answers"] == [{"label": "Anne-Rachel Inné",
                                    "iri": "https://w3id.org/igfkg/id/person/anne-rachel-inne"}]
    assert 0.5 < response["confidence"] <= 1
    text = SAMPLE.read_text(encoding="utf-8")
    assert response["evidence"], "graph answers carry the passages their facts came from"
    for item in response["evidence"]:
        assert text[item["start"]:item["end"]] == item["text"]
    assert any("d'AfriNIC" in item["text"] for item in response["evidence"])


def test_passage_answers_are_sentences_with_lower_confidence(sample_only):
    response = sample_only.ask("What is soft law according to the discussion?")
    assert response["sparql"] is None and response["answers"] == []
    assert "soft law" in response["answer"] and response["confidence"] < 0.7
    evidence = response["evidence"][0]
    assert evidence["text"] == response["answer"]
    assert SAMPLE.read_text(encoding="utf-8")[evidence["start"]:evidence["end"]] == evidence["text"]


@pytest.mark.parametrize("item", [q for q in OWN if "passage_contains" not in q][:20], ids=lambda q: q["q"])
def test_graph_answers_sparql_gives_the_same_answers_through_the_cli(sample_kb, item):
    response = sample_kb.ask(item["q"])
    if response["sparql"] is None:
        pytest.skip("answered from the passages")
    result = CliRunner().invoke(main, ["--home", str(sample_kb.config.home), "sparql", response["sparql"],
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    labels = {b["label"]["value"] for b in json.loads(result.output)["results"]["bindings"]}
    assert labels == {a["label"] for a in response["answers"]}


@pytest.mark.parametrize("question", [
    'Who moderated workshop 41"} UNION { ?s ?p ?o } #?',
    "Who is affiliated with AfriNIC'} DROP ALL ; {",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "Qui a modéré l'atelier 41 } } INSERT DATA { <x> <y> <z> } ?",
    'Which organisation is "Anne-Rachel Inné" affiliated with?',
    "Who presented the {port 25} example?",
])
def test_questions_with_sparql_syntax_are_answered_or_declined_safely(sample_only, question):
    before = sample_only.triple_count()
    response = sample_only.ask(question)
    assert isinstance(response["answer"], str) and response["answer"]
    if response["sparql"]:
        for fragment in ("UNION { ?s", "DROP", "INSERT", "SELECT *", "'}", '"}', "{port", '"Anne'):
            if fragment in question:
                assert fragment not in response["sparql"]
    assert sample_only.triple_count() == before


def test_unknown_things_are_said_plainly_with_closest_matches(sample_only):
    response = sample_only.ask("Who moderated workshop 99?")
    assert response["answers"] == [] and response["sparql"] is None
    assert response["answer"].startswith("I found no workshop numbered 99") and "41 (2013)" in response["answer"]
    response = sample_only.ask("Which organisation is John Smith affiliated with?")
    assert response["answer"].startswith("I found no person named \u201cJohn Smith\u201d")
    response = sample_only.ask("Qui a modéré l'atelier 7 ?")
    assert response["answer"].startswith("Je n'ai trouvé aucun atelier numéro 7")


@pytest.mark.parametrize("question", ["asdfgh qwerty", "hello", "?", "\U0001F642\U0001F642", "Tell me everything"])
def test_odd_questions_get_a_plain_no_answer(sample_only, question):
    response = sample_only.ask(question)
    assert response["answer"] == "I found nothing in the reports that answers this question."
    assert response["answers"] == [] and response["confidence"] == 0.0


def test_misspelt_and_accentless_names_are_linked(sample_only):
    assert "Verizon" in sample_only.ask("Which organisation is Jaqueline Ruff affiliated with?")["answer"]
    assert "AFRINIC" in sample_only.ask("Which organisation is Anne-Rachel Inne affiliated with?")["answer"]


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_questions_are_refused(sample_only, question):
    with pytest.raises(BadRequest, match="empty"):
        ask_payload(sample_only, question)


def test_cli_ask(sample_only):
    home = str(sample_only.config.home)
    result = CliRunner().invoke(main, ["--home", home, "ask", "Combien de femmes ont participé ?"])
    assert result.exit_code == 0 and "38 femmes" in result.output and "from the graph" in result.output
    result = CliRunner().invoke(main, ["--home", home, "ask", "Who moderated workshop 41?", "--json"])
    assert json.loads(result.output)["answers"][0]["label"] == "Anriette Esterhuysen"
