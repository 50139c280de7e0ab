"""Documents about several sessions: a programme listing, a list of
proposals, an organisation's page about the workshops it joined.

A kind's splitter finds the block of text each session occupies; every block
is then read by the labelled-form engine (``report.read_form``) on its own
sections and passages, so nothing read in one session leaks into another.
The first session fills the document's record; each further one is a record
of the same shape in ``record.other_sessions``.

Some layouts say things the engine's label tables cannot: who a sched.com
co-organiser line names, a sched person card, "Internet Society Panelist:
<Name>". ``LAYOUT_FIELDS`` read those sections into roles before the engine
runs, and the engine does not see them again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from ..fields import make_organisation, make_person, roles_in
from ..names import normalise_person_name, person_key
from ..organisations import is_stakeholder_group, looks_like_organisation
from ..records import Passage, Person, ReportRecord, RoleAssignment, Section, Span
from ..report import cut_document_passages, read_form
from ..titles import header_title
from ..sections import label_key, split_sections
from ..sessions import meeting_year, session_label
from ..text import strip_span
from .base import Cue
from .form import FormReader


@dataclass(frozen=True)
class Block:
    """The text of one session, and what its head line says that the
    engine would not read (a "No. 12 <Title>" entry, a sched title line)."""

    start: int
    end: int  # a head, before ``blocks_from_heads`` sets the end: the end of its head line
    title: Span | None = None
    number: Span | None = None


#: text -> the blocks of its sessions, in order; [] when it shows no blocks.
Splitter = Callable[[str], list[Block]]


class SessionsReader(FormReader):
    """A kind whose documents may hold several sessions. Below
    ``min_sessions`` blocks a text is not of this kind at all (one session
    on a page is not a listing)."""

    def __init__(self, kind: str, cues: tuple[Cue, ...], split: Splitter, min_sessions: int = 1,
                 form_weight: float = 0.5, block_weight: float = 0.0):
        super().__init__(kind, cues, form_weight)
        self.split = split
        self.min_sessions = min_sessions
        self.block_weight = block_weight  # what each further session counts, up to four

    def score(self, text: str) -> float:
        blocks = self.split(text)
        if (len(blocks) or 1) < self.min_sessions:  # no blocks: the whole text is one session
            return 0.0
        return super().score(text) + self.block_weight * min(max(len(blocks) - 1, 0), 4)

    def read(self, record: ReportRecord, running_text: bool = True) -> None:
        record.kind = self.kind
        record.is_report = True
        blocks = self.split(record.text) or [Block(0, len(record.text))]
        read_sessions(record, blocks, running_text)


def read_sessions(record: ReportRecord, blocks: list[Block], running_text: bool = True) -> None:
    """Fill ``record`` with the first block's session and ``other_sessions``
    with the rest. Text before the first block (page title, meeting line)
    belongs to no session but gives them all the meeting's year and place;
    text after the last (a page footer) belongs to none and stays searchable."""
    text = record.text
    preamble = split_sections(text, 0, blocks[0].start)
    per_block = [block_sections(text, b.start, b.end) for b in blocks]
    footer = [replace(s, key="body") for s in split_sections(text, blocks[-1].end, len(text))]
    # Sections of every block, so that no passage crosses two sessions.
    record.sections = preamble + [s for sections in per_block for s in sections] + footer
    cut_document_passages(record)
    context = _meeting_context(record, preamble)
    sessions = [record] + [_another_session(record) for _ in blocks[1:]]
    for session, block, sections in zip(sessions, blocks, per_block):
        passages = [p for p in record.passages if block.start <= p.start < block.end]
        _read_block(session, block, sections, context, passages, running_text)
    record.other_sessions = sessions[1:]


def block_sections(text: str, start: int, end: int) -> list[Section]:
    """The labelled sections of one block, with layout lines ("Internet
    Society Panelist: <Name>", "Co-organised by <Orgs>.") cut out as fields
    of their own. A block opens with its session's head, so its unlabelled
    opening is the header and any later unlabelled text is body."""
    sections, pos = [], start
    for cut in layout_lines(text, start, end):
        sections += split_sections(text, pos, cut.line_start)
        sections.append(cut.section)
        pos = cut.line_end
    sections += split_sections(text, pos, end)
    return [replace(s, key="header" if i == 0 else "body") if s.key in ("header", "body") else s
            for i, s in enumerate(sections)]


def _another_session(record: ReportRecord) -> ReportRecord:
    return ReportRecord(report_id=record.report_id, text=record.text, source_name=record.source_name,
                        encoding=record.encoding, is_report=True, kind=record.kind,
                        file_format=record.file_format)


def _meeting_context(record: ReportRecord, preamble: list[Section]) -> ReportRecord:
    """The meeting year and place the preamble names, read by the engine
    into a scratch record (labelled fields only)."""
    context = _another_session(record)
    if preamble:
        read_form(context, preamble, running_text=False, passages=[])
    return context


def _read_block(session: ReportRecord, block: Block, sections: list[Section], context: ReportRecord,
                passages: list[Passage], running_text: bool) -> None:
    text = session.text
    fields = []
    for section in sections:
        roles = layout_roles(text, section)
        if roles is None:
            fields.append(section)
        else:
            session.roles.extend(roles)
    # The engine fills only what is still empty: what the head line and the
    # preamble say comes first, the block's own meeting year before the page's.
    session.title = block.title or _field_line(text, sections, "title")
    session.number = block.number or _field_number(text, sections)
    session.meeting_year = meeting_year(text, block.start, block.end) or context.meeting_year
    session.city, session.country = context.city, context.country
    read_form(session, fields, running_text, passages)


def _field_line(text: str, sections: list[Section], key: str) -> Span | None:
    """The first line of the first non-empty ``key`` field."""
    section = next((s for s in sections if s.key == key and s.end > s.start), None)
    if section is None:
        return None
    line_end = text.find("\n", section.start, section.end)
    a, b = strip_span(text, section.start, section.end if line_end < 0 else line_end)
    return Span(text[a:b], a, b)


def _field_number(text: str, sections: list[Section]) -> Span | None:
    line = _field_line(text, sections, "number")
    found = re.search(r"\d{1,4}", line.value) if line else None
    return Span(found.group(0), line.start + found.start(), line.start + found.end()) if found else None


# --- head lines --------------------------------------------------------------

def title_line(text: str, start: int, end: int) -> Block:
    """A one-session block whose title and number sit on the line at
    ``start``: "WS173: <Title>", "<Title> (WS152)"."""
    line_end = text.find("\n", start, end)
    a, b = strip_span(text, start, end if line_end < 0 else line_end)
    label = session_label(text, a, b)
    return Block(start, end, header_title(text, a, b), label.number if label else None)


#: Lines that end a session's block: rules, a sched day heading, page furniture.
STOP_LINE = re.compile(
    r"^[ \t]*(?:[-=_*•·][ \t]*){5,}$"
    r"|^[ \t]*(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+\w+[ \t]+\d{1,2}(?:,?[ \t]+\d{4})?[ \t]*$"
    r"|^[ \t]*(?:timezone:|powered by sched|page \d+ of \d+)[^\n]*$", re.I | re.M)


_MEETING_PREFIX = re.compile(r"^(?:internet governance forum|igf)\s*\d{4}\s*[:\-–—]?\s*$", re.I)


def is_title_line(text: str, line: tuple[int, int] | None) -> bool:
    """A line naming a numbered session: "WS152: <Title>", "IGF 2016 WS 45 -
    <Title>", "<Title> (WS 45)"; not a sentence that starts with one."""
    if line is None or line[1] - line[0] > 200 or text[line[0]:line[1]].rstrip().endswith("."):
        return False
    label = session_label(text, *line)
    if label is None:
        return False
    before, after = text[line[0]:label.start].strip(), text[label.end:line[1]].strip()
    if not before or _MEETING_PREFIX.match(before):
        return after[:1] in (":", "-", "–", "—") and len(after) > 3
    return after in ("", ")") and before.endswith("(")


def titled_blocks(text: str) -> list[Block]:
    """One block per title line naming a numbered session."""
    heads = [title_line(text, a, b) for a, b in line_spans(text) if is_title_line(text, (a, b))]
    return blocks_from_heads(text, heads)


def ruled_blocks(text: str) -> list[Block]:
    """Parts of a page between rules that name people in session roles,
    when there are two or more (workshops without numbered titles)."""
    cuts = [m.start() for m in STOP_LINE.finditer(text)]
    parts = zip([0] + [_line_end(text, c) for c in cuts], cuts + [len(text)])
    blocks = [Block(*strip_span(text, a, b)) for a, b in parts if _names_roles(text, a, b)]
    return blocks if len(blocks) >= 2 else []


def _names_roles(text: str, start: int, end: int) -> bool:
    return any(s.key in _ROLE_FIELDS for s in block_sections(text, start, end))


_ROLE_FIELDS = ("organizer", "moderator", "remote_moderator", "panellists", "reporters")


def line_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def blocks_from_heads(text: str, heads: list[Block], end: int | None = None) -> list[Block]:
    """Each head's block runs to the next head (the last one to ``end``),
    or to a stop line before it."""
    end = len(text) if end is None else end
    nexts = [h.start for h in heads[1:]] + [end]
    blocks = []
    for head, stop in zip(heads, nexts):
        found = STOP_LINE.search(text, _line_end(text, head.end), stop)
        blocks.append(replace(head, end=found.start() if found else stop))
    return blocks


def _line_end(text: str, pos: int) -> int:
    found = text.find("\n", pos)
    return len(text) if found < 0 else found


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def neighbour_line(text: str, pos: int, step: int) -> tuple[int, int] | None:
    """The nearest non-blank line before (step -1) or after (step 1) the
    line holding ``pos``, as (start, end)."""
    start = line_start(text, pos)
    while True:
        if step < 0:
            if start == 0:
                return None
            end = start - 1
            start = line_start(text, end)
        else:
            start = text.find("\n", start)
            if start < 0:
                return None
            start += 1
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
        if text[start:end].strip():
            return start, end


# --- layout fields -----------------------------------------------------------

# "Ms, Adaeze, NWOSU, Civil Society, Lagos Digital Rights Hub" (sched.com co-organisers)
_HONORIFIC = r"(?:mr|mrs|ms|miss|mx|dr|prof|h\.?\s?e)\.?"
_COMMA_LINE = re.compile(rf"^[ \t]*{_HONORIFIC}[ \t]*,[ \t]*(?P<given>[^,\n]+?)[ \t]*,[ \t]*(?P<surname>[^,\n]+?)"
                         r"(?P<rest>(?:[ \t]*,[^,\n]*)*)[ \t]*$", re.I | re.M)
# sched.com person cards: "YW" initials or "avatar for <Name>", name, company, position
_CARD_MARK = re.compile(r"^[ \t]*(?:[A-Z]{1,3}|avatar for .+)[ \t]*$", re.M)
_CARD_ROLES = {"moderator": "moderator", "panellists": "panellist"}


def layout_roles(text: str, section: Section) -> list[RoleAssignment] | None:
    """Roles from a section in a layout the engine does not read, or None
    when the section is an ordinary labelled field."""
    for read in LAYOUT_FIELDS:
        roles = read(text, section)
        if roles is not None:
            return roles
    return None


def comma_lines(text: str, section: Section) -> list[RoleAssignment] | None:
    """An organiser field whose every line is "Honorific, Given, SURNAME,
    <group or organisation>...": one organiser per line."""
    if section.key != "organizer":
        return None
    lines = [m for m in re.finditer(r"[^\n]+", text[section.start:section.end]) if m.group(0).strip()]
    matches = [_COMMA_LINE.match(text, section.start + m.start(), section.start + m.end()) for m in lines]
    if not matches or not all(matches):
        return None
    return [_comma_line_role(text, m) for m in matches]


def _comma_line_role(text: str, match: re.Match) -> RoleAssignment:
    a, b = match.start("given"), match.end("surname")
    raw = f"{match.group('given')} {match.group('surname')}"
    name = normalise_person_name(raw, text)
    person = Person(name, Span(text[a:b], a, b), person_key(name))
    organisation = group = None
    pos = match.start("rest")
    for part in re.finditer(r"[^,]+", match.group("rest")):
        x, y = strip_span(text, pos + part.start(), pos + part.end())
        if y <= x:
            continue
        if is_stakeholder_group(text[x:y]):
            group = group or Span(text[x:y], x, y)
        elif organisation is None:
            organisation = make_organisation(text, x, y)
    return RoleAssignment("organizer", person=person, affiliation=organisation, stakeholder_group=group)


def person_cards(text: str, section: Section) -> list[RoleAssignment] | None:
    """A sched.com "Moderators" / "Speakers" heading over person cards:
    a mark line (initials or "avatar for <Name>"), the name, the company."""
    role = _CARD_ROLES.get(section.key)
    inline = text[line_start(text, section.start):section.start].strip()
    if role is None or inline or not _CARD_MARK.match(text, section.start):
        return None
    roles = []
    for card in re.finditer(r"(?:[^\n]*\S[^\n]*\n?)+", text[section.start:section.end]):
        lines = _lines(text, section.start + card.start(), section.start + card.end())
        if len(lines) >= 2 and _CARD_MARK.fullmatch(text, *lines[0]):
            roles.append(_card_role(text, lines[1:], role))
    return roles


def _card_role(text: str, lines: list[tuple[int, int]], role: str) -> RoleAssignment:
    person = make_person(text, *lines[0])
    affiliation = make_organisation(text, *lines[1]) if len(lines) > 1 else None
    return RoleAssignment(role, person=person, affiliation=affiliation)


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = [strip_span(text, start + m.start(), start + m.end())
             for m in re.finditer(r"[^\n]+", text[start:end])]
    return [(a, b) for a, b in spans if b > a]


# "Internet Society Panelist: Jane Doe", "APC Moderator: John Roe"
_ROLE_WORDS = {"panelist": "panellist", "panellist": "panellist", "speaker": "panellist",
               "discussant": "panellist", "moderator": "moderator", "remote moderator": "remote_moderator",
               "online moderator": "remote_moderator", "rapporteur": "reporter", "organizer": "organizer",
               "organiser": "organizer"}
_ROLE_KEYS = {"panellist": "panellists", "moderator": "moderator", "remote_moderator": "remote_moderator",
              "reporter": "reporters", "organizer": "organizer"}
ROLE_LINE = re.compile(
    r"^[ \t]*(?P<label>(?P<org>[A-Z][^:\n]{1,80}?)[ \t]+(?P<role>"
    + "|".join(sorted(_ROLE_WORDS, key=len, reverse=True))
    + r")s?)[ \t]*:[ \t]*(?P<names>\S[^\n]*?)[ \t]*$", re.I | re.M)
# "Co-organised by the Internet Society and Wikimedia México." (an announcement's co-hosts)
HOSTS_LINE = re.compile(r"^[ \t]*(?P<label>(?:co-?)?(?:organi[sz]ed|hosted)[ \t]+by)[ \t]+(?P<names>[^\n]+?)[ \t.]*$",
                        re.I | re.M)


@dataclass(frozen=True)
class _Cut:
    section: Section
    line_start: int
    line_end: int


def layout_lines(text: str, start: int, end: int) -> list[_Cut]:
    """Lines that are fields in a layout the label tables cannot hold."""
    cuts = [_Cut(Section("organizer_entity", m.group("label"), m.start("names"), m.end("names")), m.start(), m.end())
            for m in HOSTS_LINE.finditer(text, start, end)]
    for m in ROLE_LINE.finditer(text, start, end):
        # "Remote Moderator:" is a label; "Session Moderator:" names no organisation.
        if label_key(m.group("label")) is None and looks_like_organisation(m.group("org")):
            key = _ROLE_KEYS[_ROLE_WORDS[m.group("role").lower()]]
            cuts.append(_Cut(Section(key, m.group("label"), m.start("names"), m.end("names")), m.start(), m.end()))
    return sorted(cuts, key=lambda c: c.line_start)


def role_line(text: str, section: Section) -> list[RoleAssignment] | None:
    """A field labelled "<Organisation> <Role>" (cut out by ``layout_lines``):
    its people hold the role on behalf of that organisation, whatever job
    title follows their name."""
    match = ROLE_LINE.match(text, line_start(text, section.start), section.end)
    if match is None or match.start("names") != section.start or label_key(section.label) is not None:
        return None
    org = make_organisation(text, match.start("org"), match.end("org"))
    role = _ROLE_WORDS[match.group("role").lower()]
    return [replace(r, affiliation=org) if r.person else r for r in roles_in(text, section.start, section.end, role)]


LAYOUT_FIELDS = (comma_lines, person_cards, role_line)
