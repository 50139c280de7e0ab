"""The igfkg command line: one console script, one subcommand per job."""
from __future__ import annotations

import json
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import click
import pyoxigraph as ox

from igfkg.ingest.records import DOCUMENT_KINDS
from igfkg.ontology import PREFIXES

from .config import ConfigError, load_config
from .formats import RDF_FORMATS, RESULT_FORMATS, FormatError, rdf_format, serialize_results, serialize_triples
from .kb import KnowledgeBase, KnowledgeBaseError
from .querypool import Triples
from .outbound import OutboundRefused
from .remote_store import RemoteStoreError


class Context:
    def __init__(self, home, base_iri, embeddings, store=(None, None, None)):
        self.home, self.base_iri, self.embeddings = home, base_iri, embeddings
        self.store = store  # --store, --store-update, --store-gsp

    def open(self, read_only: bool = False) -> KnowledgeBase:
        """The knowledge base; a read command refuses a data directory that
        holds none (a mistyped --home must not create an empty one)."""
        try:
            config = load_config(self.home, self.base_iri, embeddings=self.embeddings, store=self.store[0],
                                 store_update=self.store[1], store_gsp=self.store[2])
            if read_only and not config.store and not config.store_path.exists():
                raise click.ClickException(
                    f"no knowledge base in {config.home}; create one with "
                    f"'igfkg --home {config.home} ingest FILE_OR_FOLDER'")
            return KnowledgeBase(config, read_only=read_only)
        except (ConfigError, KnowledgeBaseError) as exc:
            raise click.ClickException(str(exc)) from None


class _Group(click.Group):
    """A failing triple store says so in one line, whichever command met it."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RemoteStoreError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="IGFKG_HOME",
              help="Data directory of the knowledge base [env IGFKG_HOME; default ~/.local/share/igfkg].")
@click.option("--base-iri", envvar="IGFKG_BASE_IRI",
              help="Base of every IRI the knowledge base mints [env IGFKG_BASE_IRI]; fixed once data exists.")
@click.option("--embeddings", envvar="IGFKG_EMBEDDINGS", metavar="NAME",
              help="Embedding backend: use (default), e5, minilm or st:NAME_OR_PATH [env IGFKG_EMBEDDINGS]; "
                   "default: the one the passage index was built with.")
@click.option("--store", metavar="URL", envvar="IGFKG_STORE",
              help="SPARQL 1.1 query endpoint of a triple store holding the graph [env IGFKG_STORE]; "
                   "default: the embedded store in the data directory. Credentials: IGFKG_STORE_USER and "
                   "IGFKG_STORE_PASSWORD, or IGFKG_STORE_TOKEN.")
@click.option("--store-update", metavar="URL", envvar="IGFKG_STORE_UPDATE",
              help="Its SPARQL 1.1 update endpoint [env IGFKG_STORE_UPDATE; default: the --store URL].")
@click.option("--store-gsp", metavar="URL", envvar="IGFKG_STORE_GSP",
              help="Its Graph Store Protocol endpoint, where it has one [env IGFKG_STORE_GSP].")
@click.option("--verbose", "-v", is_flag=True,
              help="Say more on standard error, e.g. each candidate person or organisation the entity gate rejects.")
@click.version_option(package_name="igfkg")
@click.pass_context
def main(ctx, home, base_iri, embeddings, store, store_update, store_gsp, verbose):
    """igfkg: a knowledge graph of Internet Governance Forum reports.

    Ingest report files, then query what they say with SPARQL or export the
    graph as linked data.
    """
    if verbose:
        _log_to_stderr()
    ctx.obj = Context(home, base_iri, embeddings, (store, store_update, store_gsp))


def _log_to_stderr() -> None:
    import logging

    class Stderr(logging.Handler):  # whatever stderr is when a message comes
        def emit(self, record):
            click.echo(self.format(record), err=True)

    logger = logging.getLogger("igfkg")
    if not any(type(h).__name__ == "Stderr" for h in logger.handlers):
        handler = Stderr()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--id", "report_id", help="Report id to use (one file only; replaces a report with that id); "
                                        "default: the file name.")
@click.option("--replace", is_flag=True,
              help="Replace a report of the same id even when it was read from another file.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes that read and parse files [default: the number of cores].")
@click.option("--force", is_flag=True,
              help="Read every file again, even one whose content and extractor version are unchanged.")
@click.option("--timings", is_flag=True, help="Print on standard error the seconds spent per stage.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.option("--server", metavar="URL",
              help="Send the files to a running 'igfkg serve' at URL (its POST /api/reports) instead of opening "
                   "a data directory; the write token is read from IGFKG_TOKEN.")
@click.pass_obj
def ingest(obj: Context, paths, report_id, replace, jobs, force, timings, quiet, server):
    """Ingest report files or folders of them.

    Re-ingesting a file replaces its report; a file whose content and the
    extractor's version are unchanged since it was read is skipped (--force
    reads it again). A run stopped at any point keeps the files it finished:
    run it again to go on. A file whose id is taken by a report read from
    another file is refused unless --replace or --id is given. Files that
    cannot be read are named with the reason; the others are still
    ingested, and the exit status is then 1.
    """
    import os

    from tqdm import tqdm

    from .ingest_run import bound_free_memory, ingest_files, worker_processes

    files, problems = _collect(paths)
    if report_id and len(files) != 1:
        raise click.UsageError("--id needs exactly one file")
    if server:
        sys.exit(_ingest_to_server(server, files, problems, report_id, replace, quiet))
    kinds: dict[str, int] = {}
    skipped = 0
    stages: dict[str, float] = {}
    began = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    bound_free_memory(worker_processes(jobs, files))  # before the store opens and starts its threads
    with obj.open() as kb, tqdm(total=len(files), desc="ingest", unit="doc", disable=None, file=sys.stderr,
                                leave=False) as bar:
        for outcome in ingest_files(kb, files, report_id, replace, force, jobs, stages):
            bar.update(1)
            path = outcome.path
            if outcome.status == "error":
                problems.append((str(path), outcome.error))
                continue
            if outcome.status == "unchanged":
                skipped += 1
                continue
            result = outcome.result
            for warning in result.warnings:
                bar.clear()
                click.echo(f"warning: {path}: {warning}", err=True)
            kinds[result.kind] = kinds.get(result.kind, 0) + 1
            if not quiet:
                verb = "replaced" if result.replaced else "ingested"
                bar.clear()
                click.echo(f"{verb} {result.report_id} ({result.summary}) from {path}")
    for path, reason in problems:
        click.echo(f"error: {path}: {reason}", err=True)
    if (len(files) > 1 or skipped) and not quiet:
        click.echo(_kinds_summary(kinds, len(problems), skipped))
    if timings:
        click.echo(_timings_line(stages, time.perf_counter() - began, sum(kinds.values())), err=True)
    if problems:
        sys.exit(1)


def _ingest_to_server(server: str, files: list[Path], problems: list, report_id, replace: bool, quiet: bool) -> int:
    """Each file to POST /api/reports of a running service, one line per
    file; a taken id is replaced (PUT) when it would be on disk: --replace,
    --id, or a report read from a file of the same name. The exit status."""
    import os

    import requests

    from .kb import report_id_for

    token = os.environ.get("IGFKG_TOKEN")
    if not token:
        raise click.UsageError("set IGFKG_TOKEN to the service's write token (igfkg serve --token)")
    base, auth = server.rstrip("/"), {"Authorization": f"Bearer {token}"}

    def send(method: str, url: str, path: Path, rid: str | None):
        with path.open("rb") as handle:
            return requests.request(method, url, headers=auth, files={"file": (path.name, handle)},
                                    data={"id": rid} if rid else {}, timeout=600)

    for path in files:
        rid = report_id or report_id_for(path)
        try:
            response = send("POST", f"{base}/api/reports", path, report_id)
            if response.status_code == 409:
                held = requests.get(f"{base}/api/reports/{rid}", timeout=60).json().get("source")
                if replace or report_id or held == path.name:
                    response = send("PUT", f"{base}/api/reports/{rid}", path, None)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise click.ClickException(f"cannot reach {base}: {type(exc).__name__}") from None
        except OSError as exc:
            problems.append((str(path), f"cannot read file: {exc.strerror or exc}"))
            continue
        try:
            body = response.json()
        except ValueError:
            body = {"error": f"the server answered {response.status_code} without JSON"}
        if response.status_code >= 400:
            reason = body.get("error", response.reason)
            if response.status_code == 409:
                reason += "; use --replace to replace it"
            problems.append((str(path), reason))
        elif not quiet:
            summary = f" ({body['summary']})" if body.get("summary") else ""
            click.echo(f"{body.get('status', 'ingested')} {body.get('id', rid)}{summary} from {path}")
    for path, reason in problems:
        click.echo(f"error: {path}: {reason}", err=True)
    return 1 if problems else 0


def _shortened(text: str, most: int) -> str:
    """At most ``most`` characters, cut at a word with an ellipsis."""
    if len(text) <= most:
        return text
    cut = text.rfind(" ", 0, most)
    return text[:cut if cut > most // 2 else most].rstrip(" ,;:") + "…"


def _kinds_summary(kinds: dict[str, int], errors: int, skipped: int = 0) -> str:
    """"7 documents read: 1 session report, 2 transcripts, ...; 3 unchanged, skipped; 1 refused"."""
    from igfkg.ontology import document_kind_label

    total = sum(kinds.values())
    parts = [f"{n} {document_kind_label(kind)}{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items())]
    line = f"{total} document{'s' if total != 1 else ''} read" + (": " + ", ".join(parts) if parts else "")
    line += f"; {skipped} unchanged, skipped" if skipped else ""
    return line + (f"; {errors} refused" if errors else "")


def _timings_line(stages: dict[str, float], wall: float, documents: int) -> str:
    """"timings: 12 documents in 9.1 s; read 0.0 s, decode 0.1 s, ..." (worker
    stages are summed over workers, so they may add up to more than the wall time)."""
    order = ("read", "decode", "parse", "ner load", "ner", "gate", "embed", "identity", "triples", "write", "checkpoint")
    parts = [f"{stage} {stages[stage]:.2f} s" for stage in order if stage in stages]
    return f"timings: {documents} documents in {wall:.2f} s; " + ", ".join(parts)


#: In a folder, files with these endings are data beside the documents
#: (gold files, exports), not documents: skipped, and counted.
DATA_SUFFIXES = (".json", ".jsonl", ".jsonld", ".ttl", ".nt", ".nq", ".trig", ".rq", ".csv", ".tsv")


def _collect(paths) -> tuple[list[Path], list[tuple[str, str]]]:
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                problems.append((raw, "folder has no files"))
            data = [p for p in found if p.name.lower().endswith(DATA_SUFFIXES)]
            if data:
                click.echo(f"skipping {len(data)} data file{'s' if len(data) > 1 else ''} in {raw} "
                           f"({', '.join(sorted({p.suffix for p in data}))}); name a file to ingest it anyway",
                           err=True)
            files.extend(p for p in found if p not in data)
        elif path.is_file():
            files.append(path)
        else:
            problems.append((raw, "no such file or folder"))
    return files, problems


@main.command()
@click.argument("report")
@click.pass_obj
def remove(obj: Context, report):
    """Delete a report and every fact that only it supported."""
    with obj.open() as kb:
        try:
            count = kb.remove(report)
        except KnowledgeBaseError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"removed {report} ({count} triples)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def reports(obj: Context, as_json):
    """List the ingested reports."""
    with obj.open(read_only=True) as kb:
        rows = kb.reports()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no reports yet; add some with: igfkg ingest PATH")
        return
    table = [[r["id"], str(r.get("passages", "")), str(r["triples"]), r.get("title") or ""] for r in rows]
    click.echo(_table(["id", "passages", "triples", "title"], table))


@main.command()
@click.option("--report", "report_id", help="Only this report.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def quality(obj: Context, report_id, as_json):
    """Entity quality per document: the people and organisations written,
    the candidates the entity gate rejected and why, and those to check
    (a person with no given name the lexicon knows, an organisation seen once)."""
    from .quality import quality_report, render_text

    with obj.open(read_only=True) as kb:
        try:
            report = quality_report(kb, report_id)
        except KnowledgeBaseError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if as_json else render_text(report))


@main.command()
@click.argument("query_or_file")
@click.option("--format", "fmt", type=click.Choice(["table", *RESULT_FORMATS, *RDF_FORMATS]),
              help="Output: table (default for SELECT/ASK), json, csv, tsv, xml; "
                   "for CONSTRUCT/DESCRIBE ttl (default), nt, xml, jsonld, nq, trig.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="Let SERVICE and LOAD reach this host (repeatable); none by default.")
@click.pass_obj
def sparql(obj: Context, query_or_file, fmt, allow_service):
    """Run a SPARQL query given as text, a file, or - for standard input.

    The default graph is the union of all reports; the prefixes igf:,
    schema:, foaf:, org:, skos:, prov:, dcterms:, nif:, rdf:, rdfs:, xsd: and
    owl: are predeclared.
    """
    query = _query_text(query_or_file)
    with obj.open(read_only=True) as kb:
        kb.allowed_service_hosts = tuple(allow_service)
        try:
            result = kb.query(query)
            output = _render(result, fmt)  # results are lazy: evaluation errors come while rendering
        except OutboundRefused as exc:
            raise click.ClickException(str(exc)) from None
        except SyntaxError as exc:
            raise click.ClickException(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise click.ClickException(f"query failed: {exc}") from None
    sys.stdout.buffer.write(output)
    if not output.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")


def _query_text(value: str) -> str:
    if value == "-":
        return sys.stdin.read()
    try:  # a file name, or the query itself (which may be too long to be a file name)
        if "\n" not in value and Path(value).is_file():
            return Path(value).read_text(encoding="utf-8")
    except OSError:
        pass
    return value


def _render(result, fmt: str | None) -> bytes:
    try:
        if isinstance(result, (ox.QueryTriples, Triples)):
            name = fmt or "ttl"
            if name not in RDF_FORMATS:
                raise click.UsageError(f"--format {name} is for SELECT/ASK; CONSTRUCT gives RDF "
                                       f"({', '.join(RDF_FORMATS)})")
            return serialize_triples(list(result), rdf_format(name))
        name = fmt or "table"
        if name == "table":
            return _results_table(result).encode("utf-8")
        if name not in RESULT_FORMATS:
            raise click.UsageError(f"--format {name} is for CONSTRUCT/DESCRIBE; SELECT/ASK gives "
                                   f"table, {', '.join(RESULT_FORMATS)}")
        return serialize_results(result, name)
    except FormatError as exc:
        raise click.UsageError(str(exc)) from None


def _results_table(result) -> str:
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    names = [v.value for v in result.variables]
    rows = [[_short(solution[name]) for name in names] for solution in result]
    return _table(names, rows) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _short(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    text = term.value.replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)] if rows else \
        [len(h) for h in header]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


@main.command()
@click.argument("query")
@click.option("--k", "-k", default=5, show_default=True, help="How many passages.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@click.option("--lang", help="Only passages in this language (en, fr, es, ...).")
@click.option("--report", help="Only passages of this report.")
@click.option("--section", help="Only passages of this section (summary, conclusions, agenda, ...).")
@click.option("--year", type=int, help="Only passages of workshops of this IGF year.")
@click.option("--kind", type=click.Choice(list(DOCUMENT_KINDS)),
              help="Only passages of this kind of document (transcript, proposal, report, ...).")
@click.option("--speaker", help="Only transcript turns of this speaker (the name as igfkg shows it).")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True,
              help="Ranking: dense vectors, BM25 words, or both fused.")
@click.pass_obj
def search(obj: Context, query, k, as_json, lang, report, section, year, kind, speaker, mode):
    """Find the passages that best match QUERY, in any language."""
    from .api import BadRequest, search_payload
    from igfkg.search.hybrid import highlight_spans

    with obj.open(read_only=True) as kb:
        try:
            payload = search_payload(kb, query, k=k, mode=mode, lang=lang, report=report,
                                     section=section, year=year, kind=kind, speaker=speaker)
        except (BadRequest, KnowledgeBaseError) as exc:
            raise click.ClickException(str(exc)) from None
        behind = sorted(set(kb.report_ids()) - kb.index.report_ids()) if not payload["results"] else []
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if behind:
        # a lost or stale index finds nothing: say so, and how to repair it
        raise click.ClickException(
            f"the passage index lacks {len(behind)} report(s) the graph holds ({', '.join(behind[:3])}"
            f"{', ...' if len(behind) > 3 else ''}); rebuild it with 'igfkg --home {kb.config.home} reindex'")
    if not payload["results"]:
        click.echo("no passage matches; try other words, or fewer filters")
        return
    for n, hit in enumerate(payload["results"], 1):
        kind = f" · {hit['kind']}" if hit.get("kind") not in (None, "report") else ""
        who = f" · {hit['speaker']}" if hit.get("speaker") else ""
        click.echo(click.style(f"{n}. {hit['report']}{kind} · {hit['section']}{who} ({hit['lang']}) · "
                               f"characters {hit['start']}-{hit['end']} · score {hit['score']:.3f}", bold=True))
        text, pos, out = " ".join(hit["text"].split()), 0, []
        for a, b in highlight_spans(text, query):
            out += [text[pos:a], click.style(text[a:b], fg="yellow", bold=True)]
            pos = b
        click.echo("   " + "".join(out) + text[pos:] + "\n")


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@click.pass_obj
def ask(obj: Context, question, as_json):
    """Answer QUESTION (English or French) from the graph or the passages,
    with the evidence."""
    from .api import BadRequest, ask_payload

    with obj.open(read_only=True) as kb:
        try:
            payload = ask_payload(kb, question)
        except (BadRequest, KnowledgeBaseError) as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(click.style(payload["answer"], bold=True))
    source = ("from the graph" if payload["sparql"] else "no answer" if not payload["confidence"]
              else "from the passages")
    click.echo(f"(confidence {payload['confidence']:.2f}, {source})")
    for item in payload["evidence"][:3]:
        click.echo(f"  - {item['report']} · {item['section']} · characters {item['start']}-{item['end']}: "
                   + _shortened(" ".join(item["text"].split()), 300))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, help="Port to listen on.")
@click.option("--token", envvar="IGFKG_TOKEN", help="Bearer token that allows writes (/update, graph store) "
              "[env IGFKG_TOKEN]; without one, writes are off.")
@click.option("--query-timeout", default=10.0, show_default=True, help="Seconds a SPARQL query may run.")
@click.option("--row-limit", default=10_000, show_default=True, help="Most rows a SPARQL query may return.")
@click.option("--threads", default=32, show_default=True,
              help="Connections served at once (pages, search and ask compute one per core at a time; "
                   "the others wait without holding up SPARQL queries).")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="Let SPARQL SERVICE and LOAD reach this host (repeatable); by default the server "
                   "makes no outbound requests.")
@click.option("--max-queries", default=6, show_default=True,
              help="SPARQL queries at once (worker processes), at most a third of them running past "
                   "0.5 s; beyond, a 503 with Retry-After.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes that answer requests on the port, each computing on one thread [default: the number "
                   "of cores]: this one writes, the others read a checkpoint of the store and pass writes to it "
                   "(igfkg/workers.py). "
                   "--threads and --max-queries apply to each.")
@click.pass_obj
def serve(obj: Context, host, port, token, query_timeout, row_limit, threads, allow_service, max_queries, workers):
    """Start the web service (SPARQL endpoint, JSON API, pages) with waitress."""
    import waitress

    from igfkg.web import create_app
    from igfkg.workers import default_workers, one_thread

    workers = workers or default_workers()
    # Each process computes on one thread, so --workers N uses N cores (one
    # request alone was no faster on two: search 3.2 against 3.5 ms, ask 6.0
    # against 5.7, BENCHMARKS.md); before anything starts threads or processes.
    one_thread()
    kb = obj.open()
    kb.allowed_service_hosts = tuple(allow_service)
    app = create_app(kb, token=token, query_timeout=query_timeout, row_limit=row_limit, max_queries=max_queries,
                     isolate_queries=True)
    click.echo(f"igfkg serving {kb.config.home} on http://{host}:{port}/ "
               f"(SPARQL at /sparql, writes {'on' if token else 'off'})"
               + (f" with {workers} processes" if workers > 1 else ""), err=True)
    try:
        if workers > 1:
            from igfkg.workers import serve as serve_workers

            serve_workers(kb, app, host=host, port=port, threads=threads, workers=workers, token=token,
                          query_timeout=query_timeout, row_limit=row_limit, max_queries=max_queries,
                          allow_service=tuple(allow_service))
            return
        # A body over the limit is refused from its Content-Length, before it is read.
        waitress.serve(app, host=host, port=port, threads=threads, ident="igfkg",
                       max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    finally:
        if app.config["QUERY_POOL"] is not None:  # none for a triple store: queries are forwarded
            app.config["QUERY_POOL"].close()
        kb.close()


@main.command()
@click.option("--repair", is_flag=True, help="Fix what disagrees (the report graphs are the truth).")
@click.pass_obj
def check(obj: Context, repair):
    """Check that the report graphs, the merged default graph and the search
    index agree; exit status 1 if they do not (and --repair was not given).

    Opening the knowledge base already finishes a write a crash interrupted;
    this looks at everything.
    """
    with obj.open() as kb:
        try:
            problems = kb.check(repair=repair)
            reports, passages = len(kb.report_ids()), kb.index.count()
        except KnowledgeBaseError as exc:
            raise click.ClickException(str(exc)) from None
    for problem in problems:
        click.echo(f"{'repaired' if repair else 'problem'}: {problem}", err=not repair)
    if not problems:
        click.echo(f"consistent: {reports} reports, {passages} passages in the search index")
    elif not repair:
        sys.exit(1)


@main.command()
@click.pass_obj
def reindex(obj: Context):
    """Rebuild the passage index from the graph (e.g. with another --embeddings)."""
    with obj.open() as kb:
        try:
            count = kb.reindex()
        except KnowledgeBaseError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"indexed {count} passages with the {kb.embeddings!r} embeddings")


@main.command()
@click.option("--format", "fmt", type=click.Choice(list(RDF_FORMATS)), default="ttl", show_default=True,
              help="nq, trig and jsonld keep the named graphs; ttl, nt and xml merge them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@click.option("--report", help="Export only this report's graph.")
@click.pass_obj
def export(obj: Context, fmt, output, report):
    """Dump the knowledge graph (or one report) as RDF."""
    # written as they come (nq, trig and nt graph by graph); a file only once whole
    target = Path(output).with_name(Path(output).name + ".part") if output else None
    written = 0
    with obj.open(read_only=True) as kb:
        try:
            pieces = kb.export_chunks(rdf_format(fmt), report)
            with (target.open("wb") if target else nullcontext(sys.stdout.buffer)) as out:
                for piece in pieces:
                    out.write(piece)
                    written += len(piece)
        except KnowledgeBaseError as exc:
            if target:
                target.unlink(missing_ok=True)
            raise click.ClickException(str(exc)) from None
    if target:
        target.replace(output)
        click.echo(f"wrote {written} bytes of {fmt} to {output}", err=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def load(obj: Context, file):
    """Load FILE (.nq or .trig, as 'igfkg export' writes) into this knowledge
    base: each graph in it replaces the graph of that name; the search index
    is made from the loaded reports. Moves a knowledge base between the
    embedded store and a triple store, either way."""
    formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
    fmt = formats.get(Path(file).suffix.lower())
    if fmt is None:
        raise click.UsageError("load takes an N-Quads (.nq) or TriG (.trig) file; export one with "
                               "'igfkg export --format nq -o FILE.nq'")
    with obj.open() as kb:
        try:
            graphs = kb.load(Path(file), fmt)
        except SyntaxError as exc:
            raise click.ClickException(f"{file} is not valid {Path(file).suffix[1:]}: {exc}") from None
        except KnowledgeBaseError as exc:
            raise click.ClickException(str(exc)) from None
        reports = sum(1 for g in graphs if kb.iris.report_id_of(g))
    click.echo(f"loaded {len(graphs)} graphs ({reports} reports) from {file}")


if __name__ == "__main__":
    main()
