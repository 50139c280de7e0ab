"""The graph in a SPARQL 1.1 server instead of the embedded store.

``RemoteStore`` offers the few methods of ``pyoxigraph.Store`` the knowledge
base uses (query, update, quads_for_pattern, named_graphs,
contains_named_graph, ``quad in store``, flush) over the SPARQL 1.1
Protocol, and answers with pyoxigraph objects, so kb.py keeps one code path.

Each ``update`` is one HTTP request: the servers apply a request as one
transaction, so ingest (one request per report) stays atomic per report.

Server differences are handled here and nowhere else:

- Virtuoso's default graph is the union of every graph, system graphs
  included, with a triple repeated once per graph that holds it. igfkg's
  merge (the plain default graph elsewhere) is kept there in a graph of its
  own (``<base>graph/merged``), named as the default graph of every query
  (``default-graph-uri``) and update (``DEFINE input:default-graph-uri``);
  the named graphs are listed too, so ``GRAPH ?g`` ranges over igfkg's
  graphs, not Virtuoso's own or the merge.
- Another server whose default graph is a union (Fuseki with
  unionDefaultGraph, GraphDB) is refused at open: answers would count
  triples twice.

Failures become ``RemoteStoreError``: one line naming the store. Reads are
retried with backoff on a lost connection or a 502/503/504; updates never
(an update is not idempotent from here: it may have been applied).
"""
from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass

import pyoxigraph as ox
import requests

#: Graphs a fresh Virtuoso holds for itself (prefixes): not igfkg's.
VIRTUOSO_OWN_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/",
                       "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#",
                       "http://localhost:8890/", "virtrdf:")
RETRY_STATUSES = (502, 503, 504)
RETRY_DELAYS = (0.2, 0.6, 1.5)
_GRAPH_IRI = re.compile(r"\bGRAPH\s*<([^>\s]*)>", re.I)
_FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<", re.I)
_RESULTS = "application/sparql-results+json"
_RDF = "application/n-triples"


class RemoteStoreError(RuntimeError):
    """The store failed or refused: said in one line that names it."""


class RemoteQueryError(RemoteStoreError, ValueError):
    """The store refused a query or update as wrong (HTTP 400)."""


class RemoteTimeout(RemoteStoreError, TimeoutError):
    """The store did not answer in time: a 503 with Retry-After on the web, as a stopped query."""


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    gsp: str | None = None

    @classmethod
    def of(cls, query: str, update: str | None = None, gsp: str | None = None) -> "Endpoints":
        return cls(query, update or query, gsp or None)

    def as_dict(self) -> dict:
        return {"query": self.query, "update": self.update, "gsp": self.gsp}


class Credentials:
    """From the environment only (never from a URL that gets logged):
    IGFKG_STORE_USER and IGFKG_STORE_PASSWORD (Basic or Digest, as the
    server asks), or IGFKG_STORE_TOKEN (a bearer token)."""

    def __init__(self, user: str | None = None, password: str | None = None, token: str | None = None):
        self.user, self.password, self.token = user, password, token

    @classmethod
    def from_env(cls) -> "Credentials":
        env = os.environ
        return cls(env.get("IGFKG_STORE_USER"), env.get("IGFKG_STORE_PASSWORD"), env.get("IGFKG_STORE_TOKEN"))

    def auth_for(self, challenge: str):
        """The requests auth answering a 401's WWW-Authenticate, or None."""
        if not self.user:
            return None
        if "digest" in challenge.lower():
            return requests.auth.HTTPDigestAuth(self.user, self.password or "")
        return requests.auth.HTTPBasicAuth(self.user, self.password or "")


class RemoteStore:
    def __init__(self, endpoints: Endpoints, base_iri: str, credentials: Credentials | None = None,
                 timeout: float = 120.0):
        self.endpoints = endpoints
        self.timeout = timeout  # seconds per request
        self.query_timeout = timeout  # seconds per query; `igfkg serve` sets its --query-timeout here
        self.credentials = credentials or Credentials()
        self._session = requests.Session()
        if self.credentials.token:
            self._session.headers["Authorization"] = f"Bearer {self.credentials.token}"
        self._auth: dict[str, object] = {}  # per endpoint, chosen on its first 401
        self._lock = threading.Lock()
        self._graphs: tuple[float, list[str]] | None = None  # Virtuoso: igfkg's named graphs, cached
        self.merge_graph: str | None = None
        self.server = "unknown"
        self.server = self._probe()
        if self.server == "virtuoso":
            self.merge_graph = base_iri + "graph/merged"
        else:
            self._refuse_union_default()

    # -- the pyoxigraph.Store methods kb.py uses ------------------------------------

    def query(self, sparql: str, prefixes: dict | None = None, base_iri: str | None = None,
              default_graph=None, named_graphs=None, **_options):
        """QuerySolutions, QueryBoolean, or a list of triples (CONSTRUCT, DESCRIBE)."""
        from igfkg.querypool import Triples

        text = _prologue(prefixes, base_iri) + sparql
        graph_form = _is_graph_query(text)
        params = [("query", text)] + self._dataset_params(text, default_graph, named_graphs)
        response = self._send("query", params, accept=_RDF if graph_form else _RESULTS, idempotent=True)
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        body = _virtuoso_booleans(response.content) if self.server == "virtuoso" else response.content
        try:
            if graph_form:
                return Triples(ox.parse(body, format=ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES))
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media)
                                             or ox.QueryResultsFormat.JSON)
            return _virtuoso_ask(results) if self.server == "virtuoso" else results
        except (SyntaxError, ValueError) as exc:
            raise RemoteStoreError(f"the triple store at {self.endpoints.query} sent a malformed answer "
                                   f"({media or 'no content type'}): {_first_line(exc)}") from None

    def update(self, sparql: str, prefixes: dict | None = None, base_iri: str | None = None) -> None:
        text = _prologue(prefixes, base_iri) + sparql
        if self.merge_graph:
            text = self._virtuoso_preamble(text) + text
        self._send("update", [("update", text)], accept="*/*", idempotent=False)
        self._graphs = None

    def quads_for_pattern(self, subject, predicate, obj, graph_name):
        """A list of quads (the embedded store's iterator, as a list)."""
        s, p, o = (term if term is not None else ox.Variable(name)
                   for term, name in ((subject, "s"), (predicate, "p"), (obj, "o")))
        pattern = f"{s} {p} {o}"
        if isinstance(graph_name, ox.DefaultGraph):
            where = pattern
        elif graph_name is not None:
            where = f"GRAPH {graph_name} {{ {pattern} }}"
        else:
            where = f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}"
        rows = self.query(f"SELECT * WHERE {{ {where} }}")
        fixed_graph = graph_name if graph_name is not None else None
        quads = []
        for row in rows:
            terms = [term if term is not None else row[name]
                     for term, name in ((subject, "s"), (predicate, "p"), (obj, "o"))]
            g = fixed_graph if fixed_graph is not None else (row["g"] or ox.DefaultGraph())
            quads.append(ox.Quad(*terms, g))
        return quads

    def named_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(g) for g in self._named_graph_iris(fresh=True)]

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        # Virtuoso keeps no empty graphs: a graph exists while it holds a triple.
        body = "?s ?p ?o" if self.server == "virtuoso" else ""
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ {body} }} }}"))

    def __contains__(self, quad: ox.Quad) -> bool:
        triple = f"{quad.subject} {quad.predicate} {quad.object}"
        where = triple if isinstance(quad.graph_name, ox.DefaultGraph) else f"GRAPH {quad.graph_name} {{ {triple} }}"
        return bool(self.query(f"ASK {{ {where} }}"))

    def flush(self) -> None:
        """Nothing to do: the server writes each update before it answers."""

    def close(self) -> None:
        self._session.close()

    # -- moving data in ------------------------------------------------------------

    def load_quads(self, quads, batch: int = 5000) -> int:
        """Insert quads (named graphs, and the default graph) in updates of at
        most ``batch`` quads; returns how many were sent."""
        count, chunk = 0, []
        for quad in quads:
            chunk.append(quad)
            if len(chunk) >= batch:
                count += self._insert(chunk)
                chunk = []
        return count + (self._insert(chunk) if chunk else 0)

    def _insert(self, quads: list[ox.Quad]) -> int:
        by_graph: dict = {}
        for q in quads:
            by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
        parts = ["\n".join(lines) if isinstance(g, ox.DefaultGraph) else f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}"
                 for g, lines in by_graph.items()]
        self.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")
        return len(quads)

    # -- the server's dataset -------------------------------------------------------

    def _probe(self) -> str:
        """Which server: "virtuoso" or "standard"; the first request, so an
        unreachable store or refused credentials are said at open."""
        response = self._send("query", [("query", "ASK {}")], accept=_RESULTS, idempotent=True)
        return "virtuoso" if "virtuoso" in response.headers.get("Server", "").lower() else "standard"

    def _refuse_union_default(self) -> None:
        """A default graph that is the union of the named graphs would count
        every fact twice beside igfkg's merge: refuse it now."""
        probe = ox.NamedNode(f"urn:igfkg:probe:{uuid.uuid4()}")
        self.update(f"INSERT DATA {{ GRAPH {probe} {{ {probe} {probe} {probe} }} }}")
        try:
            union = bool(self.query(f"ASK {{ {probe} {probe} {probe} }}"))
        finally:
            self.update(f"DROP SILENT GRAPH {probe}")
        if union:
            raise RemoteStoreError(
                f"the triple store at {self.endpoints.query} answers queries over the union of its named "
                "graphs as the default graph; igfkg keeps its own merge there: turn the union default off "
                "(Fuseki: unionDefaultGraph false)")

    def _named_graph_iris(self, fresh: bool = False) -> list[str]:
        """Named graphs as igfkg sees them (Virtuoso's own and the merge left out)."""
        with self._lock:
            cached = self._graphs
        if cached and not fresh and time.monotonic() - cached[0] < 2.0:
            return cached[1]
        # Virtuoso needs a triple in the pattern, and answers GROUP BY at once where
        # DISTINCT took 7.5 s over the test documents' 15 graphs (a 10 s page limit).
        pattern = "?s ?p ?o" if self.server == "virtuoso" else ""
        rows = self._plain_select(f"SELECT ?g WHERE {{ GRAPH ?g {{ {pattern} }} }} GROUP BY ?g")
        graphs = sorted(g for g in rows if g != self.merge_graph and not g.startswith(VIRTUOSO_OWN_GRAPHS))
        with self._lock:
            self._graphs = (time.monotonic(), graphs)
        return graphs

    def _plain_select(self, sparql: str) -> list[str]:
        """The first column of a query sent as is (no dataset parameters)."""
        response = self._send("query", [("query", sparql)], accept=_RESULTS, idempotent=True)
        results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return [row[0].value for row in results if row[0] is not None]

    def _dataset_params(self, text: str, default_graph, named_graphs) -> list[tuple[str, str]]:
        """The protocol's dataset: as asked, else (Virtuoso) the merge and igfkg's graphs."""
        if default_graph is not None or named_graphs is not None:
            defaults = [] if default_graph is None else (
                default_graph if isinstance(default_graph, list) else [default_graph])
            params = [("default-graph-uri", g.value) for g in defaults if isinstance(g, ox.NamedNode)]
            if self.merge_graph and any(isinstance(g, ox.DefaultGraph) for g in defaults):
                params.append(("default-graph-uri", self.merge_graph))
            return params + [("named-graph-uri", g.value) for g in named_graphs or ()]
        if not self.merge_graph or _FROM.search(text):
            return []
        return [("default-graph-uri", self.merge_graph)] + \
            [("named-graph-uri", g) for g in self._graphs_for(text)]

    def _virtuoso_preamble(self, text: str) -> str:
        """Virtuoso pragmas that give an update igfkg's dataset."""
        lines = [f"DEFINE input:default-graph-uri <{self.merge_graph}>"]
        lines += [f"DEFINE input:named-graph-uri <{g}>" for g in self._graphs_for(text)]
        return "\n".join(lines) + "\n"

    def _graphs_for(self, text: str) -> list[str]:
        """igfkg's named graphs and those the text names (one it is about to create)."""
        return sorted(set(self._named_graph_iris()) | set(_GRAPH_IRI.findall(text)))

    # -- HTTP --------------------------------------------------------------------------

    def _send(self, kind: str, params: list, accept: str, idempotent: bool) -> requests.Response:
        url = self.endpoints.query if kind == "query" else self.endpoints.update
        timeout = self.query_timeout if kind == "query" else self.timeout
        # Virtuoso stops a query at its own "timeout" (ms), freeing the server too.
        extra = [("timeout", str(int(timeout * 1000)))] if kind == "query" and self.server == "virtuoso" else []
        delays = RETRY_DELAYS if idempotent else ()
        for attempt in range(len(delays) + 1):
            try:
                response = self._post(url, params + extra, accept, timeout)
            except requests.Timeout:
                raise RemoteTimeout(f"the triple store at {url} did not answer within {timeout:g} s") from None
            except requests.ConnectionError as exc:
                if attempt < len(delays):
                    time.sleep(delays[attempt])
                    continue
                raise RemoteStoreError(f"the triple store at {url} cannot be reached ({_reason(exc)})") from None
            if response.status_code in RETRY_STATUSES and attempt < len(delays):
                time.sleep(delays[attempt])
                continue
            return self._checked(url, kind, response)
        raise AssertionError("unreachable")

    def _post(self, url: str, params: list, accept: str, timeout: float) -> requests.Response:
        response = self._session.post(url, data=params, headers={"Accept": accept},
                                      auth=self._auth.get(url), timeout=timeout)
        if response.status_code == 401 and url not in self._auth:
            auth = self.credentials.auth_for(response.headers.get("WWW-Authenticate", ""))
            if auth is not None:
                self._auth[url] = auth
                response = self._session.post(url, data=params, headers={"Accept": accept}, auth=auth,
                                              timeout=timeout)
        return response

    def _checked(self, url: str, kind: str, response: requests.Response) -> requests.Response:
        status = response.status_code
        if status < 300:
            if response.headers.get("X-SPARQL-MaxRows"):
                raise RemoteStoreError(
                    f"the triple store at {url} cut the answer at {response.headers['X-SPARQL-MaxRows']} rows; "
                    "raise its limit (Virtuoso: ResultSetMaxRows in [SPARQL] of virtuoso.ini)")
            return response
        if status in (401, 403):
            how = "set IGFKG_STORE_USER and IGFKG_STORE_PASSWORD (or IGFKG_STORE_TOKEN)" \
                if not (self.credentials.user or self.credentials.token) else "check IGFKG_STORE_USER and " \
                                                                             "IGFKG_STORE_PASSWORD (or IGFKG_STORE_TOKEN)"
            raise RemoteStoreError(f"the triple store at {url} refused the {kind} (HTTP {status}): {how}")
        detail = _first_line(_server_message(response.text))
        if 400 <= status < 500:
            raise RemoteQueryError(f"the triple store at {url} refused the {kind} (HTTP {status}): {detail}")
        raise RemoteStoreError(f"the triple store at {url} failed on the {kind} (HTTP {status}): {detail}")


def _virtuoso_ask(results):
    """Virtuoso answers an ASK as a SELECT of ``__ASK_RETVAL`` (1, or no row): a boolean again."""
    if isinstance(results, ox.QuerySolutions) and [v.value for v in results.variables] == ["__ASK_RETVAL"]:
        answer = any(row[0] is not None and row[0].value == "1" for row in results)
        return ox.parse_query_results('{"head": {}, "boolean": %s}' % ("true" if answer else "false"),
                                      format=ox.QueryResultsFormat.JSON)
    return results


def _prologue(prefixes: dict | None, base_iri: str | None) -> str:
    lines = [f"BASE <{base_iri}>"] if base_iri else []
    lines += [f"PREFIX {name}: <{iri}>" for name, iri in (prefixes or {}).items()]
    return "\n".join(lines) + "\n" if lines else ""


_EMPTY = None


def _is_graph_query(text: str) -> bool:
    """True for CONSTRUCT and DESCRIBE. The query is parsed here, by an empty
    in-memory store: a syntax error is said as the embedded store says it
    (SyntaxError), before anything is sent."""
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = ox.Store()
    return isinstance(_EMPTY.query(text), ox.QueryTriples)  # an empty store answers at once


_BOOLEAN = re.compile(rb'("datatype":\s*"http://www.w3.org/2001/XMLSchema#boolean"\s*,\s*"value":\s*")([01])"'
                      rb'|"([01])"(\^\^<http://www.w3.org/2001/XMLSchema#boolean>)')


def _virtuoso_booleans(body: bytes) -> bytes:
    """Virtuoso writes xsd:boolean as 1 and 0: back to true and false."""
    def canonical(match):
        if match.group(1):
            return match.group(1) + (b"true" if match.group(2) == b"1" else b"false") + b'"'
        return (b'"true"' if match.group(3) == b"1" else b'"false"') + match.group(4)
    return _BOOLEAN.sub(canonical, body)


def _first_line(value) -> str:
    text = str(value).strip()
    return text.splitlines()[0][:300] if text else "no detail"


def _server_message(text: str) -> str:
    """Virtuoso puts the error after a blank line of HTML or as plain text."""
    text = re.sub(r"<[^>]+>", " ", text or "")
    return " ".join(line.strip() for line in text.splitlines() if line.strip())[:300]


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out", "Connection reset"):
        if marker in text:
            return marker.lower()
    return "connection failed"
