"""PDF with a text layer to report text (PDFium, through pypdfium2).

PDFium was chosen by measurement (bench/bench_formats.py): the best text on
the generated fixtures and the fastest. Its character positions let us undo
what page layout did to the text: lines wrapped to the column are joined
again, so each paragraph is one line as in the plain-text copy; words
hyphenated at a line end are rejoined; headings in capitals broken over lines
become one line; page furniture (running headers and footers, "Page 1 of 14",
bare page numbers) is dropped.
"""
from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass

from . import UnreadableReport

# "Page 3 of 14", "Page 3", "3 of 14", "3/14", "Página 3 de 14"
_PAGE_OF = re.compile(r"^(?:(?:page|p\.|pg\.?|p[aá]gina|seite)\s*\d{1,4}(?:\s*(?:of|/|de|sur|von)\s*\d{1,4})?"
                      r"|\d{1,4}\s*(?:of|/|de|sur|von)\s*\d{1,4})$", re.I)
# "3", "- 3 -": only in the top or bottom margin, where body text never is.
_BARE_NUMBER = re.compile(r"^[-–]?\s*\d{1,3}\s*[-–]?$")
_YOU_ARE_ON_PAGE = re.compile(r"^you are on page\s*\d+\s*of\s*\d+$", re.I)
_BULLET = re.compile(r"^(?:[•◦▪·●○■□➢►–-]\s|\(?\d{1,2}[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;)\]”\"…]$")
# A transcript turn, ">> SPEAKER:", always starts a line of its own.
_TURN = re.compile(r"^>>")
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st", "\u00a0": " ",
                            "\u00ad": ""})
#: Lines this close to the top or bottom of the page (fraction of its height)
#: may be running headers or footers.
_EDGE = 0.08


@dataclass
class _Line:
    text: str
    page: int
    x0: float  # left end of the first character
    x1: float  # right end of the last character
    baseline: float
    size: float  # font size of its first character
    first_word: float  # width of its first word
    edge: bool  # near the top or bottom of its page


def pdf_to_text(data: bytes) -> str:
    pages = _read_lines(data)
    lines = _drop_furniture(pages)
    if not any(line.text for line in lines):
        raise UnreadableReport("no text layer: scanned PDFs are not supported")
    return _assemble(lines)


def _read_lines(data: bytes) -> list[list[_Line]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    # A file cut short usually still opens (PDFium rebuilds what it can);
    # refuse it rather than ingest half a report.
    if b"%%EOF" not in data[-1024:]:
        raise UnreadableReport("the PDF is truncated (no end-of-file marker); it may be an incomplete download")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise UnreadableReport("the PDF is encrypted (password-protected); remove the password first") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise UnreadableReport("the PDF uses an unsupported encryption scheme") from None
        raise UnreadableReport("the PDF is damaged and cannot be opened") from None
    pages = []
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            pages.append(_page_lines(raw, textpage, number, page.get_height()))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def _page_lines(raw, textpage, number: int, height: float) -> list[_Line]:
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    chars = textpage.get_text_range()
    if len(chars) != count:  # positions must match characters one to one
        chars = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    lines = []
    x, y = ctypes.c_double(), ctypes.c_double()
    # PDFium joins a line ending in a hyphen to whatever it reads next (even
    # a footer) and marks the hyphen U+FFFE: split there and judge by position.
    for match in re.finditer("[^\r\n\ufffe\x02]+[\ufffe\x02]?", chars):
        start, end = match.span()
        while start < end and chars[start].isspace():
            start += 1
        while end > start and chars[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        text = chars[start:end].replace("\ufffe", "-").replace("\x02", "-")
        first_end = start + (len(text.split(" ", 1)[0]) or 1)
        left = textpage.get_charbox(start)[0]
        first_right = textpage.get_charbox(first_end - 1)[2]
        right = textpage.get_charbox(end - 1)[2]
        raw.FPDFText_GetCharOrigin(handle, start, x, y)
        baseline = y.value
        lines.append(_Line(text=text, page=number, x0=left, x1=right, baseline=baseline,
                           size=round(raw.FPDFText_GetFontSize(handle, start), 1),
                           first_word=first_right - left,
                           edge=baseline > height * (1 - _EDGE) or baseline < height * _EDGE))
    return lines


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_furniture(pages: list[list[_Line]]) -> list[_Line]:
    """Page numbers at a page's edge; any edge line repeated on most pages.
    A line is at the edge if it is in the top or bottom margin, or (as the
    order of the text may not follow the layout) among the first or last two."""
    def at_edge(index: int, lines: list[_Line]) -> bool:
        return lines[index].edge or index < 2 or index >= len(lines) - 2

    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_furniture_key(line.text) for i, line in enumerate(lines) if at_edge(i, lines)})
    # Keys without letters ("#", "# #") are values such as figures, not running headers.
    repeated = {key for key, n in seen.items() if len(pages) >= 2 and n >= max(2, math.ceil(len(pages) / 2))
                and re.search(r"[^\W\d_]", key)}
    kept = []
    for lines in pages:
        for i, line in enumerate(lines):
            text = line.text
            if (_YOU_ARE_ON_PAGE.match(text) or (line.edge and _BARE_NUMBER.match(text))
                    or (at_edge(i, lines) and (_PAGE_OF.match(text) or _furniture_key(text) in repeated))):
                continue
            kept.append(line)
    return kept


def _assemble(lines: list[_Line]) -> str:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    right = _right_margin(lines)
    leading = _usual_leading(lines)
    out = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        same_page = prev.page == line.page
        step = prev.baseline - line.baseline if same_page else None
        close = step is None or 0 < step <= 1.6 * max(prev.size, line.size)
        same_size = abs(prev.size - line.size) <= 0.5
        if same_size and close and _caps(prev.text) and _caps(line.text) and line.size > body_size + 0.5:
            out[-1] += " " + line.text  # a heading in capitals broken over lines
        elif same_size and close and _wrapped(prev, line, right) and (same_page or not _ends_line(prev, line)):
            out[-1] = _join_wrapped(out[-1], line.text)
        else:
            gap = step is not None and leading and step > 1.25 * leading.get(line.size, step)
            out.append("\n" + line.text if gap else line.text)
    text = "\n".join(out).translate(_LIGATURES)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip() + "\n"


def _right_margin(lines: list[_Line]) -> float:
    """Where the column ends: the right end of the longest line of several
    words. A line of one word (a long URL) may run past the margin, since the
    layout could not break it."""
    several = [line.x1 for line in lines if " " in line.text]
    return max(several or [line.x1 for line in lines])


def _usual_leading(lines: list[_Line]) -> dict[float, float]:
    """The most common baseline step between consecutive lines, per font size."""
    steps: dict[float, Counter[float]] = {}
    for prev, line in zip(lines, lines[1:]):
        if prev.page == line.page and prev.size == line.size and prev.baseline > line.baseline:
            steps.setdefault(line.size, Counter())[round(prev.baseline - line.baseline, 1)] += 1
    return {size: counter.most_common(1)[0][0] for size, counter in steps.items()}


def _caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _wrapped(prev: _Line, line: _Line, right: float) -> bool:
    """The line was broken by the layout: the next line's first word would
    not have fitted in the space left at the end of this one."""
    if _BULLET.match(line.text) or _TURN.match(line.text):
        return False
    # An indented line starts a paragraph, unless it hangs under a bullet.
    if line.x0 > prev.x0 + 0.5 * prev.size and not _BULLET.match(prev.text):
        return False
    # Boxes are ink, not advance widths: allow a generous space's worth.
    space = 0.6 * prev.size
    return right - prev.x1 < line.first_word + space


def _ends_line(prev: _Line, line: _Line) -> bool:
    """Across a page break, where spacing tells nothing: a line that ends a
    sentence (or a bracket) before one that starts with a capital is taken
    as complete. Splitting a paragraph there costs a line break; joining two
    list lines would make one entry of two."""
    return bool(_SENTENCE_END.search(prev.text)) and line.text[:1].isupper()


def _join_wrapped(text: str, following: str) -> str:
    if re.search(r"[^\W\d_]-$", text) and following[:1].islower():
        return text[:-1] + following  # a word hyphenated at the line end
    if text.endswith(("-", "/")):
        return text + following
    return text + " " + following
