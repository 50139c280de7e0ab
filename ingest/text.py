"""Small text helpers shared by the ingest stages."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: for matching only."""
    if text.isascii():  # the same result, without decomposing character by character
        return _SPACES.sub(" ", text).strip().lower()
    return _SPACES.sub(" ", text.translate(_DECOMPOSED)).strip().lower()


def slug(text: str) -> str:
    """A stable IRI segment: folded, with runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "unnamed"


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it neither begins nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fold_chars(text: str) -> str:
    """Like fold, but one output character per input character, so offsets
    found in the folded text are offsets in the original."""
    return text.lower() if text.isascii() else text.translate(_FOLDED_CHARS)


class _Decomposed(dict):
    """Code point -> its compatibility decomposition without combining marks,
    computed on first use. Decomposing a text is decomposing each character
    (the reordering NFKD adds moves only combining marks, which go), so a
    lookup per character gives what normalising the whole text gave, at a
    fraction of the time of a Python loop over its characters."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        self[code] = stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        return stripped


_DECOMPOSED = _Decomposed()


class _FoldedChars(dict):
    """Code point -> its folded character, computed on first use."""

    def __missing__(self, code: int) -> str:
        ch, decomposed = chr(code), _DECOMPOSED[code]
        self[code] = folded = decomposed.lower() if len(decomposed) == 1 else ch.lower()[:1] or ch
        return folded


_FOLDED_CHARS = _FoldedChars()
