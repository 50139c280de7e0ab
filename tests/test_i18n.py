"""The interface in English and French: chosen by ?lang= (remembered in a
cookie), the cookie, then Accept-Language; a switch on every page; labels
from the graph in the chosen language; a complete French catalogue."""
import json
import re

import pytest

from igfkg.web import create_app
from igfkg.web import graphview, trends
from igfkg.web.i18n import COOKIE
from igfkg.web.pages import FIGURES
from conftest import ROOT

TEMPLATES = ROOT / "web" / "templates"
CATALOGUE = ROOT / "web" / "translations" / "fr.json"
# _("text") or _('text'), with or without keyword values after it.
MARKED = re.compile(r'''\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')''')


@pytest.fixture(scope="module")
def client(sample_kb):
    return create_app(sample_kb).test_client()


def french() -> dict:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def marked_strings() -> dict[str, str]:
    found = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        for m in MARKED.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(1) if m.group(1) is not None else m.group(2), path.name)
    return found


def strings_from_code() -> set[str]:
    """English the pages pass to translate() from Python: node types, relations, charts, figures."""
    out = {label for _n, _c, label, _col in graphview.TYPES} | set(graphview.RELATIONS.values())
    for chart in trends.CHARTS:
        out |= {chart.title} | {label for _k, label in chart.columns}
    out |= {name for _key, name in FIGURES}
    out |= {"people", "organisations", "rejected people", "rejected organisations"}  # igfkg/quality.py counts
    return out


def test_every_interface_string_has_french():
    catalogue = french()
    assert len(marked_strings()) > 50  # the pattern still finds the templates' strings
    missing = sorted(f"{where}: {text}" for text, where in marked_strings().items() if not catalogue.get(text))
    assert not missing, "add these to web/translations/fr.json:\n" + "\n".join(missing)
    assert not sorted(t for t in strings_from_code() if not catalogue.get(t))


def test_french_entries_keep_their_placeholders():
    for english, text in french().items():
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", text)), english


def test_accept_language_french_gives_the_french_interface(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Rapports du Forum sur la gouvernance de l&#39;Internet" in page
    assert ">Recherche</a>" in page and ">Qualité</a>" in page and ">Tendances</a>" in page


def test_english_by_default_and_for_english_browsers(client):
    for headers in ({}, {"Accept-Language": "en-GB,en;q=0.8"}, {"Accept-Language": "de"}):
        page = client.get("/", headers=headers).get_data(as_text=True)
        assert '<html lang="en">' in page and "Internet Governance Forum reports" in page


def test_switch_sets_the_cookie_and_keeps_path_and_query(sample_kb):
    client = create_app(sample_kb).test_client()
    response = client.get("/search?q=port+25&lang=fr")
    assert response.status_code == 200
    assert f"{COOKIE}=fr" in response.headers["Set-Cookie"]
    page = response.get_data(as_text=True)
    assert 'href="/search?q=port+25&amp;lang=en"' in page and 'aria-current="true">FR' in page
    # The cookie now chooses French, over an English browser; the switch goes back.
    assert '<html lang="fr">' in client.get("/trends", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/trends").get_data(as_text=True)


def test_every_page_has_the_switch(client):
    for url in ("/", "/search?q=port", "/sparql-editor", "/participation", "/quality", "/trends",
                "/report/igf2013-workshop-41", "/id/person/anriette-esterhuysen"):
        page = client.get(url).get_data(as_text=True)
        assert 'hreflang="fr"' in page and 'hreflang="en"' in page, url


def test_graph_labels_in_the_chosen_language(client):
    iri = "https://w3id.org/igfkg/id/principle/transparency"
    english = client.get("/graph", query_string={"iri": iri}).get_json()
    french_ = client.get("/graph", query_string={"iri": iri, "lang": "fr"}).get_json()
    assert english["label"] == "transparency" and french_["label"] == "transparence"
    assert {n["type_label"] for n in french_["nodes"]} >= {"Principe", "Session"}
    kinds = client.get("/trends", query_string={"chart": "sessions", "format": "json", "lang": "fr"}).get_json()
    assert {r["kind"] for r in kinds["rows"]} == {"atelier"}
    assert kinds["title"] == "Sessions par année et par type"


def test_principle_page_names_the_principle_in_the_chosen_language(client):
    english = client.get("/id/principle/transparency?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    french_ = client.get("/id/principle/transparency?lang=fr", headers={"Accept": "text/html"}).get_data(as_text=True)
    title = lambda page: page.split("<h1", 1)[1].split("</h1>", 1)[0]  # noqa: E731
    assert "transparency" in title(english) and "transparence" in title(french_)
