"""Find a calendar date in free text (English, French, Spanish forms)."""
from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "january": 1, "jan": 1, "janvier": 1, "enero": 1,
    "february": 2, "feb": 2, "fevrier": 2, "février": 2, "febrero": 2,
    "march": 3, "mar": 3, "mars": 3, "marzo": 3,
    "april": 4, "apr": 4, "avril": 4, "abril": 4,
    "may": 5, "mai": 5, "mayo": 5,
    "june": 6, "jun": 6, "juin": 6, "junio": 6,
    "july": 7, "jul": 7, "juillet": 7, "julio": 7,
    "august": 8, "aug": 8, "aout": 8, "août": 8, "agosto": 8,
    "september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9,
    "october": 10, "oct": 10, "octobre": 10, "octubre": 10,
    "november": 11, "nov": 11, "novembre": 11, "noviembre": 11,
    "december": 12, "dec": 12, "decembre": 12, "décembre": 12, "diciembre": 12,
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})\s*(?:st|nd|rd|th|er|e)?"
_YEAR = r"((?:19|20)\d{2})"

_PATTERNS = [  # (regex, order of groups: d m y)
    (re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}\s*,?\s+(?:de\s+)?{_YEAR}\b", re.I), "dmy"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\s*,?\s+{_YEAR}\b", re.I), "mdy"),
    (re.compile(rf"\b{_YEAR}[-/. ](\d{{1,2}})[-/. ](\d{{1,2}})\b"), "ymd"),
    (re.compile(rf"\b(\d{{1,2}})/(\d{{1,2}})/{_YEAR}\b"), "dmy"),
    (re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}\b", re.I), "dm"),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\b", re.I), "md"),
]


def find_date(text: str, default_year: int | None = None) -> tuple[date, int, int] | None:
    """The first date in text as (date, start, end), or None.

    A day and month without a year take ``default_year`` (the meeting's).
    """
    found: list[tuple[int, date, int]] = []
    for regex, order in _PATTERNS:
        for match in regex.finditer(text):
            value = _to_date(match.groups(), order, default_year)
            if value:
                found.append((match.start(), value, match.end()))
                break
        if found and len(order) == 3:
            break  # a full date wins over a partial one
    if not found:
        return None
    start, value, end = min(found)
    return value, start, end


def _to_date(groups: tuple[str, ...], order: str, default_year: int | None) -> date | None:
    parts = dict(zip(order, groups))
    month_text = parts["m"].lower()
    month = _MONTHS.get(month_text) or _MONTHS.get(month_text.rstrip(".")) if not month_text.isdigit() else int(month_text)
    year = int(parts["y"]) if "y" in parts else default_year
    if not month or not year:
        return None
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        return None
