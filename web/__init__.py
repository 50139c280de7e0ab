"""The igfkg web service: a Flask application factory with one blueprint per
area (SPARQL protocol and graph store, JSON API, HTML pages)."""
from __future__ import annotations

import threading

from flask import Flask, jsonify, request

from igfkg.kb import KnowledgeBase


def create_app(kb: KnowledgeBase, token: str | None = None, query_timeout: float = 10.0,
               row_limit: int = 10_000, max_body_bytes: int = 5 * 1024 * 1024, max_queries: int = 4) -> Flask:
    """``kb`` is opened by the caller (``igfkg serve`` or a test) and shared
    by every request; writes go through it under one lock. At most
    ``max_queries`` SPARQL queries run at once (/sparql and the editor);
    beyond that a 503 with Retry-After."""
    app = Flask(__name__)
    app.config.update(KB=kb, TOKEN=token, QUERY_TIMEOUT=query_timeout, ROW_LIMIT=row_limit,
                      MAX_CONTENT_LENGTH=max_body_bytes, WRITE_LOCK=threading.Lock(), JSON_AS_ASCII=False,
                      QUERY_SLOTS=threading.BoundedSemaphore(max_queries))
    app.json.ensure_ascii = False

    from . import api, linked, pages, quality, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(linked.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(quality.bp)

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

    @app.errorhandler(500)
    def server_error(_error):
        return _error_response(500, "the server failed on this request; it has been logged")

    return app


def _error_response(status: int, message: str):
    if request.accept_mimetypes.best == "text/html" or "text/html" in (request.headers.get("Accept") or ""):
        from flask import render_template

        return render_template("error.html", status=status, message=message), status
    return jsonify({"error": message, "status": status}), status
