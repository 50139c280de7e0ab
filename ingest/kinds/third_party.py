"""An organisation's own page about IGF sessions it ran or joined: "When:",
"Where:", one or several workshops each titled "<Title> (WS 45)", role lines
"Internet Society Panelist: <Name>", announcements naming co-hosts, rooms
and times ("October 31 st, from 11:30 am till 1:00 pm"), or a report one
organiser wrote with its own headings ("INTRODUCTION", "The organizers").

Each workshop is a block read by the labelled-form engine: under a title
with its number, or between rules; a page with neither is one session.
"""
from __future__ import annotations

import re

from .base import cue
from .blocks import Block, SessionsReader, layout_lines, ruled_blocks, titled_blocks

#: What each "<Organisation> <Role>:" line counts, up to three lines.
ROLE_LINE_WEIGHT = 0.4


class ThirdPartyReader(SessionsReader):
    def score(self, text: str) -> float:
        # Role lines prefixed by the page's organisation are this kind's mark.
        role_lines = sum(1 for cut in layout_lines(text, 0, len(text)) if cut.section.key != "organizer_entity")
        return super().score(text) + ROLE_LINE_WEIGHT * min(role_lines, 3)


def workshops(text: str) -> list[Block]:
    """Workshops titled with their numbers, else parts between rules that
    name people in roles; none: the page is one session."""
    return titled_blocks(text) or ruled_blocks(text)


THIRD_PARTY = ThirdPartyReader("third_party", (
    cue(r"^\s*when\s*:", 0.3),
    cue(r"^\s*where\s*:", 0.3),
    cue(r"^\s*(?:workshop|session) purpose\s*:", 0.4),
    cue(r"^\s*(?:co-?)?(?:organi[sz]ed|hosted) by\b", 0.3),
    cue(r"\bfrom \d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?\s+(?:till|until|to)\s+\d", 0.4),
    cue(r"\S\s+@\s+IGF\b", 0.3),
    cue(r"^\s*INTRODUCTION\s*$", 0.3, flags=re.M),  # in capitals: a heading, not a word
    cue(r"^\s*the organi[sz]ers\s*:?\s*$", 0.4),
), workshops)
