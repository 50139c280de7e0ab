"""No outbound requests from SPARQL: SERVICE and LOAD are refused unless
their IRI's host is allowed by the operator.

Oxigraph evaluates SERVICE (and LOAD) itself over HTTP and has no switch to
turn that off, nor a parsed algebra to inspect from Python, so queries and
updates are checked lexically before they reach the store: comments,
strings and IRIs are tokenised as such (a "SERVICE" inside a string or an IRI
is not the keyword), codepoint escapes are applied first as the grammar
says, and every SERVICE or LOAD keyword must be followed by an IRI whose
host is allowed. Anything the check cannot resolve (a variable, an unknown
prefix) is refused: it errs on the side of no request.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit


class OutboundRefused(ValueError):
    """A query or update that would make the server fetch a URL."""


_TOKEN = re.compile(r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$]\w+)
  | (?P<word>(?:[^\W\d][\w.-]*)?:[\w.:%\\-]*|[^\W\d]\w*)
  | (?P<other>\S)
""", re.X)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

ADVICE = "this service makes no outbound requests (an operator can allow hosts with igfkg serve --allow-service HOST)"


def check_outbound(text: str, allowed_hosts=(), base_iri: str | None = None,
                   prefixes: dict[str, str] | None = None) -> None:
    """Raise OutboundRefused if the query or update would fetch from a host
    not in allowed_hosts. Says nothing about the target beyond its IRI."""
    allowed = {host.lower() for host in allowed_hosts}
    tokens = _tokens(_ESCAPE.sub(_unescape, text))
    declared = dict(prefixes or {})
    base = base_iri
    for i, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        keyword = value.upper()
        if keyword == "PREFIX" and _kind(tokens, i + 1) == "word" and _kind(tokens, i + 2) == "iri":
            declared[tokens[i + 1][1].rstrip(":")] = _resolve_iri(tokens[i + 2][1][1:-1], base)
        elif keyword == "BASE" and _kind(tokens, i + 1) == "iri":
            base = _resolve_iri(tokens[i + 1][1][1:-1], base)
        elif keyword in ("SERVICE", "LOAD"):
            j = i + 1
            if _kind(tokens, j) == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            target = _target(tokens, j, declared, base)
            if target is None:
                raise OutboundRefused(f"{keyword} needs a fixed IRI here; {ADVICE}")
            host = (urlsplit(target).hostname or "").lower()
            if not host or host not in allowed:
                raise OutboundRefused(f"{keyword} <{target}> is not allowed: {ADVICE}")


def uses_service(text: str) -> bool:
    """Whether a query or update has a SERVICE or LOAD keyword (outside strings and IRIs)."""
    return any(kind == "word" and value.upper() in ("SERVICE", "LOAD")
               for kind, value in _tokens(_ESCAPE.sub(_unescape, text)))


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]


def _kind(tokens, i: int) -> str | None:
    return tokens[i][0] if i < len(tokens) else None


def _target(tokens, i: int, declared: dict[str, str], base: str | None) -> str | None:
    kind = _kind(tokens, i)
    if kind == "iri":
        return _resolve_iri(tokens[i][1][1:-1], base)
    if kind == "word" and ":" in tokens[i][1]:
        prefix, local = tokens[i][1].split(":", 1)
        if prefix in declared:
            return declared[prefix] + local
    return None


def _resolve_iri(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _unescape(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


# -- which graphs an update may touch (for report-graph protection) -------------------


def update_reach(text: str, base_iri: str | None = None) -> tuple[set[str], bool]:
    """(every IRI the update names, resolved; whether it may act on graphs it
    does not name: DROP/CLEAR ALL or NAMED, or GRAPH with a variable)."""
    tokens = _tokens(_ESCAPE.sub(_unescape, text))
    declared: dict[str, str] = {}
    base, iris, wide = base_iri, set(), False
    for i, (kind, value) in enumerate(tokens):
        if kind == "iri":
            iris.add(_resolve_iri(value[1:-1], base))
        elif kind == "word" and ":" in value:
            prefix, local = value.split(":", 1)
            if prefix in declared:
                iris.add(declared[prefix] + local)
        if kind != "word":
            continue
        keyword = value.upper()
        following = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if keyword == "PREFIX" and following[0] == "word" and _kind(tokens, i + 2) == "iri":
            declared[following[1].rstrip(":")] = _resolve_iri(tokens[i + 2][1][1:-1], base)
        elif keyword == "BASE" and following[0] == "iri":
            base = _resolve_iri(following[1][1:-1], base)
        elif keyword in ("ALL", "NAMED") and i > 0 and tokens[i - 1][1].upper() in ("DROP", "CLEAR", "SILENT"):
            wide = True
        elif keyword == "GRAPH" and following[0] == "var":
            wide = True
    return iris, wide
