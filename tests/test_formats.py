"""HTML, PDF and Word files: detected from their content, read as the text a
person would copy from them, refused with one clear line when they hold no
report.

The reports in tests/data/reports and the bundled sample are rendered as
HTML, PDF and .docx by tests/docgen.py; each version must give the same facts
as the plain text (format parity).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import docgen
from conftest import REPORTS, SAMPLE
from igfkg.cli import main
from igfkg.ingest.formats.html import html_to_text
from igfkg.ingest.reading import UnreadableReport, decode_report_bytes, read_report_file
from igfkg.ingest.report import parse_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
SOURCES = [SAMPLE, *sorted(REPORTS.glob("*.txt"))]
FORMATS = list(docgen.FORMATS)


def _render(text: str, fmt: str, folder: Path) -> Path:
    return docgen.render(text, fmt, folder / "report")


def _facts(record):
    return {
        "title": record.title.value if record.title else None,
        "number": record.number.value if record.number else None,
        "date": record.date[0] if record.date else None,
        "year": record.meeting_year.value if record.meeting_year else None,
        "roles": {(r.role, r.person.key if r.person else None, r.affiliation.key if r.affiliation else None,
                   r.organisation.key if r.organisation else None) for r in record.roles},
    }


@pytest.fixture(scope="module")
def plain_facts():
    return {p.stem: _facts(parse_report(p.read_text(encoding="utf-8"), p.stem)) for p in SOURCES}


# ---------------------------------------------------------------- parity

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_format_gives_the_facts_of_the_plain_text(source, fmt, tmp_path, plain_facts):
    path = _render(source.read_text(encoding="utf-8"), fmt, tmp_path)
    decoded = read_report_file(path)
    assert decoded.format == fmt
    record = parse_report(decoded.text, source.stem, encoding=decoded.encoding)
    assert _facts(record) == plain_facts[source.stem]
    # Offsets point into the derived text.
    assert record.passages
    for passage in record.passages:
        assert decoded.text[passage.start:passage.end] == passage.text
    for span in (record.title, record.number, record.meeting_year):
        if span:
            assert decoded.text[span.start:span.end] == span.value


def test_sample_has_facts_worth_comparing(plain_facts):
    facts = plain_facts[SAMPLE.stem]
    assert facts["number"] == "41" and facts["year"] == "2013" and len(facts["roles"]) >= 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_derived_text_has_the_words_of_the_source(fmt, tmp_path):
    """Nothing lost, nothing added: furniture out, hyphenated words whole."""
    source = SAMPLE.read_text(encoding="utf-8")
    text = read_report_file(_render(source, fmt, tmp_path)).text
    assert text.split() == source.replace("\u00a0", " ").split()


# ---------------------------------------------------------------- detection

def test_format_is_detected_from_content_not_the_name(tmp_path):
    source = (REPORTS / "igf2015-ws88-idn.txt").read_text(encoding="utf-8")
    pdf = docgen.to_pdf(source, tmp_path / "a.pdf").read_bytes()
    docx = docgen.to_docx(source, tmp_path / "b.docx").read_bytes()
    for name, data, fmt in (("pdf-named.txt", pdf, "pdf"), ("word-named.html", docx, "docx"),
                            ("page-named.txt", docgen.to_html(source).encode(), "html"),
                            ("text-named.pdf", source.encode(), "text")):
        (tmp_path / name).write_bytes(data)
        decoded = read_report_file(tmp_path / name)
        assert decoded.format == fmt, name
        assert "Multilingual domain names and universal acceptance" in decoded.text


def test_plain_text_mentioning_tags_stays_text():
    decoded = decode_report_bytes(b"Agenda\nWe discussed the <p> tag and <html> pages in 2015.\n")
    assert decoded.format == "text"
    assert "<p> tag" in decoded.text


def test_size_limit_is_checked_before_reading_a_pdf(tmp_path):
    path = docgen.to_pdf(SAMPLE.read_text(encoding="utf-8"), tmp_path / "big.pdf")
    with pytest.raises(UnreadableReport, match="too large"):
        read_report_file(path, max_bytes=1000)


# ---------------------------------------------------------------- HTML

def test_generated_page_loses_its_furniture():
    source = SAMPLE.read_text(encoding="utf-8")
    page = docgen.to_html(source)
    assert "&eacute;" in page and "&nbsp;" in page  # the entities are really there
    text = html_to_text(page)
    for noise in ("Skip to main content", "cookies", "OK, I agree", "You are here", "<< Back", "Prev",
                  "123/123", "Deprecated", "PHP Error", "Severity", "Filename", "Line Number", "Copyright",
                  "About the IGF", "var menu", "font-family", "&eacute;", "\u00a0"):
        assert noise not in text, noise
    assert text.startswith("Developing and effectively using Multistakeholder Principles\n")
    assert "Modérateur Anriette Esterhuysen" in text and "roundtable’s panellists" in text


def _fixture(name: str):
    return read_report_file(FIXTURES / name)


def test_old_cms_page_with_php_warnings_pager_and_latin1():
    decoded = _fixture("igf-cms-old.html")
    assert decoded.format == "html" and decoded.encoding == "windows-1252"
    lines = decoded.text.splitlines()
    assert lines[:5] == ["Open Data for Local Governance", "",
                         "12 November 2012 - A Workshop on Openness in Baku, Azerbaijan", "",
                         "Internet Governance Forum 2012"]
    assert "Lagos Civic Data Lab & Fundación Datos Abiertos" in lines
    assert "reviews her organisation’s members" in decoded.text  # Windows-1252 quote
    assert "contract in Spain" in decoded.text  # &nbsp; became a space
    for noise in ("Deprecated", "Warning", "foreach", "Main Menu", "Home", "You are here", "arrow",
                  "PHP Error", "Severity", "Undefined variable", "Filename", "Line Number", "Prev", "Next",
                  "<<", "123/123", "Secretariat"):
        assert noise not in decoded.text, noise
    record = parse_report(decoded.text, "cms-old")
    assert _facts(record)["number"] == "97" and record.meeting_year.value == "2012"
    assert ("moderator", "adaeze-okonkwo", "lagos-civic-data-lab", None) in _facts(record)["roles"]


def test_definition_list_page_gives_label_and_value_lines():
    text = _fixture("friends-report.html").text
    assert "Moderator\nIngrid Solberg, Rural Links Collective\n" in text
    assert "Speakers\nKofi Mensah, Accra Mesh Cooperative\nLucía Paredes, Red Andina de Conectividad\n" in text
    assert "Community networks need affordable spectrum.\nSmall operators should be heard" in text
    assert "solar-powered relays" in text and "same. Lucía" in text  # &#x2d; and &nbsp; decoded
    for noise in ("Skip to main content", "Search", "Transcripts", "cookies", "Accept", "Related sessions",
                  "an archive of the Internet Governance Forum"):
        assert noise not in text, noise
    facts = _facts(parse_report(text, "friends"))
    assert facts["number"] == "204" and facts["year"] == "2021"
    assert ("moderator", "ingrid-solberg", "rural-links-collective", None) in facts["roles"]
    assert ("reporter", "pavel-nowak", None, None) in facts["roles"]


def test_sched_page_keeps_its_field_lines():
    text = _fixture("sched-session.html").text
    assert text.startswith("WS152: Youth voices in content moderation\nTuesday, December 19 • 16:40 - 18:10\n")
    assert "Proposer's Name: Ms. Aiko Tanaka\n" in text
    assert "Ms, Aiko, TANAKA, Civil Society, Youth Net Tokyo\n" in text
    for noise in ("Log in", "Sign up", "Directory", "Filter by date", "Powered by Sched", ".sched-event"):
        assert noise not in text, noise
    facts = _facts(parse_report(text, "sched"))
    assert facts["number"] == "152"
    assert ("panellist", "samira-haddad", None, None) in facts["roles"]


def test_web_archive_copy_loses_the_archive_toolbar():
    text = _fixture("wayback-copy.html").text
    assert text.startswith("Children online: safety by design\n")
    assert "Moderator: Elif Demir, Safe Click Association\n" in text  # <th>Label</th><td>value</td>
    assert "Hana Kovač, Balkan Parents Network" in text
    for noise in ("Wayback", "captures", "About this capture", "FILE ARCHIVED", "__wm", "View", "Print",
                  "Workshop 54", "Palais des Nations", "Skip to main content"):
        assert noise not in text, noise
    facts = _facts(parse_report(text, "wayback"))
    assert facts["number"] == "55" and facts["year"] == "2014"
    assert ("remote_moderator", "jonas-berg", None, None) in facts["roles"]


@pytest.mark.parametrize("name, message", [
    ("login.html", "this is a login page (it asks for a password), not a report"),
    ("not-found.html", 'this is an error page ("Page not found | Internet Governance Forum"), not a report'),
])
def test_login_and_error_pages_are_refused(name, message):
    with pytest.raises(UnreadableReport) as caught:
        _fixture(name)
    assert str(caught.value) == message


@pytest.mark.parametrize("page, message", [
    ("<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
     "<p>You are not authorized to access this page.</p></body></html>", "an error page (\"Access denied\")"),
    ("<html><head><title>Internet Governance Forum</title></head><body><h1>404 Not Found</h1>"
     "<p>The page you requested does not exist.</p></body></html>", "an error page (\"404 Not Found\")"),
    ("<!DOCTYPE html><html><body><p>Loading…</p></body></html>", "almost no text"),
    ("<!DOCTYPE html><html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
     "almost no text"),
])
def test_pages_without_a_report_are_refused(page, message):
    with pytest.raises(UnreadableReport, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode_report_bytes(page.encode())


def test_pagers_and_back_links_go_but_lines_that_look_alike_stay():
    page = ("<html><body><h1>Workshop 12</h1><p>&lt;&lt; Start &lt; Prev 1 2 3 Next &gt; End &gt;&gt;</p>"
            "<p>Results 1 - 10 of 52</p><p>&laquo; Back</p><p>Next steps for the IGF were agreed.</p>"
            "<p>Total participants</p><p>41</p><p>Page 2 of 9</p></body></html>")
    assert html_to_text(page).splitlines() == [
        "Workshop 12", "", "Next steps for the IGF were agreed.", "", "Total participants", "", "41"]


def test_table_rows_and_breaks():
    page = ("<html><body><h2>Speakers</h2><table>"
            "<tr><th>Name</th><th>Organisation</th><th>Group</th></tr>"
            "<tr><td>Ann Example</td><td>APC</td><td>Civil Society</td></tr></table>"
            "<table><tr><td><b>Moderator</b></td><td>Ann Example</td></tr>"
            "<tr><td>Format:</td><td>Panel</td></tr></table>"
            "<p>line one<br>line two</p><ul><li>• first</li><li>second</li></ul></body></html>")
    assert html_to_text(page).splitlines() == [
        "Speakers", "", "Name | Organisation | Group", "Ann Example | APC | Civil Society", "",
        "Moderator: Ann Example", "Format: Panel", "", "line one", "line two", "", "• first", "second"]


def test_declared_charset_is_honoured_for_non_utf8_pages():
    page = "<html><head><meta charset=\"iso-8859-15\"><title>Taller</title></head><body>" \
           "<h1>Taller 42: Acceso a Internet</h1><p>Coste: 20 € por participante, organizado por Echániz.</p>" \
           "</body></html>"
    decoded = decode_report_bytes(page.encode("iso-8859-15"))
    assert decoded.encoding == "iso8859-15"
    assert "20 € por participante, organizado por Echániz" in decoded.text


# ---------------------------------------------------------------- PDF

def test_pdf_page_furniture_and_hyphens_are_removed(tmp_path):
    source = SAMPLE.read_text(encoding="utf-8")
    pages = docgen.pdf_layout(source)
    assert len(pages) > 2
    assert sum(line.endswith("-") for page in pages for line, *_ in page) >= 5  # real hyphenation
    text = read_report_file(docgen.to_pdf(source, tmp_path / "r.pdf")).text
    assert "Page 1 of" not in text and "Workshop Reports" not in text
    assert "multistakeholder principles publicly" in text
    # Each paragraph of the source is one line again.
    assert "Jacqueline Ruff, de Verizon, a fourni une approche des droits des consommateurs" in text


def test_pdf_capital_headings_are_rejoined_and_edges_cleaned(tmp_path):
    pages = [
        [("You are on page 1of 3", 8), ("ANNUAL WORKSHOP REPORTS 2013", 8),
         ("DEVELOPING AND EFFECTIVELY USING", 16), ("MULTISTAKEHOLDER PRINCIPLES", 16),
         ("Workshop # 41 Report", 10.5), ("2013", 10.5), ("ORGANIZER ENTITY", 10.5), ("APC", 10.5),
         ("Total participants", 10.5), ("77", 10.5), ("- 1 -", 9, 30)],
        [("You are on page 2of 3", 8), ("ANNUAL WORKSHOP REPORTS 2013", 8),
         ("Moderator", 10.5), ("Anriette Esterhuysen", 10.5), ("Female participants", 10.5), ("38", 10.5),
         ("2", 9, 30)],
        [("You are on page 3of 3", 8), ("ANNUAL WORKSHOP REPORTS 2013", 8),
         ("Reported by", 10.5), ("Constance Weise", 10.5), ("Page 3 of 3", 9)],
    ]
    text = read_report_file(docgen.pdf_from_lines(pages, tmp_path / "r.pdf")).text
    assert text.splitlines() == [
        "DEVELOPING AND EFFECTIVELY USING MULTISTAKEHOLDER PRINCIPLES", "Workshop # 41 Report", "2013",
        "ORGANIZER ENTITY", "APC", "Total participants", "77", "Moderator", "Anriette Esterhuysen",
        "Female participants", "38", "Reported by", "Constance Weise"]


def test_pdf_without_text_layer_is_refused(tmp_path):
    with pytest.raises(UnreadableReport) as caught:
        read_report_file(docgen.pdf_without_text(tmp_path / "scan.pdf"))
    assert str(caught.value) == "no text layer: scanned PDFs are not supported"


def test_encrypted_pdf_is_refused_but_owner_only_protection_is_read(tmp_path):
    plain = docgen.to_pdf((REPORTS / "igf2015-ws88-idn.txt").read_text(encoding="utf-8"), tmp_path / "p.pdf")
    locked = docgen.encrypt_pdf(plain, tmp_path / "locked.pdf")
    with pytest.raises(UnreadableReport) as caught:
        read_report_file(locked)
    assert str(caught.value) == "the PDF is encrypted (password-protected); remove the password first"
    # A PDF that only restricts printing or copying opens without a password.
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "Multilingual domain names" in decode_report_bytes(buffer.getvalue()).text


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[: len(d) // 2], "the PDF is truncated (no end-of-file marker); it may be an incomplete download"),
    (lambda d: d[:20] + b"\x00garbage" * 200 + b"\n%%EOF\n", "the PDF is damaged and cannot be opened"),
])
def test_damaged_pdf_is_refused(tmp_path, damage, message):
    data = docgen.to_pdf(SAMPLE.read_text(encoding="utf-8"), tmp_path / "r.pdf").read_bytes()
    with pytest.raises(UnreadableReport) as caught:
        decode_report_bytes(damage(data))
    assert str(caught.value) == message


# ---------------------------------------------------------------- DOCX

def test_docx_keeps_paragraphs_headings_and_tables_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Acceso a Internet en comunidades rurales", level=1)
    document.add_paragraph("Taller 42 – IGF 2016")
    table = document.add_table(rows=0, cols=2)
    for label, value in (("Moderador", "Ana Echániz, Fundación Karisma"), ("Formato:", "Mesa redonda")):
        row = table.add_row().cells
        row[0].text, row[1].text = label, value
    grid = document.add_table(rows=1, cols=3)
    for cell, value in zip(grid.rows[0].cells, ("Carlos Afonso", "Instituto Nupef", "Brasil")):
        cell.text = value
    document.add_heading("Resumen", level=2)
    paragraph = document.add_paragraph("Primera línea")
    paragraph.add_run().add_break()
    paragraph.add_run("segunda\u00a0línea")
    document.save(str(tmp_path / "t.docx"))
    decoded = read_report_file(tmp_path / "t.docx")
    assert decoded.format == "docx"
    assert decoded.text.splitlines() == [
        "Acceso a Internet en comunidades rurales", "Taller 42 – IGF 2016",
        "Moderador: Ana Echániz, Fundación Karisma", "Formato: Mesa redonda",
        "Carlos Afonso | Instituto Nupef | Brasil", "Resumen", "Primera línea", "segunda línea"]


def test_zip_that_is_not_a_word_document_is_refused(tmp_path):
    with pytest.raises(UnreadableReport) as caught:
        read_report_file(docgen.zip_without_document(tmp_path / "report.docx"))
    assert str(caught.value) == "this is a ZIP archive, not a Word document"


def test_corrupt_docx_and_old_doc_are_refused(tmp_path):
    data = docgen.to_docx(SAMPLE.read_text(encoding="utf-8"), tmp_path / "r.docx").read_bytes()
    with pytest.raises(UnreadableReport, match="the Word document or ZIP archive is damaged"):
        decode_report_bytes(data[: len(data) // 2])
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>unclosed")
    with pytest.raises(UnreadableReport, match="the Word document is damaged"):
        decode_report_bytes(broken.getvalue())
    with pytest.raises(UnreadableReport) as caught:
        decode_report_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    assert str(caught.value) == ("this is an old Microsoft Office document (.doc); save it as .docx, "
                                 "PDF or text first, not a text report")
    locked = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(UnreadableReport, match="password-protected Office document"):
        decode_report_bytes(locked)


# ---------------------------------------------------------------- CLI

def test_cli_ingests_a_pdf_and_names_a_bad_file(tmp_path):
    source = (REPORTS / "igf2014-ws173-cloud-privacy.txt").read_text(encoding="utf-8")
    good = docgen.to_pdf(source, tmp_path / "ws173.pdf")
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "kb"), "ingest", str(good)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested ws173 (workshop report, ") and result.stdout.rstrip().endswith(
        f"from {good}")
    bad = docgen.pdf_without_text(tmp_path / "scan.pdf")
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "kb"), "ingest", str(bad)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"error: {bad}: no text layer: scanned PDFs are not supported"
