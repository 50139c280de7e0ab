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
from .fields import make_organisation
from .organisations import gazetteer
from .people import FREE_TEXT, people_in_text
from .events import events_in
from .examples import examples_in
from .principles import principles_in
from .records import Organisation, ReportRecord, RoleAssignment, Section, Span
from .sections import split_sections
from .statistics import parse_figures, quality_notes
from .text import fold, strip_span

_WORKSHOP_NUMBER = re.compile(
    r"\b(?:workshop|ws|atelier|taller|session)\s*(?:#|no\.?|n[°º]|number|num\.?|nr\.?)?\s*(\d{1,4})\b", re.I)
_MEETING_YEAR = re.compile(
    r"\b(?:internet governance forum|igf|fgi|forum sur la gouvernance de l'internet|"
    r"foro de gobernanza de internet)\s*[-–]?\s*((?:19|20)\d{2})\b", re.I)
_TITLE_PREFIX = re.compile(r"(?:(?:internet governance forum|igf)\s*\d{4}\s*[:.\-–—]?\s*)?"
                           + _WORKSHOP_NUMBER.pattern + r"\s*[:.\-–—]?\s*", re.I)
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
                 warnings: tuple[str, ...] = (), running_text: bool = True) -> ReportRecord:
    """Read a report. ``running_text=False`` reads only the labelled fields
    (no people, principles, examples or events from the summary)."""
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
        _read_fields(record, running_text)
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
            # "Taller 42: Acceso a ..." and "IGF 2022 WS #310 Data ..." lose their numbering
            prefix = _TITLE_PREFIX.match(value)
            if prefix and len(value) - prefix.end() >= 3:
                a += prefix.end()
            return Span(text[a:b], a, b)
    return None


def _read_fields(record: ReportRecord, running_text: bool) -> None:
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
    _fill_place(record)
    if not running_text:
        record.roles = _merge_roles(_unify_people(record.roles))
        return
    section_lang = _section_languages(record)
    known = [r.person for r in record.roles if r.person]
    roles = _unify_people(record.roles + people_in_text(text, record.sections, known, section_lang))
    mentions = [r.person for r in roles if r.person]
    record.roles = _merge_roles(roles)
    record.principles = principles_in(text, record.passages)
    record.examples = examples_in(text, record.sections, mentions, record.principles)
    record.events = events_in(text, record.sections)
    record.organisations_mentioned = _organisations_named(text, record.sections)


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


def _merge_roles(roles: list[RoleAssignment]) -> list[RoleAssignment]:
    """One assignment per (role, who, affiliation); an entry without an
    affiliation adds nothing where the same role has one."""
    merged: dict[tuple, RoleAssignment] = {}
    for role in roles:
        who = (role.person or role.organisation).key
        key = (role.role, who, role.affiliation.key if role.affiliation else None)
        current = merged.get(key)
        if current is None or role.confidence > current.confidence:
            merged[key] = role
    affiliated = {(k[0], k[1]) for k in merged if k[2]}
    return [r for k, r in merged.items() if not (k[2] is None and (k[0], k[1]) in affiliated)]


def _organisations_named(text: str, sections: list[Section]) -> list[Organisation]:
    """Known organisations named in running text, one per mention."""
    found = []
    for section in sections:
        if section.key in FREE_TEXT:
            found.extend(make_organisation(text, hit.start, hit.end)
                         for hit in gazetteer().matcher().find(text, section.start, section.end))
    return found


def _section_languages(record: ReportRecord) -> dict[str, str]:
    """The most common passage language of each section."""
    counts: dict[str, dict[str, int]] = {}
    for p in record.passages:
        counts.setdefault(p.section, {}).setdefault(p.lang, 0)
        counts[p.section][p.lang] += len(p.text)
    return {section: max(langs, key=langs.get) for section, langs in counts.items()}


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
