"""A saved web page to report text: the main content, as a person would copy it.

Parsed with lxml (libxml2), chosen by measurement (bench/bench_formats.py):
it recovers broken markup (unclosed paragraphs, list items and cells, stray
end tags, PHP warnings printed before the doctype) and is fast. What is not
the report goes: scripts and styles, navigation, cookie banners, breadcrumbs,
pagers, footers, web-archive toolbars, PHP error messages. What is left comes
out as lines: a heading, paragraph, list item or table row per line, a
definition term and its description on lines of their own, a table row of a
label and its value as "Label: value".
"""
from __future__ import annotations

import re

from . import UnreadableReport

_DROP_TAGS = {"head", "title", "meta", "link", "base", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
              "embed", "canvas", "button", "input", "select", "textarea", "nav", "aside", "footer",
              "map", "audio", "video", "dialog"}
_BLOCK = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
          "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
          "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
          "thead", "tfoot", "tr", "td", "th", "ul", "caption", "legend", "html", "frameset", "noframes"}
#: Blocks followed by a blank line, like paragraphs on screen.
_SPACED = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "blockquote", "pre", "hr"}

# Class and id names of page furniture (whole names or dash/underscore parts).
_FURNITURE_NAME = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navigation|menu|menus|breadcrumbs?|pathway|cookies?|consent|gdpr|"
    r"skip-?link|pager|pagination|pagenav|sidebar|footer|toolbar|share|sharing|social|"
    r"login|search|searchform|tabs|site-header|masthead|widget-area|"
    # Joomla, the old intgovforum CMS: side modules and menu links
    r"moduletable|mainlevel|sublevel|latestnews|mostread)(?:$|[-_])", re.I)
_HEADER_NAME = re.compile(r"(?:^|[-_])header(?:$|[-_])", re.I)
_NOT_FURNITURE = re.compile(r"^(?:has|no|with|one|two|page|not)-", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WAYBACK = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
                      re.S | re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)

# Whole lines that are furniture even when the markup did not say so.
_FURNITURE_LINE = [re.compile(p, re.I) for p in (
    r"^skip to (?:the )?(?:main )?(?:content|navigation)\b",
    r"^jump to (?:navigation|content|search)\b",
    r"^you are here\b",
    r"^(?:<<|«|‹|<|←)\s*(?:back|return|go back)\b",
    r"^back to top$",
    r"^(?:deprecated|warning|notice|strict standards|(?:catchable )?fatal error|parse error)\s*:.*"
    r"(?:\bon line\b|\.php\b)",
    r"^a php error was encountered$",
    r"^severity\s*:\s*(?:notice|warning|error|8192|deprecated|\d+|[\w ]{0,30})$",
    r"^filename\s*:\s*\S+\.php$",
    r"^line number\s*:\s*\d+$",
    r"^the wayback machine\b",
    r"^(?:this (?:web)?site|we) uses? cookies\b",
)]
_PAGER_WORD = re.compile(r"(?i:start|first|prev|previous|next|end|last|page|of|results?|«|»|‹|›|<<?|>>?|"
                         r"\d+\s*/\s*\d+|\d+(?:\s*-\s*\d+)?|[|…]|\.\.\.)")
_PAGER_MARK = re.compile(r"(?i:\b(?:start|prev|previous|next|end)\b|«|»|‹|›|<|>|\d+\s*/\s*\d+|"
                         r"^page\s+\d+\s+of\s+\d+$)")
_PHP_DETAIL = re.compile(r"^(?:message|filename|line number|line|file|function|backtrace)\s*:", re.I)
_COOKIE = re.compile(r"\bcookies?\b", re.I)
_COOKIE_TALK = re.compile(r"\b(?:use|uses|accept|consent|agree|enhance|experience|policy|setting|continu)", re.I)

_ERROR_TITLES = {"page not found", "not found", "404", "404 not found", "error 404", "403", "403 forbidden",
                 "forbidden", "access denied", "error", "server error", "internal server error",
                 "service unavailable", "unauthorized", "unauthorised", "log in", "login", "sign in",
                 "user account", "user login", "member login", "page unavailable", "an error occurred"}
_LOGIN_TITLES = {"log in", "login", "sign in", "user account", "user login", "member login"}
#: Below this many characters an error or login page has no report in it.
_SMALL_PAGE = 1500
_MIN_TEXT = 40


def html_to_text(markup: str) -> str:
    import lxml.html
    from lxml import etree

    markup = _WAYBACK.sub("", _XML_DECLARATION.sub("", markup))
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        raise UnreadableReport("the page has no text") from None
    titles = _page_titles(root)
    has_password = bool(root.xpath("//input[translate(@type,'PASSWORD','password')='password']"))
    _strip_furniture(root)
    body = root.find("body")
    lines = _Lines()
    _walk(body if body is not None else root, lines)
    text = _clean(lines.lines)
    if has_password and len(text) < _SMALL_PAGE:
        raise UnreadableReport("this is a login page (it asks for a password), not a report")
    for name in titles:
        heading = _folded_parts(name)
        if heading & _ERROR_TITLES and len(text) < _SMALL_PAGE:
            kind = "a login page" if heading & _LOGIN_TITLES else "an error page"
            raise UnreadableReport(f"this is {kind} (\"{name}\"), not a report")
    if len(text) < _MIN_TEXT:
        raise UnreadableReport(f"the page has almost no text ({len(text)} characters), not a report")
    return text + "\n"


def _page_titles(root) -> list[str]:
    """The page's <title> and first <h1>: where an error page says what it is."""
    found = []
    for path in ("//title", "//h1"):
        for node in root.xpath(path):
            text = " ".join(node.text_content().split())
            if text:
                found.append(text)
                break
    return found


def _folded_parts(title: str) -> set[str]:
    """"Page not found | Internet Governance Forum" -> {"page not found", ...}."""
    parts = re.split(r"\s+[|–—:-]\s+|\s*\|\s*", title.lower())
    return {re.sub(r"[^\w ]", "", p).strip() for p in parts if p.strip()}


def _strip_furniture(root) -> None:
    from lxml import etree

    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(node)
    total = len(root.text_content()) or 1
    doomed = []
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("html", "body"):
            continue
        if tag in _DROP_TAGS or _is_furniture(node, tag):
            doomed.append(node)
    for node in doomed:
        # Never throw away the report itself: the title, or most of the page.
        if node.tag not in _DROP_TAGS and (node.xpath(".//h1") or len(node.text_content()) > total / 2):
            continue
        _drop(node)


def _is_furniture(node, tag: str) -> bool:
    names = f"{node.get('class', '')} {node.get('id', '')}".split()
    if any(_FURNITURE_NAME.search(name) and not _NOT_FURNITURE.match(name) for name in names):
        return True
    if node.get("id", "").startswith(("wm-", "donato")):  # the Wayback Machine's toolbar
        return True
    role = node.get("role", "")
    if role in ("navigation", "contentinfo", "search", "banner", "complementary"):
        return True
    # Site headers hold the logo and menus; a header holding the page's
    # title ("page-header", "entry-header") is part of the report.
    if (tag == "header" or any(_HEADER_NAME.search(n) for n in names)) and not node.xpath(".//h1|.//h2"):
        return True
    if _HIDDEN.search(node.get("style", "")) or node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    if tag in ("div", "table", "section"):
        start = " ".join(node.text_content().split())[:40].lower()
        if start.startswith("a php error was encountered"):
            return True
    return False


def _drop(node) -> None:
    """Remove a node but keep the text that follows it (lxml keeps it in .tail)."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


class _Lines:
    """Lines being written: inline text goes on the current line; a block ends it."""

    def __init__(self):
        self.lines: list[str] = []
        self.current: list[str] = []

    def add(self, text: str) -> None:
        if text:
            self.current.append(text)

    def end(self, spaced: bool = False) -> None:
        line = " ".join("".join(self.current).split())
        self.current = []
        if line:
            self.lines.append(line)
        if spaced and self.lines and self.lines[-1] != "":
            self.lines.append("")


def _walk(node, out: _Lines) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag == "br":
        out.end()
    elif tag == "tr":
        _table_row(node, out)
    elif tag == "pre":
        out.end()
        for line in node.text_content().split("\n"):
            out.add(line.replace(" ", "\u00a0"))  # keep inner spacing through the collapse
            out.end()
        out.end(spaced=True)
    elif tag in _BLOCK:
        out.end()
        out.add(_text(node.text))
        for child in node:
            _walk(child, out)
            out.add(_text(child.tail))
        # A list inside a list item or a description is not a paragraph of its own.
        out.end(spaced=tag in _SPACED and not _nested(node))
    else:
        out.add(_text(node.text))
        for child in node:
            _walk(child, out)
            out.add(_text(child.tail))


def _nested(node) -> bool:
    return node.tag in ("ul", "ol", "dl", "p") and any(
        a.tag in ("li", "dd") for a in node.iterancestors())


def _text(text: str | None) -> str:
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ") if text else ""


def _table_row(row, out: _Lines) -> None:
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if any(c.xpath(".//*[self::p or self::div or self::table or self::ul or self::ol or self::dl "
                   "or self::h1 or self::h2 or self::h3 or self::h4]") for c in cells):
        out.end()  # a layout table: its cells are containers of blocks
        for cell in cells:
            _walk(cell, out)
        out.end()
        return
    texts = []
    for cell in cells:
        inner = _Lines()
        _walk(cell, inner)
        inner.end()
        texts.append((cell, "\n".join(line for line in inner.lines if line)))
    texts = [(c, t) for c, t in texts if t]
    out.end()
    if len(texts) == 2 and "\n" not in texts[0][1] and len(texts[0][1]) <= 80 and _is_label(*texts[0]):
        label, value = texts[0][1].rstrip(" :"), texts[1][1]
        if "\n" in value or len(value) > 200:
            out.lines.extend([label, value])
        else:
            out.lines.append(f"{label}: {value}")
    elif any("\n" in t for _, t in texts):
        out.lines.extend(t for _, t in texts)
    elif texts:
        out.lines.append(" | ".join(t for _, t in texts))


def _is_label(cell, text: str) -> bool:
    if cell.tag == "th" or text.rstrip().endswith(":"):
        return True
    strong = "".join(n.text_content() for n in cell.xpath(".//b|.//strong"))
    return " ".join(strong.split()) == text


def _clean(lines: list[str]) -> str:
    out: list[str] = []
    php_block = 0
    for line in lines:
        line = " ".join(line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
                        .replace("\u00ad", "").split()) if line else ""
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        if line.lower() == "a php error was encountered":
            php_block = 5  # its detail lines follow: Severity, Message, Filename, Line Number
            continue
        if php_block and (_PHP_DETAIL.match(line) or line.lower().startswith("severity")):
            php_block -= 1
            continue
        php_block = 0
        if len(line) < 300 and (any(p.search(line) for p in _FURNITURE_LINE) or _is_pager(line)
                                or (_COOKIE.search(line) and _COOKIE_TALK.search(line) and len(line) < 250
                                    and re.search(r"\b(?:we|this (?:web)?site|our)\b", line, re.I))):
            continue
        out.append(line)
    return "\n".join(out).strip()


def _is_pager(line: str) -> bool:
    """"<< Start < Prev 1 2 3 Next > End >>", "123/123", "Results 1 - 10 of 52"."""
    if not _PAGER_MARK.search(line) and not re.match(r"(?i)^results?\b", line):
        return False
    return not _PAGER_WORD.sub("", line).strip(" .,:")
