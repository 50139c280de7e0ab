"""Which format a file is in, judged by its content, never by its name.

People save reports as .txt that are really HTML, and as .pdf or .doc that are
something else, so the bytes decide: magic numbers for PDF, ZIP (Word .docx)
and old Office files; markup for HTML once the bytes are decoded. Each format
has its own small module that turns the file into the plain text a person
would paste from it.
"""
from __future__ import annotations

import re

TEXT, HTML, PDF, DOCX = "text", "html", "pdf", "docx"


class UnreadableReport(ValueError):
    """The file cannot be read as a report; the message says why, in one line."""


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Magic numbers of files that are not reports at all.
_REFUSED = [
    (_OLE,
     "an old Microsoft Office document (.doc); save it as .docx, PDF or text first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x7fELF", "an executable program"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document; save it as .docx, PDF or text first"),
]

# HTML: a document marker near the start (after any PHP warnings printed
# before it), or a fragment that is mostly block markup.
_HTML_MARKER = re.compile(r"^[ \t]*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.M)
_HTML_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|td|tr|table|h[1-6]|a|span|strong|b|em|dl|dt|dd)\b[^<>]*>", re.I)


def sniff(data: bytes) -> str:
    """"pdf", "zip" or "text" from the first bytes; refused kinds raise."""
    head = data[:1024]
    # The PDF header may follow some junk; readers look in the first KiB.
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    # A .docx with a password is not a ZIP but an OLE file holding the
    # encrypted package: say so rather than call it an old .doc.
    if data.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in data:
        raise UnreadableReport("this is a password-protected Office document; remove the password first")
    for magic, what in _REFUSED:
        if data.startswith(magic):
            raise UnreadableReport(f"this is {what}, not a text report")
    return TEXT


def looks_like_html(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:4096]
    if _HTML_MARKER.search(start):
        return True
    return start.startswith("<") and len(_HTML_TAG.findall(text[:20000])) >= 5


def convert(data: bytes, fmt: str) -> str:
    """The text of a PDF or Word file ("zip" is checked to be a Word document)."""
    if fmt == PDF:
        from .pdf import pdf_to_text

        return pdf_to_text(data)
    from .docx import docx_to_text

    return docx_to_text(data)
