"""Write one benchmark's block into BENCHMARKS.md, replacing its last run."""
from __future__ import annotations

import os
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# Benchmarks\n\nFigures from `bench/`; each compares against a baseline measured in the same run.\n"


def update_block(name: str, lines: list[str], path: Path = ROOT / "BENCHMARKS.md") -> None:
    """Replace the block's last run with ``lines``. A table row of the last
    run that this run did not measure again (a tool missing, a step skipped)
    is kept, marked with the date it was measured: figures are never dropped
    silently."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text:
        head, rest = text.split(start, 1)
        old, tail = rest.split(end, 1)
        lines = keep_unmeasured(old.strip("\n").splitlines(), lines)
        text = head + "\n".join([start, *lines, end]) + tail
    else:
        text = text.rstrip() + "\n\n" + "\n".join([start, *lines, end]) + "\n"
    path.write_text(text, encoding="utf-8")


_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")


def _tables(lines: list[str]) -> dict[str, list[str]]:
    """Markdown tables by header line: their data rows."""
    found, header = {}, None
    for i, line in enumerate(lines):
        if line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1]):
            header = line
            found[header] = []
        elif header and line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line):
            found[header].append(line)
        elif not line.startswith("|"):
            header = None
    return found


def _key(row: str) -> str:
    return row.split("|")[1].strip()


def keep_unmeasured(old: list[str], new: list[str]) -> list[str]:
    """``new`` with the rows of ``old``'s tables that ``new`` lacks, marked."""
    when = next((m.group(1) for line in old for m in [_DATE.search(line)] if m), "an earlier run")
    new_tables = _tables(new)
    out = list(new)
    missing_tables = []
    for header, rows in _tables(old).items():
        kept = [row.replace(f"| {_key(row)} |", f"| {_key(row)} (not re-measured; from {when}) |", 1)
                for row in rows if header in new_tables and _key(row) not in {_key(r) for r in new_tables[header]}
                and "not re-measured" not in row]
        kept += [row for row in rows if header in new_tables and "not re-measured" in row
                 and _key(row).split(" (not re-measured")[0] not in {_key(r) for r in new_tables[header]}]
        if header not in new_tables:
            missing_tables.append((header, rows))
        elif kept:
            last = max(i for i, line in enumerate(out) if line in new_tables[header] or line == header)
            out[last + 1:last + 1] = kept
    for header, rows in missing_tables:
        separator = "| " + " | ".join("---" for _ in header.strip("|").split("|")) + " |"
        out += ["", f"{_CARRIED} {_measured_on(old, header, when)}):", "", header, separator, *rows]
    return out


_CARRIED = "Not re-measured in this run (figures from"


def _measured_on(old: list[str], header: str, when: str) -> str:
    """The date a table was measured: the one its note gives when an
    earlier run already carried it over, else ``when``."""
    at = old.index(header)
    for line in reversed(old[max(0, at - 3):at]):
        if line.startswith(_CARRIED):
            return line[len(_CARRIED):].strip(" ):")
    return when


def rss_bytes() -> int:
    """This process's resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def median_ms(fn, repeat: int) -> float:
    """The median time of ``repeat`` calls of ``fn()``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)
