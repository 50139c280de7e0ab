"""The README cannot drift: its checked examples are run and compared
(docs/readme_check.py), and a deliberate change is caught."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("readme_check", ROOT / "docs" / "readme_check.py")
readme_check = importlib.util.module_from_spec(_spec)
sys.modules["readme_check"] = readme_check  # dataclasses look their module up
_spec.loader.exec_module(readme_check)

DOC = """# A page

<!-- check: home=t -->
```
$ igfkg --home t reports
{output}
```
"""


def test_a_drifted_output_is_caught_and_update_repairs_it(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(DOC.format(output="3 reports, all fine"), encoding="utf-8")
    problems = readme_check.check(page)
    assert len(problems) == 1 and "3 reports, all fine" in problems[0]
    readme_check.check(page, update=True)
    assert "no knowledge base in t; create one with 'igfkg --home t ingest FILE_OR_FOLDER'" \
        in page.read_text(encoding="utf-8")
    assert readme_check.check(page) == []


def test_scores_and_confidences_are_compared_masked():
    shown = ["(confidence 0.87, from the graph)", "1. x · summary (fr) · score 0.272", "took 12 ms"]
    now = ["(confidence 0.91, from the graph)", "1. x · summary (fr) · score 0.301", "took 9 ms"]
    assert readme_check.masked(shown) == readme_check.masked(now)
    assert readme_check.masked(["41 rows"]) != readme_check.masked(["42 rows"])


def test_multi_line_commands_are_one_command():
    lines = ["$ igfkg sparql 'SELECT ?x WHERE {", "  ?x ?p ?o }'", "x", "-", "(0 rows)"]
    assert readme_check._commands(lines) == [("igfkg sparql 'SELECT ?x WHERE {\n  ?x ?p ?o }'", ["x", "-", "(0 rows)"])]


@pytest.mark.slow
def test_the_readme_shows_what_igfkg_prints():
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "readme_check.py")], cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-4000:]


SERVED = """# A page

<!-- check: home=s setup="ingest samples/" serve=18457 -->
```
$ curl -s 'localhost:18457/?format=json' | jq '.reports | length'
{output}
```
"""


@pytest.mark.slow
def test_curl_examples_run_against_a_served_home(tmp_path):
    """A serve= block starts `igfkg serve` on its home; its curl pipelines are
    compared like igfkg commands, with the README's port shown."""
    page = tmp_path / "README.md"
    page.write_text(SERVED.format(output="7"), encoding="utf-8")
    problems = readme_check.check(page)
    assert len(problems) == 1 and "-7" in problems[0] and "+1" in problems[0]
    readme_check.check(page, update=True)
    assert readme_check.check(page) == []
