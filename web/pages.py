"""HTML pages, each built from the same function as its JSON twin."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from igfkg.api import BadRequest
from igfkg.kb import KnowledgeBaseError
from igfkg.search.hybrid import highlight_spans

from .api import ask_from_request, search_from_request

bp = Blueprint("pages", __name__)


def wants_json() -> bool:
    return request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json"


@bp.get("/")
def home():
    kb = current_app.config["KB"]
    data = {"reports": kb.reports()}
    return jsonify(data) if wants_json() else render_template("home.html", **data)


@bp.get("/ask")
def ask_page():
    try:
        data = ask_from_request() if request.args.get("q") else None
    except (BadRequest, KnowledgeBaseError) as exc:
        return _page_error(str(exc))
    if wants_json():
        return jsonify(data or {})
    return render_template("answer.html", data=data, highlight=highlight)


@bp.get("/search")
def search_page():
    try:
        data = search_from_request() if request.args.get("q") else None
    except (BadRequest, KnowledgeBaseError) as exc:
        return _page_error(str(exc))
    if wants_json():
        return jsonify(data or {})
    return render_template("search.html", data=data, highlight=highlight)


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the query's words in <mark>."""
    out, pos = [], 0
    for a, b in highlight_spans(text, query):
        out += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _page_error(message: str):
    if wants_json():
        return jsonify({"error": message, "status": 400}), 400
    return render_template("error.html", status=400, message=message), 400
