"""Theme fields ("Workshop Theme", "IGF 2014 sub theme ...", "Subtheme")
normalised to the IGF themes of ontology/themes.ttl: "Access and Diversity"
is the 2009-2013 main theme, whatever its capitals or hyphens."""
from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox

from igfkg.ontology import IGF, ONTOLOGY_DIR, labelled_nodes

from .records import Span, ThemeMention
from .text import fold

_GROUPS = {"scheme", "overall", "session-themes"}


def _words(text: str) -> str:
    """Folded, with hyphens, slashes and punctuation as spaces ("multi-stakeholder" = "multistakeholder")."""
    text = fold(text).replace("multi-stakeholder", "multistakeholder").replace("&", " and ")
    return " ".join(re.findall(r"[a-z0-9]+", text))


@lru_cache(maxsize=1)
def _labels() -> list[tuple[str, str]]:
    """(words of a label, theme key), longest label first."""
    pairs = [(_words(label), key) for key, entries in labelled_nodes("themes.ttl", "theme").items()
             if key not in _GROUPS for label, _lang, _pref in entries]
    return sorted({p for p in pairs if p[0]}, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _years() -> dict[str, set[int]]:
    prefix = "http://relative.invalid/theme/"
    years: dict[str, set[int]] = {}
    for quad in ox.parse(path=str(ONTOLOGY_DIR / "themes.ttl"), format=ox.RdfFormat.TURTLE,
                         base_iri="http://relative.invalid/"):
        if quad.predicate.value == IGF + "usedInYear":
            years.setdefault(quad.subject.value[len(prefix):], set()).add(int(quad.object.value))
    return years


def theme_of(value: Span, year: int | None) -> ThemeMention | None:
    """The theme a field value names: the whole value, else the longest
    theme its words begin with or contain; a theme of the session's year
    is preferred, and one of another year is less certain."""
    words = _words(value.value)
    if not words:
        return None
    candidates = [(label, key) for label, key in _labels()
                  if words == label or re.search(rf"(?<![a-z0-9]){re.escape(label)}(?![a-z0-9])", words)]
    if not candidates:
        return None
    longest = len(candidates[0][0])
    best = [key for label, key in candidates if len(label) == longest]
    of_year = [key for key in best if year in _years().get(key, set())]
    key = (of_year or best)[0]
    exact = words == candidates[0][0]
    confidence = (1.0 if exact else 0.8) if (year is None or of_year) else 0.6
    return ThemeMention(key, value, confidence)
