"""Ingest throughput: igfkg's on-disk knowledge base against a baseline.

The baseline runs the same extraction (parse_report + report_quads) and
writes into rdflib's in-memory store; igfkg writes into its Oxigraph store on
disk (one transaction per report, default graph kept as the merge). Each
variant runs in its own process so peak memory is its own.

    python bench/bench_ingest.py [--copies 50] [--output BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmarks_md import ROOT, update_block  # noqa: E402
SAMPLE = ROOT / "samples" / "igf2013-workshop-41.txt"


def run_variant(variant: str, copies: int) -> dict:
    from igfkg.ingest.report import parse_report
    from igfkg.iris import Iris
    from igfkg.triples import report_quads

    text = SAMPLE.read_text(encoding="utf-8")
    iris = Iris()
    parse_report(text, "warm-up")  # load the language model outside the timing
    start = time.perf_counter()
    if variant == "extract":
        for i in range(copies):
            parse_report(text, f"copy-{i}")
    elif variant == "rdflib-memory":
        import rdflib

        dataset = rdflib.Dataset()
        for i in range(copies):
            record = parse_report(text, f"copy-{i}")
            quads = report_quads(record, iris)
            graph = dataset.graph(rdflib.URIRef(iris.report(record.report_id).value))
            graph.addN((_term(q.subject), _term(q.predicate), _term(q.object), graph) for q in quads)
        size = len(dataset)
    elif variant == "igfkg":
        from igfkg.config import load_config
        from igfkg.kb import KnowledgeBase

        with tempfile.TemporaryDirectory() as home, KnowledgeBase(load_config(home)) as kb:
            start = time.perf_counter()  # not the store's creation
            for i in range(copies):
                kb.ingest_record(parse_report(text, f"copy-{i}"))
            size = kb.triple_count()
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"variant": variant, "copies": copies, "seconds": elapsed,
            "reports_per_s": copies / elapsed, "ms_per_report": 1000 * elapsed / copies,
            "peak_mib": peak_mib, **({"triples": size} if variant != "extract" else {})}


def _term(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=50, help="copies of the sample to ingest")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="file to update")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.copies)))
        return
    results = {}
    for variant in ("extract", "rdflib-memory", "igfkg"):
        out = subprocess.run([sys.executable, __file__, "--variant", variant, "--copies", str(args.copies)],
                             check=True, capture_output=True, text=True).stdout
        results[variant] = json.loads(out.strip().splitlines()[-1])
        print(f"{variant:14s} {results[variant]['reports_per_s']:8.1f} reports/s  "
              f"{results[variant]['ms_per_report']:7.1f} ms/report  peak {results[variant]['peak_mib']:6.0f} MiB")
    ratio = results["igfkg"]["reports_per_s"] / results["rdflib-memory"]["reports_per_s"]
    print(f"igfkg / rdflib-memory throughput ratio: {ratio:.2f}")
    _write(Path(args.output), results, ratio, args.copies)


def _write(path: Path, results: dict, ratio: float, copies: int) -> None:
    lines = [
        "## Ingest throughput",
        "",
        f"Command: `python bench/bench_ingest.py --copies {copies}` "
        f"({time.strftime('%Y-%m-%d')}, {copies} copies of the bundled sample with distinct report ids, "
        "each variant in its own process).",
        "",
        "| variant | reports/s | ms per report | peak memory (MiB) | triples stored |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    names = {"extract": "extraction only (parse_report, no store)",
             "rdflib-memory": "baseline: same extraction into rdflib's in-memory store",
             "igfkg": "igfkg: same extraction into the on-disk knowledge base, plus embedding and indexing the passages"}
    for variant, r in results.items():
        lines.append(f"| {names[variant]} | {r['reports_per_s']:.1f} | {r['ms_per_report']:.1f} | "
                     f"{r['peak_mib']:.0f} | {r.get('triples', '')} |")
    lines += ["", f"Throughput ratio igfkg / baseline: **{ratio:.2f}** (above 1 means igfkg is faster).",
              "The on-disk store keeps each report twice (its named graph and the merged default graph) "
              "and commits one transaction per report; igfkg also embeds every passage (`use`) and writes the "
              "FAISS and SQLite index, which the baseline does not. Extraction includes spaCy's named-entity "
              "model on the running text, the largest share of the time."]
    update_block("bench_ingest", lines, path)


if __name__ == "__main__":
    main()
