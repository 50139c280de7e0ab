"""Split a report into its labelled sections.

Real IGF pages vary: labels have typos, are translated, sit on their own
line or start a line as "Label: value". A line is a label when, folded, it
equals a known label or begins with one of the long question-like labels.
"""
from __future__ import annotations

import re

from .records import Section
from .text import fold, strip_span

# key -> labels that must match the whole (folded) line
_EXACT = {
    "organizer": ["organizer name", "organiser name", "organizer names", "organiser names",
                  "organizer", "organiser", "organizers", "organisers", "organizer(s)",
                  "proposer", "proposers", "co-proposer", "co-proposers", "organizador",
                  "organizadores", "organisateur", "organisateurs"],
    "organizer_entity": ["organizer entity", "organiser entity", "organizer entities",
                         "organiser entities", "organizing entity", "organising entity",
                         "organizing entities", "entidad organizadora", "entite organisatrice"],
    "theme": ["workshop theme", "theme", "themes", "main theme", "tema", "theme de l'atelier"],
    "subtheme": ["sub-theme", "subtheme", "sub theme"],
    "description": ["consise description", "concise description", "description",
                    "short description", "workshop description", "descripcion"],
    "agenda": ["agenda", "ordre du jour", "agenda del taller"],
    "moderator": ["moderator", "moderators", "moderador", "moderadora", "moderateur",
                  "moderatrice", "chair", "facilitator", "in-person moderator",
                  "onsite moderator", "on-site moderator"],
    "remote_moderator": ["remote moderator", "online moderator", "remote moderators",
                         "moderador remoto", "moderador en linea", "moderateur a distance",
                         "moderateur en ligne"],
    "panellists": ["panellists", "panelists", "panellist", "panelist", "speakers", "speaker",
                   "panelistas", "ponentes", "intervenants", "panelistes",
                   "discussants", "discussant"],
    "format": ["workshop format", "format", "session format", "formato", "format de l'atelier"],
    "transcript": ["workshop transcript", "transcript link"],
    "summary": ["summary", "substantive summary", "resume", "resumen", "session summary",
                "summary of the session", "session report", "report summary", "resume de la session",
                "resumen de la sesion"],
    "conclusions": ["conclusions", "conclusion", "conclusiones", "key takeaways"],
    "reporters": ["reported by", "rapporteur", "rapporteurs", "reporter", "reporters",
                  "report prepared by", "relator", "relatores", "rapporteur(s)"],
    "statistics": ["statistics", "participation statistics"],
}
# key -> labels that a longer line may begin with
_PREFIX = {
    "previous_workshops": ["have you organized workshops at previous", "have you organised workshops at previous"],
    "summary": ["brief substantive summary", "resume substantiel", "resumen sustantivo"],
    "conclusions": ["conclusions drawn from", "conclusiones extraidas"],
    "women_estimate": ["estimate the overall number of women"],
    "gender_discussion": ["to what extent did the session discuss gender"],
    "gender_notes": ["discussion affecting gender equality"],
    "statistics": ["workshops staticals", "workshop staticals", "workshops statistics",
                   "workshop statistics", "participation statistics"],
}
_EXACT_INDEX = {label: key for key, labels in _EXACT.items() for label in labels}

#: Human names for section keys, used in output and in the graph.
SECTION_NAMES = {
    "header": "Header", "organizer": "Organizer", "organizer_entity": "Organizer entity",
    "theme": "Workshop theme", "subtheme": "Sub-theme", "description": "Description",
    "agenda": "Agenda", "moderator": "Moderator", "remote_moderator": "Remote moderator",
    "panellists": "Panellists", "previous_workshops": "Previous workshops",
    "format": "Workshop format", "transcript": "Transcript", "summary": "Summary",
    "conclusions": "Conclusions", "reporters": "Reported by",
    "women_estimate": "Women participants (estimate)",
    "gender_discussion": "Gender equality discussed", "gender_notes": "Gender discussion notes",
    "statistics": "Participation statistics", "body": "Body",
}

_LINE = re.compile(r"[^\n]*\n?")


_NUMBERED = re.compile(r"\s*(?:#\s*)?\d{1,2}$")


def label_key(line: str, exact_only: bool = False) -> str | None:
    """The section key if this whole line is a label, else None.
    Numbered labels ("Speaker 2", "Organizer 1") count as their label."""
    folded = _NUMBERED.sub("", fold(line).rstrip(" :"))
    if not folded or len(folded) > 200:
        return None
    key = _EXACT_INDEX.get(folded)
    if key or exact_only:
        return key
    for key, prefixes in _PREFIX.items():
        if any(folded.startswith(p) for p in prefixes):
            return key
    return None


def split_sections(text: str) -> list[Section]:
    """Cut text into sections. Text before the first label is the "header".

    Returns sections in text order; content offsets are trimmed of
    surrounding whitespace. A section whose label repeats is merged into
    one when nothing stands between the two labels (titles printed twice).
    """
    marks: list[tuple[str, str, int, int]] = []  # key, label, label start, content start
    for match in _LINE.finditer(text):
        line = match.group(0)
        if not line:
            break
        start = match.start()
        stripped = line.rstrip("\n")
        key = label_key(stripped)
        if key:
            marks.append((key, stripped.strip(), start, match.end()))
        elif ":" in stripped[:80]:
            head, _, _rest = stripped.partition(":")
            key = label_key(head, exact_only=True)
            if key:
                marks.append((key, head.strip(), start, start + len(head) + 1))

    sections: list[Section] = []
    first = marks[0][2] if marks else len(text)
    h_start, h_end = strip_span(text, 0, first)
    if h_end > h_start:
        sections.append(Section("header" if marks else "body", "", h_start, h_end))
    for i, (key, label, _label_start, content_start) in enumerate(marks):
        next_start = marks[i + 1][2] if i + 1 < len(marks) else len(text)
        start, end = strip_span(text, content_start, next_start)
        sections.append(Section(key, label, start, end))
    return sections


def section_text(text: str, sections: list[Section], key: str) -> tuple[str, int] | None:
    """The content of the first non-empty section with this key, and its offset."""
    for section in sections:
        if section.key == key and section.end > section.start:
            return text[section.start:section.end], section.start
    return None
