"""Turn the bytes of a file into report text, or say plainly why not.

Encodings are detected without guessing libraries: byte-order marks, UTF-16
without a mark (NUL bytes on every other position), strict UTF-8, and
otherwise Windows-1252, which reads Latin-1 text the same way for every
printable character.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Magic numbers of files people drop into a report folder by mistake.
_KNOWN_BINARIES = [
    (b"%PDF-", "a PDF document (PDF reports are not supported yet; convert it to text first)"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x7fELF", "an executable program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
]


class UnreadableReport(ValueError):
    """The file cannot be read as text; the message says why, in one line."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def read_report_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> DecodedText:
    """Read and decode one file, raising UnreadableReport with a reason."""
    if not path.exists():
        raise UnreadableReport("no such file")
    if not path.is_file():
        raise UnreadableReport("not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableReport(
            f"file is too large ({size / 1048576:.1f} MiB; the limit is {max_bytes / 1048576:.1f} MiB)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableReport(f"cannot read file: {exc.strerror or exc}") from None
    return decode_report_bytes(data)


def decode_report_bytes(data: bytes) -> DecodedText:
    if not data.strip():
        raise UnreadableReport("file is empty")
    for magic, what in _KNOWN_BINARIES:
        if data.startswith(magic):
            raise UnreadableReport(f"this is {what}, not a text report")
    text, encoding, warnings = _decode(data)
    text = _normalise_newlines(text)
    if not text.strip():
        raise UnreadableReport("file is empty")
    if _looks_binary(text):
        raise UnreadableReport("file looks binary (control characters), not a text report")
    return DecodedText(text, encoding, tuple(warnings))


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16)
    if b"\x00" in data:
        raise UnreadableReport("file looks binary (NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        # A UTF-8 file cut inside its last character: keep everything before it.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return (data[: exc.start].decode("utf-8"), "utf-8",
                    ["the file ends in the middle of a character (truncated?); the last bytes were dropped"])
    return _decode_cp1252(data), "windows-1252", []


def _strict(data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    try:
        return data.decode(encoding), encoding.replace("-sig", ""), []
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        return text, encoding, [f"some bytes are not valid {encoding} and were replaced"]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text in a Latin script has a NUL in most byte pairs."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    pairs = len(sample) // 2
    even_nuls = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
    odd_nuls = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    if odd_nuls > 0.4 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.4 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_cp1252(data: bytes) -> str:
    # Five bytes are undefined in Windows-1252; read those as Latin-1.
    return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else "".join(
        bytes([b]).decode("cp1252", errors="ignore") or bytes([b]).decode("latin-1") for b in data
    )


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ch not in "\n\t\f\v" and unicodedata.category(ch) == "Cc")
    return controls > max(2, len(sample) // 200)
