"""Documents that list sessions one after another.

- Programme listings (sched.com pages, 2016–2018): each session under a time
  line "<Weekday>, <Month> <day> • 16:40 - 18:10", titled "WS173: <Title>"
  or "<Title> (WS152)". Kind ``listing``, only with two sessions or more: a
  single sched entry is a proposal.
- Proposal lists: the 2013 accepted list ("No. <N> <Title>" entries), the
  2008 and 2011 lists ("Organization:" / "Workshop Number:" then "Title:"),
  and single proposals, which are a list of one. Kind ``proposal``.
"""
from __future__ import annotations

import re

from ..records import Span
from ..sections import label_key
from ..text import strip_span
from . import form
from .base import cue
from .blocks import (Block, SessionsReader, blocks_from_heads, is_title_line, line_spans, line_start, neighbour_line,
                     title_line)

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TIME = r"\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?)?"
#: "Wednesday, December 20 • 16:40 - 18:10" (sched.com's time line)
TIME_LINE = re.compile(rf"^[ \t]*(?:{_WEEKDAY},?[ \t]+)?(?:{_MONTH}[ \t]+\d{{1,2}}|\d{{1,2}}[ \t]+{_MONTH})"
                       rf"(?:,?[ \t]+\d{{4}})?[ \t]*[•·][ \t]*{_TIME}[ \t]*[-–][ \t]*{_TIME}[^\n]*$", re.I | re.M)
#: "No. 12 <Title>" (the 2013 accepted list)
_NUMBERED_ENTRY = re.compile(r"^[ \t]*No\.?[ \t]*(\d{1,4})[ \t]+(\S[^\n]*)$", re.M)
#: Fields a list entry prints before its "Title:".
_TITLE_LEADS = ("organizer_entity", "number")


def sched_blocks(text: str) -> list[Block]:
    """One block per sched.com time line. The title is the line just above
    the time (an entry's page) or just below it (a listing); which one is
    settled once, on the first time line."""
    times = [m.start() for m in TIME_LINE.finditer(text)]
    if not times:
        return []
    title_above = is_title_line(text, neighbour_line(text, times[0], -1)) and \
        not is_title_line(text, neighbour_line(text, times[0], 1))
    heads = [_sched_head(text, pos, title_above) for pos in times]
    return blocks_from_heads(text, [h for h in heads if h is not None])


def _sched_head(text: str, time: int, title_above: bool) -> Block | None:
    line = neighbour_line(text, time, -1 if title_above else 1)
    if line is None:
        return None
    head = title_line(text, line[0], line[1])
    # Below the time, the block starts at the time line; above, at the title.
    return Block(line[0] if title_above else time, line[1], head.title, head.number)


def numbered_entries(text: str) -> list[Block]:
    """"No. 12 <Title>" lines, each opening an entry."""
    heads = []
    for m in _NUMBERED_ENTRY.finditer(text):
        a, b = strip_span(text, m.start(2), m.end(2))
        heads.append(Block(line_start(text, m.start()), b, Span(text[a:b], a, b),
                           Span(m.group(1), m.start(1), m.end(1))))
    return blocks_from_heads(text, heads)


def titled_entries(text: str) -> list[Block]:
    """Entries with a "Title:" field. A list prints each entry's organisation
    or number just before its title, and the entry opens there; a single
    form's "6. Title" in mid-form opens nothing (the whole form is one)."""
    labels = [(key, a) for a, b in line_spans(text) if (key := label_key(_label_part(text, a, b)))]
    # A title printed twice ("Title:" right after "Title:") is one entry's.
    titles = [i for i, (key, _pos) in enumerate(labels) if key == "title" and (i == 0 or labels[i - 1][0] != key)]
    leads = [labels[i - 1][1] for i in titles if i and labels[i - 1][0] in _TITLE_LEADS]
    if titles and len(leads) == len(titles):
        starts = leads
    elif len(titles) >= 2:
        starts = [labels[i][1] for i in titles]
    else:
        return []
    return blocks_from_heads(text, [Block(pos, pos) for pos in starts])


def _label_part(text: str, a: int, b: int) -> str:
    """A line's label: all of it, or what stands before a colon."""
    line = text[a:b]
    head, colon, _ = line.partition(":")
    return head if colon and label_key(head, exact_only=True) else line


def proposal_entries(text: str) -> list[Block]:
    """The sessions of a proposal list, or of a single sched.com entry."""
    for split in (numbered_entries, titled_entries, sched_blocks):
        blocks = split(text)
        if blocks:
            return blocks
    return []


LISTING = SessionsReader("listing", (
    cue(TIME_LINE.pattern, 0.5, most=3),
    cue(r"^\s*(?:session format|speakers?|moderators?)\s*:", 0.2, most=2),
), sched_blocks, min_sessions=2, form_weight=0.0, block_weight=1.0)

PROPOSAL = SessionsReader("proposal", form.PROPOSAL.cues, proposal_entries)
