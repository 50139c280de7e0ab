"""Graph and index in step after a crash (issue 11, finding 1): writes record
an intent the next open finishes; FAISS never holds an id twice; `igfkg
check` finds every disagreement and `igfkg check --repair` fixes it."""
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from igfkg.config import load_config
from igfkg.kb import KnowledgeBase
from conftest import REPORTS, SAMPLE

IGFKG = str(Path(sys.executable).with_name("igfkg"))


def run(home, *args, env=None):
    return subprocess.run([IGFKG, "--home", str(home), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def state(home):
    """(reports, passages per report, vector ids) as the next open leaves them."""
    import faiss

    with KnowledgeBase(load_config(home)) as kb:
        assert kb.check() == []
        reports = kb.report_ids()
        rows = dict(kb.index.db.execute("SELECT report, COUNT(*) FROM passages GROUP BY report").fetchall())
        kb.index._load()
        ids = sorted(faiss.vector_to_array(kb.index._exact.id_map).tolist()) if kb.index._exact else []
        row_ids = sorted(i for (i,) in kb.index.db.execute("SELECT id FROM passages"))
    assert ids == row_ids  # every passage has one vector, no vector lacks a passage
    return reports, rows


def test_check_is_clean_after_ingest_and_finds_and_repairs_disagreement(kb):
    kb.ingest_file(SAMPLE)
    kb.ingest_file(REPORTS / "igf2015-ws88-idn.txt")
    assert kb.check() == []
    # The crash of the issue: rows gone from SQLite, their vectors left in FAISS.
    with kb.index.db:
        kb.index.db.execute("DELETE FROM passages WHERE report = 'igf2015-ws88-idn'")
    kb.index._exact.add_with_ids(np.ones((1, kb.index._exact.d), dtype=np.float32), np.array([1], dtype=np.int64))
    import pyoxigraph as ox

    quad = next(kb.store.quads_for_pattern(None, None, None, kb.iris.report("igf2015-ws88-idn")))
    kb.store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))  # the merge loses one
    problems = kb.check()
    assert any("igf2015-ws88-idn: 12 passages in the graph, 0 in the search index" in p for p in problems)
    assert any("held twice" in p for p in problems)
    assert any("1 triples of report graphs are missing from the merge" in p for p in problems)
    assert kb.check(repair=True)
    assert kb.check() == []
    hits = kb.search("multilingual domain names", k=3)
    assert hits[0].row.report == "igf2015-ws88-idn"


def test_the_index_never_holds_an_id_twice(kb):
    kb.ingest_file(SAMPLE)
    index = kb.index
    ids = [i for (i,) in index.db.execute("SELECT id FROM passages")]
    # A vector left by a crashed run under an id SQLite hands out again:
    vectors = np.ones((len(ids), index._exact.d), dtype=np.float32)
    rows = kb._passages_from_graph("igf2013-workshop-41")
    index.replace_report("igf2013-workshop-41", rows, vectors)
    assert index.vector_problems()["duplicates"] == set()
    assert index._exact.ntotal == index.count()


def test_a_vector_left_under_the_next_id_is_replaced_not_held_twice(home):
    """The index removes before adding only the ids it may hold (a removal
    scans it whole); a vector a crashed write left under the id SQLite hands
    out next is one of them, as the index finds it when opened again."""
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(SAMPLE)
        index = kb.index
        (next_id,) = index.db.execute("SELECT seq + 1 FROM sqlite_sequence WHERE name = 'passages'").fetchone()
        index._exact.add_with_ids(np.zeros((1, index._exact.d), dtype=np.float32), np.array([next_id], dtype=np.int64))
        index.flush()
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(REPORTS / "igf2015-ws88-idn.txt")
        assert kb.index.vector_problems()["duplicates"] == set()
        first = kb.index.db.execute("SELECT MIN(id) FROM passages WHERE report = 'igf2015-ws88-idn'").fetchone()[0]
        assert first == next_id
        assert np.abs(kb.index._exact.reconstruct(next_id)).sum() > 0  # the report's vector, not the stray zeros
    assert state(home)[1]["igf2015-ws88-idn"] == 12


def test_cli_check(home):
    assert run(home, "ingest", str(SAMPLE)).returncode == 0
    result = run(home, "check")
    assert result.returncode == 0 and "consistent: 1 reports, 49 passages" in result.stdout
    with KnowledgeBase(load_config(home)) as kb:
        with kb.index.db:
            kb.index.db.execute("DELETE FROM passages WHERE id IN (SELECT id FROM passages LIMIT 3)")
    result = run(home, "check")
    assert result.returncode == 1 and "49 passages in the graph, 46 in the search index" in result.stderr
    assert run(home, "check", "--repair").returncode == 0
    assert run(home, "check").returncode == 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Ten small documents (copies of the team's reports under other names)."""
    folder = tmp_path_factory.mktemp("ten")
    sources = sorted(REPORTS.glob("*.txt"))
    for i in range(10):
        source = sources[i % len(sources)]
        (folder / f"doc{i:02d}-{source.name}").write_bytes(source.read_bytes())
    return folder


@pytest.fixture(scope="module")
def expected(folder, tmp_path_factory):
    home = tmp_path_factory.mktemp("clean") / "kb"
    assert run(home, "ingest", "-q", str(folder)).returncode == 0
    return state(home)


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    """run(home, *args, crash_after=N) -> (exit status, names of the write steps
    done), in a forked child of one process that loaded the models once."""
    warm = tmp_path_factory.mktemp("warm")
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crash_zygote.py")),
                                str(REPORTS / "igf2015-ws88-idn.txt")], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=str(Path(__file__).parent))
    assert json.loads(process.stdout.readline()) == {"ready": True}
    steps = warm / "steps.log"

    def run(home, *args, crash_after=None):
        steps.unlink(missing_ok=True)
        request = {"args": ["--home", str(home), *args], "crash_after": crash_after, "steps": str(steps)}
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        status = json.loads(process.stdout.readline())["status"]
        return status, steps.read_text().split() if steps.exists() else []

    yield run
    process.stdin.close()
    process.wait(30)


@pytest.mark.slow
def test_kill_at_every_step_then_rerun_ends_exact(folder, zygote, tmp_path):
    """SIGKILL after each write step of ingest, of a replacing re-ingest and of
    a remove, and at random points of an ingest (>= 20 kills); after each the
    next open is consistent, and running again gives exactly the clean result."""
    ingest = ["ingest", "-q", "-j", "1", str(folder)]
    status, clean_steps = zygote(tmp_path / "clean", *ingest)
    assert status == 0
    expected = state(tmp_path / "clean")
    per_report = clean_steps.index("done") + 1
    home, killed, kills = tmp_path / "kb", {}, []

    def kill(*args, point):
        status, steps = zygote(home, *args, crash_after=point)
        if status == 0:
            return False  # fewer steps than the point: it finished
        assert status == -9, (args, point, status)
        killed.setdefault(args[0], set()).add(steps[-1])
        kills.append((args[0], point, steps[-1]))
        reports, _rows = state(home)  # opens (and recovers), checks clean
        assert set(reports) <= set(expected[0])
        return True

    for point in range(1, per_report + 1):  # each step of a report, first to last
        assert kill(*ingest, point=point)
    rng = random.Random(11)
    for point in rng.sample(range(2, len(clean_steps)), 6):  # random points of the rest of the run
        kill(*ingest, point=point)
    assert zygote(home, *ingest)[0] == 0
    assert state(home) == expected
    forced = [*ingest[:1], "--force", *ingest[1:]]  # replaces every report: every step of the run again
    # (a replacing run writes each graph in its own transaction: it has no bulk write of new graphs)
    status, forced_steps = zygote(tmp_path / "clean", *forced)
    assert status == 0 and "graphs" in clean_steps and "graphs" not in forced_steps
    for point in range(1, per_report + 1):  # replacing stopped at each step, then at random points
        assert kill(*forced, point=point)
        assert state(home)[0] == expected[0]
    for point in sorted(rng.sample(range(per_report + 1, len(forced_steps)), 10)):
        assert kill(*forced, point=point)
        assert state(home)[0] == expected[0]
    for point in range(1, 10):  # removing stopped at each step
        if not kill("remove", expected[0][0], point=point):
            break
        assert zygote(home, *ingest)[0] == 0
    assert zygote(home, *ingest)[0] == 0
    assert state(home) == expected
    assert killed["ingest"] == set(clean_steps[:per_report])  # between every pair of write steps
    assert len(killed["remove"]) >= 3
    print(f"{len(kills)} kills:", kills)
    assert len(kills) >= 20, kills
