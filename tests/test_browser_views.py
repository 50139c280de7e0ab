"""The network view and the trends page: their routes through the test
client, then in headless Chromium (the network drawn, a click on a node
opens its page, the keyboard walks the nodes; charts and tables on the
trends page; the French switch). The browser tests write the README's
screenshots to docs/screenshots/."""
import csv
import io
import time

import pytest

from igfkg.web import create_app
from conftest import ROOT, serve_app
from test_browser import (CHROMEDRIVER, browser, click_and_load, mark_page,  # noqa: F401  (browser: the shared Chromium fixture)
                          wait_for_next_page)

SCREENSHOTS = ROOT / "docs" / "screenshots"
NODE_MODULES = ROOT / "node_modules"
SESSION = "https://w3id.org/igfkg/id/workshop/2013-41"
BROWSER = [pytest.mark.slow, pytest.mark.skipif(CHROMEDRIVER is None, reason="Debian's chromium-driver is not installed")]
NETWORK = BROWSER + [pytest.mark.skipif(not (NODE_MODULES / "cytoscape").is_dir(),
                                        reason="node_modules/cytoscape is missing: run `make setup` (needs npm)")]


def marked(*marks):
    def apply(test):
        for mark in marks:
            test = mark(test)
        return test
    return apply


@pytest.fixture(scope="module")
def kb(sample_kb):
    """The sample and the team's reports: five workshops over five years."""
    return sample_kb


@pytest.fixture(scope="module")
def client(kb):
    return create_app(kb).test_client()


@pytest.fixture(scope="module")
def site(kb):
    httpd, url = serve_app(create_app(kb))
    yield url
    httpd.close()


# --- routes -----------------------------------------------------------------------------

def test_neighbourhood_json_has_typed_labelled_nodes_and_edges(client):
    data = client.get("/graph", query_string={"iri": SESSION}).get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert data["center"] == SESSION and nodes[SESSION]["center"] and nodes[SESSION]["type"] == "session"
    person = nodes["https://w3id.org/igfkg/id/person/anriette-esterhuysen"]
    assert person["type"] == "person" and person["label"] == "Anriette Esterhuysen"
    assert person["href"] == "/id/person/anriette-esterhuysen" and person["relations"] == ["moderator"]
    assert {"person", "organisation", "principle", "example", "document", "meeting"} <= {n["type"] for n in data["nodes"]}
    assert nodes["https://w3id.org/igfkg/id/report/igf2013-workshop-41"]["href"] == "/report/igf2013-workshop-41"
    # Edges among the neighbours too (a panellist's organisation), every end a node shown.
    assert {"source": "https://w3id.org/igfkg/id/person/anriette-esterhuysen", "target": "https://w3id.org/igfkg/id/org/apc",
            "relation": "http://schema.org/affiliation", "label": "affiliated with"} in data["edges"]
    assert all(e["source"] in nodes and e["target"] in nodes for e in data["edges"])
    assert not any("/fact/" in n or "/passage/" in n for n in nodes)  # provenance is not the graph a reader means


def test_neighbourhood_is_bounded(kb):
    from igfkg.web import graphview

    with create_app(kb).test_request_context("/"):
        data = graphview.neighbourhood(kb, SESSION, limit=10)
    assert len(data["nodes"]) == 10 and data["truncated"] and data["total"] > 10
    assert data["nodes"][1]["type"] == "person"  # the most telling relations are kept first


def test_graph_routes_refuse_bad_input(client):
    for url in ("/graph", "/graph?iri=", "/graph/view?format=json"):
        response = client.get(url)
        assert response.status_code == 400 and "iri" in response.get_json()["error"]
    for url in ("/graph?iri=https://example.org/nothing", "/graph/view?iri=https://example.org/nothing&format=json"):
        assert client.get(url).status_code == 404
    assert client.get("/vendor/not-a-library.js").status_code == 404
    assert client.get("/vendor/../package.json").status_code == 404


def test_network_partial_lists_the_neighbours_without_javascript(client):
    page = client.get("/graph/view", query_string={"iri": SESSION}).get_data(as_text=True)
    assert 'id="network-list"' in page and 'href="/id/person/anriette-esterhuysen"' in page
    assert 'src="/vendor/cytoscape.min.js"' in page and 'class="network-legend"' in page
    script = client.get("/vendor/cytoscape.min.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript" and len(script.data) > 100_000


def test_network_without_node_modules_keeps_the_list_and_says_so(kb, tmp_path):
    app = create_app(kb)
    app.config["NODE_MODULES"] = str(tmp_path / "missing")
    page = app.test_client().get("/graph/view", query_string={"iri": SESSION}).get_data(as_text=True)
    assert 'id="network-unavailable"' in page and "/vendor/cytoscape.min.js" not in page
    assert 'href="/id/person/anriette-esterhuysen"' in page


def test_trends_json_csv_and_sparql(client):
    charts = {c["id"]: c for c in client.get("/trends?format=json").get_json()["charts"]}
    assert set(charts) == {"sessions", "participation", "principles", "organisations"}
    assert [r["year"] for r in charts["sessions"]["rows"]] == ["2013", "2014", "2015", "2016", "2022"]
    women = {r["year"]: r["women_share"] for r in charts["participation"]["rows"]}
    assert women["2013"] == round(100 * 38 / 77, 1) and women["2015"] == round(100 * 15 / 35, 1)
    assert charts["organisations"]["rows"][0]["organisation"] == "Internet Society"
    assert charts["organisations"]["rows"][0]["in_years"] == "2013 2014 2015"
    # The SPARQL shown runs as it is in the editor, which declares no prefixes.
    for chart in charts.values():
        assert chart["sparql"].startswith("PREFIX ")
        ran = client.get("/sparql-editor", query_string={"query": chart["sparql"], "format": "json"}).get_json()
        assert ran["error"] is None and ran["table"]["rows"], chart["id"]
    response = client.get("/trends?chart=participation&format=csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == {"year": "2013", "sessions": "1", "participants": "77", "women": "38",
                       "women_and_men": "77", "women_share": "49.4"}
    assert client.get("/trends?chart=sessions&format=json").get_json()["id"] == "sessions"


def test_trends_bad_input(client):
    assert client.get("/trends?chart=nothing").status_code == 404
    assert client.get("/trends?format=csv").status_code == 400  # CSV is one chart at a time


def test_trends_page_has_a_chart_table_and_downloads_per_chart(client):
    page = client.get("/trends").get_data(as_text=True)
    for chart in ("sessions", "participation", "principles", "organisations"):
        assert f'id="chart-{chart}"' in page and f'id="table-{chart}"' in page
        assert f"/trends?chart={chart}&amp;format=csv" in page and f"/trends?chart={chart}&amp;format=json" in page
    assert page.count('class="open-sparql"') == 4


# --- in the browser ---------------------------------------------------------------------

def network_page(client) -> str:
    """The session page when it carries the network (the browsing pages), else the graph view."""
    page = client.get("/id/workshop/2013-41", headers={"Accept": "text/html"}).get_data(as_text=True)
    return "/id/workshop/2013-41" if 'id="network-list"' in page else "/graph/view?iri=" + SESSION


def wait_for_network(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return !!window.igfkgNetwork"))


def screenshot(driver, name: str, height: int = 1300, element: str | None = None) -> None:
    """A picture for the README at a fixed size, from the top of the page or of ``element``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1200, height)
    if element:
        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", element)
    time.sleep(0.5)
    driver.save_screenshot(str(SCREENSHOTS / name))
    driver.set_window_size(1200, 900)


@marked(*NETWORK)
def test_network_draws_the_nodes_and_a_click_opens_a_nodes_page(site, client, browser):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(site + network_page(client))
    wait_for_network(browser)
    drawn = browser.execute_script("return window.igfkgNetwork.nodes().length")
    listed = browser.find_elements(By.CSS_SELECTOR, "#network-list a[data-node]")
    assert drawn == len(listed) > 20
    assert browser.find_element(By.ID, "network-canvas").is_displayed()
    assert not browser.find_element(By.ID, "network-nojs").is_displayed()
    screenshot(browser, "session-network.png", height=900, element="network")
    browser.execute_script("document.getElementById('network').scrollIntoView()")

    target = "https://w3id.org/igfkg/id/person/anriette-esterhuysen"
    canvas = browser.find_element(By.ID, "network-canvas")
    x, y = browser.execute_script(
        "var p = window.igfkgNetwork.getElementById(arguments[0]).renderedPosition(); return [p.x, p.y];", target)
    mark_page(browser)
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - canvas.size["width"] / 2),
                                                      int(y - canvas.size["height"] / 2)).click().perform()
    wait_for_next_page(browser)
    assert browser.current_url.endswith("/id/person/anriette-esterhuysen")
    assert browser.find_element(By.ID, "label").text == "Anriette Esterhuysen"


@marked(*NETWORK)
def test_network_keyboard_tab_arrows_and_enter(site, client, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(site + "/graph/view?iri=" + SESSION)
    wait_for_network(browser)
    links = browser.find_elements(By.CSS_SELECTOR, "#network-list a[data-node]")
    # Tab from the link just before the network's list lands on its first node.
    browser.execute_script("document.querySelector('#network p.meta a').focus()")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == links[0]
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    focused = browser.switch_to.active_element
    assert focused == links[2]
    assert browser.execute_script("return window.igfkgNetwork.$('node.selected').id()") == focused.get_attribute("data-node")
    assert browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle") != "none"
    focused.send_keys(Keys.END)
    assert browser.switch_to.active_element == links[-1]
    browser.switch_to.active_element.send_keys(Keys.HOME)
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element == links[1]
    href = links[1].get_attribute("href")
    mark_page(browser)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for_next_page(browser)
    assert browser.current_url == href


@marked(*BROWSER)
def test_trends_page_charts_tables_and_download(site, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(site + "/trends")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) >= 5 and all(c.is_displayed() for c in charts)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-sessions rect")) == 5
    assert "Internet Society" in browser.find_element(By.ID, "table-organisations").get_attribute("textContent")
    assert browser.find_element(By.ID, "table-participation").is_displayed()
    screenshot(browser, "trends.png", height=1500)
    csv_link = browser.find_element(By.CSS_SELECTOR, "#participation a.download-csv")
    assert csv_link.get_attribute("href").endswith("/trends?chart=participation&format=csv")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "#sessions a.download-json"))
    assert '"sessions"' in browser.find_element(By.TAG_NAME, "body").text


@marked(*BROWSER)
def test_french_interface_through_the_switch(site, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(site + "/trends")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".languages a[hreflang=fr]"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tendances au fil des années"
    browser.get(site + "/")  # the cookie keeps the choice
    assert "Recherche" in browser.find_element(By.TAG_NAME, "nav").text
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".languages a[hreflang=en]"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
