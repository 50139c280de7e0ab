"""Browsing (issue 14): /sessions with facets and paging, a page per meeting,
and profiles of sessions, people, organisations and principles, each with
its JSON twin, RDF formats kept, facts shown with their sentence."""
import re

import pytest

from igfkg.config import load_config
from igfkg.ingest_run import ingest_files
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import ROOT, SAMPLE

DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
HEX_ID = re.compile(r">[0-9a-f]{16}<")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    files = sorted((DOCUMENTS / "dev").glob("*.txt")) + sorted((DOCUMENTS / "merge").glob("*.txt")) + [SAMPLE]
    knowledge_base = KnowledgeBase(load_config(tmp_path_factory.mktemp("browse") / "kb"))
    outcomes = list(ingest_files(knowledge_base, files))
    assert all(o.status == "ingested" for o in outcomes)
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="module")
def client(kb):
    return create_app(kb).test_client()


def json_of(client, path, **params):
    response = client.get(path, query_string={**params, "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def html_of(client, path, **params):
    response = client.get(path, query_string=params, headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def facet(data, name) -> dict:
    return {v["value"]: v for v in next(f for f in data["facets"] if f["name"] == name)["values"]}


# -- /sessions -----------------------------------------------------------------------------

def test_sessions_lists_every_session_with_counted_facets(client, kb):
    data = json_of(client, "/sessions", per_page=200)
    sessions = {r["s"].value for r in kb.query("SELECT ?s WHERE { ?s a igf:Session }")}
    assert data["total"] == len(sessions) == len(data["sessions"]) and data["pages"] == 1
    assert {f["name"] for f in data["facets"]} == {"year", "kind", "document", "theme", "principle", "organisation",
                                                    "language"}
    years = facet(data, "year")
    assert sum(v["count"] for v in years.values()) == len(sessions)  # one meeting per session
    assert years["2014"]["count"] == 3 and facet(data, "kind")["workshop"]["label"] == "workshop"
    assert facet(data, "document")["transcript"]["count"] >= 4
    assert facet(data, "principle")["principle/transparency"]["label"] == "transparency"
    assert facet(data, "organisation")["org/isoc"]["label"] == "Internet Society"
    assert {"en", "fr", "es"} <= set(facet(data, "language"))


def test_facet_filters_combine_and_count_what_is_left(client):
    whole = json_of(client, "/sessions", per_page=200)
    one_year = json_of(client, "/sessions", year="2014", per_page=200)
    assert one_year["total"] == facet(whole, "year")["2014"]["count"] == 3
    assert {s["year"] for s in one_year["sessions"]} == {"2014"}
    # The other facets count within the year; the year facet still offers the other years.
    assert sum(v["count"] for v in facet(one_year, "kind").values()) == 3
    assert facet(one_year, "year")["2013"]["count"] == facet(whole, "year")["2013"]["count"]
    two_years = json_of(client, "/sessions", year=["2013", "2014"], per_page=200)
    assert two_years["total"] == facet(whole, "year")["2013"]["count"] + 3
    both = json_of(client, "/sessions", year="2014", principle="principle/transparency")
    assert both["total"] == facet(one_year, "principle")["principle/transparency"]["count"] >= 1
    assert all(s["year"] == "2014" for s in both["sessions"])
    assert json_of(client, "/sessions", kind="workshop", document="transcript")["total"] >= 2
    none = json_of(client, "/sessions", year="1999")
    assert none["total"] == 0 and facet(none, "year")["1999"] == {"value": "1999", "count": 0, "selected": True,
                                                                   "label": "1999"}


def test_sessions_are_paged(client):
    whole = json_of(client, "/sessions", per_page=200)["sessions"]
    first, second = json_of(client, "/sessions", per_page=10), json_of(client, "/sessions", per_page=10, page=2)
    assert first["pages"] == -(-len(whole) // 10) and len(first["sessions"]) == 10
    assert [s["iri"] for s in first["sessions"] + second["sessions"]] == [s["iri"] for s in whole[:20]]
    for bad in ({"page": "0"}, {"per_page": "1000"}, {"page": "x"}):
        assert client.get("/sessions", query_string=bad).status_code == 400


def test_sessions_page_links_facets_and_pages(client):
    page = html_of(client, "/sessions", year="2013", per_page=2)
    assert 'aria-current="true">✓ 2013</a>' in page
    assert 'href="/sessions?year=2013&amp;year=2014&amp;per_page=2"' in page  # adding a value keeps the others
    assert 'href="/sessions?per_page=2"' in page  # unticking 2013
    assert 'id="next" rel="next" href="/sessions?year=2013&amp;per_page=2&amp;page=2"' in page
    assert page.count('<td class="session"><a href="/id/') == 2
    first = html_of(client, "/sessions", year="2013")
    assert 'href="/id/workshop/2013-41">41: Developing and effectively using Multistakeholder Principles</a>' in first


# -- meetings -----------------------------------------------------------------------------

def test_meeting_page_has_its_city_and_sessions_by_kind(client):
    data = json_of(client, "/meeting/2013")
    assert data["year"] == "2013" and data["city"] == "Bali" and data["sessions"] >= 5
    kinds = {g["kind"]: len(g["sessions"]) for g in data["by_kind"]}
    assert kinds["workshop"] >= 4 and kinds["open_forum"] == 1 and sum(kinds.values()) == data["sessions"]
    page = html_of(client, "/meeting/2013")
    assert "Bali" in page and "open forum" in page.lower() and 'href="/id/workshop/2013-41"' in page
    assert json_of(client, "/id/meeting/igf-2013")["city"] == "Bali"  # the meeting's IRI: the same page
    assert client.get("/meeting/1999").status_code == 404 and client.get("/meeting/abc").status_code == 404


# -- profiles -----------------------------------------------------------------------------

def test_session_page_lists_documents_people_by_role_principles_with_their_sentences(client):
    data = json_of(client, "/id/workshop/2014-64")
    assert data["kind"] == "session" and data["year"] == "2014" and data["number"] == 64
    assert {d["kind"] for d in data["documents"]} == {"description", "proposal", "report", "transcript"}
    roles = {r["role"]: r for r in data["roles"]}
    moderator = roles["moderator"]["people"][0]
    assert moderator["label"] == "Agnes Dubois" and moderator["affiliations"][0]["label"] == "City of Lyon"
    assert {e["report"] for e in moderator["evidence"]} >= {"ws64-2014-description", "ws64-2014-report"}
    assert [p["label"] for p in data["principles"]] == ["accountability", "transparency"]
    proof = data["principles"][1]["evidence"][0]
    assert "transparency" in proof["quote"] and proof["href"].startswith("/report/ws64-2014-")
    # The link goes to the passage the sentence is in.
    report, anchor = proof["href"][len("/report/"):].split("#")
    assert f'id="{anchor}"' in html_of(client, f"/report/{report}")
    page = html_of(client, "/id/workshop/2014-64")
    assert '<q>' in page and 'class="evidence-link"' in page and "Documents about this session" in page
    assert not HEX_ID.search(page), HEX_ID.search(page)


def test_person_page_reads_like_a_profile_across_reports(client):
    data = json_of(client, "/id/person/agnes-dubois")
    assert data["kind"] == "person" and "Agnès Dubois" in data["other_names"]
    assert [o["label"] for o in data["organisations"]] == ["City of Lyon"]
    session = data["years"][0]["sessions"][0]
    roles = {r["role"]: r for r in session["roles"]}
    assert set(roles) >= {"organizer", "moderator", "speaker"}
    assert len({e["report"] for e in roles["moderator"]["evidence"]}) >= 2  # the same role, read in two reports
    assert data["said"] and all(e["href"].startswith("/report/ws64-2014-transcript#c") for e in data["said"])
    page = html_of(client, "/id/person/agnes-dubois")
    assert '<h1 id="label">Agnes Dubois</h1>' in page and "What they said" in page
    assert "schema:Person" not in page.split("all-facts")[0]  # one kind of thing, said once, in words
    assert not HEX_ID.search(page)


def test_person_in_two_sessions_of_a_year(client):
    data = json_of(client, "/id/person/ximena-castaneda-ruiz")
    assert len([s for y in data["years"] for s in y["sessions"]]) == 2


def test_organisation_and_principle_profiles(client):
    isoc = json_of(client, "/id/org/isoc")
    assert isoc["kind"] == "organisation" and sum(len(y["sessions"]) for y in isoc["organised"]) == 3
    assert "Sessions it organised" in html_of(client, "/id/org/isoc")
    principle = json_of(client, "/id/principle/transparency")
    assert principle["kind"] == "principle" and principle["concept"]["discussed"] and principle["said"]
    assert all(e["quote"] and e["session"]["title"] for e in principle["said"])
    page = html_of(client, "/id/principle/transparency")
    assert "What the documents say" in page and "Sessions that discussed it" in page


def test_profiles_keep_their_rdf_and_the_facts(client):
    for path in ("/id/workshop/2014-64", "/id/person/agnes-dubois", "/id/org/isoc", "/id/principle/transparency",
                 "/id/meeting/igf-2014"):
        turtle = client.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.mimetype == "text/turtle", path
        assert client.get(path, query_string={"format": "jsonld"}).mimetype == "application/ld+json"
        twin = json_of(client, path)
        assert twin["outgoing"] and twin["iri"].endswith(path[len("/id/"):])  # every fact, as before
        assert 'id="all-facts"' in html_of(client, path)


def test_internal_nodes_are_named_not_numbered(client):
    statement = json_of(client, "/id/person/agnes-dubois")["incoming"]
    labels = [f["subject"]["label"] for f in statement]
    assert labels and not any(re.fullmatch(r"[0-9a-f]{16}", label) for label in labels)
    assert any(label.startswith("statement (ws64-2014-") for label in labels)
    roles = [f["value"]["label"] for f in json_of(client, "/id/workshop/2014-64")["outgoing"]
             if f["property"].endswith("#hasRole")]
    assert "role in a session: organizer (ws64-2014-description)" in roles
    role = html_of(client, "/id/report/ws64-2014-description/role/organizer-chinedu-okafor")
    assert ">Chinedu Okafor</a>" in role and not HEX_ID.search(role)


@pytest.mark.parametrize("value", ["", "%ff", "<x>", "\x00", "中文", "../../etc/passwd", "-1", "99999999999999999999",
                                   "a" * 3000, "principle/../x", "https://w3id.org/igfkg/id/org/isoc"])
def test_odd_parameters_are_never_a_server_error(client, value):
    for path, params in (("/sessions", {name: value for name in ("year", "kind", "principle", "organisation")}),
                         ("/sessions", {"page": value}), ("/sessions", {"per_page": value, "format": value}),
                         (f"/meeting/{value}", {}), ("/upload", {"format": value})):
        response = client.get(path, query_string=params)
        assert response.status_code < 500, (path, params)
