"""The JSON API: /api/search, /api/ask and its OpenAPI description."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from igfkg.api import BadRequest, ask_payload, search_payload
from igfkg.kb import KnowledgeBaseError

bp = Blueprint("api", __name__, url_prefix="/api")


def bad_request(message: str):
    return jsonify({"error": message, "status": 400}), 400


def search_from_request() -> dict:
    """The search payload for the request's parameters (shared with the HTML page)."""
    args = request.args
    try:
        k = int(args.get("k", 10))
        year = int(args["year"]) if args.get("year") else None
    except ValueError:
        raise BadRequest("k and year must be whole numbers") from None
    if year is not None and not 1 <= year <= 9999:  # else too large for the index's integers
        raise BadRequest(f"year must be between 1 and 9999, not {args['year'][:30]}")
    return search_payload(current_app.config["KB"], args.get("q"), k=k, mode=args.get("mode", "hybrid"),
                          lang=args.get("lang") or None, report=args.get("report") or None,
                          section=args.get("section") or None, year=year, kind=args.get("kind") or None,
                          speaker=args.get("speaker") or None)


def ask_from_request() -> dict:
    return ask_payload(current_app.config["KB"], request.args.get("q"))


@bp.get("/search")
def search():
    try:
        return jsonify(search_from_request())
    except (BadRequest, KnowledgeBaseError) as exc:
        return bad_request(str(exc))


@bp.get("/ask")
def ask():
    try:
        return jsonify(ask_from_request())
    except (BadRequest, KnowledgeBaseError) as exc:
        return bad_request(str(exc))


@bp.get("/openapi.json")
def openapi():
    from .reports import openapi_paths  # here: reports imports pages, which imports this module

    result = {"type": "object", "properties": {k: {"type": t} for k, t in (
        ("text", "string"), ("report", "string"), ("section", "string"), ("start", "integer"),
        ("end", "integer"), ("lang", "string"), ("kind", "string"), ("speaker", "string"), ("score", "number"))}}
    error = {"description": "the request cannot be answered as asked", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}}}}
    q = {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 2000}}
    return jsonify({
        "openapi": "3.0.3",
        "info": {"title": "igfkg API", "version": "1", "description": "Search and ask over IGF reports."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Ranked passages for a query in any language",
                "parameters": [q, {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                               {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["hybrid", "dense", "bm25"]}},
                               *[{"name": n, "in": "query", "schema": {"type": "string"}} for n in ("lang", "report", "section", "kind", "speaker")],
                               {"name": "year", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "results", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"query": {"type": "string"},
                                                     "results": {"type": "array", "items": result}}}}}},
                              "400": error}}},
            "/api/ask": {"get": {
                "summary": "Answer a question with evidence",
                "parameters": [q],
                "responses": {"200": {"description": "an answer", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "question": {"type": "string"}, "answer": {"type": "string"},
                        "answers": {"type": "array", "items": {"type": "object", "properties": {
                            "label": {"type": "string"}, "iri": {"type": "string", "nullable": True}}}},
                        "sparql": {"type": "string", "nullable": True},
                        "evidence": {"type": "array", "items": result},
                        "confidence": {"type": "number"}}}}}},
                              "400": error}}},
            **openapi_paths(error),
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}})
