"""The service as a place to work, in headless Chromium (issue 14): upload a
report with and without the token, find it at once in search and ask, browse
sessions by facets and pages, and follow a person across reports. Driven as
tests/test_browser.py drives Chromium (its browser fixture and helpers)."""
import pytest

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import ROOT, SAMPLE, serve_app
from test_browser import CHROMEDRIVER, browser, click_and_load, shot  # noqa: F401  (browser: a fixture)

TOKEN = "browser-token"
MERGE = ROOT / "tests" / "fixtures" / "documents" / "merge"
WS88 = ROOT / "tests" / "fixtures" / "documents" / "dev" / "report-2012-ws88.txt"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMEDRIVER is None, reason="Debian's chromium-driver is not installed")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """As `igfkg serve` runs: waitress, a token, queries in worker processes."""
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("workplace") / "kb"))
    for path in [SAMPLE, *sorted(MERGE.glob("*.txt"))]:
        kb.ingest_file(path)
    app = create_app(kb, token=TOKEN, isolate_queries=True, max_queries=2)
    httpd, url = serve_app(app)
    yield url
    httpd.close()
    app.config["QUERY_POOL"].close()
    kb.query_runner = None
    kb.close()


def by_id(driver, name):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, name)


def test_upload_needs_the_token_and_the_report_is_found_at_once(site, browser):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(site + "/upload")
    assert by_id(browser, "sign-in") and not browser.find_elements(By.ID, "file")
    by_id(browser, "token").send_keys("not the token")
    click_and_load(browser, by_id(browser, "sign-in-button"))
    assert "wrong token" in by_id(browser, "upload-error").text and not browser.find_elements(By.ID, "file")
    shot(browser, "workplace-1-upload-refused")

    by_id(browser, "token").send_keys(TOKEN)
    click_and_load(browser, by_id(browser, "sign-in-button"))
    assert TOKEN not in browser.current_url and "session" not in browser.execute_script("return document.cookie")
    by_id(browser, "file").send_keys(str(WS88))
    click_and_load(browser, by_id(browser, "upload-button"))
    result = by_id(browser, "upload-result").text
    assert "Added" in result and "workshop report" in result
    shot(browser, "workplace-2-uploaded")
    click_and_load(browser, by_id(browser, "report-link"))
    assert browser.current_url.endswith("/report/report-2012-ws88")

    browser.get(site + "/search?q=community+networks+spectrum+sharing")
    assert "report-2012-ws88" in browser.find_elements(By.CSS_SELECTOR, ".evidence .meta")[0].text
    browser.get(site + "/ask?q=Who+moderated+workshop+88%3F")
    assert "Mäkelä" in by_id(browser, "answer").text
    shot(browser, "workplace-3-asked")

    browser.get(site + "/upload")
    click_and_load(browser, by_id(browser, "sign-out"))
    assert by_id(browser, "sign-in") and not browser.find_elements(By.ID, "file")


def test_sessions_filter_by_facets_and_page(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site + "/sessions?per_page=1")
    total = int(by_id(browser, "total").text.split()[0])
    assert total >= 2 and len(browser.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")) == 1
    first = browser.find_element(By.CSS_SELECTOR, "td.session a").text
    click_and_load(browser, by_id(browser, "next"))
    assert browser.find_element(By.CSS_SELECTOR, "td.session a").text != first
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, 'a.facet[data-facet="year"][data-value="2014"]'))
    assert "year=2014" in browser.current_url and "&page=" not in browser.current_url
    selected = browser.find_element(By.CSS_SELECTOR, 'a.facet[aria-current="true"]')
    assert selected.get_attribute("data-value") == "2014"
    assert int(by_id(browser, "total").text.split()[0]) == 1
    assert "Open Data Trusts" in browser.find_element(By.CSS_SELECTOR, "td.session a").text
    shot(browser, "workplace-4-sessions")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "td.session a"))
    assert by_id(browser, "label").text == "Open Data Trusts for Local Governments"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#documents li")) == 4
    shot(browser, "workplace-5-session")


def test_person_page_shows_roles_read_in_two_reports(site, browser):
    from selenium.webdriver.common.by import By

    browser.get(site + "/id/person/agnes-dubois")
    assert by_id(browser, "label").text == "Agnes Dubois"
    moderator = browser.find_element(By.CSS_SELECTOR, 'li.role[data-role="moderator"]')
    reports = {a.text for a in moderator.find_elements(By.CSS_SELECTOR, "a.evidence-link")}
    assert len(reports) >= 2 and moderator.find_element(By.TAG_NAME, "q").text
    shot(browser, "workplace-6-person")
    click_and_load(browser, moderator.find_element(By.CSS_SELECTOR, "a.evidence-link"))
    target = browser.current_url.split("#", 1)[1]
    assert "Dubois" in by_id(browser, target).text
