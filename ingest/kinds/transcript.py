"""Captioned real-time transcripts (2006–2025): a header block naming the
meeting and the session, a captioning disclaimer, then turns — a label
">> NAME:" and the words up to the next label.

The header gives the session (meeting year, date, kind, number, title).
Every turn is a section of its own, so passages never cross turns, and an
utterance; ``speakers`` says who spoke each turn and in which role.
"""
from __future__ import annotations

import re

from ..dates import find_date
from ..fields import make_organisation, roles_in
from ..organisations import gazetteer
from ..principles import goals_in, principles_in
from ..records import Organisation, ReportRecord, RoleAssignment, Section, Span
from ..report import cut_document_passages
from ..titles import header_title
from ..sections import label_key, split_sections
from ..sessions import MEETING_YEAR, meeting_year, session_kind, session_label
from ..speakers import LABEL_AFFILIATION, Turn, places, read_speakers, role_words
from ..text import fold, strip_span
from .base import KindReader

#: Fewer turn labels than this are quotations (a summary quoting a speaker), not a transcript.
MIN_LABELS = 3
LABEL_WEIGHT = 0.3
MOST_FOR_LABELS = 4.0
NOTICE_WEIGHT = 1.0

_TURN_MARK = re.compile(r"^[ \t]*>>[ \t]*", re.M)
# The label: up to a colon on the ">>" line (not a URL's "://").
_LABEL = re.compile(r"(?P<label>[^:\n]{1,80}?)[ \t]*:(?!//)")
_LABEL_WORD = re.compile(r"[^\W\d_][\w.'’\-]*|\d{1,2}|#\d{1,2}|&")
_PARTICLES = {"de", "da", "do", "dos", "del", "della", "di", "du", "van", "von", "der", "den", "la",
              "le", "bin", "al", "el", "y"}
# "(Applause)", "[Laughter]", "***", "*  *  *", "-----": not speech.
_STAGE = r"[(\[][^()\[\]\n]{1,80}[)\]]"
_SEPARATOR = r"(?:\*[ \t]*){2,}|[-=_~#]{3,}"
_NOT_SPEECH_LINE = re.compile(rf"[ \t]*(?:(?:{_STAGE}|{_SEPARATOR})[ \t]*)*$")
_LEADING_NOISE = re.compile(rf"(?:\s|{_STAGE}|{_SEPARATOR})+")
_TRAILING_NOISE = re.compile(rf"(?:\s|{_STAGE}|{_SEPARATOR})+\Z")

# The captioning disclaimer ("This is the output of the real-time captioning
# taken during ...", the CART notice, and their many rewordings): words that
# say what the text is, and words that warn about it.
_NOTICE_TEXT = re.compile(r"caption\w*|transcri\w*|rough draft|raw (?:text|file|output)|output of|real[- ]?time|"
                          r"\bCART\b|communication access|live (?:text|output)", re.I)
_NOTICE_CAVEAT = re.compile(
    r"authoritative|official record|verbatim|(?:in)?accura\w+|inaudible|mis-?heard|not be heard|errors?\b|"
    r"omissions?|wrongly|incomplete|missing|left out|not (?:been )?corrected|aid to understanding|"
    r"help\w* (?:\w+ )?(?:to )?follow|accessibility|may (?:not be|contain|have been)", re.I)
#: Different notice words a paragraph needs, at least one of each kind.
MIN_NOTICE_CUES = 3

# Header lines that are page furniture, never a title: the captioner's
# file marks, times, rooms, days, addresses.
_FURNITURE = re.compile(
    r"internet\s+governance\s+forum|\bigf\b|\b(?:of|the|and|in|at|on)\b|\bannual\s+meeting\b|\bforum\b|"
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)\b|"
    r"\brough(?:ly)?\b|\bedited\b|\bunedited\b|\bfinished\b|\braw\b|\bfile\b|\bcopy\b|\btranscripts?\b|"
    r"\breal[- ]?time\b|\bcaption\w*|\bcart\b|\bservices?\s+provided\s+by\b|\binc\b|"
    r"\bwww\.\S+|https?://\S+|\S+@\S+|\+?\d[\d\s().-]{6,}\d|"
    r"\bday\s+\d+|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\d{1,2}[:.h]\d{2}|\b[ap]\.?\s?m\b\.?|"
    r"\b(?:utc|cet|cest|gmt|eat|wib|local time|time|date|venue|location)\b|"
    r"\b(?:room|hall|salle|sala)\b[^\n]*|\bp\.?\s?o\.?\s+box\b|\bonline\b|\bvirtual\b|\bplenary\b|\bsession\b", re.I)
_CAPTIONER = re.compile(r"services?\s+provided\s+by|caption\s*first|captioning\s+(?:by|provided)", re.I)
# "Workshop Room 4", "Main Hall", "Conference Room B" after a title.
_ROOM = re.compile(r"\s*[-–—,|(]?\s*(?:\b(?:workshop|conference|meeting|main|plenary|breakout|press)\s+)?"
                   r"\b(?:room|hall|salle|sala)\b.*$", re.I)
_SEPARATORS = " \t:.-–—#|,"
# The meeting's dates, not a session's: "27 -30 SEPTEMBER 2011", "November 10-13".
_RANGE_BEFORE = re.compile(r"\d\s*(?:st|nd|rd|th)?\s*(?:[-–—]|to|and)\s*$", re.I)
_RANGE_AFTER = re.compile(r"\s*(?:[-–—]|to)\s*\d{1,2}(?![\d:.h])", re.I)  # not "- 11:00AM"
_HEADER_ROLES = {"moderator": "moderator", "remote_moderator": "remote_moderator", "panellists": "panellist",
                 "reporters": "reporter"}


class TranscriptReader(KindReader):
    kind = "transcript"

    def score(self, text: str) -> float:
        labels = sum(1 for mark in _TURN_MARK.finditer(text) if _label_at(text, mark.end()))
        if labels < MIN_LABELS:
            return 0.0
        return min(MOST_FOR_LABELS, 1.0 + LABEL_WEIGHT * labels) + (NOTICE_WEIGHT if has_notice(text) else 0.0)

    def read(self, record: ReportRecord, running_text: bool = True) -> None:
        text = record.text
        notices = notice_spans(text)
        turns = find_turns(text, notices)
        if not any(turn.label for turn in turns):
            return  # no speaker labels: not a transcript
        record.kind = self.kind
        record.is_report = True
        header = header_ranges(text, turns[0].marker, notices)
        read_header(record, header, notices)
        record.sections = [Section("header", "", a, b) for a, b in header] + [
            Section("turn", turn.label.value if turn.label else "", turn.start, turn.end) for turn in turns]
        cut_document_passages(record)
        record.utterances, record.roles = read_speakers(text, turns, header_roles(text, header))
        if running_text:
            record.principles = principles_in(text, record.passages)
            record.goals = goals_in(text, record.passages)
            record.organisations_mentioned = organisations_named(text, turns)


# -- turns ------------------------------------------------------------------------


def _label_at(text: str, pos: int) -> Span | None:
    """The speaker label starting at pos, if what stands before a colon there
    reads as one: a name or role in capitals ("ANA PEREZ", "FEMALE SPEAKER",
    "JANE DOE, ACME FOUNDATION") or a short capitalised name ("Ana Pérez")."""
    match = _LABEL.match(text, pos)
    if match is None:
        return None
    value = match.group("label").strip()
    head = LABEL_AFFILIATION.split(value, maxsplit=1)[0]
    words = head.split()
    if not words or len(words) > 7 or any(not _LABEL_WORD.fullmatch(w) for w in words):
        return None
    letters = [ch for ch in head if ch.isalpha()]
    capitals = all(ch.isupper() for ch in letters)
    capitalised = len(words) <= 5 and all(w[0].isupper() or w in _PARTICLES for w in words)
    if len(letters) < 2 or not (capitals or capitalised):
        return None
    start = match.start("label")
    return Span(value, start, start + len(value))


def find_turns(text: str, notices: list[tuple[int, int]]) -> list[Turn]:
    """Every turn, in order. A ">>" line that holds only a stage direction
    ends the turn before it and starts none; a turn left with no words is no turn."""
    marks = []  # (where the ">>" line starts, label, where the words start; None: a stage direction)
    for mark in _TURN_MARK.finditer(text):
        line_end = _line_end(text, mark.end())
        if mark.end() < line_end and _NOT_SPEECH_LINE.fullmatch(text, mark.end(), line_end):
            marks.append((mark.start(), None, None))
            continue
        label = _label_at(text, mark.end())
        marks.append((mark.start(), label, _colon_end(text, label) if label else mark.end()))
    turns = []
    for i, (marker, label, words) in enumerate(marks):
        if words is None:
            continue
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        stop = min([a for a, _b in notices if words <= a < stop] + [stop])  # a notice ends speech
        start, end = speech_span(text, words, stop)
        if end > start:
            turns.append(Turn(marker, label, start, end))
    return turns


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _colon_end(text: str, label: Span) -> int:
    return text.index(":", label.end) + 1


def speech_span(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without the stage directions, separators and blank
    space at its edges."""
    lead = _LEADING_NOISE.match(text, start, end)
    if lead:
        start = lead.end()
    tail_from = max(start, end - 400)  # noise at the end is short; no need to scan the turn
    trail = _TRAILING_NOISE.search(text[tail_from:end])
    if trail:
        end = tail_from + trail.start()
    return strip_span(text, start, end)


# -- the captioning disclaimer ------------------------------------------------------


def has_notice(text: str) -> bool:
    return bool(notice_spans(text))


def notice_spans(text: str) -> list[tuple[int, int]]:
    """The disclaimer paragraphs: from the first to the last line of a
    paragraph that carries its words, on to the end of that sentence. A
    turn's line (">> ...") is never part of one."""
    spans = []
    for para in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        lines = [(para.start() + m.start(), para.start() + m.end()) for m in re.finditer(r"[^\n]+", para.group(0))
                 if not _TURN_MARK.match(m.group(0))]
        cues = [i for i, (a, b) in enumerate(lines) if _notice_words(text, a, b)]
        if not cues or not _is_notice(set().union(*(_notice_words(text, *lines[i]) for i in cues))):
            continue
        first, last = cues[0], cues[-1]
        while last + 1 < len(lines) and lines[last + 1][0] == lines[last][1] + 1 \
                and not text[lines[last][0]:lines[last][1]].rstrip().endswith((".", "!", "?")):
            last += 1  # the notice's last sentence runs on
        spans.append((lines[first][0], lines[last][1]))
    return spans


def _notice_words(text: str, start: int, end: int) -> set[tuple[str, str]]:
    return {(kind, fold(m.group(0))) for kind, pattern in (("text", _NOTICE_TEXT), ("caveat", _NOTICE_CAVEAT))
            for m in pattern.finditer(text, start, end)}


def _is_notice(words: set[tuple[str, str]]) -> bool:
    kinds = {kind for kind, _word in words}
    return len(words) >= MIN_NOTICE_CUES and kinds == {"text", "caveat"}


# -- the header ---------------------------------------------------------------------


def header_ranges(text: str, end: int, notices: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Text before the first turn, without the disclaimer: one range or two."""
    ranges, pos = [], 0
    for a, b in sorted(notices):
        if a >= end:
            break
        ranges.append((pos, a))
        pos = max(pos, b)
    ranges.append((pos, end))
    spans = (strip_span(text, a, min(b, end)) for a, b in ranges)
    return [(a, b) for a, b in spans if re.search(r"\w", text[a:b])]  # not a bare "*  *  *"


def header_lines(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The header's lines, without the captioning company's block
    ("Services Provided By: ... P.O. Box ...")."""
    lines = []
    for a, b in ranges:
        for para in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text[a:b]):
            if _CAPTIONER.search(para.group(0)):
                continue
            for line in re.finditer(r"[^\n]+", para.group(0)):
                span = strip_span(text, a + para.start() + line.start(), a + para.start() + line.end())
                if span[1] > span[0]:
                    lines.append(span)
    return lines


def read_header(record: ReportRecord, ranges: list[tuple[int, int]], notices: list[tuple[int, int]]) -> None:
    """Meeting year, date, session kind, number and title from the header."""
    text = record.text
    lines = header_lines(text, ranges)
    record.meeting_year = _first(meeting_year(text, a, b) for a, b in ranges) or \
        _first(meeting_year(text, a, b) for a, b in notices)
    label = _first(session_label(text, a, b) for a, b in ranges)
    if label:
        record.number = label.number
    record.session_kind = _first(session_kind(text, a, b, default="") for a, b in ranges) or record.session_kind
    year = int(record.meeting_year.value) if record.meeting_year else None
    record.date = _first(_session_date(text, a, b, year) for a, b in lines)
    if record.meeting_year is None and record.date:
        value, span = record.date
        record.meeting_year = Span(str(value.year), span.start, span.end)
    record.title = header_title_of_transcript(text, lines)


def _first(values):
    return next((v for v in values if v), None)


def _session_date(text: str, start: int, end: int, year: int | None):
    """A date on a header line, unless it is the meeting's range of days."""
    found = find_date(text[start:end], year)
    if found is None:
        return None
    value, a, b = found
    if _RANGE_BEFORE.search(text[start:start + a]) or _RANGE_AFTER.match(text, start + b):
        return None
    return value, Span(text[start + a:start + b], start + a, start + b)


def header_title_of_transcript(text: str, lines: list[tuple[int, int]]) -> Span | None:
    """The words after the session label ("WS299 <Title>", "AD 67: <Title>"),
    else the first header line that is neither furniture nor a field; a room
    at the end ("Workshop Room 4") is not part of it."""
    for a, b in lines:
        label = session_label(text, a, b)
        title = label and (_trimmed_title(text, label.end, b) or _trimmed_title(text, a, label.start))
        if title:
            return title
    for a, b in lines:
        if _is_furniture(text[a:b]) or _is_field(text[a:b]):
            continue
        found = header_title(text, a, b)
        title = _trimmed_title(text, found.start, found.end) if found else None
        if title:
            return title
    return None


def _trimmed_title(text: str, start: int, end: int) -> Span | None:
    room = _ROOM.search(text, start, end)
    end = room.start() if room else end
    while start < end and text[start] in _SEPARATORS:
        start += 1
    while end > start and text[end - 1] in _SEPARATORS:
        end -= 1
    if _is_furniture(text[start:end]):
        return None
    return Span(text[start:end], start, end)


def _is_furniture(line: str) -> bool:
    """Nothing but meeting names, places, dates, times, rooms and the
    captioner's marks: fewer than three letters are left without them."""
    rest = MEETING_YEAR.sub("", line)
    while (found := find_date(rest)) is not None:
        rest = rest[:found[1]] + rest[found[2]:]
    rest = _FURNITURE.sub("", rest)
    # "NAIROBI, KENYA", "Berlin - Germany": places in a list.
    rest = " ".join(part for part in re.split(r"[,;|/\-–—]", rest) if fold(part) not in places())
    return len(re.sub(r"[\W\d_]+", "", rest)) < 3


def _is_field(line: str) -> bool:
    """"Moderator: Ana Pérez", "Speakers: ...": a labelled field, not a title."""
    head, colon, _rest = line.partition(":")
    return bool(colon) and (label_key(head, exact_only=True) is not None or role_words(head) not in (False, None))


def header_roles(text: str, ranges: list[tuple[int, int]]) -> list[RoleAssignment]:
    """People the header lists as moderator or panellists."""
    found = []
    for a, b in ranges:
        for section in split_sections(text, a, b):
            role = _HEADER_ROLES.get(section.key)
            if role and section.end > section.start:
                found.extend(roles_in(text, section.start, section.end, role))
    return found


def organisations_named(text: str, turns: list[Turn]) -> list[Organisation]:
    """Known organisations the speakers name, one per mention."""
    return [make_organisation(text, hit.start, hit.end)
            for turn in turns for hit in gazetteer().matcher().find(text, turn.start, turn.end)]


TRANSCRIPT = TranscriptReader()
