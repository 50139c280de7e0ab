"""The labelled-form engine: from a range of text with labelled fields
("Moderator", "Organizer 1:", "Reported by", ...) to the session facts of a
ReportRecord. The document readers in ``kinds/`` decide what a document is
and call this on the range that describes one session.

Pure: text in, record out. Nothing here touches the store.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .dates import find_date
from .fields import contact_role, make_organisation, organisations_in, roles_in
from .language import reliable_language
from .meetings import meeting_place
from .passages import cut_passages
from .organisations import gazetteer, looks_like_organisation
from .organisers import organisers_in_text
from .people import FREE_TEXT, people_in_text
from .events import events_in
from .examples import examples_in
from .principles import goals_in, principles_in
from .themes import theme_of
from .records import Organisation, Passage, ReportRecord, RoleAssignment, Section, Span
from .sessions import meeting_year, session_kind, session_label
from .titles import session_title
from .statistics import parse_figures, quality_notes
from .text import fold, strip_span

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


def parse_report(text: str, report_id: str, source_name: str = "", encoding: str = "utf-8",
                 warnings: tuple[str, ...] = (), running_text: bool = True,
                 file_format: str = "text") -> ReportRecord:
    """Read a document of any kind (see ``kinds/``). ``running_text=False``
    reads only the labelled fields (no people, principles, examples or
    events from the summary)."""
    from .kinds import parse_document

    return parse_document(text, report_id, source_name, encoding, warnings, running_text, file_format)


def labelled_sections(sections: list[Section]) -> set[str]:
    return {s.key for s in sections if s.key not in ("header", "body")}


def document_language(text: str, sections: list[Section]) -> str:
    """The language of a form's labels, or of its text where it has none."""
    labels = " ".join(s.label for s in sections if s.label)
    return reliable_language(labels * 3, "en") if labels else reliable_language(text[:5000], "en")


def cut_document_passages(record: ReportRecord) -> None:
    record.passages = cut_passages(record.text, record.sections, document_language(record.text, record.sections))


def read_form(record: ReportRecord, sections: list[Section], running_text: bool = True,
              passages: list[Passage] | None = None) -> None:
    """Fill the session fields of ``record`` from these sections of its text
    (a header, then labelled fields). ``passages`` are those of the range,
    for principles and section languages; default: all of the record's."""
    header = next((s for s in sections if s.key == "header"), None)
    _read_header(record, header, sections)
    _read_fields(record, sections, running_text, record.passages if passages is None else passages)


def _read_header(record: ReportRecord, header: Section | None, sections: list[Section]) -> None:
    text = record.text
    start, end = (header.start, header.end) if header else (0, 0)
    scope = (sections[0].start, sections[-1].end) if sections else (0, len(text))
    # the header's meeting, else the header's date, else a meeting the text names
    year = meeting_year(text, start, end)
    if year and record.meeting_year is None:
        record.meeting_year = year
    label = session_label(text, start, end)
    if label and record.number is None:
        record.number = label.number
    record.session_kind = session_kind(text, start, end, default=label.kind if label else record.session_kind)
    default_year = int(record.meeting_year.value) if record.meeting_year else None
    found = find_date(text[start:end], default_year)
    if found and record.date is None:
        value, a, b = found
        record.date = (value, Span(text[start + a:start + b], start + a, start + b))
        if record.meeting_year is None:
            record.meeting_year = Span(str(value.year), start + a, start + b)
    if record.meeting_year is None:
        record.meeting_year = meeting_year(text, *scope)
    match = _PLACE.search(text, start, end) if header else None
    if match:
        record.city = Span(match.group(1), match.start(1), match.end(1))
        record.country = Span(match.group(2), match.start(2), match.end(2))
    elif header and (match := _CITY_ONLY.search(text, start, end)):
        record.city = Span(match.group(1), match.start(1), match.end(1))
    if record.title is None:
        record.title = session_title(text, header, sections)


def _read_fields(record: ReportRecord, sections: list[Section], running_text: bool,
                 passages: list[Passage]) -> None:
    text = record.text
    for section in sections:
        a, b = section.start, section.end
        if b <= a:
            continue
        key = section.key
        if key == "organizer_entity":
            for org in organisations_in(text, a, b):
                record.roles.append(_org_role(org))
        elif key == "contact":
            role = contact_role(text, a, b)
            if role:
                record.roles.append(role)
        elif key in ROLE_SECTIONS:
            for role in roles_in(text, a, b, ROLE_SECTIONS[key]):
                if key == "organizer" and role.person is None and role.organisation is not None:
                    record.roles.append(_org_role(role.organisation))
                else:
                    record.roles.append(role)
        elif key == "theme" and record.theme is None:
            record.theme = _first_line(text, a, b)
        elif key == "subtheme" and record.subtheme is None:
            record.subtheme = _first_line(text, a, b)
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
    record.roles.extend(_forum_owner(record))
    _fill_place(record)
    _read_themes(record)
    scope = (sections[0].start, sections[-1].end) if sections else (0, 0)
    record.goals = goals_in(text, passages if running_text else [], *scope)
    if not running_text:
        record.roles = _merge_roles(_unify_people(record.roles))
        return
    section_lang = _section_languages(passages)
    known = [r.person for r in record.roles if r.person]
    roles = _unify_people(record.roles + people_in_text(text, sections, known, section_lang)
                          + organisers_in_text(text, sections))
    mentions = [r.person for r in roles if r.person]
    record.roles = _merge_roles(roles)
    record.principles = principles_in(text, passages)
    record.examples = examples_in(text, sections, mentions, record.principles)
    record.events = events_in(text, sections)
    record.organisations_mentioned = _organisations_named(text, sections)


def _read_themes(record: ReportRecord) -> None:
    """The theme and sub-theme fields as concepts of the IGF themes."""
    year = int(record.meeting_year.value) if record.meeting_year and record.meeting_year.value.isdigit() else None
    found = [theme_of(span, year) for span in (record.theme, record.subtheme) if span]
    record.themes = [t for t in found if t]


# "Global Alliance for Digital Inclusion (GADI) Open Forum", "Open Forum of the OECD":
# an open forum is held by the organisation its title names.
_FORUM_OWNER = re.compile(r"^(?P<before>.+?)\s*[-–:]?\s*Open Forum\s*$|^Open Forum\s+(?:of|by)\s+(?:the\s+)?(?P<after>.+)$",
                          re.I)


def _forum_owner(record: ReportRecord) -> list[RoleAssignment]:
    if record.session_kind != "open_forum" or record.title is None:
        return []
    found = _FORUM_OWNER.match(record.title.value)
    group = found and ("before" if found.group("before") else "after")
    if not group:
        return []
    start = record.title.start + found.start(group)
    org = make_organisation(record.text, start, record.title.start + found.end(group))
    return [_org_role(org)] if looks_like_organisation(org.name.value) else []


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
        who = (role.person or role.organisation).key if (role.person or role.organisation) else \
            (role.stakeholder_group, role.regional_group)  # an anonymised role: its groups
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


def _section_languages(passages: list[Passage]) -> dict[str, str]:
    """The most common passage language of each section."""
    counts: dict[str, dict[str, int]] = {}
    for p in passages:
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


