"""The passage index at archive scale (issue 12): the HNSW graph with
tombstones for removed passages, repair after a crash between SQLite and
the FAISS files, readers in other processes that see writes, the saved and
memory-mapped BM25 matrix, and approximate search against exact search.

Real FAISS and real files throughout; a small ``approximate_threshold`` so
the HNSW graph is built over a few hundred vectors."""
import json
import subprocess
import sys

import faiss
import numpy as np
import pytest

from igfkg.config import load_config
from igfkg.evaluation import load_jsonl
from igfkg.kb import KnowledgeBase
from igfkg.search import hybrid
from igfkg.search.index import TOMBSTONE_SHARE, PassageIndex
from igfkg.search.lexical import LexicalIndex, tokens
from conftest import REPORTS, ROOT, SAMPLE, SAMPLE_ID

DIM = 32
VOCABULARY = [f"word{i}" for i in range(300)]


class Crash(Exception):
    """Stands for the process dying at a write step."""


def unit(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return (vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)).astype(np.float32)


def passages(n: int, rng, word: str | None = None) -> list[dict]:
    return [{"section": "summary", "start": 10 * i, "end": 10 * i + 9, "lang": "en", "year": 2015,
             "text": " ".join(rng.choice(VOCABULARY, 12)) + (f" {word}" if word else "")} for i in range(n)]


def open_index(directory, threshold: int = 100, **options) -> PassageIndex:
    return PassageIndex(directory, "test-vectors", approximate_threshold=threshold, **options)


def sqlite_ids(index: PassageIndex, report: str | None = None) -> list[int]:
    if report is None:
        return sorted(i for (i,) in index.db.execute("SELECT id FROM passages"))
    return sorted(i for (i,) in index.db.execute("SELECT id FROM passages WHERE report = ?", (report,)))


def held(faiss_index) -> list[int]:
    """The ids a FAISS index holds, as many times as it holds them."""
    return sorted(faiss.vector_to_array(faiss_index.id_map).astype(np.int64).tolist())


def saved(directory, name: str) -> list[int]:
    return held(faiss.read_index(str(directory / name)))


@pytest.fixture
def filled(tmp_path):
    """An index over six reports of 50 random passages, HNSW on; and what
    was written, by report, to embed it again."""
    rng = np.random.default_rng(1)
    index = open_index(tmp_path / "index")
    written = {}
    for r in range(6):
        written[f"r{r}"] = (passages(50, rng), unit(rng.normal(size=(50, DIM))))
        index.replace_report(f"r{r}", *written[f"r{r}"])
    assert index.uses_approximate and (tmp_path / "index" / "approximate.faiss").exists()
    yield index, written, rng
    index.close()


# -- tombstones ----------------------------------------------------------------


def test_removed_passages_never_come_back_in_dense_bm25_or_hybrid_results(filled):
    index, _, rng = filled
    query = unit(rng.normal(size=DIM))
    # A report whose 60 passages are the nearest to the query and all say "zebra".
    index.replace_report("near", passages(60, rng, word="zebra"), unit(query + rng.normal(0, 0.05, (60, DIM))))
    near = set(sqlite_ids(index, "near"))
    assert {i for i, _ in index.dense(query, 10)} <= near
    index.remove_report("near")
    # Removed, not rebuilt: the graph still holds the 60 as tombstones (60 of 360 < TOMBSTONE_SHARE).
    assert index._approximate.ntotal == 360 and index._exact.ntotal == 300 == index.count()
    assert set(held(index._approximate)) - set(sqlite_ids(index)) == near

    def check(searching: PassageIndex) -> None:
        live = set(sqlite_ids(searching))
        for k in (1, 10, 50):
            found = [i for i, _ in searching.dense(query, k)]
            assert len(found) == k == len(set(found))  # k results although the k nearest are tombstones
            assert set(found) <= live and not set(found) & near
        exact = [i for i, _ in searching.dense(query, 10, exact=True)] if searching is index else None
        assert exact is None or len(set(exact) & {i for i, _ in searching.dense(query, 10)}) >= 9
        assert searching.lexical(["zebra"], 10) == []
        for mode in hybrid.MODES:
            hits = hybrid.rank(searching, query, "zebra word1 word2", k=10, mode=mode)
            assert len(hits) == 10 and not {h.row.id for h in hits} & near, mode
            assert all(h.row.report != "near" for h in hits)
        only = hybrid.rank(searching, query, "word1", k=10, filters={"report": "r3"})
        assert len(only) == 10 and {h.row.report for h in only} == {"r3"}

    check(index)
    reader = open_index(index.directory)  # another reader, from the files on disk
    try:
        check(reader)
        assert reader._approximate.ntotal == 360  # it searched the graph with its tombstones
    finally:
        reader.close()


def test_tombstones_past_their_share_rebuild_the_graph_without_them(filled):
    index, _, rng = filled
    directory = index.directory
    index.remove_report("r0")  # 50 of 300: under the share, kept as tombstones
    assert 50 / 300 <= TOMBSTONE_SHARE < 100 / 300
    assert index._approximate.ntotal == 300 and len(saved(directory, "approximate.faiss")) == 300
    index.remove_report("r1")  # 100 of 300: past it, built again from the live vectors
    live = sqlite_ids(index)
    assert len(live) == 200 == index.count()
    assert held(index._approximate) == held(index._exact) == live
    assert saved(directory, "approximate.faiss") == saved(directory, "vectors.faiss") == live
    # Re-ingesting a report leaves its old passages as tombstones too, until they pass the share.
    shares = []
    for _ in range(4):
        index.replace_report("r2", passages(50, rng), unit(rng.normal(size=(50, DIM))))
        graph = index._approximate.ntotal
        shares.append((graph - index._exact.ntotal) / graph)
        assert held(index._exact) == sqlite_ids(index) and index.count() == 200
        assert len(set(held(index._approximate))) == graph  # no id twice in the graph
    assert all(share <= TOMBSTONE_SHARE for share in shares)
    assert shares[0] > 0 and 0.0 in shares[1:]  # tombstones left, then a rebuild cleared them
    # With nothing left, neither graph nor file remains, and searching finds nothing.
    for report in ("r2", "r3", "r4", "r5"):
        index.remove_report(report)
    assert index.count() == 0 and not (directory / "approximate.faiss").exists()
    assert index.dense(unit(rng.normal(size=DIM)), 10) == []


# -- repair after a crash between SQLite and FAISS -------------------------------


def crash_at(index: PassageIndex, step: str, occurrence: int = 1) -> None:
    """Raise at the ``occurrence``-th ``step`` (index-rows: SQLite committed,
    no FAISS file written; index-vectors: one more FAISS file in place)."""
    seen = []

    def hook(name):
        seen.append(name)
        if seen.count(step) == occurrence:
            raise Crash(step)

    index.step_hook = hook


def check_in_step(index: PassageIndex, rng) -> None:
    """FAISS agrees with SQLite, and no search returns an id SQLite lacks."""
    assert index.vector_problems() == {"extra": set(), "duplicates": set(), "missing": set(),
                                       "approximate_stale": False}
    live = sqlite_ids(index)
    assert held(index._exact) == live
    graph = held(index._approximate)
    assert len(graph) == len(set(graph)) and set(live) <= set(graph)
    for _ in range(20):
        found = [i for i, _ in index.dense(unit(rng.normal(size=DIM)), 10)]
        assert len(found) == 10 == len(set(found)) and set(found) <= set(live)


@pytest.mark.parametrize("operation", ["add", "replace", "remove"])
def test_a_crash_after_sqlite_before_the_faiss_files_is_repaired_by_reconcile(filled, operation):
    index, written, rng = filled
    directory = index.directory
    before = sqlite_ids(index)
    new = (passages(40, rng, word="quokka"), unit(rng.normal(size=(40, DIM))))
    crash_at(index, "index-rows")
    with pytest.raises(Crash):
        if operation == "add":
            index.replace_report("new", *new)
        elif operation == "replace":
            index.replace_report("r2", *new)
        else:
            index.remove_report("r2")
    index.close()  # the process is gone; the FAISS files are those before the write
    assert saved(directory, "vectors.faiss") == before

    index = open_index(directory)  # the next process
    try:
        live = set(sqlite_ids(index))
        problems = index.vector_problems()
        extra, missing = set(before) - live, live - set(before)
        assert problems["extra"] == extra and bool(extra) == (operation != "add")
        assert bool(missing) == (operation != "remove")  # rows committed without vectors
        assert problems["missing"] == ({"new"} if operation == "add" else {"r2"} if operation == "replace" else set())
        # Before the repair, searching still returns only passages SQLite holds.
        query = new[1][0]
        hits = hybrid.rank(index, query, "quokka", k=10)
        assert hits and {h.row.id for h in hits} <= live
        assert {i for i, _ in index.dense(query, 10)} <= live  # the graph is searched: tombstones skipped

        again = index.reconcile()
        assert again == problems["missing"]
        for report in again:  # what the knowledge base does with them: embed again from the graph
            index.replace_report(report, *new)
        check_in_step(index, rng)
        for searching in (index, open_index(directory)):  # and so do the files a new reader maps
            if operation == "remove":
                assert not sqlite_ids(searching, "r2")
                assert all(searching.dense(vector, 1)[0][0] not in extra for vector in written["r2"][1])
            else:
                report = "new" if operation == "add" else "r2"
                top = searching.dense(query, 1)[0][0]
                assert top in sqlite_ids(searching, report)
                assert {i for i, _ in searching.lexical(["quokka"], 50)} == set(sqlite_ids(searching, report))
        assert saved(directory, "vectors.faiss") == sqlite_ids(index)
    finally:
        index.close()


def test_an_old_approximate_file_next_to_a_new_exact_one_is_brought_up_to_date(filled):
    index, _, rng = filled
    directory = index.directory
    graph_before = saved(directory, "approximate.faiss")
    new = (passages(30, rng), unit(rng.normal(size=(30, DIM))))
    crash_at(index, "index-vectors", occurrence=1)  # vectors.faiss renamed into place, approximate.faiss not
    with pytest.raises(Crash):
        index.replace_report("new", *new)
    index.close()
    assert saved(directory, "approximate.faiss") == graph_before
    assert saved(directory, "vectors.faiss") == sorted(graph_before + [int(i) for i in sqlite_ids_of(directory, "new")])

    index = open_index(directory)
    try:
        assert index.vector_problems()["approximate_stale"]
        assert index.reconcile() == set()  # nothing to embed again: the exact index has the vectors
        check_in_step(index, rng)
        reader = open_index(directory)
        for i, vector in zip(sqlite_ids(reader, "new"), new[1]):
            assert reader.dense(vector, 1)[0][0] == i  # the saved graph finds the new passages
        assert sorted(saved(directory, "approximate.faiss")) == sqlite_ids(index)
        reader.close()
    finally:
        index.close()


def sqlite_ids_of(directory, report: str) -> list[int]:
    index = open_index(directory)
    try:
        return sqlite_ids(index, report)
    finally:
        index.close()


def test_opening_the_knowledge_base_after_a_crash_between_sqlite_and_faiss_repairs_the_index(home):
    """The path the code takes: the write's intent is left behind, the next
    open re-embeds the report from the graph and drops what SQLite lacks."""
    second = REPORTS / "igf2015-ws88-idn.txt"
    with KnowledgeBase(load_config(home, approximate_threshold=20)) as kb:
        kb.ingest_file(SAMPLE)
        assert kb.index.uses_approximate
        sample_ids = set(sqlite_ids(kb.index))
        crash_at(kb.index, "index-rows")
        with pytest.raises(Crash):
            kb.ingest_file(second)  # graph and SQLite written, FAISS files not
    with KnowledgeBase(load_config(home, approximate_threshold=20)) as kb:
        assert kb.check() == []
        index = kb.index
        live = sqlite_ids(index)
        assert held(index._exact) == live and set(live) <= set(held(index._approximate))
        hits = kb.search("multilingual domain names", k=3)
        assert hits[0].row.report == "igf2015-ws88-idn"
        crash_at(index, "index-rows")
        with pytest.raises(Crash):
            kb.remove(SAMPLE_ID)  # graph and SQLite without the sample, FAISS still with it
    assert saved(home / "index", "vectors.faiss") == sorted(sample_ids | set(live))
    with KnowledgeBase(load_config(home, approximate_threshold=20)) as kb:
        assert kb.check() == [] and set(kb.report_ids()) == {"igf2015-ws88-idn"}
        live = sqlite_ids(kb.index)
        assert held(kb.index._exact) == live and not sample_ids & set(live)
        for query in ("Combien de fois le groupe suédois se réunit-il ?", "multistakeholder principles"):
            for mode in hybrid.MODES:
                assert {h.row.id for h in kb.search(query, k=10, mode=mode)} <= set(live)


# -- readers in other processes ----------------------------------------------------

READER = r"""
import json, sys
import numpy as np
from igfkg.search.index import PassageIndex

index = PassageIndex(__import__("pathlib").Path(sys.argv[1]), "test-vectors", approximate_threshold=int(sys.argv[2]))
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "search":
        dense = [i for i, _ in index.dense(np.asarray(request["vector"], dtype=np.float32), request["k"])]
        lexical = [i for i, _ in index.lexical(request["terms"], request["k"])]
        graph = index._approximate.ntotal if index._approximate is not None else None
        answer = {"dense": dense, "lexical": lexical, "graph": graph, "generation": index._lexical.generation}
    else:
        index.replace_report(request["report"], request["rows"], np.asarray(request["vectors"], dtype=np.float32))
        answer = {"written": True}
    print(json.dumps(answer), flush=True)
"""


class Reader:
    """A PassageIndex in another process (a new interpreter, not a fork)."""

    def __init__(self, directory, threshold: int):
        self.process = subprocess.Popen([sys.executable, "-c", READER, str(directory), str(threshold)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def search(self, vector, terms, k=10) -> dict:
        return self.ask(op="search", vector=[float(x) for x in vector], terms=terms, k=k)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


@pytest.mark.parametrize("threshold", [100, 10_000], ids=["hnsw", "exact"])
def test_a_reader_in_another_process_sees_writes_on_its_next_search(tmp_path, threshold):
    rng = np.random.default_rng(2)
    directory = tmp_path / "index"
    writer = open_index(directory, threshold)
    for r in range(6):
        writer.replace_report(f"r{r}", passages(50, rng), unit(rng.normal(size=(50, DIM))))
    assert writer.uses_approximate == (threshold == 100)
    here = open_index(directory, threshold)  # a reader in this process, opened before the other writes
    query, elsewhere = unit(rng.normal(size=DIM)), unit(rng.normal(size=DIM))
    child = Reader(directory, threshold)
    try:
        first = child.search(query, ["quokka", "word7"])
        assert first["lexical"] and first["graph"] == (300 if threshold == 100 else None)
        assert here.dense(elsewhere, 5) and here.lexical(["wombat"], 5) == []

        # This process writes; the other one sees it on its next search, without reopening.
        writer.replace_report("fresh", passages(20, rng, word="quokka"), unit(query + rng.normal(0, 0.05, (20, DIM))))
        fresh = set(sqlite_ids(writer, "fresh"))
        assert not (directory / "lexical" / f"g{first['generation'] + 1}").exists()  # nobody saved BM25 since
        second = child.search(query, ["quokka"], k=50)
        assert set(second["dense"][:10]) <= fresh and len(second["dense"]) == 50
        assert set(second["lexical"]) == fresh  # BM25 of the new generation, not the saved older one
        assert second["generation"] > first["generation"]

        # Removals past the tombstones' share rebuild the graph: the other process maps the new file.
        removed = set(sqlite_ids(writer, "r0")) | set(sqlite_ids(writer, "r1"))
        writer.remove_report("r0")
        writer.remove_report("r1")
        third = child.search(query, ["word7"], k=50)
        assert not set(third["dense"]) & removed and not set(third["lexical"]) & removed
        assert third["graph"] == (220 if threshold == 100 else None)

        # And the other way: the other process writes, this one's reader sees it.
        rows, vectors = passages(20, rng, word="wombat"), unit(elsewhere + rng.normal(0, 0.05, (20, DIM)))
        assert child.ask(op="write", report="elsewhere", rows=rows, vectors=vectors.tolist()) == {"written": True}
        written = set(sqlite_ids(here, "elsewhere"))
        assert len(written) == 20
        assert {i for i, _ in here.dense(elsewhere, 5)} <= written
        assert {i for i, _ in here.lexical(["wombat"], 50)} == written  # built: nobody had saved this generation
        assert not isinstance(here._lexical._ids, np.memmap)
        child.search(elsewhere, ["word3"])  # the other process builds and saves this generation's BM25 ...
        child.ask(op="write", report="later", rows=passages(5, rng, word="numbat"),
                  vectors=unit(rng.normal(size=(5, DIM))).tolist())
        child.search(elsewhere, ["numbat"])  # ... and the next
        later = set(sqlite_ids(here, "later"))
        assert {i for i, _ in here.lexical(["numbat"], 10)} == later
        assert isinstance(here._lexical._ids, np.memmap)  # ... which this one maps instead of building
        assert [p.name for p in (directory / "lexical").iterdir()] == [f"g{here._lexical.generation}"]
    finally:
        child.close()
        here.close()
        writer.close()


# -- the saved BM25 matrix ---------------------------------------------------------


def all_rows(index: PassageIndex):
    return index.db.execute("SELECT id, text FROM passages ORDER BY id")


def generation(index: PassageIndex) -> int:
    return int(index.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])


QUERIES = [["word1"], ["word2", "word250"], ["word7", "word8", "word9", "word10"], ["word299", "nothing"],
           ["nothing"], ["word42", "word42"]]


def test_the_saved_memory_mapped_bm25_ranks_like_a_fresh_one(filled):
    index, _, _ = filled
    assert [r for q in QUERIES for r in index.lexical(q, 20)]  # built, and saved
    g = generation(index)
    assert [p.name for p in (index.directory / "lexical").iterdir()] == [f"g{g}"]
    fresh = LexicalIndex()
    fresh.rebuild(g, all_rows(index).fetchall())
    mapped = LexicalIndex(index.directory / "lexical")
    assert mapped._read(g) and isinstance(mapped._ids, np.memmap)
    assert not mapped._read(g + 1)  # never another generation's matrix
    for terms in QUERIES:
        want = fresh.search(terms, 300, None)
        got = mapped.search(terms, 300, None)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want])
        known = [t for t in dict.fromkeys(terms) if t in fresh._model.vocab_dict]
        if known:  # and both score as bm25s itself does
            assert np.allclose(mapped._scores(known), fresh._model.get_scores(known), atol=1e-5)
    allowed = sqlite_ids(index, "r4")
    assert {i for i, _ in mapped.search(["word1", "word2"], 300, allowed)} <= set(allowed)
    # A new index over the same directory maps the saved matrix and answers the same.
    again = open_index(index.directory)
    try:
        assert again.lexical(["word2", "word250"], 20) == index.lexical(["word2", "word250"], 20)
        assert isinstance(again._lexical._ids, np.memmap)
    finally:
        again.close()


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE = {
    "matrix truncated": lambda d: _truncate(d / "data.csc.index.npy"),
    "postings empty": lambda d: (d / "indices.csc.index.npy").write_bytes(b""),
    "offsets garbage": lambda d: (d / "indptr.csc.index.npy").write_bytes(b"\x93NUMPY garbage" * 8),
    "ids short": lambda d: np.save(d / "ids.npy", np.arange(5)),
    "ids empty": lambda d: (d / "ids.npy").write_bytes(b""),
    "vocabulary truncated": lambda d: _truncate(d / "vocab.index.json"),
    "parameters unknown": lambda d: (d / "params.index.json").write_text('{"k1": 1.5, "unknown": 1}'),
    "parameters missing": lambda d: (d / "params.index.json").unlink(),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_saved_bm25_is_rebuilt_not_a_crash(filled, damage):
    index, _, _ = filled
    want = [index.lexical(q, 20) for q in QUERIES]
    g = generation(index)
    saved_dir = index.directory / "lexical" / f"g{g}"
    DAMAGE[damage](saved_dir)
    assert not LexicalIndex(index.directory / "lexical")._read(g)
    again = open_index(index.directory)
    try:
        assert [again.lexical(q, 20) for q in QUERIES] == want
        assert not isinstance(again._lexical._ids, np.memmap)  # built from the rows
    finally:
        again.close()
    repaired = LexicalIndex(index.directory / "lexical")  # and saved over the damaged one
    assert repaired._read(g) and repaired.search(["word1"], 20, None) == want[0]


def test_saving_an_older_generation_late_keeps_the_newer_one(filled):
    """A process that built BM25 for generation g and saves it after another
    saved g + 1 (a write came in between) drops only older matrices."""
    index, _, rng = filled
    slow = LexicalIndex(index.directory / "lexical")
    slow.rebuild(generation(index), all_rows(index).fetchall())
    index.replace_report("r9", passages(10, rng, word="quokka"), unit(rng.normal(size=(10, DIM))))
    newer = generation(index)
    assert {i for i, _ in index.lexical(["quokka"], 20)} == set(sqlite_ids(index, "r9"))  # g + 1 saved
    slow._write()
    assert sorted(p.name for p in (index.directory / "lexical").iterdir()) == sorted([f"g{slow.generation}",
                                                                                      f"g{newer}"])
    reader = open_index(index.directory)
    try:
        assert {i for i, _ in reader.lexical(["quokka"], 20)} == set(sqlite_ids(index, "r9"))
        assert isinstance(reader._lexical._ids, np.memmap)
    finally:
        reader.close()


# -- approximate against exact, on real passages --------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Paragraphs of the sample, the team's reports and the development
    documents, embedded with `use`; the evaluation questions as queries."""
    from igfkg.search.encoders import get_encoder

    texts, reports = [], []
    sources = [SAMPLE, *sorted(REPORTS.glob("*.txt")),
               *sorted((ROOT / "tests" / "fixtures" / "documents" / "dev").glob("*.txt"))]
    for path in sources:
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            paragraph = " ".join(paragraph.split())
            if len(paragraph) >= 40 and tokens(paragraph):
                texts.append(paragraph[:600])
                reports.append(path.stem)
    texts, reports = texts[:900], reports[:900]
    encoder = get_encoder("use")
    vectors = encoder.encode(texts)
    questions = [q["q"] for q in load_jsonl(ROOT / "tests" / "data" / "search-eval.jsonl")]
    rng = np.random.default_rng(3)
    # More queries: passages' first words, as someone would type them.
    questions += [" ".join(texts[i].split()[:8]) for i in rng.choice(len(texts), 60, replace=False)]
    query_vectors = encoder.encode(questions, query=True)

    def build(threshold: int, **options) -> PassageIndex:
        index = PassageIndex(tmp_path_factory.mktemp("real") / "index", "use", approximate_threshold=threshold,
                             **options)
        for report in dict.fromkeys(reports):
            chosen = [i for i, r in enumerate(reports) if r == report]
            rows = [{"section": "summary", "start": 0, "end": len(texts[i]), "lang": "en", "year": 2015,
                     "text": texts[i]} for i in chosen]
            index.replace_report(report, rows, vectors[chosen])
        return index

    assert len(texts) >= 300
    return build, questions, query_vectors


def recall_at_10(index: PassageIndex, query_vectors) -> float:
    scores = []
    for vector in query_vectors:
        exact = {i for i, _ in index.dense(vector, 10, exact=True)}
        scores.append(len(exact & {i for i, _ in index.dense(vector, 10)}) / 10)
    return float(np.mean(scores))


def test_approximate_search_agrees_with_exact_search_on_real_passages(real, tmp_path):
    build, _, query_vectors = real
    index = build(threshold=100)
    try:
        assert index.uses_approximate
        assert recall_at_10(index, query_vectors) >= 0.98
        for vector in query_vectors[:20]:  # the same passages get the same cosine either way
            exact = dict(index.dense(vector, 10, exact=True))
            for i, score in index.dense(vector, 10):
                assert i not in exact or abs(exact[i] - score) < 1e-4
        index.ef_search = 16  # a narrow search is approximate, and still close
        assert recall_at_10(index, query_vectors) >= 0.9
    finally:
        index.close()


def test_hybrid_search_with_hnsw_on_ranks_like_the_exact_index(real):
    build, questions, query_vectors = real
    approximate, exact = build(threshold=100), build(threshold=10**6)
    try:
        assert approximate.uses_approximate and not exact.uses_approximate
        same_top, overlap = 0, []
        for question, vector in zip(questions, query_vectors):
            a = hybrid.rank(approximate, vector, question, k=10)
            e = hybrid.rank(exact, vector, question, k=10)
            assert len(a) == len(e) == 10
            same_top += a[0].row.id == e[0].row.id
            overlap.append(len({h.row.id for h in a} & {h.row.id for h in e}) / 10)
        assert same_top >= 0.95 * len(questions) and np.mean(overlap) >= 0.95
        hits = hybrid.rank(approximate, query_vectors[0], questions[0], k=10, filters={"report": SAMPLE_ID})
        assert hits and {h.row.report for h in hits} == {SAMPLE_ID}
    finally:
        approximate.close()
        exact.close()
