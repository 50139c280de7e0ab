"""Word .docx to report text: paragraphs, headings and tables in document order.

A .docx is a ZIP archive whose word/document.xml holds the body; reading it
takes the standard zipfile module and lxml, so no Word library is needed at
run time. Deleted text in tracked changes (w:delText) is left out, inserted
text is kept, as Word shows the document with changes accepted.
"""
from __future__ import annotations

import io
import re
import zipfile

from . import UnreadableReport

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Unpacked size above which word/document.xml is refused (a ZIP bomb, not a report).
_MAX_XML_BYTES = 200 * 1024 * 1024
_OTHER_OFFICE = {"xl/workbook.xml": "an Excel workbook", "ppt/presentation.xml": "a PowerPoint presentation",
                 "content.xml": "an OpenDocument file"}


def docx_to_text(data: bytes) -> str:
    xml = _document_xml(data)
    from lxml import etree

    # No entities, no network: the XML comes from an untrusted file.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise UnreadableReport("the Word document is damaged (its text is not valid XML)") from None
    body = root.find(f"{_W}body")
    lines: list[str] = []
    if body is not None:
        _blocks(body, lines)
    # Empty paragraphs are Word's spacing: one blank line at most.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise UnreadableReport("the Word document has no text")
    return text + "\n"


def _document_xml(data: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise UnreadableReport("the Word document or ZIP archive is damaged (truncated?)") from None
    if "word/document.xml" not in names:
        other = next((what for name, what in _OTHER_OFFICE.items() if name in names), "a ZIP archive")
        raise UnreadableReport(f"this is {other}, not a Word document")
    info = archive.getinfo("word/document.xml")
    if info.file_size > _MAX_XML_BYTES:
        raise UnreadableReport("the Word document is too large once unpacked")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError, OSError) as exc:
        reason = "encrypted" if "encrypted" in str(exc) else "damaged"
        raise UnreadableReport(f"the Word document is {reason} and cannot be read") from None


def _blocks(parent, lines: list[str]) -> None:
    """Paragraphs and tables in order; content controls and tracked
    insertions are containers whose children count as blocks."""
    for child in parent:
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(_paragraph(child))
        elif tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                if _ancestor_table(row) is child:
                    lines.extend(_row(row))
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
            _blocks(child, lines)


def _ancestor_table(row):
    node = row.getparent()
    while node is not None and node.tag != f"{_W}tbl":
        node = node.getparent()
    return node


def _paragraph(p) -> str:
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}sym"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t" if not _in(node, "pPr") else "")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif node.tag == f"{_W}noBreakHyphen":
            parts.append("-")
    text = "".join(parts).replace("\u00a0", " ")
    return "\n".join(" ".join(line.split()) if "\t" not in line else line.strip() for line in text.split("\n"))


def _in(node, local: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == f"{_W}{local}":
            return True
        parent = parent.getparent()
    return False


def _row(row) -> list[str]:
    """A table row as lines: "Label: value" for a label and its value, the
    cells joined by " | " otherwise; cells holding several paragraphs are
    kept as their own lines."""
    cells = []
    for cell in row.iterchildren(f"{_W}tc"):
        inner: list[str] = []
        _blocks(cell, inner)
        cells.append("\n".join(line for line in inner if line.strip()))
    cells = [c for c in cells if c]
    if len(cells) == 2 and "\n" not in cells[0] and len(cells[0]) <= 80:
        label = cells[0].rstrip().rstrip(":")
        if "\n" in cells[1] or len(cells[1]) > 200:
            return [label, cells[1]]
        return [f"{label}: {cells[1]}"]
    if any("\n" in c for c in cells):
        return cells
    return [" | ".join(cells)] if cells else []
