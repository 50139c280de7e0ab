"""Every page type through axe-core (installed from npm by `make setup`,
injected into the page in headless Chromium): no serious or critical
violation of the WCAG rules axe checks."""
import json
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from igfkg.web import create_app
from conftest import ROOT, serve_app
from test_browser import CHROMEDRIVER, browser  # noqa: F401  (the shared Chromium fixture)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMEDRIVER is None, reason="Debian's chromium-driver is not installed"),
              pytest.mark.skipif(not AXE.is_file(), reason="node_modules/axe-core is missing: run `make setup` (needs npm)")]

SESSION = "https://w3id.org/igfkg/id/workshop/2013-41"
PAGES = {
    "home": "/",
    "home in French": "/?lang=fr",
    "search with results": "/search?q=port+25",
    "ask with an answer": "/ask?q=" + quote("Who moderated workshop 41?"),
    "sparql editor": "/sparql-editor",
    "sparql results": "/sparql-editor?query=" + quote("SELECT ?s WHERE { ?s a <http://schema.org/Person> } LIMIT 5"),
    "participation": "/participation",
    "quality": "/quality",
    "report": "/report/igf2013-workshop-41",
    "session": "/id/workshop/2013-41",
    "person": "/id/person/anriette-esterhuysen",
    "organisation": "/id/org/isoc",
    "principle": "/id/principle/transparency",
    "trends": "/trends",
    "trends in French": "/trends?lang=fr",
    "graph view": "/graph/view?iri=" + quote(SESSION, safe=""),
    "error page": "/id/nothing-here",
    # the browsing and upload pages
    "sessions": "/sessions",
    "meeting": "/meeting/2013",
    "upload": "/upload",
}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def site(sample_kb):
    httpd, url = serve_app(create_app(sample_kb, token="a11y-token"))
    yield url
    httpd.close()


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return driver.execute_async_script("""const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]}).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(0, 2).join(" "))}))))
        .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));""")


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(site, browser, name):  # noqa: F811
    url = site + PAGES[name]
    if name in ("sessions", "meeting", "upload"):
        try:
            urlopen(url, timeout=30).close()
        except HTTPError as exc:
            pytest.skip(f"{PAGES[name]} is not served here ({exc.code})")
    browser.get(url)
    found = [v for v in axe_violations(browser) if v["impact"] in SERIOUS]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
