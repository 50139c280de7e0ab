"""Run `igfkg serve` as a separate process on this machine: for the
benchmarks and the conformance test, which need a real server process."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedAt(str):
    """The base URL of a served process, with the process (``.process``)."""

    process: subprocess.Popen


@contextmanager
def serve_process(home: Path | str, *options: str, wait_seconds: float = 60):
    """Start `igfkg --home HOME serve` on a free loopback port; yield its base
    URL (a str, whose ``.process`` is the server's Popen)."""
    port = free_port()
    igfkg = str(Path(sys.executable).with_name("igfkg"))
    process = subprocess.Popen([igfkg, "--home", str(home), "serve", "--port", str(port), *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = ServedAt(f"http://127.0.0.1:{port}")
    base.process = process
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                urlopen(base + "/sparql", timeout=1).close()
                break
            except (URLError, ConnectionError, OSError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"igfkg serve did not start on {base}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(10)
