"""Ranking: dense (FAISS), BM25 (lexical.py) and their fusion.

Reciprocal rank fusion (RRF) joins the two lists; a passage that names an
entity mentioned in the query (a person, an organisation, a principle) gets
a boost. The mode and the constants were chosen by measurement
(bench/bench_search.py; figures in BENCHMARKS.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from igfkg.ingest.text import fold

from .index import PassageIndex, PassageRow
from .lexical import tokens

MODES = ("hybrid", "dense", "bm25")
FUSIONS = ("weighted", "rrf")
FUSION = "weighted"
RRF_K = 60
DENSE_WEIGHT = 1.0  # for RRF
BM25_WEIGHT = 1.0
LEXICAL_SHARE = 0.1  # weighted fusion: cosine + LEXICAL_SHARE * bm25 / best bm25
ENTITY_BOOST = 0.01
# Very short passages (a name, a theme, "N / A") sit close to every query in
# embedding space; their cosine is scaled by (length / SHORT_CHARS) ** SHORT_POWER.
SHORT_CHARS = 120
SHORT_POWER = 0.5
CANDIDATES = 50

@dataclass(frozen=True)
class Hit:
    row: PassageRow
    score: float

    def as_json(self) -> dict:
        return self.row.as_json(self.score)


def query_terms(text: str) -> list[str]:
    """Words worth matching: folded, without stop words or one-letter words."""
    return list(dict.fromkeys(tokens(text)))


def rank(index: PassageIndex, query_vector, query: str, k: int = 10, mode: str = "hybrid",
         filters: dict | None = None, boost_labels: list[str] = ()) -> list[Hit]:
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
    filters = filters or {}
    depth = max(CANDIDATES, k)
    allowed = index.allowed_ids(filters) if filters else None
    dense = index.dense(query_vector, depth, allowed) if mode in ("hybrid", "dense") else []
    lexical = index.lexical(query_terms(query), depth, allowed) if mode in ("hybrid", "bm25") else []
    rows = index.rows(list({i for i, _ in dense} | {i for i, _ in lexical}))
    dense = sorted(((i, s * length_prior(rows[i].text)) for i, s in dense if i in rows), key=lambda x: -x[1])
    if mode == "dense":
        scored = dict(dense)
    elif mode == "bm25":
        scored = dict(lexical)
    elif FUSION == "rrf":
        scored = {}
        for weight, ranked in ((DENSE_WEIGHT, dense), (BM25_WEIGHT, lexical)):
            for rank_, (passage_id, _score) in enumerate(ranked):
                scored[passage_id] = scored.get(passage_id, 0.0) + weight / (RRF_K + rank_ + 1)
    else:
        scored = _weighted(dense, lexical)
    if boost_labels and mode == "hybrid":
        wanted = [fold(label) for label in boost_labels]
        for passage_id, row in rows.items():
            folded = fold(row.text)
            if any(label in folded for label in wanted):
                scored[passage_id] += ENTITY_BOOST
    best = sorted(scored.items(), key=lambda item: -item[1])[:k]
    return [Hit(rows[i], s) for i, s in best if i in rows]


def length_prior(text: str) -> float:
    if SHORT_POWER == 0 or len(text) >= SHORT_CHARS:
        return 1.0
    return (max(len(text), 1) / SHORT_CHARS) ** SHORT_POWER


def _weighted(dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> dict[int, float]:
    """Cosine similarity plus a share of BM25 scaled to the best BM25 score.
    A passage outside the dense candidates counts the lowest cosine seen."""
    floor = min((s for _, s in dense), default=0.0)
    best = max((s for _, s in lexical), default=0.0) or 1.0
    scored = dict(dense)
    for passage_id, score in lexical:
        scored[passage_id] = scored.get(passage_id, floor) + LEXICAL_SHARE * score / best
    return scored


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's words (accents and case aside) occur in text."""
    from igfkg.ingest.text import fold_chars

    folded = fold_chars(text)
    spans = []
    for term in query_terms(query):
        for m in re.finditer(r"(?<!\w)" + re.escape(term) + r"\w*", folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
