"""The JSON the command line and the web service answer with, built in one
place so both say the same thing (contract in docs/ARCHITECTURE.md)."""
from __future__ import annotations

from .kb import KnowledgeBase

MAX_K = 100
MAX_QUERY_CHARS = 2000


class BadRequest(ValueError):
    """The request cannot be answered as asked; the message says why."""


def check_query(query: str | None) -> str:
    query = (query or "").strip()
    if not query:
        raise BadRequest("the query is empty; type some words to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
    return query


def search_payload(kb: KnowledgeBase, query: str | None, k: int = 10, mode: str = "hybrid",
                   **filters) -> dict:
    """``{"query": ..., "results": [{"text", "report", "section", "start", "end", "lang", "score"}]}``"""
    query = check_query(query)
    if not 1 <= int(k) <= MAX_K:
        raise BadRequest(f"k must be between 1 and {MAX_K}, not {k}")
    try:
        hits = kb.search(query, k=int(k), mode=mode, **filters)
    except ValueError as exc:  # an unknown mode
        raise BadRequest(str(exc)) from None
    return {"query": query, "results": [hit.as_json() for hit in hits]}


def ask_payload(kb: KnowledgeBase, question: str | None) -> dict:
    """``{"question", "answer", "answers": [{"label", "iri"}], "sparql", "evidence", "confidence"}``"""
    return kb.ask(check_query(question))
