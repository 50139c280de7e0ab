"""Search: quality per backend and ranking, ingest cost of embeddings, and
speed and recall of the approximate index over 100,000 passages.

    python bench/bench_search.py [--passages 100000] [--skip-quality] [--skip-scale] [--dry-run]

1. Quality: the evaluation set tests/data/search-eval.jsonl over the bundled
   sample and the team's test reports; recall@1, recall@5 and MRR for each
   backend (use, e5, minilm) and ranking (bm25, dense, hybrid with weighted
   fusion, hybrid with reciprocal rank fusion).
2. Ingest with embeddings against the raw embedding throughput of the same
   backend on the same passages, so the cost of everything else shows.
3. Scale: PASSAGES synthetic passages (vectors mixed from real passage
   vectors plus noise; text drawn from the reports' words) in a real
   PassageIndex; the full ranking (FAISS + BM25 + fusion) with the exact and
   with the approximate (HNSW) index, measured in the same run, and recall@10
   of the approximate index against exact search. At a million passages see
   bench/bench_scale.py.

--dry-run prints the blocks instead of writing them into BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402

from igfkg.config import load_config  # noqa: E402
from igfkg.evaluation import evaluate_search, load_jsonl  # noqa: E402
from igfkg.kb import KnowledgeBase  # noqa: E402
from igfkg.search import hybrid  # noqa: E402
from igfkg.search.context import embedding_inputs  # noqa: E402
from igfkg.search.encoders import get_encoder  # noqa: E402
from igfkg.search.index import HNSW_EF_CONSTRUCTION, HNSW_LINKS, PassageIndex  # noqa: E402

SAMPLE = ROOT / "samples" / "igf2013-workshop-41.txt"
REPORTS = sorted((ROOT / "tests" / "data" / "reports").glob("*.txt"))
QUERIES = load_jsonl(ROOT / "tests" / "data" / "search-eval.jsonl")


def quality(home: Path) -> list[str]:
    lines = ["| backend | ranking | recall@1 | recall@5 | MRR | English-over-French recall@5 | misses at 5 |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    cross = [q for q in QUERIES if q["kind"] == "en-over-fr"]
    for backend in ("use", "e5", "minilm"):
        with KnowledgeBase(load_config(home, embeddings=backend)) as kb:
            kb.reindex()
            for label, mode, fusion in (("bm25", "bm25", None), ("dense", "dense", None),
                                        ("hybrid, weighted", "hybrid", "weighted"),
                                        ("hybrid, RRF", "hybrid", "rrf")):
                hybrid.FUSION = fusion or hybrid.FUSION
                search = lambda q: [h.row.text for h in kb.search(q, k=10, mode=mode)]  # noqa: E731
                s, c = evaluate_search(search, QUERIES), evaluate_search(search, cross)
                lines.append(f"| {backend} | {label} | {s.recall_at_1:.3f} | {s.recall_at_5:.3f} | {s.mrr:.3f} | "
                             f"{c.recall_at_5:.3f} | {'; '.join(s.misses()) or '-'} |")
                hybrid.FUSION = "weighted"
            print("\n".join(lines[-4:]), flush=True)
    return lines


def ingest_cost(copies: int = 10) -> list[str]:
    from igfkg.ingest.report import parse_report

    text = SAMPLE.read_text(encoding="utf-8")
    record = parse_report(text, "warm")
    rows = [{"section": p.section, "text": p.text} for p in record.passages]
    encoder = get_encoder("use")
    encoder.encode(["warm up"])
    start = time.perf_counter()
    for _ in range(copies):
        encoder.encode(embedding_inputs(rows))
    raw = copies * len(rows) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as home, KnowledgeBase(load_config(home)) as kb:
        kb.ingest_record(parse_report(text, "warm-kb"))
        start = time.perf_counter()
        for i in range(copies):
            kb.ingest_record(parse_report(text, f"copy-{i}"))
        elapsed = time.perf_counter() - start
    full = copies * len(rows) / elapsed
    return [f"Ingest of {copies} copies of the sample ({len(rows)} passages each) with the `use` backend: "
            f"**{copies / elapsed:.2f} reports/s, {full:.0f} passages/s** end to end (parse, NER, graph, "
            f"embeddings, index), against **{raw:.0f} passages/s** for the same backend embedding the same "
            f"passages alone. Everything that is not the model costs the difference: end to end runs at "
            f"{100 * full / raw:.0f}% of the embedding-only rate (most of the rest is spaCy)."]


def scale(count: int, queries: int = 200) -> list[str]:
    rng = np.random.default_rng(7)
    random.seed(7)
    encoder = get_encoder("use")
    texts = [t for q in QUERIES for t in [q["q"]]]
    from igfkg.ingest.report import parse_report

    passages = []
    for path in [SAMPLE, *REPORTS]:
        passages += [p.text for p in parse_report(path.read_text(encoding="utf-8"), "x").passages]
    base = encoder.encode(passages)
    words = " ".join(passages).split()
    query_vectors = encoder.encode(texts)
    # Queries: the evaluation questions and noisy copies of them.
    query_vectors = np.vstack([query_vectors] + [
        _unit(query_vectors[rng.integers(len(texts))] + rng.normal(0, 0.02, base.shape[1]))[None, :]
        for _ in range(queries - len(texts))]).astype(np.float32)
    query_texts = [texts[i % len(texts)] for i in range(queries)]
    with tempfile.TemporaryDirectory() as directory:
        index = PassageIndex(Path(directory), "use", approximate_threshold=count + 1)
        batch = 5000
        start = time.perf_counter()
        for first in range(0, count, batch):
            n = min(batch, count - first)
            mix = rng.integers(len(base), size=(n, 2))
            weights = rng.random((n, 1))
            vectors = weights * base[mix[:, 0]] + (1 - weights) * base[mix[:, 1]] + rng.normal(0, 0.05, (n, base.shape[1]))
            rows = [{"section": "summary", "start": 0, "end": 0, "lang": "en", "year": 2013,
                     "text": " ".join(random.choices(words, k=40))} for _ in range(n)]
            index.replace_report(f"synthetic-{first // batch}", rows, _unit(vectors).astype(np.float32))
        build = time.perf_counter() - start
        exact = _timed(lambda i: hybrid.rank(index, query_vectors[i], query_texts[i], k=10), queries)
        exact_ids = [[h.row.id for h in hybrid.rank(index, query_vectors[i], query_texts[i], k=10, mode="dense")]
                     for i in range(queries)]
        start = time.perf_counter()
        index.build_approximate()
        train = time.perf_counter() - start
        approx = _timed(lambda i: hybrid.rank(index, query_vectors[i], query_texts[i], k=10), queries)
        approx_ids = [[h.row.id for h in hybrid.rank(index, query_vectors[i], query_texts[i], k=10, mode="dense")]
                      for i in range(queries)]
        dense_exact = _timed(lambda i: index.dense(query_vectors[i], 10, exact=True), queries)
        dense_approx = _timed(lambda i: index.dense(query_vectors[i], 10), queries)
        encode = _timed(lambda i: encoder.encode([query_texts[i]], query=True), queries)
        recall = statistics.mean(len(set(a) & set(e)) / 10 for a, e in zip(approx_ids, exact_ids))
        ef_search = index.ef_search
        index.close()
    return [
        f"{count:,} synthetic passages, {queries} queries, `use` vectors (512 dimensions), "
        f"HNSW with {HNSW_LINKS} links per node, efConstruction {HNSW_EF_CONSTRUCTION}, efSearch {ef_search}. "
        f"Index filled in {build:.0f} s; HNSW built in {train:.1f} s.",
        "",
        "| measure (median per query, in-process) | exact (flat) | approximate (HNSW) | ratio exact/approximate |",
        "| --- | ---: | ---: | ---: |",
        f"| full hybrid ranking (FAISS + BM25 + fusion), ms | {exact:.2f} | {approx:.2f} | {exact / approx:.1f} |",
        f"| FAISS search alone, ms | {dense_exact:.2f} | {dense_approx:.2f} | {dense_exact / dense_approx:.1f} |",
        "",
        f"Recall@10 of the approximate index against exact search (dense ranking): **{recall:.3f}**. "
        f"Encoding the query with `use` adds {encode:.1f} ms (median), so a query answers in about "
        f"{approx + encode:.1f} ms in-process with the approximate index.",
    ]


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _timed(fn, n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--dry-run", action="store_true", help="print the blocks, do not write BENCHMARKS.md")
    args = parser.parse_args()

    def record(name: str, lines: list[str]) -> None:
        if args.dry_run:
            print("\n".join(lines))
        else:
            update_block(name, lines)

    command = "python bench/bench_search.py" + (f" --passages {args.passages}" if args.passages != 100_000 else "")
    if not args.skip_quality:
        with tempfile.TemporaryDirectory() as home:
            with KnowledgeBase(load_config(Path(home))) as kb:
                for path in [SAMPLE, *REPORTS]:
                    kb.ingest_file(path)
            lines = quality(Path(home))
        record("bench_search_quality", [
            "## Search quality", "",
            f"Command: `{command}` ({time.strftime('%Y-%m-%d')}). {len(QUERIES)} queries over the sample and "
            f"the team's test reports ({sum(q['kind'] == 'en-over-fr' for q in QUERIES)} in English whose "
            "answer is only in French, French over English and Spanish, keyword queries, and the "
            "passage questions of dev-questions.jsonl). A query counts at the rank of the first passage "
            "containing its expected words.", "", *lines, "",
            f"Default: `use` with weighted fusion (cosine + {hybrid.LEXICAL_SHARE} x BM25 / best BM25), "
            f"short passages' cosine scaled by (length/{hybrid.SHORT_CHARS})^{hybrid.SHORT_POWER}.",
            *ingest_cost()])
    if not args.skip_scale:
        record("bench_search_scale", ["## Search at scale", "", f"Command: `{command}` "
                                      f"({time.strftime('%Y-%m-%d')}).", "", *scale(args.passages)])


if __name__ == "__main__":
    main()
