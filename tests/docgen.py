"""Make the HTML, PDF and Word versions of one plain-text report.

One source, three derived files, so that tests can check that igfkg reads the
same facts whatever the format. The first non-empty line is the title; a line
that igfkg knows as a label is a heading; every other line is a paragraph.
The derived files carry the noise real ones carry: navigation, a cookie
banner, a pager and PHP warnings in the HTML; running headers, "Page N of M"
footers and hyphenated line ends in the PDF.

Blank lines of the source are kept as each format keeps them: a new <p> on
the page (lines between blank lines share one <p>, broken by <br />), an
empty paragraph in Word, an empty line of space in the PDF.

PDFs are drawn with reportlab in DejaVu Sans (Debian's fonts-dejavu-core,
on every machine of the project) for the Latin Extended letters of names
such as "Zielińska" or "Wiśniewska"; without it, in the Bitstream Vera font
reportlab ships, which lacks them.
"""
from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from igfkg.ingest.sections import label_key

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "field" (inline "Label: value"), "para", "gap"
    text: str
    label: str = ""


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.replace("\u00a0", " ").strip()
        if not line:
            if out and out[-1].kind != "gap":
                out.append(Block("gap", ""))
            continue
        if not any(b.kind == "title" for b in out):
            out.append(Block("title", line))
        elif label_key(line):
            out.append(Block("heading", line))
        elif ":" in line[:80] and label_key(line.partition(":")[0], exact_only=True):
            label, _, value = line.partition(":")
            out.append(Block("field", value.strip(), label.strip()))
        else:
            out.append(Block("para", line))
    return out


FORMATS = ("html", "pdf", "docx")


def render(text: str, fmt: str, stem: Path) -> Path:
    """The file of one format ("html", "pdf" or "docx") for a plain-text
    source, written at ``stem`` with the format's suffix."""
    path = stem.with_name(f"{stem.name}.{fmt}")
    if fmt == "html":
        path.write_text(to_html(text), encoding="utf-8")
        return path
    if fmt == "pdf":
        return to_pdf(text, path)
    if fmt == "docx":
        return to_docx(text, path)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------- HTML

# A few characters written as named entities, as old CMS pages do.
_ENTITIES = {"é": "&eacute;", "’": "&rsquo;", "–": "&ndash;", "«": "&laquo;", "»": "&raquo;",
             "“": "&ldquo;", "”": "&rdquo;", "•": "&bull;", "à": "&agrave;"}


def _h(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return "".join(_ENTITIES.get(ch, ch) for ch in escaped)


def _html_line(block: Block) -> str:
    if block.kind == "field":
        return f"<strong>{_h(block.label)}:</strong>&nbsp;{_h(block.text)}"
    return _h(block.text)


def to_html(text: str, noise: bool = True) -> str:
    """A saved web page for the report, with the furniture of an old IGF CMS page."""
    body, lines = [], []

    def close_paragraph() -> None:
        if lines:
            body.append("<p>" + "<br />\n".join(lines) + "</p>")
            lines.clear()

    for block in blocks(text):
        if block.kind in ("para", "field"):
            lines.append(_html_line(block))
            continue
        close_paragraph()
        if block.kind == "title":
            body.append(f"<h1 class=\"page-title\">{_h(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h3>{_h(block.text)}&nbsp;</h3>")
    close_paragraph()
    title = next((b.text for b in blocks(text) if b.kind == "title"), "Report")
    if not noise:
        return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{_h(title)}</title></head>"
                f"<body>\n" + "\n".join(body) + "\n</body></html>\n")
    return _NOISY_PAGE.format(title=_h(title), content="\n".join(body))


_NOISY_PAGE = """<br />
<b>Deprecated</b>:  Function split() is deprecated in <b>/var/www/cms/libraries/joomla/filter.php</b> on line <b>512</b><br />
<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title} | Internet Governance Forum</title>
<style>body {{ font-family: sans-serif; }} .nav li {{ display: inline; }}</style>
<script type="text/javascript">var menu = "<p>Home</p>"; if (a < b && c > d) {{ open(); }}</script>
</head>
<body>
<a href="#main-content" class="element-invisible element-focusable">Skip to main content</a>
<div id="sliding-popup" class="eu-cookie-compliance-banner">
  <p>We use cookies on this site to enhance your user experience.
  By clicking any link on this page you are giving your consent for us to set cookies.</p>
  <button>OK, I agree</button> <button>No, give me more info</button>
</div>
<div id="header"><a href="/"><img src="logo.png" alt="Internet Governance Forum" /></a></div>
<ul class="menu nav">
  <li><a href="/">Home</a></li><li><a href="/about">About the IGF</a></li>
  <li><a href="/workshops">Workshops</a></li><li><a href="/contact">Contact</a></li>
</ul>
<div class="breadcrumb">You are here: <a href="/">Home</a> &raquo; <a href="/workshops">Workshops</a> &raquo; Reports</div>
<div id="main-content" class="region-content">
<div style="border:1px solid #990000;padding-left:20px;margin:0 0 10px 0;">
<h4>A PHP Error was encountered</h4>
<p>Severity: Notice</p>
<p>Message:  Undefined index: language</p>
<p>Filename: views/report_view.php</p>
<p>Line Number: 27</p>
</div>
<a href="javascript:history.go(-1)">&lt;&lt; Back</a>
{content}
<div class="pagination"><a>&lt;&lt; Start</a> <a>&lt; Prev</a> 123/123 <a>Next &gt;</a> <a>End &gt;&gt;</a></div>
</div>
<div id="footer">Copyright &copy; Internet Governance Forum. All rights reserved. <a href="/privacy">Privacy</a></div>
</body>
</html>
"""

# ---------------------------------------------------------------- DOCX


def to_docx(text: str, path: Path) -> Path:
    """A Word document: title, headings for labels, one paragraph per line,
    the "Label: value" lines of the source as a two-column table, and an
    empty paragraph for a blank line."""
    import docx

    document = docx.Document()
    table = None
    for block in blocks(text):
        if block.kind != "field":
            table = None
        if block.kind == "title":
            document.add_heading(block.text, level=1)
        elif block.kind == "heading":
            document.add_heading(block.text, level=2)
        elif block.kind == "field":
            if table is None:
                table = document.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            cells[0].text = block.label + ":"
            cells[1].text = block.text
        elif block.kind == "para":
            paragraph = document.add_paragraph()
            paragraph.add_run(block.text)
        elif block.kind == "gap":
            document.add_paragraph()
    document.save(str(path))
    return path


def zip_without_document(path: Path) -> Path:
    """A ZIP archive that is not a Word document."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "minutes of the meeting\n")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


# ---------------------------------------------------------------- PDF

_PAGE_W, _PAGE_H = 595.0, 842.0  # A4 in points
_LEFT, _RIGHT, _TOP, _BOTTOM = 62.0, 62.0, 78.0, 78.0
_BODY, _HEAD, _TITLE = ("Body", 10.5), ("Bold", 11.0), ("Bold", 15.0)
#: Space between paragraphs; a blank line of the source adds an empty line.
_PARAGRAPH_SPACE, _BLANK_LINE = 3.0, _BODY[1] * 1.35
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_RUNNING_HEADER = "Internet Governance Forum – Workshop Reports"
_WORD_CHARS = re.compile(r"^[^\W\d_]+$")


def _font_files() -> dict[str, str]:
    """DejaVu Sans where the system has it, else the Vera fonts reportlab ships
    (DejaVu is Vera with more letters: the same widths for the letters both have)."""
    import os

    import reportlab

    if (_DEJAVU / "DejaVuSans.ttf").exists() and (_DEJAVU / "DejaVuSans-Bold.ttf").exists():
        return {"Body": str(_DEJAVU / "DejaVuSans.ttf"), "Bold": str(_DEJAVU / "DejaVuSans-Bold.ttf")}
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    return {"Body": os.path.join(folder, "Vera.ttf"), "Bold": os.path.join(folder, "VeraBd.ttf")}


def _fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in _font_files().items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, file))
    return pdfmetrics


def _wrap(text: str, font: tuple[str, float], width: float, hyphenate: bool) -> list[str]:
    """Greedy line filling; a word that does not fit is hyphenated when it
    is long and made of letters only, as word processors do."""
    measure = _fonts().stringWidth
    lines, current = [], ""
    words = text.split(" ")
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if measure(candidate, *font) <= width:
            current = candidate
            i += 1
            continue
        if hyphenate and current and len(word) >= 7 and _WORD_CHARS.match(word):
            for cut in range(len(word) - 3, 2, -1):
                head = f"{current} {word[:cut]}-"
                if measure(head, *font) <= width:
                    lines.append(head)
                    current, words[i] = "", word[cut:]
                    break
            else:
                lines.append(current)
                current = ""
            continue
        if current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the column
            lines.append(word)
            i += 1
    if current:
        lines.append(current)
    return lines


def pdf_layout(text: str, hyphenate: bool = True) -> list[list[tuple[str, str, float, float]]]:
    """Pages of (text, font, size, y) lines for the report, before furniture."""
    width = _PAGE_W - _LEFT - _RIGHT
    items: list[tuple[str, tuple[str, float], float]] = []  # text, font, space before
    blank = False
    for block in blocks(text):
        if block.kind == "gap":
            blank = True
            continue
        before = _PARAGRAPH_SPACE + (_BLANK_LINE if blank else 0.0)
        blank = False
        if block.kind == "title":
            font, before, body = _TITLE, 0.0, block.text
        elif block.kind == "heading":
            font, before, body = _HEAD, max(before, 9.0), block.text
        elif block.kind == "field":
            font, body = _BODY, f"{block.label}: {block.text}"
        else:
            font, body = _BODY, block.text
        for n, line in enumerate(_wrap(body, font, width, hyphenate and block.kind == "para")):
            items.append((line, font, before if n == 0 else 0.0))
    pages: list[list[tuple[str, str, float, float]]] = [[]]
    y = _PAGE_H - _TOP
    for line, (name, size), before in items:
        leading = size * 1.35
        if y - before - leading < _BOTTOM:
            pages.append([])
            y = _PAGE_H - _TOP
            before = 0.0
        y -= before + leading
        pages[-1].append((line, name, size, y))
    return pages


def to_pdf(text: str, path: Path, furniture: bool = True, hyphenate: bool = True) -> Path:
    """A PDF report with a text layer. With ``furniture``: a running header on
    every page of a multi-page report and a "Page N of M" footer."""
    from reportlab.pdfgen import canvas

    _fonts()
    pages = pdf_layout(text, hyphenate)
    pdf = canvas.Canvas(str(path), pagesize=(_PAGE_W, _PAGE_H), invariant=1)
    for number, lines in enumerate(pages, 1):
        if furniture and len(pages) > 1:
            pdf.setFont("Body", 8)
            pdf.drawString(_LEFT, _PAGE_H - 40, _RUNNING_HEADER)
        for line, name, size, y in lines:
            pdf.setFont(name, size)
            pdf.drawString(_LEFT, y, line)
        if furniture:
            pdf.setFont("Body", 8)
            pdf.drawCentredString(_PAGE_W / 2, 36, f"Page {number} of {len(pages)}")
        pdf.showPage()
    pdf.save()
    return path


def pdf_from_lines(pages: list[list[tuple]], path: Path) -> Path:
    """A PDF whose pages hold exactly these (text, font size) lines, each
    line under the previous, or at (text, font size, y) when y is given:
    for tests of one layout accident at a time."""
    from reportlab.pdfgen import canvas

    _fonts()
    pdf = canvas.Canvas(str(path), pagesize=(_PAGE_W, _PAGE_H), invariant=1)
    for lines in pages:
        y = _PAGE_H - _TOP
        for line, size, *at in lines:
            if at:
                where = at[0]
            else:
                y -= size * 1.35
                where = y
            pdf.setFont("Bold" if size > 12 else "Body", size)
            pdf.drawString(_LEFT, where, line)
        pdf.showPage()
    pdf.save()
    return path


def pdf_without_text(path: Path) -> Path:
    """A scanned-looking PDF: a drawn rectangle and no text layer."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(_PAGE_W, _PAGE_H), invariant=1)
    pdf.setFillGray(0.85)
    pdf.rect(_LEFT, _BOTTOM, _PAGE_W - _LEFT - _RIGHT, _PAGE_H - _TOP - _BOTTOM, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def encrypt_pdf(source: Path, path: Path, password: str = "igf-secret") -> Path:
    """The same PDF, locked with a user password (pypdf)."""
    import pypdf

    reader = pypdf.PdfReader(str(source))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path
