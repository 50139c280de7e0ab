"""Property-based tests of the file reader: whatever the bytes, the reader
answers text or UnreadableReport (never another exception), and text in a
valid encoding comes back exactly (never garbled silently)."""
import codecs

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, assume, given, settings, strategies as st  # noqa: E402

from igfkg.ingest.reading import UnreadableReport, decode_report_bytes  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, b"%PDF-", b"PK\x03\x04"]

# Text a report could hold: letters of many scripts, digits, punctuation,
# spaces and newlines; no control characters (those mean "binary") and no
# markup or JSON openers (those change the format).
REPORT_TEXT = st.text(
    alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="<>{}[]\ufeff\ufffd")
    | st.sampled_from("\n\t "),
    min_size=1, max_size=400,
).filter(lambda t: t.strip() and not t.lstrip().startswith(("{", "[")))


def _read(data: bytes):
    try:
        return decode_report_bytes(data)
    except UnreadableReport:
        return None


@SETTINGS
@given(st.sampled_from(BOMS), st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_unreadable_report(prefix, data):
    decoded = _read(prefix + data)
    if decoded is not None:
        assert isinstance(decoded.text, str) and decoded.text.strip()


@SETTINGS
@given(REPORT_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_encodings_round_trip(text, encoding):
    decoded = _read(text.encode(encoding))
    assume(decoded is not None and decoded.format == "text")
    assert decoded.text == text
    assert decoded.warnings == ()


# The printable characters of Windows-1252, ASCII and beyond.
CP1252 = [ch for ch in bytes(range(0x20, 0x100)).decode("cp1252", errors="ignore")
          if ch not in "<>{}[]\x7f" and (ch.isprintable() or ch == " ")]
CP1252_TEXT = st.text(alphabet=st.sampled_from(CP1252 + ["\n"]), min_size=1, max_size=400).filter(str.strip)


def _has_utf8_sequence(data: bytes) -> bool:
    """Whether some bytes form a valid multi-byte UTF-8 character by accident."""
    return any(ord(ch) > 0x7F and ch != "\ufffd" for ch in data.decode("utf-8", errors="replace"))


@SETTINGS
@given(CP1252_TEXT)
def test_windows_1252_is_never_garbled_silently(text):
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
        assume(False)  # bytes that are valid UTF-8 as a whole are UTF-8: nothing can tell them apart
    except UnicodeDecodeError:
        pass
    decoded = _read(data)
    assume(decoded is not None and decoded.format == "text")
    assert decoded.text == text or decoded.warnings


@SETTINGS
@given(CP1252_TEXT)
def test_windows_1252_round_trips_when_no_bytes_look_like_utf8(text):
    data = text.encode("cp1252")
    assume(not _has_utf8_sequence(data))
    decoded = _read(data)
    assume(decoded is not None and decoded.format == "text")
    assert decoded.text == text
    if data.isascii():
        assert decoded.encoding == "utf-8" and decoded.warnings == ()
    else:
        assert decoded.encoding == "windows-1252" and "Windows-1252" in decoded.warnings[0]


@SETTINGS
@given(REPORT_TEXT, st.integers(min_value=0, max_value=3000))
def test_truncated_utf8_is_a_prefix_never_garbled(text, cut):
    data = text.encode("utf-8")[:cut]
    decoded = _read(data)
    assume(decoded is not None and decoded.format == "text")
    if decoded.encoding == "utf-8":
        assert text.startswith(decoded.text)
    else:  # a cut that leaves no multi-byte character proves nothing: assumed, and said
        assert data.isascii() is False and "assumed" in decoded.warnings[0]


@SETTINGS
@given(REPORT_TEXT, st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=3))
def test_damaged_bytes_in_utf8_are_reported_and_the_rest_kept(text, places):
    assume(sum(1 for ch in text if ord(ch) > 0x7F) > 3 * len(places))
    data = bytearray(text.encode("utf-8"))
    for place in places:
        data[place % len(data)] = 0xFF  # never valid anywhere in UTF-8
    decoded = _read(bytes(data))
    assume(decoded is not None and decoded.format == "text")
    if decoded.encoding == "utf-8":
        assert "invalid UTF-8" in decoded.warnings[0]
    else:  # so many multi-byte characters were hit that the file is no longer UTF-8 as a whole
        assert "assumed" in decoded.warnings[0]
