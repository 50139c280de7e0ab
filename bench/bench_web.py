"""The web service under a small concurrent load, measured with wrk (Debian's
package), against a static JSON document from the same server in the same run.

    python bench/bench_web.py [--connections 8] [--seconds 10]
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.web.local import serve_process  # noqa: E402

TARGETS = [
    ("/api/openapi.json (baseline: the server stack alone)", "/api/openapi.json"),
    ("/sparql ASK", "/sparql?query=" + quote("ASK { ?s ?p ?o }")),
    ("/api/search", "/api/search?k=5&q=" + quote("What did the port 25 initiative achieve?")),
    ("/api/ask, graph answer", "/api/ask?q=" + quote("Which panellist came from Brazil's foreign ministry?")),
    ("/api/ask, passage answer", "/api/ask?q=" + quote("What is soft law according to the discussion?")),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    igfkg = str(Path(sys.executable).with_name("igfkg"))
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([igfkg, "--home", home, "ingest", str(ROOT / "samples")], check=True, capture_output=True)
        with serve_process(home, "--threads", "8") as base:
            for _, path in TARGETS:  # warm the models and caches
                requests.get(base + path, timeout=60)
            rows = []
            for name, path in TARGETS:
                out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                                      base + path], capture_output=True, text=True, check=True).stdout
                median = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
                p90 = _ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1))
                rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
                errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                rows.append((name, median, p90, rate, int(errors.group(1)) if errors else 0))
                print(name, median, p90, rate, flush=True)
    baseline = rows[0][1]
    lines = ["## Web service under load", "",
             f"Command: `python bench/bench_web.py --connections {args.connections} --seconds {args.seconds}` "
             f"({time.strftime('%Y-%m-%d')}): `igfkg serve` (waitress, 8 threads) on the bundled sample, "
             f"wrk with {args.connections} connections for {args.seconds} s per endpoint, on the same 2-core "
             "machine as the server.", "",
             "| endpoint | median latency (ms) | 90th percentile (ms) | requests/s | errors | median / baseline |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {name} | {median:.1f} | {p90:.1f} | {rate:.0f} | {errors} | {median / baseline:.1f} |"
              for name, median, p90, rate, errors in rows]
    update_block("bench_web", lines)
    print("\n".join(lines))


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


if __name__ == "__main__":
    main()
