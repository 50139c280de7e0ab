"""SPARQL 1.1 Protocol at /sparql (queries; updates too with a token),
SPARQL 1.1 Update at /update, and the Graph Store HTTP Protocol at /gsp."""
from __future__ import annotations

import hmac
import io
import queue
import re
import threading
import time
import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from igfkg.formats import RESULT_FORMATS
from igfkg.kb import ReportGraphProtected
from igfkg.outbound import OutboundRefused, uses_service
from igfkg.querypool import Boolean, QueryBusy, QueryStopped, Triples

bp = Blueprint("sparql", __name__)

RESULT_TYPES = {media: name for name, (_fmt, media) in RESULT_FORMATS.items()}
RESULT_TYPES.update({"application/json": "json", "application/xml": "xml", "text/xml": "xml"})
GRAPH_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
               "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
               "text/n3": ox.RdfFormat.N3}
FORMAT_PARAM = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle",
                "turtle": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
                "rdfxml": "application/rdf+xml"}
_USING = re.compile(r"\b(?:USING|WITH)\b", re.I)
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


class ProtocolError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _fail(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


# -- requests -----------------------------------------------------------------

def _operation() -> tuple[str, str]:
    """("query" | "update", text) from a protocol request, or ProtocolError."""
    if request.method not in ("GET", "POST"):
        raise ProtocolError(405, f"{request.method} is not a SPARQL protocol operation; use GET or POST")
    args = request.args
    if request.method == "GET":
        if "update" in args:
            raise ProtocolError(400, "updates must be sent with POST, not GET")
        return "query", _single(args, "query")
    mime = (request.mimetype or "").lower()
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if mime == "application/x-www-form-urlencoded":
        form = request.form
        if "query" in form and "update" in form:
            raise ProtocolError(400, "send either query or update, not both")
        if "update" in form:
            return "update", _single(form, "update")
        return "query", _single(form, "query")
    if mime in ("application/sparql-query", "application/sparql-update"):
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"the body must be UTF-8, not {charset}")
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the body is not valid UTF-8") from None
        return ("query" if mime == "application/sparql-query" else "update"), text
    if not mime and not request.get_data():
        return "query", _single(args, "query")
    raise ProtocolError(415, f"unsupported content type {mime or '(none)'}: use application/x-www-form-urlencoded, "
                             "application/sparql-query or application/sparql-update")


def _single(values, name: str) -> str:
    found = values.getlist(name)
    if not found:
        raise ProtocolError(400, f"missing the {name} parameter")
    if len(found) > 1:
        raise ProtocolError(400, f"give one {name} parameter, not {len(found)}")
    return found[0]


def _graph_params(name: str) -> list[str]:
    return request.args.getlist(name) + (request.form.getlist(name) if request.mimetype ==
                                         "application/x-www-form-urlencoded" else [])


def _authorised() -> Response | None:
    token = current_app.config["TOKEN"]
    if not token:
        return _fail(403, "this service was started without a token: writes are off (igfkg serve --token)")
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return Response("writes need 'Authorization: Bearer <token>'\n", status=401, mimetype="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="igfkg"'})
    if not hmac.compare_digest(header[7:].strip(), token):
        return _fail(403, "wrong token")
    return None


# -- /sparql and /update --------------------------------------------------------

@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def sparql_endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method == "GET" and not request.args:
        return _service_description()
    if request.method == "POST" and (request.mimetype or "").lower() == "application/sparql-update":
        refusal = _authorised()  # before the body is read
        if refusal:
            return refusal
    try:
        kind, text = _operation()
    except ProtocolError as exc:
        return _fail(exc.status, str(exc))
    return _run_update(text) if kind == "update" else _run_query(text)


@bp.route("/update", methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
def update_endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method == "POST":
        refusal = _authorised()  # every POST here is an update: the token first, before the body
        if refusal:
            return refusal
    try:
        kind, text = _operation()
    except ProtocolError as exc:
        return _fail(exc.status, str(exc))
    if kind != "update":
        return _fail(400, "this endpoint takes updates; send queries to /sparql")
    return _run_update(text)


class Busy(Exception):
    """Every query slot is taken."""


def run_bounded(work, timeout: float | None = None):
    """Run ``work(deadline)`` in a thread under the app's time limit and its
    bound on queries at once; returns its value, or raises TimeoutError, Busy,
    or what work raised. The store releases the GIL while it evaluates, so
    other requests go on; a query past the limit is answered and left to stop
    (at its next row). Its slot is held until it really stops, so runaway
    queries cannot pile up beyond the bound. Work must consume query results
    in its own thread: Oxigraph's result iterators cannot cross threads."""
    timeout = current_app.config["QUERY_TIMEOUT"] if timeout is None else timeout
    if current_app.config["QUERY_POOL"] is not None:
        # Queries run in worker processes that are killed at the limit: no thread needed.
        try:
            return work(time.monotonic() + timeout)
        except QueryBusy:
            raise Busy() from None
        except QueryStopped as exc:
            raise TimeoutError(str(exc)) from None
    slots = current_app.config["QUERY_SLOTS"]
    if not slots.acquire(blocking=False):
        raise Busy()
    outcome: queue.Queue = queue.Queue(maxsize=1)

    def evaluate():
        try:
            outcome.put(("ok", work(time.monotonic() + timeout)))
        except BaseException as exc:  # handed to the request thread, which raises it
            outcome.put(("error", _detached(exc)))
        finally:
            slots.release()

    threading.Thread(target=evaluate, daemon=True).start()
    try:
        status, value = outcome.get(timeout=timeout + 0.5)
    except queue.Empty:
        raise TimeoutError(f"the query ran past the {timeout:g} s limit and was stopped") from None
    if status == "error":
        raise value
    return value


def _detached(exc: BaseException) -> BaseException:
    """The exception without its traceback: the traceback's frames hold the
    query's result iterator, which must be dropped in its own thread
    ("PyQuerySolutions is unsendable" otherwise)."""
    exc.__traceback__ = exc.__context__ = exc.__cause__ = None
    return exc


def busy_response() -> Response:
    response = _fail(503, "too many queries are running; try again in a few seconds")
    response.headers["Retry-After"] = "5"
    return response


def _run_query(text: str) -> Response:
    kb = current_app.config["KB"]
    default_graphs, named_graphs = _graph_params("default-graph-uri"), _graph_params("named-graph-uri")
    base = request.base_url
    timeout = current_app.config["QUERY_TIMEOUT"]
    row_limit = current_app.config["ROW_LIMIT"]
    media, accept = _negotiate(), request.accept_mimetypes  # read here: the thread has no request
    if media and media.startswith("!"):
        return _fail(400, media[1:])

    def work(deadline):
        result = kb.protocol_query(text, base_iri=base, default_graphs=default_graphs, named_graphs=named_graphs)
        return _serialise(result, media, accept, deadline, timeout, row_limit)

    try:
        body, mimetype = run_bounded(work, timeout)
    except Busy:
        return busy_response()
    except OutboundRefused as exc:
        return _fail(400, str(exc))
    except SyntaxError as exc:
        return _fail(400, f"SPARQL syntax error: {exc}")
    except TimeoutError as exc:
        response = _fail(503, str(exc))
        response.headers["Retry-After"] = "5"
        return response
    except ProtocolError as exc:
        return _fail(exc.status, str(exc))
    except (OSError, RuntimeError, ValueError) as exc:
        return _fail(400, _failure("query", text, exc))
    return Response(body, mimetype=mimetype)


def _failure(what: str, text: str, exc: Exception) -> str:
    """One line on why a query or update failed. Errors of a SERVICE or LOAD
    call are not echoed: they would tell open ports from closed ones."""
    if uses_service(text):
        return f"the {what} failed (a SERVICE or LOAD call did not succeed)"
    return f"the {what} failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _negotiate() -> str | None:
    """The media type a ``format`` parameter asks for; "!" marks an unknown one."""
    wanted = request.args.get("format") or request.form.get("format")
    if wanted and wanted not in FORMAT_PARAM:
        return f"!unknown format {wanted!r}; choose one of {', '.join(FORMAT_PARAM)}"
    return FORMAT_PARAM.get(wanted) if wanted else None


def _serialise(result, media: str | None, accept, deadline: float, timeout: float,
               row_limit: int) -> tuple[bytes, str]:
    if media and media.startswith("!"):
        raise ProtocolError(400, media[1:])
    if isinstance(result, (ox.QueryTriples, Triples)):
        choices = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
        if media and media not in choices:
            raise ProtocolError(406, f"a CONSTRUCT or DESCRIBE answers RDF, not {media}: ask for "
                                     "format=ttl, nt, jsonld or rdfxml")
        if not media and accept and accept.provided:
            media = accept.best_match(choices)
            if media is None:
                raise ProtocolError(406, "a CONSTRUCT or DESCRIBE answers RDF (Turtle, N-Triples, RDF/XML, "
                                         "JSON-LD); the Accept header allows none of them")
        media = media or "text/turtle"
        triples = _bounded(result, deadline, timeout, row_limit, what="triples")
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}[media]
        return ox.serialize(triples, format=fmt), media
    choices = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
               "text/tab-separated-values", "application/json", "application/xml", "text/xml"]
    if not media:
        media = accept.best_match(choices) if accept and accept.provided else None
        media = media or "application/sparql-results+json"
    if media not in RESULT_TYPES:
        raise ProtocolError(406, f"a SELECT or ASK answers SPARQL results, not {media}: ask for "
                                 "format=json, xml, csv or tsv")
    fmt = RESULT_FORMATS[RESULT_TYPES[media]][0]
    out = io.BytesIO()
    if isinstance(result, ox.QueryBoolean):
        result.serialize(out, format=fmt)
    elif isinstance(result, Boolean):  # from a worker process: through Oxigraph's writers
        text = '{"head": {}, "boolean": %s}' % ("true" if result else "false")
        ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON).serialize(out, format=fmt)
    else:
        variables = result.variables
        _write_solutions(out, variables, _bounded(result, deadline, timeout, row_limit), fmt)
    return out.getvalue(), ("application/sparql-results+json" if media == "application/json" else media)


def _bounded(rows, deadline: float, timeout: float, row_limit: int, what: str = "rows") -> list:
    """The results, or a 400 past the limit naming what was counted (rows or triples)."""
    taken = []
    for row in rows:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the query ran past the {timeout:g} s limit and was stopped")
        taken.append(row)
        if len(taken) > row_limit:
            raise ProtocolError(400, f"the query returns more than {row_limit} {what} (this service's "
                                     f"--row-limit); add a LIMIT of {row_limit} or less")
    return taken


def _write_solutions(out, variables, rows, fmt) -> None:
    """Results collected in Python, written in a SPARQL results format."""
    import json as _json

    names = [v.value for v in variables]
    if fmt == ox.QueryResultsFormat.JSON:
        bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows]
        out.write(_json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                              ensure_ascii=False).encode("utf-8"))
        return
    # XML, CSV and TSV through Oxigraph's own writers, fed back the rows.
    text = _json.dumps({"head": {"vars": names}, "results": {"bindings": [
        {n: _json_term(row[n]) for n in names if row[n] is not None} for row in rows]}})
    parsed = ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    parsed.serialize(out, format=fmt)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def _run_update(text: str) -> Response:
    refusal = _authorised()
    if refusal:
        return refusal
    using, using_named = _graph_params("using-graph-uri"), _graph_params("using-named-graph-uri")
    if using or using_named:
        if _USING.search(text):
            return _fail(400, "give the dataset either with using-graph-uri/using-named-graph-uri or with "
                              "USING/WITH in the update, not both")
        clauses = "".join(f"USING <{iri}> " for iri in using) + "".join(f"USING NAMED <{iri}> " for iri in using_named)
        text = _WHERE.sub(lambda m: clauses + m.group(0), text)
    kb = current_app.config["KB"]
    try:
        with current_app.config["WRITE_LOCK"]:
            kb.protocol_update(text, base_iri=request.base_url)
    except OutboundRefused as exc:
        return _fail(400, str(exc))
    except ReportGraphProtected as exc:
        return _fail(403, str(exc))
    except SyntaxError as exc:
        return _fail(400, f"SPARQL syntax error: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return _fail(400, _failure("update", text, exc))
    return Response(status=204)


def _service_description() -> Response:
    endpoint = request.base_url
    body = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query, sd:SPARQL11Update ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/RDF_XML>, <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:feature sd:BasicFederatedQuery ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .
"""
    return Response(body, mimetype="text/turtle")


# -- Graph Store HTTP Protocol -------------------------------------------------------

@bp.route("/gsp", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
@bp.route("/gsp/<path:_path>", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store(_path: str | None = None):
    if request.method == "OPTIONS":
        return Response(status=204)
    kb = current_app.config["KB"]
    try:
        graph = _target_graph(_path)
    except ProtocolError as exc:
        return _fail(exc.status, str(exc))
    if request.method in ("GET", "HEAD"):
        if graph is None:
            return _fail(400, "name a graph: ?graph=IRI or ?default")
        if not kb.graph_exists(graph):
            return _fail(404, f"no graph {graph}")
        choices = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
        media = request.accept_mimetypes.best_match(choices) if request.accept_mimetypes.provided else None
        media = media or "text/turtle"
        body = ox.serialize(kb.graph_triples(graph), format=GRAPH_TYPES[media])
        response = Response(b"" if request.method == "HEAD" else body, mimetype=media)
        if request.method == "HEAD":
            response.headers["Content-Length"] = str(len(body))
        return response
    refusal = _authorised()
    if refusal:
        return refusal
    try:
        return _write_graph(kb, graph)
    except ReportGraphProtected as exc:
        return _fail(403, str(exc))


def _write_graph(kb, graph) -> Response:
    if graph is not None:
        kb.check_graph_write(graph)  # before the body is read
    with current_app.config["WRITE_LOCK"]:
        if request.method == "DELETE":
            if graph is None:
                return _fail(400, "name a graph: ?graph=IRI or ?default")
            return Response(status=204) if kb.drop_graph(graph) else _fail(404, f"no graph {graph}")
        try:
            triples = _request_triples()
        except ProtocolError as exc:
            return _fail(exc.status, str(exc))
        if graph is None:  # POST to the store: a new graph, named by the service
            if request.method != "POST":
                return _fail(400, "name a graph: ?graph=IRI or ?default")
            graph = ox.NamedNode(request.host_url.rstrip("/") + "/gsp/graphs/" + uuid.uuid4().hex)
            kb.put_graph(graph, triples, replace=False)
            return Response(status=201, headers={"Location": graph.value})
        created = kb.put_graph(graph, triples, replace=request.method == "PUT")
        return Response(status=201 if created else 204)


def _target_graph(path: str | None):
    args = request.args
    if path is not None:
        try:
            return ox.NamedNode(request.base_url)
        except ValueError:  # "{", spaces...: a 400, not a 500
            raise ProtocolError(400, f"not an IRI: {request.base_url!r}") from None
    if "default" in args and "graph" in args:
        raise ProtocolError(400, "give either ?default or ?graph=IRI")
    if "default" in args:
        return ox.DefaultGraph()
    if "graph" in args:
        try:
            return ox.NamedNode(args["graph"])
        except ValueError:
            raise ProtocolError(400, f"not an IRI: {args['graph']!r}") from None
    return None


def _request_triples() -> list[ox.Triple]:
    if request.mimetype == "multipart/form-data":
        triples = []
        for part in request.files.values():
            triples += _parse(part.read(), part.mimetype)
        return triples
    return _parse(request.get_data(), request.mimetype)


def _parse(data: bytes, mime: str) -> list[ox.Triple]:
    fmt = GRAPH_TYPES.get((mime or "").lower())
    if fmt is None:
        raise ProtocolError(415, f"unsupported RDF media type {mime or '(none)'}; use Turtle, N-Triples, RDF/XML or JSON-LD")
    try:
        return [q.triple for q in ox.parse(data, format=fmt, base_iri=request.base_url)]
    except SyntaxError as exc:
        raise ProtocolError(400, f"the RDF does not parse: {exc}") from None
