"""Bytes to text: encodings are detected, unreadable files are refused with a reason."""
import codecs

import pytest

from igfkg.ingest.reading import UnreadableReport, decode_report_bytes, read_report_file

FRENCH = "Modérateur Anriette Esterhuysen, de l'Association pour le progrès des communications (APC) — « débat »\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8"),
    ("utf-16", "utf-16"),  # with BOM
    ("utf-16-le", "utf-16-le"),  # no BOM
    ("utf-16-be", "utf-16-be"),
    ("cp1252", "windows-1252"),
])
def test_encodings_are_detected(encoding, expected):
    decoded = decode_report_bytes(FRENCH.encode(encoding))
    assert decoded.text == FRENCH
    assert decoded.encoding == expected


def test_latin1_reads_correctly():
    text = "Fältström, Inné, Echániz et le Comité de pilotage de l'Internet au Brésil\n"
    decoded = decode_report_bytes(text.encode("latin-1"))
    assert decoded.text == text


def test_windows_1252_quotes_and_dashes():
    text = "“Developing and effectively using” – principles… ‘quoted’\n"
    assert decode_report_bytes(text.encode("cp1252")).text == text


def test_crlf_newlines_are_normalised():
    assert decode_report_bytes(b"Agenda\r\nOne\r\n").text == "Agenda\nOne\n"


def test_truncated_utf8_keeps_what_is_there_and_warns():
    data = "Résumé du débat é".encode("utf-8")[:-1]
    decoded = decode_report_bytes(data)
    assert decoded.text == "Résumé du débat "
    assert "truncated" in decoded.warnings[0]


@pytest.mark.parametrize("data, reason", [
    (b"", "file is empty"),
    (b"   \n\t\n", "file is empty"),
    (codecs.BOM_UTF8, "file is empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (bytes(range(256)) * 4, "binary"),
    (b"abc\x00def\x00\x01\x02\x03ghi" * 10, "binary"),
    (b"text \x01\x02\x03\x04\x05\x06\x07\x08 with controls" * 20, "binary"),
])
def test_unreadable_bytes_are_refused_with_a_reason(data, reason):
    with pytest.raises(UnreadableReport, match=reason):
        decode_report_bytes(data)


def test_missing_and_huge_files(tmp_path):
    with pytest.raises(UnreadableReport, match="no such file"):
        read_report_file(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"Agenda\n" + b"x" * 3000)
    with pytest.raises(UnreadableReport, match="too large"):
        read_report_file(big, max_bytes=1000)
    with pytest.raises(UnreadableReport, match="not a regular file"):
        read_report_file(tmp_path)


def test_a_few_invalid_bytes_in_utf8_are_replaced_and_reported_not_a_legacy_fallback():
    """Issue 11, finding 2: one bad byte used to turn a whole UTF-8 report into Windows-1252 garble."""
    data = bytearray((FRENCH * 30).encode("utf-8"))
    data[200] = 0xFF
    data[1500] = 0xFE
    decoded = decode_report_bytes(bytes(data))
    assert decoded.encoding == "utf-8"
    assert "Ã" not in decoded.text and decoded.text.count("Modérateur") >= 29
    assert decoded.text.count("\ufffd") == 2
    (warning,) = decoded.warnings
    assert "2 invalid UTF-8 bytes" in warning and "(byte 200)" in warning and "(byte 1500)" in warning
    line = bytes(data[:200]).count(b"\n") + 1
    assert f"line {line} (byte 200)" in warning


def test_utf8_with_bom_and_a_bad_byte_stays_utf8():
    data = bytearray(codecs.BOM_UTF8 + FRENCH.encode("utf-8"))
    data[10] = 0xFF
    decoded = decode_report_bytes(bytes(data))
    assert decoded.encoding == "utf-8" and "(byte 10)" in decoded.warnings[0]


def test_legacy_encoding_is_assumed_only_for_a_file_that_is_not_utf8_and_says_so():
    decoded = decode_report_bytes((FRENCH * 5).encode("cp1252"))
    assert decoded.text == FRENCH * 5
    assert decoded.encoding == "windows-1252"
    assert any("assumed to be Windows-1252" in w for w in decoded.warnings)
    assert decode_report_bytes(FRENCH.encode("utf-8")).warnings == ()


def test_truncated_utf8_with_an_earlier_bad_byte_is_still_utf8():
    data = bytearray(("Résumé du débat " * 10 + "é").encode("utf-8")[:-1])
    data[3] = 0xFF
    decoded = decode_report_bytes(bytes(data))
    assert decoded.encoding == "utf-8" and decoded.text.count("débat") == 10
