"""Benchmarks never drop figures they could not measure again."""
from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("benchmarks_md", ROOT / "bench" / "benchmarks_md.py")
benchmarks_md = importlib.util.module_from_spec(_spec)
sys.modules["benchmarks_md"] = benchmarks_md
_spec.loader.exec_module(benchmarks_md)

FIRST = ["## Load", "", "Command: `python bench/x.py` (2026-01-02).", "",
         "| route | p50 |", "| --- | ---: |", "| search | 10 ms |", "| ask | 20 ms |", "",
         "| memory | MiB |", "| --- | ---: |", "| before | 300 |"]


def test_a_row_not_measured_again_is_kept_and_marked(tmp_path):
    page = tmp_path / "BENCHMARKS.md"
    benchmarks_md.update_block("load", FIRST, page)
    again = ["## Load", "", "Command: `python bench/x.py` (2026-02-03).", "",
             "| route | p50 |", "| --- | ---: |", "| search | 12 ms |"]  # ask and the memory table not measured
    benchmarks_md.update_block("load", again, page)
    text = page.read_text(encoding="utf-8")
    assert "| search | 12 ms |" in text and "| search | 10 ms |" not in text
    assert "| ask (not re-measured; from 2026-01-02) | 20 ms |" in text
    assert "Not re-measured in this run (figures from 2026-01-02):" in text and "| before | 300 |" in text


def test_a_row_measured_again_replaces_the_kept_one(tmp_path):
    page = tmp_path / "BENCHMARKS.md"
    benchmarks_md.update_block("load", FIRST, page)
    benchmarks_md.update_block("load", FIRST[:7], page)
    benchmarks_md.update_block("load", FIRST, page)
    text = page.read_text(encoding="utf-8")
    assert "not re-measured" not in text and text.count("| ask | 20 ms |") == 1


def test_a_table_carried_over_twice_keeps_the_date_it_was_measured(tmp_path):
    page = tmp_path / "BENCHMARKS.md"
    benchmarks_md.update_block("load", FIRST, page)
    for day in ("2026-02-03", "2026-03-04"):  # the memory table measured in neither run
        benchmarks_md.update_block("load", ["## Load", "", f"Command: `python bench/x.py` ({day}).", "",
                                            "| route | p50 |", "| --- | ---: |", "| search | 12 ms |",
                                            "| ask | 21 ms |"], page)
    text = page.read_text(encoding="utf-8")
    assert "Not re-measured in this run (figures from 2026-01-02):" in text and "| before | 300 |" in text
    assert "figures from 2026-02-03" not in text and text.count("| before | 300 |") == 1
