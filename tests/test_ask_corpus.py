"""Questions phrased any way over the evaluation corpus (≥ 20 documents):
the development half must not fall below the figure reached (BENCHMARKS.md),
graph answers carry a SPARQL that gives them, and what is not in the data is
said plainly. The held-out half is never run here: it is for reporting only."""
import json

import pytest
from click.testing import CliRunner

from igfkg.cli import main
from igfkg.config import load_config
from igfkg.evaluation import ask_corpus_paths, evaluate_answers, load_jsonl
from igfkg.kb import KnowledgeBase
from conftest import ROOT

DEV = load_jsonl(ROOT / "tests" / "data" / "ask-corpus-dev.jsonl")
HELD_OUT = load_jsonl(ROOT / "tests" / "data" / "ask-corpus-heldout.jsonl")
DEV_FLOOR = 0.80  # reached by the query-graph route (BENCHMARKS.md, final run); do not regress


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory):
    with KnowledgeBase(load_config(tmp_path_factory.mktemp("corpus") / "kb")) as kb:
        for path in ask_corpus_paths(ROOT):
            kb.ingest_file(path)
        yield kb


def test_the_evaluation_data_is_what_the_issue_asks_for():
    assert len(ask_corpus_paths(ROOT)) >= 20 and len(DEV) + len(HELD_OUT) >= 250
    for half in (DEV, HELD_OUT):
        share = {lang: sum(q["lang"] == lang for q in half) / len(half) for lang in ("fr", "es")}
        assert share["fr"] >= 0.2 and share["es"] >= 0.1
        assert {q["style"] for q in half} == {"formal", "casual", "typo"}
        assert sum(bool(q.get("unanswerable")) for q in half) >= 15
        assert {"role_topic", "outcome", "said", "two_step", "corpus", "yesno"} <= {q["kind"] for q in half}


@pytest.mark.slow
def test_dev_half_does_not_regress(corpus_kb):
    result = evaluate_answers(corpus_kb.ask, DEV)
    assert result["overall"] >= DEV_FLOOR, result["misses"]


@pytest.mark.parametrize("question, expected", [
    ("Who moderated the workshop on protecting privacy in cloud services?", "Ingrid Brudvig"),
    ("Qui a modéré l'atelier sur la protection de la vie privée dans les services cloud ?", "Ingrid Brudvig"),
    ("Who moderated the workshop where Hong Xue spoke?", "Patrik Fältström"),
    ("Which principles does the example given by the speaker from Verizon illustrate?", "transparency"),
    ("In which years was transparency discussed?", "2013"),
    ("Who spoke at more than one session?", "Anne-Rachel Inné"),
    ("Which organisation organised the most workshops?", "Internet Society"),
    ("Were there more men than women at workshop 41?", "39"),
])
def test_graph_answers_run_through_the_cli_and_give_the_answer(corpus_kb, question, expected):
    response = corpus_kb.ask(question)
    assert expected in response["answer"] and response["sparql"]
    assert response["answer_type"]
    result = CliRunner().invoke(main, ["--home", str(corpus_kb.config.home), "sparql", response["sparql"],
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    labels = {b["label"]["value"] for b in json.loads(result.output)["results"]["bindings"] if "label" in b}
    assert labels == {a["label"] for a in response["answers"]}


def test_a_how_question_about_an_outcome_gets_a_statement_not_a_count(corpus_kb):
    response = corpus_kb.ask("How did the consultation by Morocco's data protection authority change complaints?")
    assert response["answer_type"] == "statement" and "third" in response["answer"]


def test_yes_no_with_the_deciding_fact(corpus_kb):
    response = corpus_kb.ask("Did Verizon present an example?")
    assert response["answer"].startswith("Yes") and "Jacqueline Ruff" in response["answer"]
    assert corpus_kb.ask("were there more men than women at workshop 310")["answer"].startswith("No — 35 men and 40")


@pytest.mark.parametrize("question", ["Who moderated the workshop on quantum computing?",
                                      "What did Elon Musk say about net neutrality?",
                                      "Who moderated the workshop on underwater basket weaving?"])
def test_what_is_not_in_the_data_is_said_plainly(corpus_kb, question):
    before = corpus_kb.triple_count()
    response = corpus_kb.ask(question)
    assert response["answers"] == [] and response["confidence"] == 0.0
    assert response["answer"].startswith("I found no")
    assert corpus_kb.triple_count() == before
