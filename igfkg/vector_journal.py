"""The vectors a batch of ingests computed, kept until the FAISS files hold them.

A batch (``KnowledgeBase.batch``, ``igfkg ingest`` of many files) writes
each report's graph and index rows at once but the FAISS files only at a
checkpoint: rewriting them grows with the index. A run stopped in between
leaves rows without vectors, which the next open gives vectors again
(``KnowledgeBase._recover``). Embedding them again is most of the cost of
the work already done, so ingest appends each report's vectors here before
writing the report, and recovery takes them from here; only a passage whose
vector is missing (the file lost its tail) is embedded again.

One file in the data directory: a header (magic, dimension), then one
fixed-size record per passage: the SHA-1 of the model's name and the text
embedded, the CRC-32 of the vector, the vector (float32). A record cut
short or whose checksum fails is ignored. The file is not synced to disk
after each report: after a power cut its tail may be lost, and those
passages are embedded again.
"""
from __future__ import annotations

import hashlib
import logging
import struct
import zlib
from pathlib import Path
from typing import Callable

import numpy as np

FILE_NAME = "vectors-journal.bin"
_MAGIC = b"IGFKGVJ1"
_HEADER = struct.Struct("<8sI")
log = logging.getLogger(__name__)


class VectorJournal:
    def __init__(self, home: Path, model: str):
        self.path = home / FILE_NAME
        self.model = model
        self._read: dict[bytes, np.ndarray] | None = None
        self._broken = False

    def _key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.model}\0{text}".encode("utf-8")).digest()

    def append(self, texts: list[str], vectors: np.ndarray) -> None:
        """Keep one vector per text (best effort: a journal that cannot be
        written costs embedding again after a crash, nothing else)."""
        if self._broken or not len(texts):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        try:
            if self.path.exists() and self._dimension() not in (None, dim):
                self.path.unlink()  # another model's vectors
            with open(self.path, "ab") as out:
                if out.tell() == 0:
                    out.write(_HEADER.pack(_MAGIC, dim))
                out.write(b"".join(self._key(text) + struct.pack("<I", zlib.crc32(row.tobytes())) + row.tobytes()
                                   for text, row in zip(texts, vectors)))
        except OSError as exc:
            self._broken = True
            log.warning("cannot keep vectors in %s (%s): after a crash they are computed again", self.path, exc)

    def _dimension(self) -> int | None:
        with open(self.path, "rb") as inp:
            head = inp.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return None
        magic, dim = _HEADER.unpack(head)
        return dim if magic == _MAGIC else None

    def _records(self) -> dict[bytes, np.ndarray]:
        if self._read is None:
            self._read = {}
            try:
                data = self.path.read_bytes()
            except OSError:
                return self._read
            if len(data) < _HEADER.size or data[:8] != _MAGIC:
                return self._read
            dim = _HEADER.unpack_from(data)[1]
            size = 24 + 4 * dim
            for at in range(_HEADER.size, len(data) - size + 1, size):
                key, (crc,), vector = data[at:at + 20], struct.unpack_from("<I", data, at + 20), \
                    data[at + 24:at + size]
                if zlib.crc32(vector) == crc:
                    self._read[key] = np.frombuffer(vector, dtype=np.float32)
        return self._read

    def vectors(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """A vector per text: from the journal, else from ``encode`` (called
        once, with the missing texts only, and not at all when none is)."""
        held = self._records()
        keys = [self._key(text) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in held]
        if not missing:
            return np.stack([held[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
        computed = encode([texts[i] for i in missing])
        found = dict(zip(missing, computed))
        return np.stack([found[i] if i in found else held[key] for i, key in enumerate(keys)])

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self._read = None
