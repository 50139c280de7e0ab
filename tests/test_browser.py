"""The pages in a real browser: Debian's Chromium, headless, driven by
Selenium through the system chromedriver. Screenshots go to
test-output/browser/."""
import shutil
import time
from pathlib import Path

import pytest

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from igfkg.web import create_app
from conftest import ROOT, SAMPLE, serve_app

CHROMEDRIVER = shutil.which("chromedriver")
SHOTS = ROOT / "test-output" / "browser"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMEDRIVER is None, reason="Debian's chromium-driver is not installed")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    kb = KnowledgeBase(load_config(tmp_path_factory.mktemp("browser") / "kb"))
    kb.ingest_file(SAMPLE)
    kb.ingest_file(ROOT / "tests" / "data" / "web" / "xss-report.txt")
    httpd, url = serve_app(create_app(kb))
    yield url, kb
    httpd.close()
    kb.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,900", f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name):
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def mark_page(driver) -> None:
    """Mark the page shown now, so that wait_for_next_page can tell when another has replaced it."""
    driver.execute_script("window.__igfkgOldPage = true;")


def wait_for_next_page(driver) -> None:
    """Wait until a document without the mark of ``mark_page`` has finished loading.

    Chromedriver can answer a question about the old page with an "unknown error" while the
    navigation swaps documents (not only with a stale-element error), so driver errors during the
    wait mean "not yet"; a page that never arrives still fails, as a timeout.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.__igfkgOldPage && document.readyState === 'complete';"))


def click_and_load(driver, element) -> None:
    """Click a link or button and wait until the next page has replaced this one and finished loading."""
    mark_page(driver)
    element.click()
    wait_for_next_page(driver)


def no_dialog(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def test_ask_follow_answer_open_evidence_run_query_and_download(site, browser):
    from selenium.webdriver.common.by import By

    base, _kb = site
    browser.get(base + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Who moderated workshop 41?")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]"))
    assert "Anriette Esterhuysen" in browser.find_element(By.ID, "answer").text
    assert browser.find_elements(By.CSS_SELECTOR, ".evidence mark")
    shot(browser, "1-answer")
    answer_page = browser.current_url

    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "a.answer-link"))
    assert browser.find_element(By.ID, "label").text == "Anriette Esterhuysen"
    assert browser.find_elements(By.CSS_SELECTOR, "a.evidence-link")
    shot(browser, "2-entity")

    browser.get(answer_page)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "a.evidence-link"))
    target = browser.current_url.split("#", 1)[1]
    passage = browser.find_element(By.ID, target)
    assert "Anriette Esterhuysen" in passage.text
    assert browser.find_elements(By.CSS_SELECTOR, "#report-text a.entity.person")
    assert browser.find_elements(By.CSS_SELECTOR, '#report-text p[lang="fr"]')
    shot(browser, "3-report")

    browser.get(answer_page)
    click_and_load(browser, browser.find_element(By.ID, "open-sparql"))
    click_and_load(browser, browser.find_element(By.ID, "run"))
    assert "Anriette Esterhuysen" in browser.find_element(By.ID, "results").text
    click_and_load(browser, browser.find_element(By.XPATH, "//a[@class='example' and text()='People by organisation']"))
    click_and_load(browser, browser.find_element(By.ID, "run"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tr")
    assert len(rows) > 5 and "Verizon" in browser.find_element(By.ID, "results").text
    shot(browser, "4-sparql")

    browser.find_element(By.ID, "download-export").click()
    for _ in range(50):
        files = [p for p in Path(browser.downloads).iterdir() if p.suffix == ".ttl"]
        if files:
            break
        time.sleep(0.2)
    assert files and "Anriette Esterhuysen" in files[0].read_text(encoding="utf-8")

    browser.get(base + "/participation")
    assert browser.find_elements(By.CSS_SELECTOR, "svg rect")
    shot(browser, "5-participation")


def test_script_in_a_report_stays_inert_on_every_page(site, browser):
    from selenium.webdriver.common.by import By

    base, kb = site
    pages = ["/report/xss-report", "/search?q=smart+quotes+script", "/ask?q=Who+moderated+workshop+900%3F",
             "/id/person/siobhan-o-brien", "/"]
    for n, page in enumerate(pages):
        browser.get(base + page)
        time.sleep(0.3)
        assert no_dialog(browser), page
        shot(browser, f"6-inert-{n}")
    browser.get(base + "/report/xss-report")
    assert "<script>alert(2)</script>" in browser.find_element(By.ID, "report-text").text
