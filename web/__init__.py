"""The igfkg web service: a Flask application factory with one blueprint per
area (SPARQL protocol and graph store, JSON API, HTML pages)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Flask, g, jsonify, request

from igfkg.kb import KnowledgeBase
from igfkg.remote_store import RemoteStoreError, RemoteTimeout
from igfkg.querypool import QueryBusy, QueryPool, QueryStopped


def create_app(kb: KnowledgeBase, token: str | None = None, query_timeout: float = 10.0,
               row_limit: int = 10_000, max_body_bytes: int = 5 * 1024 * 1024, max_queries: int = 4,
               isolate_queries: bool = False, busy_requests: int | None = None,
               query_snapshots: Path | None = None) -> Flask:
    """``kb`` is opened by the caller (``igfkg serve`` or a test) and shared
    by every request; writes go through it under one lock. At most
    ``max_queries`` SPARQL queries run at once; beyond that a 503 with
    Retry-After.

    With ``isolate_queries`` (``igfkg serve``), every SPARQL query of every
    route runs in a worker process killed at the time limit
    (igfkg/querypool.py); call ``app.config["QUERY_POOL"].close()`` at the
    end. Without (tests, embedding), /sparql and the editor run queries in
    threads under the same limit, and other routes' queries in the request.
    ``query_snapshots``: the folder of the pool's checkpoints when several
    processes serve one data directory (igfkg/workers.py), one each.

    At most ``busy_requests`` (default: the number of cores) requests that
    compute in this process (pages, search, ask) run at once; the others wait
    for a turn. The SPARQL protocol's requests do not wait for them."""
    app = Flask(__name__)
    app.config.update(KB=kb, TOKEN=token, QUERY_TIMEOUT=query_timeout, ROW_LIMIT=row_limit,
                      MAX_CONTENT_LENGTH=max_body_bytes, WRITE_LOCK=threading.Lock(), JSON_AS_ASCII=False,
                      QUERY_SLOTS=threading.BoundedSemaphore(max_queries), QUERY_POOL=None)
    app.json.ensure_ascii = False
    if isolate_queries and getattr(kb.store, "endpoints", None):
        kb.store.query_timeout = query_timeout  # a triple store: queries are forwarded, under this limit
    elif isolate_queries:
        _isolate_queries(app, kb, max_queries, query_timeout, row_limit, query_snapshots)
    _bound_busy_requests(app, busy_requests or max(2, os.cpu_count() or 2))

    from . import api, i18n, linked, pages, quality, sparql
    from . import graphview, trends

    i18n.init_app(app)

    app.register_blueprint(sparql.bp)
    app.register_blueprint(linked.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(quality.bp)
    from . import browse, reports  # reports while the service runs, and browsing (issue 14)

    reports.init_app(app)
    app.register_blueprint(reports.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(graphview.bp)
    app.register_blueprint(trends.bp)

    @app.after_request
    def vary(response):
        # Every page has a JSON twin and every RDF resource several serialisations, chosen by
        # Accept: a cache must keep them apart.
        if request.method in ("GET", "HEAD"):
            response.vary.add("Accept")
        return response

    @app.after_request
    def cors(response):
        # Reads may come from browser tools such as YASGUI on another origin.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Authorization"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, HEAD, OPTIONS"
        return response

    @app.errorhandler(413)
    def too_large(_error):
        return _error_response(413, f"the request body is larger than {max_body_bytes} bytes")

    @app.errorhandler(404)
    def not_found(_error):
        return _error_response(404, f"nothing at {request.path}")

    @app.errorhandler(405)
    def not_allowed(_error):
        return _error_response(405, f"{request.method} is not allowed on {request.path}")

    @app.errorhandler(QueryBusy)
    @app.errorhandler(QueryStopped)
    @app.errorhandler(RemoteTimeout)
    def query_unavailable(error):
        # A page or API call whose query found no free worker or passed the time limit.
        response = _error_response(503, str(error) or "too many queries are running; try again in a few seconds")
        response = app.make_response(response)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(RemoteStoreError)
    def store_failed(error):
        # The triple store holding the graph failed or refused: its one-line reason, not a 500.
        return _error_response(502, str(error))

    @app.errorhandler(500)
    def server_error(_error):
        return _error_response(500, "the server failed on this request; it has been logged")

    return app


# A page's queries wait this long for a free worker; the protocol's do not wait:
# a burst of runaway queries gets its 503s at once instead of queueing.
PAGE_QUERY_WAIT = 2.0


#: Blueprints whose requests do their work outside this process (queries in the
#: workers) or are writes under their own lock: they never wait for a busy slot.
PROTOCOL_BLUEPRINTS = {"sparql"}
#: How long a page, search or ask waits for a busy slot before its 503.
BUSY_WAIT = 30.0


def _bound_busy_requests(app: Flask, slots: int) -> None:
    """A bulkhead: pages, search and ask compute in this process under one
    interpreter lock, so running more of them at once than there are cores
    adds no throughput, only latency for everyone, including a two-millisecond
    ASK on /sparql that needs the lock for a moment. Waiting threads hold no lock."""
    busy = threading.BoundedSemaphore(slots)

    @app.before_request
    def take_busy_slot():
        if request.blueprint in PROTOCOL_BLUEPRINTS or request.endpoint in (None, "static"):
            return
        if not busy.acquire(timeout=BUSY_WAIT):
            raise QueryBusy("the server is busy; try again in a few seconds")
        g.busy_slot = True

    @app.teardown_request
    def give_busy_slot(_error):
        if g.pop("busy_slot", False):
            busy.release()


def _isolate_queries(app: Flask, kb: KnowledgeBase, size: int, timeout: float, row_limit: int,
                     snapshots: Path | None = None) -> None:
    pool = QueryPool(kb, size=size, snapshots=snapshots)

    def runner(sparql: str, protocol: bool = False, **options):
        if protocol:
            return pool.run(sparql, timeout=timeout, row_limit=row_limit, **options)
        return pool.run(sparql, timeout=timeout, wait=PAGE_QUERY_WAIT, **options)

    kb.query_runner = runner
    app.config["QUERY_POOL"] = pool


def _error_response(status: int, message: str):
    if request.accept_mimetypes.best == "text/html" or "text/html" in (request.headers.get("Accept") or ""):
        from flask import render_template

        return render_template("error.html", status=status, message=message), status
    return jsonify({"error": message, "status": status}), status
