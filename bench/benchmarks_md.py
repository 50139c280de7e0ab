"""Write one benchmark's block into BENCHMARKS.md, replacing its last run."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# Benchmarks\n\nFigures from `bench/`; each compares against a baseline measured in the same run.\n"


def update_block(name: str, lines: list[str], path: Path = ROOT / "BENCHMARKS.md") -> None:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def median_ms(fn, repeat: int) -> float:
    """The median time of ``repeat`` calls of ``fn()``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)
