"""What gets embedded for each passage.

A short form field alone ("Internet and Human Rights", "Civil Society
Coalition on Data") sits close to every query and crowds out the passages
that answer it; with its section's name in front ("Workshop theme: ...") it
says what it is. Longer passages are embedded as they are: adding the
previous sentence as context was measured and lowered recall
(BENCHMARKS.md). Only the vectors see this; results show the passage as it is.
"""
from __future__ import annotations

from igfkg.ingest.sections import SECTION_NAMES

SHORT_PASSAGE = 80  # characters


def record_inputs(record) -> list[str]:
    """What a parsed record's passages are embedded as, in their order: the
    ingest worker that embeds them and the vector journal that keeps the
    vectors must agree on it."""
    return embedding_inputs([{"section": p.section, "text": p.text} for p in record.passages])


def embedding_inputs(rows: list[dict]) -> list[str]:
    """``rows``: passages with "section" and "text"."""
    return [f"{SECTION_NAMES.get(row['section'], row['section'])}: {row['text']}"
            if len(row["text"]) < SHORT_PASSAGE else row["text"] for row in rows]
