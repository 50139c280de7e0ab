"""The principle frameworks, IGF themes and SDGs (ontology/frameworks.ttl,
themes.ttl, sdgs.ttl) as SKOS: integrity of the schemes and the crosswalk."""
from collections import defaultdict

import pyoxigraph as ox
import pytest

from igfkg.ontology import FRAMEWORK_FILES, IGF, ONTOLOGY_DIR, SKOS

BASE = "http://kb.invalid/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
FRAMEWORKS = ("tunis-2005", "cgibr-2009", "coe-2011", "oecd-2011", "wsis10-2013", "netmundial-2014", "sao-paulo-2024")


@pytest.fixture(scope="module")
def graph():
    """{predicate: {subject: [objects]}} over the vocabulary files, objects as (value, language)."""
    found = defaultdict(lambda: defaultdict(list))
    for name in FRAMEWORK_FILES:
        for quad in ox.parse(path=str(ONTOLOGY_DIR / name), format=ox.RdfFormat.TURTLE, base_iri=BASE):
            language = getattr(quad.object, "language", None)
            found[quad.predicate.value][quad.subject.value].append((quad.object.value, language))
    return found


def _concepts(graph) -> set[str]:
    return {s for s, types in graph[RDF_TYPE].items() if (SKOS + "Concept", None) in types}


def _schemes_of(graph, concept) -> set[str]:
    return {scheme for scheme, _ in graph[SKOS + "inScheme"].get(concept, [])}


def test_every_framework_is_a_scheme_with_a_year(graph):
    schemes = {s for s, types in graph[RDF_TYPE].items() if (SKOS + "ConceptScheme", None) in types}
    for key in FRAMEWORKS:
        iri = BASE + "framework/" + key
        assert iri in schemes, key
        assert graph["http://purl.org/dc/terms/issued"][iri][0][0] == key.rsplit("-", 1)[1]
    assert {BASE + "sdg/scheme", BASE + "theme/scheme"} <= schemes


def test_every_concept_is_in_a_scheme(graph):
    assert [c for c in _concepts(graph) if not _schemes_of(graph, c)] == []


def test_one_preferred_label_per_language_and_english_and_french_for_principles_and_goals(graph):
    for concept in _concepts(graph):
        languages = [lang for _, lang in graph[SKOS + "prefLabel"].get(concept, [])]
        assert "en" in languages, concept
        assert len(languages) == len(set(languages)), (concept, languages)
        if "/principle/" in concept or "/sdg/" in concept:
            assert "fr" in languages, concept


def test_framework_principles_have_definitions_and_spanish_labels(graph):
    for concept in _concepts(graph):
        schemes = _schemes_of(graph, concept)
        if any(BASE + "framework/" + key in schemes for key in FRAMEWORKS if key != "wsis10-2013"):
            assert graph[SKOS + "definition"].get(concept), concept
            assert "es" in [lang for _, lang in graph[SKOS + "prefLabel"][concept]], concept


def test_no_cycles_in_broader(graph):
    broader = {c: [o for o, _ in objects] for c, objects in graph[SKOS + "broader"].items()}

    def reaches_itself(start):
        seen, stack = set(), list(broader.get(start, []))
        while stack:
            node = stack.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(broader.get(node, []))
        return False

    assert [c for c in broader if reaches_itself(c)] == []


def test_matches_link_different_schemes_only(graph):
    count = 0
    for name in MATCHES:
        for subject, objects in graph[SKOS + name].items():
            for target, _ in objects:
                count += 1
                a, b = _schemes_of(graph, subject), _schemes_of(graph, target)
                assert subject != target
                if a and b:  # an outside IRI (the UN's SDGs) has no scheme here
                    assert not a & b, (name, subject, target)
    assert count >= 60


def test_numbered_frameworks_carry_their_numbering(graph):
    for scheme, values in graph[IGF + "numbered"].items():
        if values[0][0] != "true":
            continue
        notations = defaultdict(list)
        for top, _ in graph[SKOS + "hasTopConcept"][scheme]:
            assert graph[SKOS + "notation"].get(top), (scheme, top)
        for concept, found in graph[SKOS + "notation"].items():
            if scheme in _schemes_of(graph, concept):
                notations[found[0][0]].append(concept)
        assert all(len(c) == 1 for c in notations.values()), (scheme, notations)


def test_the_sample_concepts_are_mapped_into_the_crosswalk(graph):
    sample = [c for c in _concepts(graph) if BASE + "principle/scheme" in _schemes_of(graph, c)
              and c not in (BASE + "principle/process-principles", BASE + "principle/wsis10-recommendations")]
    assert len(sample) == 17
    linked = {s for name in MATCHES for s in graph[SKOS + name]} | {
        o for name in MATCHES for objects in graph[SKOS + name].values() for o, _ in objects}
    unmapped = [c for c in sample if c not in linked and not graph[SKOS + "broader"].get(c)]
    assert unmapped == []
    assert "http://kb.invalid/principle/nm-transparent" in [
        o for o, _ in graph[SKOS + "exactMatch"][BASE + "principle/transparency"]]


def test_the_goals_link_to_the_un_iris(graph):
    for n in range(1, 18):
        assert (f"http://metadata.un.org/sdg/{n}", None) in graph[SKOS + "exactMatch"][BASE + f"sdg/{n}"]
    assert (BASE + "sdg/5", None) in graph[SKOS + "broader"][BASE + "sdg/5.b"]
    assert ("http://metadata.un.org/sdg/5.b", None) in graph[SKOS + "exactMatch"][BASE + "sdg/5.b"]


def test_themes_carry_the_years_they_were_used(graph):
    years = graph[IGF + "usedInYear"]
    themes = [c for c in _concepts(graph) if BASE + "theme/scheme" in _schemes_of(graph, c)]
    used = {int(y) for c in themes for y, _ in years.get(c, [])}
    assert set(range(2006, 2026)) <= used
    assert all(years.get(c) for c in themes if c not in (BASE + "theme/overall", BASE + "theme/session-themes"))


# -- detection and questions -------------------------------------------------------

from pathlib import Path  # noqa: E402

from igfkg.config import load_config  # noqa: E402
from igfkg.kb import KnowledgeBase  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "frameworks"


def test_detection_against_the_gold_on_fixtures_written_after_the_detector():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    import json

    from bench_frameworks import GOLD, score

    items = [i for i in json.loads(GOLD.read_text(encoding="utf-8"))["documents"] if i["set"] == "new"]
    precision, recall, _ = score(items)["all"]
    assert precision >= 0.9 and recall >= 0.9


@pytest.fixture(scope="module")
def goals_kb(tmp_path_factory):
    with KnowledgeBase(load_config(tmp_path_factory.mktemp("goals") / "kb")) as kb:
        for path in [ROOT / "samples" / "igf2013-workshop-41.txt",
                     ROOT / "tests" / "fixtures" / "documents" / "dev" / "session-page-2021.txt",
                     *sorted(FIXTURES.glob("*.txt"))]:
            kb.ingest_file(path)
        yield kb


def test_agenda_only_principles_are_mentioned_in_passing_not_discussed(goals_kb):
    from conftest import rows

    found = {(r["p"].rsplit("#", 1)[1], r["c"].rsplit("/", 1)[1]) for r in rows(goals_kb, """
        SELECT ?p ?c WHERE { ?w igf:workshopNumber 41 ; ?p ?c FILTER(?p IN (igf:discusses, igf:mentionsInPassing)) }""")}
    assert ("discusses", "transparency") in found and ("mentionsInPassing", "due-process") in found
    assert ("discusses", "due-process") not in found


GOAL_QUESTIONS = ROOT / "tests" / "data" / "ask-eval-goals.jsonl"


def test_which_sessions_served_a_goal(goals_kb):
    """The SDG questions need 2019+ session pages, which the main ask set's
    data lacks: they have their own file, over this module's documents."""
    from igfkg.evaluation import evaluate_answers, load_jsonl

    items = load_jsonl(GOAL_QUESTIONS)
    assert sum(i["lang"] == "en" for i in items) >= 4 and sum(i["lang"] == "fr" for i in items) >= 4
    result = evaluate_answers(goals_kb.ask, items)
    assert result["overall"] >= 0.9 and result["by_lang"]["fr"] >= 0.9, result["misses"]


# -- the principle page and the VoID linksets ---------------------------------------

@pytest.fixture(scope="module")
def client(goals_kb):
    from igfkg.web import create_app

    return create_app(goals_kb).test_client()


def test_principle_page_shows_framework_matches_and_sessions_by_year(client):
    html = client.get("/id/principle/oecd-5-multistakeholder-cooperation", headers={"Accept": "text/html"})
    twin = client.get("/id/principle/oecd-5-multistakeholder-cooperation", query_string={"format": "json"}).get_json()
    assert html.status_code == 200 and {"Accept", "Accept-Language"} <= {v.strip() for v in html.headers["Vary"].split(",")}
    page = html.get_data(as_text=True)
    concept = twin["concept"]
    # Its framework and numbering.
    assert concept["scheme"]["label"] == "OECD principles for Internet policy making" and concept["notation"] == "5"
    assert '<a href="/id/framework/oecd-2011">OECD principles for Internet policy making</a> (2011)' in page
    assert concept["definition"]["en"] in page
    # A matching principle of another framework, linked.
    match = next(m for m in concept["matches"] if m["iri"].endswith("/principle/nm-multistakeholder"))
    assert match["relation"] == "closeMatch" and match["scheme_year"] == "2014"
    assert '<a href="/id/principle/nm-multistakeholder">Multistakeholder</a>' in page
    assert "NETmundial Multistakeholder Statement" in page
    # The sessions that discussed it, per year, linked.
    years = {y["year"]: [s["number"] for s in y["sessions"]] for y in concept["discussed"]}
    assert years == {"2013": [41], "2016": [120]}
    assert '<a href="/id/workshop/2016-120">120: Keeping the Internet Whole</a>' in page


def test_principle_page_keeps_mentions_apart_and_follows_the_crosswalk(client):
    due = client.get("/id/principle/due-process", query_string={"format": "json"}).get_json()["concept"]
    assert due["discussed"] == [] and [y["year"] for y in due["mentioned_only"]] == ["2013"]
    assert "Sessions that only mentioned it" in client.get("/id/principle/due-process").get_data(as_text=True)
    # NETmundial's "Accountable" is discussed under the sample's word "accountability".
    accountable = client.get("/id/principle/nm-accountable", query_string={"format": "json"}).get_json()["concept"]
    rows = [(y["year"], s["via"]["iri"].rsplit("/", 1)[1]) for y in accountable["discussed"] for s in y["sessions"]]
    assert rows == [("2019", "accountability"), ("2023", "accountability")]
    # A goal: its UN IRI among the matches, and the sessions of its targets.
    goal = client.get("/id/sdg/16", query_string={"format": "json"}).get_json()["concept"]
    assert {"relation": "exactMatch", "iri": "http://metadata.un.org/sdg/16"}.items() <= goal["matches"][0].items()
    assert [y["year"] for y in goal["discussed"]] == ["2019", "2021", "2023"]


def test_principle_iri_still_negotiates_rdf(client):
    import rdflib

    response = client.get("/id/principle/nm-accountable", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    iri = rdflib.URIRef("https://w3id.org/igfkg/id/principle/nm-accountable")
    assert (iri, rdflib.URIRef(SKOS + "inScheme"), rdflib.URIRef("https://w3id.org/igfkg/id/framework/netmundial-2014")) in graph


def test_void_lists_the_schemes_and_the_crosswalk_as_linksets(client, goals_kb):
    import rdflib

    graph = rdflib.Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    doc = rdflib.Namespace("http://localhost/.well-known/void#")
    skos = rdflib.Namespace(SKOS)

    def count(query):
        return int(next(iter(goals_kb.query(query)))["n"].value)

    # Every framework, the themes, the goals and the sample's principles are subsets, with their size.
    for key in [f"framework-{k}" for k in FRAMEWORKS] + ["theme-scheme", "sdg-scheme", "principle-scheme"]:
        assert (doc.dataset, void.subset, doc[key]) in graph, key
    scheme = goals_kb.iris.base + "framework/netmundial-2014"
    assert int(graph.value(doc["framework-netmundial-2014"], void.entities)) == count(
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c skos:inScheme <{scheme}> }}") > 10
    # The crosswalk: linksets between schemes with the predicate and the store's count.
    linkset = doc["links-principle-scheme-exactMatch-framework-netmundial-2014"]
    assert (linkset, rdflib.RDF.type, void.Linkset) in graph
    assert (linkset, void.linkPredicate, skos.exactMatch) in graph
    assert (linkset, void.objectsTarget, doc["framework-netmundial-2014"]) in graph
    assert int(graph.value(linkset, void.triples)) == count(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s skos:exactMatch ?o . ?s skos:inScheme <{goals_kb.iris.base}principle/scheme> . "
        f"?o skos:inScheme <{scheme}> }}") > 0
    members = set(graph.objects(doc.crosswalk, void.subset))
    assert linkset in members and int(graph.value(doc.crosswalk, void.triples)) == sum(
        int(graph.value(m, void.triples)) for m in members)
    # The goals' links to the UN's IRIs: a linkset into the UN's namespace.
    un = next(graph.subjects(void.uriSpace, rdflib.Literal("http://metadata.un.org/sdg/")))
    sdg = next(graph.subjects(void.objectsTarget, un))
    assert (sdg, void.linkPredicate, skos.exactMatch) in graph and (sdg, void.subjectsTarget, doc["sdg-scheme"]) in graph
    assert int(graph.value(sdg, void.triples)) == count(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:exactMatch ?o FILTER(STRSTARTS(STR(?o), 'http://metadata.un.org/sdg/')) }") >= 17
    assert sdg not in members


def test_a_year_in_the_question_narrows_the_sessions(goals_kb):
    answer = goals_kb.ask("Which sessions of 2019 served SDG 16?")
    assert "IGF 2019" in answer["answer"] and "2021" not in answer["answer"] and "2023" not in answer["answer"]
    assert 'FILTER(STR(?year) = "2019")' in answer["sparql"]


def test_a_goal_no_session_served_is_said_so(goals_kb):
    answer = goals_kb.ask("Which sessions served SDG 3?")
    assert answer["confidence"] == 0.0 and answer["answers"] == []
    assert "Goal 3" in answer["answer"] and "records nothing" in answer["answer"]


def test_the_written_crosswalk_pairs_what_the_path_pairs(goals_kb):
    """igf:samePrincipleAs in the knowledge base joins exactly the concepts the
    SKOS path joins (each with itself), so queries follow one predicate."""
    from igfkg.ontology import SAME_PRINCIPLE, SAME_PRINCIPLE_CLOSURE

    def pairs(path):
        return {(r["a"].value, r["b"].value) for r in goals_kb.query(
            f"SELECT DISTINCT ?a ?b WHERE {{ ?a a skos:Concept . ?a {path} ?b }}")}
    closure = pairs(SAME_PRINCIPLE_CLOSURE)
    assert len(closure) > 100 and pairs(SAME_PRINCIPLE) == closure
