"""Turn the bytes of a file into report text, or say plainly why not.

The format is judged from the content (ingest/formats/): PDF and Word
(.docx) files are converted by their readers; everything else is decoded as
text and, if it is HTML markup, reduced to the page's main text.

Encodings are detected without guessing libraries: byte-order marks, UTF-16
without a mark (NUL bytes on every other position), UTF-8, and otherwise
Windows-1252, which reads Latin-1 text the same way for every printable
character. Nothing is garbled silently: a UTF-8 file with a few damaged bytes
stays UTF-8 (the bytes are replaced and their places reported), and a file
is read as Windows-1252 only when it is not UTF-8 as a whole, with a warning
that says so. An HTML page's declared charset wins when it decodes.
"""
from __future__ import annotations

import codecs
import re
import threading
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
    return decode_report_bytes(read_file_bytes(path, max_bytes))


def read_file_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, or UnreadableReport with a reason (missing, too large, ...)."""
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
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableReport(f"cannot read file: {exc.strerror or exc}") from None


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

        text, declared = _declared_charset(data, text, encoding)
        if declared != encoding:  # the page said its charset: nothing was assumed
            warnings = [w for w in warnings if w != LEGACY_WARNING]
        return DecodedText(html_to_text(text), declared, tuple(warnings), formats.HTML)
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
        # A UTF-8 file cut inside its last character: keep everything before it
        # (when the rest shows it is UTF-8: else it is one legacy letter at the end).
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3 and not data[: exc.start].isascii():
            try:
                return (data[: exc.start].decode("utf-8"), "utf-8",
                        ["the file ends in the middle of a character (truncated?); the last bytes were dropped"])
            except UnicodeDecodeError:
                pass  # more errors before the cut: judged below
    return _utf8_or_legacy(data)


def _utf8_or_legacy(data: bytes) -> tuple[str, str, list[str]]:
    """A file that is not strictly UTF-8. If its valid multi-byte characters
    outnumber its invalid sequences twice over it is UTF-8 with a few damaged bytes: those
    are replaced and reported, so the rest keeps its accents. Otherwise (no
    valid multi-byte character, or errors everywhere) the file as a whole is
    in a legacy encoding, and the warning says which one was assumed."""
    text, errors = _utf8_with_replacements(data)
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - len(errors)  # each error is one U+FFFD
    if valid > 0 and 2 * len(errors) <= valid:  # legacy text makes valid sequences only by rare accident
        return text, "utf-8", [_replaced_warning(data, errors, "UTF-8")]
    return _decode_cp1252(data), "windows-1252", [LEGACY_WARNING]


LEGACY_WARNING = ("the file is not valid UTF-8; its encoding was assumed to be Windows-1252 (Latin-1): "
                  "check its accented letters")


def _utf8_with_replacements(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """Decode UTF-8 replacing each invalid run of bytes with U+FFFD; returns
    the text and the byte spans replaced (one pass: no re-slicing per error)."""
    _SPANS.spans = []
    try:
        text = data.decode("utf-8", errors=_RECORD)
        return text, _SPANS.spans
    finally:
        _SPANS.spans = []


def _record_span(exc: UnicodeDecodeError) -> tuple[str, int]:
    _SPANS.spans.append((exc.start, exc.end))
    return "\ufffd", exc.end


_SPANS = threading.local()  # per thread: the web service may read files concurrently
_RECORD = "igfkg-record-replace"
codecs.register_error(_RECORD, _record_span)


def _replaced_warning(data: bytes, errors: list[tuple[int, int]], name: str, shown: int = 10) -> str:
    """"3 invalid UTF-8 bytes replaced with U+FFFD at line 4 (byte 120), ..."."""
    count = sum(end - start for start, end in errors)
    places = ", ".join(f"line {_line_of(data, start)} (byte {start})" for start, _ in errors[:shown])
    more = f" and {len(errors) - shown} more places" if len(errors) > shown else ""
    noun = "byte" if count == 1 else "bytes"
    return f"{count} invalid {name} {noun} replaced with U+FFFD at {places}{more}"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    """A file whose mark or layout says its encoding: damaged bytes are replaced, never re-guessed."""
    if encoding == "utf-8-sig":
        text, errors = _utf8_with_replacements(data[len(codecs.BOM_UTF8):])
        shifted = [(start + 3, end + 3) for start, end in errors]
        return text, "utf-8", [_replaced_warning(data, shifted, "UTF-8")] if errors else []
    try:
        return data.decode(encoding), encoding.replace("-sig", ""), []
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, errors="replace")
        name = encoding.replace("-sig", "").upper()
        return text, encoding.replace("-sig", ""), [
            f"some bytes are not valid {name} and were replaced with U+FFFD (first at byte {exc.start})"]


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
