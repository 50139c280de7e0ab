"""The W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol suites, run by
../shared/conformance/run_w3c_protocol.py against `igfkg serve` started with a
token on a scratch data directory."""
import json
import os
import subprocess
import sys

import pytest

from igfkg.web.local import serve_process
from conftest import ROOT

RUNNER = ROOT.parent / "shared" / "conformance" / "run_w3c_protocol.py"


@pytest.mark.slow
@pytest.mark.skipif(not RUNNER.exists(), reason="shared/conformance is not beside the project")
def test_w3c_protocol_and_graph_store_suites_pass_in_full(tmp_path):
    with serve_process(tmp_path / "scratch", "--token", "w3c") as base:
        report = tmp_path / "conformance.json"
        run = subprocess.run([sys.executable, str(RUNNER), "--query-url", base + "/sparql", "--update-url",
                              base + "/sparql", "--gsp-url", base + "/gsp", "--token", "w3c", "--json", str(report)],
                             capture_output=True, text=True, timeout=600, env={**os.environ})
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "47 passed, 0 failed"
    assert json.loads(report.read_text())
