"""Participation figures from a statistics block.

Handles "Label: 38" pairs as well as the IGF 2013 layout, where every label
runs into the next ("Number of FEMALE participantsNumber of MALE ...") and
the numbers follow on one line in the same order.
"""
from __future__ import annotations

import re

from .records import Figure, Span

_LABELS = re.compile(
    r"(?P<ldc>least[- ]developed|\bldcs?\b|ldcs?(?=\s*participants)|\bpma\b|pays les moins avanc)"
    r"|(?P<developing>developing|en d[ée]veloppement|en desarrollo)"
    r"|(?P<developed>developed|d[ée]velopp[ée]s|desarrollados)"
    r"|(?P<female>female|(?<![a-z])women|(?<![a-z])woman|femmes|mujeres)"
    r"|(?P<male>(?<![a-z])male|(?<![a-z])men(?![a-z])|hommes|hombres)"
    r"|(?P<young>young|youth|jeunes|j[oó]venes)"
    r"|(?P<total>total)",
    re.I,
)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,7})(?![\w.])")

CATEGORIES = ("female", "male", "young", "developing", "developed", "ldc", "total")


def parse_figures(text: str, start: int, end: int) -> list[Figure]:
    """Figures found in text[start:end]; offsets are into the whole text."""
    tokens: list[tuple[int, str, str, int]] = []  # position, kind, value, end
    for match in _LABELS.finditer(text, start, end):
        tokens.append((match.start(), "label", match.lastgroup or "", match.end()))
    for match in _NUMBER.finditer(text, start, end):
        tokens.append((match.start(), "number", match.group(1), match.end()))
    tokens.sort()
    labels = _dedupe([t for t in tokens if t[1] == "label"])
    if not labels:
        return []
    paired = _pair_inline(tokens)
    if len(paired) == len(labels):
        pairs = paired
    else:
        last_label_end = max(t[3] for t in labels)
        numbers = [t for t in tokens if t[1] == "number" and t[0] >= last_label_end]
        pairs = list(zip([t[2] for t in labels], numbers))
    figures = []
    seen = set()
    for category, number in pairs:
        if category in seen:
            continue
        seen.add(category)
        figures.append(Figure(category, int(number[2]), Span(number[2], number[0], number[3])))
    return figures


def _dedupe(labels):
    """Keep the first label of each category (a block may repeat one)."""
    out, seen = [], set()
    for token in labels:
        if token[2] not in seen:
            seen.add(token[2])
            out.append(token)
    return out


def _pair_inline(tokens):
    """Label followed by its number before the next label: "Women: 38"."""
    pairs = []
    pending = None
    for token in tokens:
        if token[1] == "label":
            pending = token[2]
        elif pending is not None:
            pairs.append((pending, token))
            pending = None
    return pairs


def quality_notes(figures: list[Figure]) -> list[str]:
    """Checks that should hold; a failed check is a note, not an error."""
    value = {f.category: f.value for f in figures}
    notes = []
    total = value.get("total")
    if total is None:
        return notes
    if "female" in value and "male" in value and value["female"] + value["male"] != total:
        notes.append(f"female ({value['female']}) + male ({value['male']}) = "
                     f"{value['female'] + value['male']}, not the total of {total}")
    groups = [c for c in ("developing", "developed", "ldc") if c in value]
    if len(groups) >= 2:
        group_sum = sum(value[c] for c in groups)
        if group_sum != total:
            names = {"developing": "developing", "developed": "developed", "ldc": "LDC"}
            parts = " + ".join(f"{names[c]} ({value[c]})" for c in groups)
            notes.append(f"{parts} = {group_sum}, not the total of {total}")
    for category in ("female", "male", "young", "developing", "developed", "ldc"):
        if value.get(category, 0) > total:
            notes.append(f"{category} ({value[category]}) is larger than the total of {total}")
    return notes
