"""Reports through the service: add, replace, remove and list reports while
it runs (/api/reports), and an upload page for people (/upload).

Every write goes through the KnowledgeBase under the app's WRITE_LOCK, as
`igfkg ingest` does: the upload is written to a temporary file under its
own name and read by ``kb.ingest_file``, so it is checked exactly like a
file on disk, and a refusal leaves the knowledge base as it was. The
token (and the size) are checked from the headers, in a before_request
hook, before the body is read or parsed; waitress itself refuses a
Content-Length above the limit before reading it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import tempfile
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, session, url_for

from igfkg.ingest.reading import UnreadableReport
from igfkg.kb import KnowledgeBaseError, ReportExists, UnknownReport, content_hash

from .linked import entity_link
from .pages import wants_json

bp = Blueprint("reports", __name__)

#: Endpoints that write with the bearer token, and the page's upload, which writes with the session.
BEARER_WRITES = {"reports.add", "reports.replace", "reports.remove"}
SESSION_WRITES = {"reports.upload_post"}
#: The sign-in form holds a token and nothing else.
SIGN_IN_BODY_BYTES = 4096
REPORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
PER_PAGE, MOST_PER_PAGE = 50, 500


class Refused(Exception):
    """A request refused with a status and one line of reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def init_app(app: Flask) -> None:
    """The signed session cookie of the upload page: same-site, HTTP-only."""
    if not app.secret_key:
        app.secret_key = secrets.token_hex(32)  # one per start: a restart signs people out
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict")


# -- checks from the headers ----------------------------------------------------------

def token_refusal(offered: str | None) -> Refused | None:
    """Why a token does not open writes, or None when it does."""
    token = current_app.config["TOKEN"]
    if not token:
        return Refused(403, "this service was started without a token: writes are off (igfkg serve --token)")
    if not offered:
        return Refused(401, "writes need 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(offered.encode(), token.encode()):
        return Refused(403, "wrong token")
    return None


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def _session_mark(token: str) -> str:
    """What the session cookie keeps: a digest of the token under the app's
    secret, not the token itself (a signed cookie is readable by its holder)."""
    return hmac.new(current_app.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def signed_in() -> bool:
    token = current_app.config["TOKEN"]
    mark = session.get("write")
    return bool(token and mark and hmac.compare_digest(mark, _session_mark(token)))


@bp.before_request
def check_headers():
    """Size and token, before the body is read (waitress has already
    refused a Content-Length above the limit; Flask's test client has not)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.endpoint == "reports.sign_in":
        limit = SIGN_IN_BODY_BYTES
    writes = BEARER_WRITES | SESSION_WRITES | {"reports.sign_in"}
    if request.endpoint in writes and limit and (request.content_length or 0) > limit:
        return _refusal(Refused(413, f"the request body is larger than {limit} bytes"))
    if request.endpoint in BEARER_WRITES:
        refused = token_refusal(_bearer())
        if refused:
            return _refusal(refused)
    if request.endpoint in SESSION_WRITES and not signed_in():
        return _refusal(Refused(401, "sign in with the write token first"))
    return None


def _refusal(refused: Refused):
    headers = {"WWW-Authenticate": 'Bearer realm="igfkg"'} if refused.status == 401 else {}
    if request.blueprint == "reports" and request.path.startswith("/upload") and not wants_json():
        return render_template("error.html", status=refused.status, message=str(refused)), refused.status, headers
    return jsonify({"error": str(refused), "status": refused.status}), refused.status, headers


# -- one write, as the CLI does it ----------------------------------------------------

def _upload_name(upload) -> str:
    """The upload's file name without any folder; it names the report as on disk."""
    name = re.split(r"[/\\]", upload.filename or "")[-1].strip()
    if not name or name in (".", "..") or "\x00" in name:
        raise Refused(400, "the upload has no file name; send it as the multipart field 'file' with a file name")
    if len(name.encode("utf-8")) > 200:
        raise Refused(400, "the file name is longer than 200 bytes")
    return name


def _report_id(raw: str | None) -> str | None:
    if raw in (None, ""):
        return None
    if not REPORT_ID.match(raw):
        raise Refused(400, "an id is 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return raw


def write_report(kb, upload, report_id: str | None, mode: str) -> tuple[int, dict]:
    """``mode`` "add" (refused when the id is taken, unless it is the very
    same file: then nothing changes, as `igfkg ingest` skips it), "replace"
    (refused when the id is unknown) or "any" (either). (status, summary)."""
    from igfkg.kb import report_id_for

    if upload is None:
        raise Refused(400, "no file: send the report as the multipart field 'file'")
    name = _upload_name(upload)
    with tempfile.TemporaryDirectory(prefix="igfkg-upload-") as folder:
        path = Path(folder) / name
        upload.save(path)
        report_id = report_id or report_id_for(path)
        with current_app.config["WRITE_LOCK"]:
            exists = report_id in kb.report_ids()
            if mode == "replace" and not exists:
                raise Refused(404, f"no report {report_id!r}; POST /api/reports to add it")
            if mode == "add" and exists:
                data = path.read_bytes() if path.stat().st_size <= kb.config.max_file_bytes else b""
                if kb.unchanged(report_id, name, content_hash(data)):
                    return 200, {**report_summary(kb, report_id), "status": "unchanged"}
                raise Refused(409, f"report {report_id!r} already exists; PUT /api/reports/{report_id} "
                                   "to replace it, or give this file another id")
            try:
                result = kb.ingest_file(path, report_id=report_id, replace=mode != "add")
            except UnreadableReport as exc:
                # The size limit is the reader's too; it says so in its reason.
                raise Refused(413 if "too large" in str(exc) else 422, str(exc)) from None
            except ReportExists as exc:
                raise Refused(409, str(exc)) from None
            except KnowledgeBaseError as exc:
                raise Refused(422, str(exc)) from None
    summary = {**report_summary(kb, result.report_id), "status": "replaced" if result.replaced else "ingested",
               "kind": result.kind, "kind_label": result.kind_label, "summary": result.summary,
               "warnings": result.warnings}
    return (200 if result.replaced else 201), summary


def report_summary(kb, report_id: str) -> dict:
    """One report as the listing shows it."""
    rows = report_rows(kb, [report_id])
    return rows[0] if rows else {"id": report_id}


def report_rows(kb, report_ids: list[str]) -> list[dict]:
    """Id, title, source, kind, sessions, passages and triples of these reports."""
    rows = kb.reports(report_ids)
    if not rows:
        return []
    values = " ".join(str(kb.iris.report(r["id"])) for r in rows)
    kinds, sessions = {}, {}
    for r in kb.query(f"SELECT ?r ?kind ?s ?label WHERE {{ VALUES ?r {{ {values} }} ?r igf:documentKind ?kind "
                      "OPTIONAL { ?r schema:about ?s OPTIONAL { ?s schema:name ?label } } } ORDER BY ?s ?label"):
        kinds[r["r"].value] = kb.iris.key_of(r["kind"].value, "document-kind")
        if r["s"] is not None and r["s"].value not in {s["iri"] for s in sessions.get(r["r"].value, [])}:
            sessions.setdefault(r["r"].value, []).append(
                {"iri": r["s"].value, "label": r["label"].value if r["label"] else None})
    for row in rows:
        row.update(kind=kinds.get(row["iri"]), sessions=sessions.get(row["iri"], []),
                   page=url_for("linked.report", report_id=row["id"]))
    return rows


def _paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", PER_PAGE))
    except ValueError:
        raise Refused(400, "page and per_page must be whole numbers") from None
    if page < 1 or not 1 <= per_page <= MOST_PER_PAGE:
        raise Refused(400, f"page starts at 1; per_page is 1 to {MOST_PER_PAGE}")
    return page, per_page


# -- the API ----------------------------------------------------------------------------

@bp.errorhandler(Refused)
def refused(error: Refused):
    return _refusal(error)


def _created(status: int, summary: dict):
    response = jsonify(summary)
    response.status_code = status
    response.headers["Location"] = url_for("linked.report", report_id=summary["id"])
    return response


@bp.post("/api/reports")
def add():
    kb = current_app.config["KB"]
    return _created(*write_report(kb, request.files.get("file"), _report_id(request.form.get("id")), "add"))


@bp.put("/api/reports/<report_id>")
def replace(report_id: str):
    kb = current_app.config["KB"]
    return _created(*write_report(kb, request.files.get("file"), _report_id(report_id), "replace"))


@bp.delete("/api/reports/<report_id>")
def remove(report_id: str):
    kb = current_app.config["KB"]
    with current_app.config["WRITE_LOCK"]:
        try:
            triples = kb.remove(report_id)
        except UnknownReport as exc:
            raise Refused(404, str(exc)) from None
    return jsonify({"id": report_id, "status": "removed", "triples": triples})


@bp.get("/api/reports")
def listing():
    kb = current_app.config["KB"]
    page, per_page = _paging()
    ids = kb.report_ids()
    chosen = ids[(page - 1) * per_page:page * per_page]
    return jsonify({"total": len(ids), "page": page, "per_page": per_page,
                    "pages": max(1, -(-len(ids) // per_page)), "reports": report_rows(kb, chosen)})


@bp.get("/api/reports/<report_id>")
def one(report_id: str):
    kb = current_app.config["KB"]
    rows = report_rows(kb, [report_id]) if report_id in kb.report_ids() else []
    if not rows:
        raise Refused(404, f"no report {report_id!r}")
    return jsonify(rows[0])


# -- the upload page --------------------------------------------------------------------

def _upload_page(result: dict | None = None, error: str | None = None, status: int = 200):
    data = {"signed_in": signed_in(), "writes_on": bool(current_app.config["TOKEN"]),
            "result": result, "error": error}
    if wants_json():
        return jsonify(data), status
    return render_template("upload.html", link=entity_link(current_app.config["KB"]), **data), status


@bp.get("/upload")
def upload_page():
    return _upload_page()


@bp.post("/upload/sign-in")
def sign_in():
    refused_token = token_refusal(request.form.get("token") or None)
    if refused_token:
        return _upload_page(error=str(refused_token), status=refused_token.status)
    session.clear()
    session["write"] = _session_mark(current_app.config["TOKEN"])
    return redirect(url_for("reports.upload_page"), code=303)


@bp.post("/upload/sign-out")
def sign_out():
    session.clear()
    return redirect(url_for("reports.upload_page"), code=303)


@bp.post("/upload")
def upload_post():
    kb = current_app.config["KB"]
    mode = "any" if request.form.get("replace") else "add"
    try:
        status, summary = write_report(kb, request.files.get("file"), _report_id(request.form.get("id")), mode)
    except Refused as exc:
        return _upload_page(error=str(exc), status=exc.status)
    return _upload_page(result=summary, status=status)


def openapi_paths(error: dict) -> dict:
    """The routes above in the service's OpenAPI description (web/api.py)."""
    report = {"type": "object", "properties": {k: {"type": t} for k, t in (
        ("id", "string"), ("iri", "string"), ("title", "string"), ("source", "string"), ("kind", "string"),
        ("passages", "integer"), ("triples", "integer"), ("page", "string"), ("status", "string"),
        ("summary", "string"))}}

    def ok(what: str) -> dict:
        return {"description": what, "content": {"application/json": {"schema": report}}}

    body = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "id": {"type": "string", "pattern": REPORT_ID.pattern}}}}}}
    rid = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": REPORT_ID.pattern}}
    secured = {"security": [{"bearer": []}]}
    refusals = {code: error for code in ("400", "401", "403", "413", "422")}
    return {
        "/api/reports": {
            "get": {"summary": "The reports, paged",
                    "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                                   {"name": "per_page", "in": "query",
                                    "schema": {"type": "integer", "minimum": 1, "maximum": MOST_PER_PAGE}}],
                    "responses": {"200": {"description": "a page of reports", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                            "reports": {"type": "array", "items": report}}}}}}, "400": error}},
            "post": {"summary": "Add a report file, checked as `igfkg ingest` checks files", **secured,
                     "requestBody": body,
                     "responses": {"201": ok("added; Location is its page"),
                                   "200": ok("the very same file is already there: nothing changed"),
                                   "409": error, **refusals}}},
        "/api/reports/{id}": {
            "get": {"summary": "One report", "parameters": [rid], "responses": {"200": ok("the report"), "404": error}},
            "put": {"summary": "Replace a report with another file", **secured, "parameters": [rid],
                    "requestBody": body, "responses": {"200": ok("replaced"), "404": error, **refusals}},
            "delete": {"summary": "Remove a report", **secured, "parameters": [rid],
                       "responses": {"200": {"description": "removed"}, "404": error, **refusals}}},
    }
