"""From report text to a ReportRecord: the one entry point of ingest.

Pure: text in, record out. Nothing here touches the store.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .dates import find_date
from .fields import organisations_in, roles_in
from .language import reliable_language
from .meetings import meeting_place
from .passages import cut_passages
from .records import Organisation, ReportRecord, RoleAssignment, Section, Span
from .sections import split_sections
from .statistics import parse_figures, quality_notes
from .text import fold, strip_span

_WORKSHOP_NUMBER = re.compile(
    r"\b(?:workshop|ws|atelier|taller|session)\s*(?:#|no\.?|n[°º]|number|num\.?|nr\.?)?\s*(\d{1,4})\b", re.I)
_MEETING_YEAR = re.compile(
    r"\b(?:internet governance forum|igf|fgi|forum sur la gouvernance de l'internet|"
    r"foro de gobernanza de internet)\s*[-–]?\s*((?:19|20)\d{2})\b", re.I)
_TITLE_PREFIX = re.compile(_WORKSHOP_NUMBER.pattern + r"\s*[:.\-–—]\s*", re.I)
_IGF_MENTION = re.compile(r"\b(?:internet governance forum|IGF)\b", re.I)
_PLACE = re.compile(r"(?:\b(?:in|à|en)|(?i:forum|igf)[ \t]+\d{4}[ \t]*[,\-–])[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3})[ \t]*,[ \t]*"
                    r"([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2})")
_CITY_ONLY = re.compile(r"(?i:forum|igf)[ \t]+\d{4}[ \t]*[,\-–][ \t]*([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3})[ \t]*$",
                        re.M)
_NO = re.compile(r"^(?:no|non|none|not at all|n\s*/\s*a|it was not (?:discussed|mentioned)|"
                 r"not discussed|pas du tout|nada|ninguna)\b", re.I)
_YES = re.compile(r"^(?:yes|oui|si|sí)\b", re.I)

ROLE_SECTIONS = {
    "organizer": "organizer", "moderator": "moderator", "remote_moderator": "remote_moderator",
    "panellists": "panellist", "reporters": "reporter",
}
#: Distinct labelled sections needed before a text counts as a report.
MIN_REPORT_SECTIONS = 3


def parse_report(text: str, report_id: str, source_name: str = "", encoding: str = "utf-8",
                 warnings: tuple[str, ...] = ()) -> ReportRecord:
    sections = split_sections(text)
    labelled = {s.key for s in sections if s.key not in ("header", "body")}
    header = _first(sections, "header")
    header_igf = bool(header and _IGF_MENTION.search(text[header.start:header.end]))
    is_report = len(labelled) >= MIN_REPORT_SECTIONS or (header_igf and len(labelled) >= 1)

    record = ReportRecord(report_id=report_id, text=text, source_name=source_name,
                          encoding=encoding, is_report=is_report, warnings=list(warnings))
    if not is_report:
        start, end = strip_span(text, 0, len(text))
        sections = [Section("body", "", start, end)]
        record.warnings.append("not recognised as an IGF workshop report; kept as a plain "
                               "document (its passages are searchable, no workshop facts were read)")
    record.sections = sections
    form_lang = reliable_language(" ".join(s.label for s in sections if s.label) * 3, "en") \
        if is_report else reliable_language(text[:5000], "en")
    record.passages = cut_passages(text, sections, form_lang)
    if is_report:
        _read_header(record, header)
        _read_fields(record)
    return record


def _read_header(record: ReportRecord, header: Section | None) -> None:
    text = record.text
    start, end = (header.start, header.end) if header else (0, 0)
    match = _MEETING_YEAR.search(text, start, end) or _MEETING_YEAR.search(text)
    if match:
        record.meeting_year = Span(match.group(1), match.start(1), match.end(1))
    match = _WORKSHOP_NUMBER.search(text, start, end)
    if match:
        record.number = Span(match.group(1), match.start(1), match.end(1))
    default_year = int(record.meeting_year.value) if record.meeting_year else None
    found = find_date(text[start:end], default_year)
    if found:
        value, a, b = found
        record.date = (value, Span(text[start + a:start + b], start + a, start + b))
        if record.meeting_year is None:
            record.meeting_year = Span(str(value.year), start + a, start + b)
    match = _PLACE.search(text, start, end) if header else None
    if match:
        record.city = Span(match.group(1), match.start(1), match.end(1))
        record.country = Span(match.group(2), match.start(2), match.end(2))
    elif header and (match := _CITY_ONLY.search(text, start, end)):
        record.city = Span(match.group(1), match.start(1), match.end(1))
    record.title = _title(text, start, end)


def _title(text: str, start: int, end: int) -> Span | None:
    """The first header line that is not only a date, a meeting or a number."""
    pos = start
    for line in text[start:end].split("\n"):
        a, b = strip_span(text, pos, pos + len(line))
        pos += len(line) + 1
        value = text[a:b]
        if len(value) < 3:
            continue
        rest = _MEETING_YEAR.sub("", value)
        rest = _WORKSHOP_NUMBER.sub("", rest)
        if find_date(rest):
            date_value = find_date(rest)
            rest = rest[:date_value[1]] + rest[date_value[2]:]
        if len(re.sub(r"[\W\d_]+|\breport\b", "", rest, flags=re.I)) >= 3:
            # "Taller 42: Acceso a Internet ..." -> "Acceso a Internet ..."
            prefix = _TITLE_PREFIX.match(value)
            if prefix and len(value) - prefix.end() >= 3:
                a += prefix.end()
            return Span(text[a:b], a, b)
    return None


def _read_fields(record: ReportRecord) -> None:
    text = record.text
    for section in record.sections:
        a, b = section.start, section.end
        if b <= a:
            continue
        key = section.key
        if key == "organizer_entity":
            for org in organisations_in(text, a, b):
                record.roles.append(_org_role(org))
        elif key in ROLE_SECTIONS:
            for role in roles_in(text, a, b, ROLE_SECTIONS[key]):
                if key == "organizer" and role.person is None:
                    record.roles.append(_org_role(role.organisation))
                else:
                    record.roles.append(role)
        elif key == "theme" and record.theme is None:
            record.theme = _first_line(text, a, b)
        elif key == "format" and record.format is None:
            record.format = _first_line(text, a, b)
        elif key == "statistics":
            record.figures.extend(parse_figures(text, a, b))
        elif key == "women_estimate":
            record.women_estimate = Span(text[a:b], a, b)
        elif key == "gender_discussion":
            record.gender_discussion = Span(text[a:b], a, b)
            record.gender_discussed = not _NO.match(fold(text[a:b]))
        elif key == "gender_notes" and not _NO.match(fold(text[a:b])):
            record.gender_notes = Span(text[a:b], a, b)
        elif key == "previous_workshops":
            answer = fold(text[a:b])
            if _YES.match(answer) or _NO.match(answer):
                record.previous_workshops = (bool(_YES.match(answer)), Span(text[a:b], a, b))
    record.quality_notes = quality_notes(record.figures)
    record.roles = _unify_people(record.roles)
    _fill_place(record)


def _org_role(org: Organisation) -> RoleAssignment:
    return RoleAssignment("organizer", organisation=org)


def _unify_people(roles: list[RoleAssignment]) -> list[RoleAssignment]:
    """One display name per person: "Anne-Rachel Inne" and "Anne-Rachel Inné"
    share a key; keep the form with accents."""
    best: dict[str, str] = {}
    for role in roles:
        if role.person:
            current = best.get(role.person.key)
            if current is None or _accents(role.person.name) > _accents(current):
                best[role.person.key] = role.person.name
    return [replace(r, person=replace(r.person, name=best[r.person.key])) if r.person else r
            for r in roles]


def _accents(name: str) -> int:
    return sum(1 for ch in name if ord(ch) > 127)


def _fill_place(record: ReportRecord) -> None:
    if record.meeting_year and not record.city:
        place = meeting_place(int(record.meeting_year.value))
        if place is None:
            record.warnings.append(f"no known IGF meeting in {record.meeting_year.value}")


def _first_line(text: str, start: int, end: int) -> Span:
    line_end = text.find("\n", start, end)
    a, b = strip_span(text, start, end if line_end < 0 else line_end)
    return Span(text[a:b], a, b)


def _first(sections: list[Section], key: str) -> Section | None:
    return next((s for s in sections if s.key == key), None)
