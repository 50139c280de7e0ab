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
DEV_FLOOR = 0.96  # reached 98% of 272 (BENCHMARKS.md, 2026-11-30); do not regress


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
    ("Quelles sessions du FGI 2013 ont abordé la transparence ?", "Developing and effectively using Multistakeholder"),
    ("Which workshops were held in 2014?", "Protecting Privacy in Cloud Services"),
    # the affiliation of a role holder; an example given at a session; principle labels in Spanish fall back to English
    ("Pour quelle organisation travaille le modérateur de l'atelier 88 de 2012 ?", "Aalto University"),
    ("Which organisation does the moderator of the encryption workshop work for?", "Danish Institute for Human Rights"),
    ("qui a presente un exemple dans l'atelier sur la gouvernance des donnees en afrique", "Leila Benali"),
    ("¿Qué principios ilustra el ejemplo presentado por la representante de Verizon?", "transparency"),
    ("Google a-t-il participé à l'atelier sur la désinformation ?", "Marcus O'Neill"),
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


# -- what someone said (search/said.py) -------------------------------------------

@pytest.mark.parametrize("question, words", [
    ("What did Li Wei warn about?", "small providers"),  # the sentence with the verb, not the first about him
    ("what did Chukwuemeka Okonkwo explain?", "dispute resolution"),  # "He explained …" right after his name
    ("What did the speaker from Google say about reporting standards?", "reporting standards"),  # affiliation path
    ("Qu'a dit Nomsa Khumalo sur le partage des données ?", "independent of the city"),  # her transcript turn
    ("¿Qué argumentó Pieter van der Berg?", "light-touch"),  # prose, not the list of panellists
])
def test_what_someone_said_is_their_sentence_with_it_as_evidence(corpus_kb, question, words):
    response = corpus_kb.ask(question)
    assert words in response["answer"] and response["answer_type"] == "statement"
    assert response["evidence"][0]["text"] in response["answer"] and response["confidence"] > 0


def test_a_moderator_calling_on_someone_is_not_what_they_said(corpus_kb):
    response = corpus_kb.ask("Qu'a souligné Aminata Sow ?")
    assert "candidates and officials" in response["answer"] and "let's start with you" not in response["answer"]


def test_who_disagreed_names_the_person_with_the_sentence(corpus_kb):
    """"Panellists disagreed on …; Li Wei warned …": the disagreement and who voiced it."""
    for question in ("Who disagreed about banking regulation for payment platforms?",
                     "Qui n'était pas d'accord sur la régulation bancaire des plateformes ?",
                     "¿Quién se opuso a la regulación bancaria de las plataformas de pago?"):
        response = corpus_kb.ask(question)
        assert [a["label"] for a in response["answers"]] == ["Li Wei"] and response["answer_type"] == "person"
        assert "disagreed" in response["evidence"][0]["text"]
    response = corpus_kb.ask("Who disagreed about quantum computing?")
    assert response["answers"] == [] and response["confidence"] == 0.0 and "quantum computing" in response["answer"]


def test_the_share_of_women_across_years_comes_from_the_figures(corpus_kb):
    response = corpus_kb.ask("How did the share of women change across the years?")
    rows = {r["year"].value: (int(r["women_counted"].value), int(r["gender_counted"].value) - int(r["women_counted"].value))
            for r in corpus_kb.query(response["sparql"]) if int(r["gender_counted"].value)}
    assert len(rows) >= 3 and response["answer_type"] == "number"
    for year, (women, men) in rows.items():
        assert f"{year}: {round(100 * women / (women + men))}% women ({women} of {women + men}" in response["answer"]
    assert corpus_kb.ask("¿Cómo cambió la proporción de mujeres a lo largo de los años?")["answer"].startswith(
        min(rows) + ": ")


def test_sessions_of_one_meeting_on_a_topic_and_none_when_nothing_matches(corpus_kb):
    response = corpus_kb.ask("Which sessions of IGF 2016 discussed rural connectivity?")
    assert "Acceso a Internet en comunidades rurales" in response["answer"] and response["evidence"]
    assert all(e["report"] for e in response["evidence"])
    response = corpus_kb.ask("Which sessions of IGF 2014 discussed quantum computing?")
    assert response["answers"] == [] and response["confidence"] == 0.0 and "IGF 2014" in response["answer"]


def test_who_said_that_names_the_person_the_sentence_is_about(corpus_kb):
    response = corpus_kb.ask("Who said that local hosting is a precondition for sovereignty?")
    assert [a["label"] for a in response["answers"]] == ["Chidi Okafor"] and response["answer_type"] == "person"


def test_parsing_what_someone_said_in_three_languages():
    from igfkg.search.said import parse

    assert (parse("What did Li Wei warn about?").who, parse("What did Li Wei warn about?").topic) == ("Li Wei", "")
    fr = parse("Qu'a dit Nomsa Khumalo sur le partage des données ?")
    assert (fr.who, fr.topic) == ("Nomsa Khumalo", "le partage des données")
    es = parse("¿Qué dijo Olusegun Bankole-Cole sobre su línea roja?")
    assert (es.who, es.topic) == ("Olusegun Bankole-Cole", "su línea roja")
    assert parse("Who moderated workshop 41?") is None


# -- honesty (search/honesty.py) ----------------------------------------------------

@pytest.mark.parametrize("question, understood", [
    ("how many cats attended workshop 41", ["workshop 41", "cats"]),
    ("What is the budget of the IGF secretariat for 2030?", ["IGF Secretariat", "budget"]),
    ("Did Microsoft present an example?", ["No", "Microsoft"]),
    ("¿Qué dijo Shakira sobre la gobernanza de Internet?", ["Shakira"]),
])
def test_what_the_data_lacks_is_declined_with_what_was_understood(corpus_kb, question, understood):
    response = corpus_kb.ask(question)
    assert response["answers"] == [] and response["confidence"] == 0.0
    assert all(word in response["answer"] for word in understood), response["answer"]


def test_the_expected_answer_type_vetoes_templates_of_another_type():
    from igfkg.search.honesty import asked_attribute, type_fits

    assert not type_fits("figure", "statement") and not type_fits("moderator", "date")
    assert type_fits("affiliation_of_person", "person") and type_fits("figure", None)
    assert asked_attribute("Quel est le salaire du modérateur ?") == "salaire"
    assert asked_attribute("Combien de participants à l'atelier 310 ?") == "participants"


def test_the_question_is_embedded_once_per_ask():
    import numpy as np
    from igfkg.search.encoders import CachedEncoder

    class Counting:
        name, dim, calls = "fake", 2, []

        def encode(self, texts, query=False):
            self.calls.append(list(texts))
            return np.ones((len(texts), 2), dtype=np.float32)

    inner = Counting()
    cached = CachedEncoder(inner)
    cached.encode(["a question"]), cached.encode(["a question", "a sentence"], query=True)
    assert inner.calls == [["a question"], ["a sentence"]]


def test_a_topic_phrase_names_a_title_in_another_language(corpus_kb):
    """The topic after "l'atelier sur" / "la sesión sobre" shares no word with the
    English title; its meaning names the session."""
    from igfkg.search import querygraph
    encoder = corpus_kb.encoder
    for question, topic, word in [
            ("Qui a modéré l'atelier sur la désinformation et les élections ?", "désinformation et les élections", "Elections"),
            ("¿Quién moderó la sesión sobre la gobernanza de datos para el desarrollo en África?",
             "gobernanza de datos para el desarrollo en África", "Africa")]:
        titled = querygraph.sessions_by_title(question, corpus_kb, encoder, topic=topic)
        titles = {r["s"].value: r["t"].value for r in corpus_kb.query("SELECT ?s ?t WHERE { ?s a igf:Session ; schema:name ?t }")}
        assert titled and titled[0][2] >= 2
        assert word in titles[titled[0][0]]
    # A topic the data does not hold names nothing.
    assert querygraph.sessions_by_title("Who moderated the workshop on quantum computing?", corpus_kb, encoder,
                                        topic="quantum computing") == []


def test_topic_words_and_vocabulary_words_are_not_names(corpus_kb):
    """'human' (of the principle "human rights") is not a misspelt surname, and
    'organisation' (a word of the vocabulary) does not name an example."""
    from igfkg.search import linking
    from igfkg.search.answer import Answerer
    answerer = Answerer(corpus_kb)
    links = linking.link("Who organised the workshop on online harassment of human rights defenders?",
                         answerer.table, answerer.encoder)
    assert "person" not in links
    links = linking.link("Which organisation was Johan Halemborg from?", answerer.table, answerer.encoder)
    assert [l.entity.labels[0] for l in links["person"]] == ["Johan Hallemborg"] and not links.get("example")


@pytest.mark.parametrize("question, expected", [
    # a long title dilutes the phrase's embedding: the words, one by one, name it
    ("Où s'est tenu l'atelier sur les données autochtones ?", "Katowice"),
    # typed without accents: the ontology's labels give them back ("donnees" → "données")
    ("qui a redige le rapport de l'atelier sur les fiducies de donnees", "Isabel Ramos"),
    # a year leaves only that meeting's sessions to choose from
    ("qui animait la session d'ouverture du réseau en 2009", "Dagny Haugen"),
    # the words before a name ask for the property, those after it give the person's role
    ("qui etait le rapporteur de l'atelier ou Priya Nair est intervenue", "Camille Rousseau"),
    # a topic's words never choose the property ("acceso a Internet" is no "intervenu")
    ("¿Quién organizó el taller sobre acceso a Internet en comunidades rurales?", "Echániz"),
])
def test_sessions_named_by_their_topic_in_any_language_and_spelling(corpus_kb, question, expected):
    response = corpus_kb.ask(question)
    assert expected in response["answer"] and response["sparql"], response["answer"]


def test_more_women_than_men_is_compared_the_way_it_is_asked(corpus_kb):
    """Workshop 64: 21 women and 19 men."""
    more_women = corpus_kb.ask("Y avait-il plus de femmes que d'hommes à l'atelier 64 ?")
    more_men = corpus_kb.ask("Y avait-il plus d'hommes que de femmes à l'atelier 64 ?")
    fewer_women = corpus_kb.ask("Were there fewer women than men at workshop 64?")
    assert more_women["answer"].startswith("Oui") and "21" in more_women["answer"]
    assert more_men["answer"].startswith("Non") and fewer_women["answer"].startswith("No")
    assert [a["label"] for a in more_women["answers"]] == ["yes"] and [a["label"] for a in more_men["answers"]] == ["no"]


def test_a_polite_frame_is_answered_as_the_question_inside_it(corpus_kb):
    framed = corpus_kb.ask("Dis-moi qui était le rapporteur de l'atelier 41")
    assert "Sarah Kiden" in framed["answer"] and framed["question"] == "Dis-moi qui était le rapporteur de l'atelier 41"
    assert "Beatrix von Holstein" in corpus_kb.ask("¿Me puedes decir quién moderó la sesión sobre wifi público seguro?")["answer"]
    # the property named gives the answer type when the question's form does not
    assert "Yılmaz-Demir" in corpus_kb.ask("Donne-moi le nom du modérateur de l'atelier sur les paiements en ligne")["answer"]


def test_a_view_asked_with_a_noun_is_what_the_person_said(corpus_kb):
    from igfkg.search import said
    parsed = said.parse("Quelle a été la position de Marcus O'Neill sur les normes de transparence ?")
    assert (parsed.who, parsed.topic) == ("Marcus O'Neill", "les normes de transparence")
    assert said.parse("What was Li Wei's view on banking regulation?").who == "Li Wei"
    response = corpus_kb.ask("Quelle a été la position de Marcus O'Neill sur les normes de transparence ?")
    assert "common reporting standards" in response["evidence"][0]["text"]


def test_what_the_graph_cannot_hold_is_declined_not_answered_from_elsewhere(corpus_kb):
    from igfkg.search import honesty
    assert honesty.asked_attribute("¿Cuál es el número de teléfono de Grace Githaiga?") == "telefono"
    assert honesty.asked_attribute("What is the phone number of Grace Githaiga?") == "phone"
    for question in ("¿Cuál es el número de teléfono de Grace Githaiga?", "Quel est le budget de l'atelier 41 ?"):
        response = corpus_kb.ask(question)
        assert not response["answers"] and response["confidence"] == 0.0, response["answer"]
    # "budget" is in another document's sentence, not in workshop 41's
    assert "next year" not in corpus_kb.ask("Quel est le budget de l'atelier 41 ?")["answer"]
    unknown = corpus_kb.ask("Amazon a-t-il présenté un exemple ?")
    assert unknown["answer"].startswith("Non") and "Amazon" in unknown["answer"] and unknown["confidence"] == 0.0
