"""The W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol suites, run by
../shared/conformance/run_w3c_protocol.py against `igfkg serve` started with a
token on a scratch data directory."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT

RUNNER = ROOT.parent / "shared" / "conformance" / "run_w3c_protocol.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not RUNNER.exists(), reason="shared/conformance is not beside the project")
def test_w3c_protocol_and_graph_store_suites_pass_in_full(tmp_path):
    port = free_port()
    igfkg = str(Path(sys.executable).with_name("igfkg"))
    server = subprocess.Popen([igfkg, "--home", str(tmp_path / "scratch"), "serve", "--port", str(port),
                               "--token", "w3c"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/sparql", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        report = tmp_path / "conformance.json"
        run = subprocess.run([sys.executable, str(RUNNER), "--query-url", base + "/sparql", "--update-url",
                              base + "/sparql", "--gsp-url", base + "/gsp", "--token", "w3c", "--json", str(report)],
                             capture_output=True, text=True, timeout=600, env={**os.environ})
        print(run.stdout[-3000:])
        assert run.returncode == 0, run.stdout[-3000:]
        assert run.stdout.strip().splitlines()[-1] == "47 passed, 0 failed"
        assert json.loads(report.read_text())
    finally:
        server.terminate()
        server.wait(10)
