"""Turn the bytes of a file into report text, or say plainly why not.

The format is judged from the content (ingest/formats/): PDF and Word
(.docx) files are converted by their readers; everything else is decoded as
text and, if it is HTML markup, reduced to the page's main text.

Encodings are detected without guessing libraries: byte-order marks, UTF-16
without a mark (NUL bytes on every other position), strict UTF-8, and
otherwise Windows-1252, which reads Latin-1 text the same way for every
printable character. An HTML page's declared charset wins when it decodes.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import formats
from .formats import UnreadableReport  # noqa: F401  (raised here; callers import it from here)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    format: str = formats.TEXT  # "text", "html", "pdf" or "docx"


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
    """The report text of a file's bytes, whatever its format."""
    if not data.strip():
        raise UnreadableReport("file is empty")
    kind = formats.sniff(data)
    if kind == formats.PDF:
        return DecodedText(formats.convert(data, kind), "pdf text layer", format=formats.PDF)
    if kind == "zip":
        return DecodedText(formats.convert(data, kind), "utf-8", format=formats.DOCX)
    text, encoding, warnings = _decode(data)
    text = _normalise_newlines(text)
    if not text.strip():
        raise UnreadableReport("file is empty")
    if _looks_binary(text):
        raise UnreadableReport("file looks binary (control characters), not a text report")
    if _is_json(text):
        raise UnreadableReport("this is a JSON data file, not a document")
    if formats.looks_like_html(text):
        from .formats.html import html_to_text

        text, encoding = _declared_charset(data, text, encoding)
        return DecodedText(html_to_text(text), encoding, tuple(warnings), formats.HTML)
    return DecodedText(text, encoding, tuple(warnings))


def _is_json(text: str) -> bool:
    """Data files (a gold file, an export) that sit beside documents."""
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return False
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _declared_charset(data: bytes, text: str, encoding: str) -> tuple[str, str]:
    """A page's <meta charset> wins over the Windows-1252 fallback when the
    bytes decode with it (valid UTF-8 is kept: it is never that by accident)."""
    match = _META_CHARSET.search(data[:4096])
    if not match or encoding != "windows-1252":
        return text, encoding
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return text, encoding
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"  # as browsers do: the printable characters agree
    if name in ("cp1252", "utf-8"):
        return text, encoding  # what detection tried already
    try:
        decoded = data.decode(name)
    except UnicodeDecodeError:
        return text, encoding
    return _normalise_newlines(decoded), "windows-1252" if name == "cp1252" else name


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
