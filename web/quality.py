"""The entity-quality page: per document, the people and organisations
written, what the entity gate rejected and why, and what to check. The HTML
page and its JSON twin (?format=json) are built by ``quality_report``, as
``igfkg quality`` is."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from igfkg.kb import KnowledgeBaseError
from igfkg.quality import quality_report

from .linked import entity_link
from .pages import wants_json

bp = Blueprint("quality", __name__)


@bp.get("/quality")
def quality():
    kb = current_app.config["KB"]
    try:
        data = quality_report(kb, request.args.get("report") or None)
    except KnowledgeBaseError as exc:
        if wants_json():
            return jsonify({"error": str(exc), "status": 404}), 404
        return render_template("error.html", status=404, message=str(exc)), 404
    if wants_json():
        return jsonify(data)
    return render_template("quality.html", data=data, link=entity_link(kb))
