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
    "organizer": ["coordinator", "coordinators", "co-ordinator", "co-ordinators", "co-facilitator",
                  "co-facilitators", "lead coordinator", "coordinators / facilitators",
                  "co-ordinators / facilitators", "organised by", "organized by", "convened by", "co-organised by", "co-organized by",
                  "organizer name", "organiser name", "organizer names", "organiser names",
                  "organizer", "organiser", "organizers", "organisers", "organizer(s)",
                  "proposer", "proposers", "co-proposer", "co-proposers", "organizador",
                  "organizadores", "organisateur", "organisateurs",
                  # proposal lists and sched.com entries
                  "proposer's name", "proposers name", "proposer name", "co-proposer's name",
                  "co-proposers name", "co-proposer name", "co-organizers", "co-organisers",
                  "co-organizer", "co-organiser", "organiser(s) name", "organizer(s) name",
                  "the organizers", "the organisers"],
    "organizer_entity": ["organizer entity", "organiser entity", "organizer entities",
                         "organiser entities", "organizing entity", "organising entity",
                         "organizing entities", "entidad organizadora", "entite organisatrice",
                         "organization", "organisation", "proposer's organization",
                         "proposer's organisation", "co-proposer's organization",
                         "co-proposer's organisation"],
    "theme": ["workshop theme", "theme", "themes", "main theme", "tema", "theme de l'atelier"],
    "subtheme": ["sub-theme", "subtheme", "sub theme", "sub-themes", "subthemes"],
    "description": ["consise description", "concise description", "description",
                    "short description", "workshop description", "descripcion",
                    "content of the session", "relevance of the session", "workshop purpose",
                    "session purpose", "purpose"],
    "agenda": ["agenda", "ordre du jour", "agenda del taller"],
    "moderator": ["moderated by", "chaired by", "facilitated by", "moderator", "moderators", "moderador", "moderadora", "moderateur",
                  "moderatrice", "chair", "facilitator", "in-person moderator",
                  "onsite moderator", "on-site moderator"],
    "remote_moderator": ["remote moderator", "online moderator", "remote moderators",
                         "moderador remoto", "moderador en linea", "moderateur a distance",
                         "moderateur en ligne"],
    "panellists": ["panellists", "panelists", "panellist", "panelist", "speakers", "speaker",
                   "panelistas", "ponentes", "intervenants", "panelistes",
                   "discussants", "discussant", "submitted workshop panelists",
                   "submitted workshop panellists", "other panelists", "other panellists",
                   "other speakers"],
    "format": ["workshop format", "format", "session format", "formato", "format de l'atelier"],
    "transcript": ["workshop transcript", "transcript link"],
    "summary": ["summary", "substantive summary", "resume", "resumen", "session summary",
                "summary of the session", "session report", "report summary", "resume de la session",
                "resumen de la sesion"],
    "conclusions": ["conclusions", "conclusion", "conclusiones", "key takeaways", "call to action",
                    "calls to action"],
    "reporters": ["reported by", "rapporteur", "rapporteurs", "reporter", "reporters",
                  "report prepared by", "relator", "relatores", "rapporteur(s)"],
    "statistics": ["statistics", "participation statistics"],
    # a proposal's contact blocks ("1. Primary Contact Information": Name, Organization, ...)
    "contact": ["primary contact information", "secondary contact information", "contact information",
                "primary contact", "secondary contact", "contact person", "contact"],
    "previous_workshops": ["previous workshop(s)", "previous workshops",
                           "conducted a workshop in igf before?", "conducted a workshop in igf before"],
    # Fields the session facts do not come from, labelled so that they end
    # the field before them (a speaker's "Country:" is not part of the name).
    "title": ["title", "workshop title", "session title", "titre", "titulo"],
    "number": ["workshop number", "session number"],
    "country": ["country", "pais", "pays"],
    "stakeholder_group": ["stakeholder group", "stakeholder groups"],
    "region": ["region", "regional group"],
    "tags": ["tag", "tags"],
    "interventions": ["interventions"],
    "diversity": ["diversity"],
    "online_participation": ["online participation", "remote participation"],
    "links": ["link to report", "jump to report", "go to report", "background paper"],
    "status": ["status"],
}
# key -> labels that a longer line may begin with
_PREFIX = {
    "previous_workshops": ["have you organized workshops at previous", "have you organised workshops at previous",
                           "list similar events you have organi"],
    # the question prompts of the 2008 proposal form
    "description": ["provide a concise formulation for the proposed workshop",
                    "does the proposed workshop provide different perspectives",
                    "please explain how the workshop will address issues",
                    "does the proposed workshop cover any of the following issues"],
    "panellists": ["provide the names and affiliations of the panel"],
    "subtheme": ["igf 2014 sub theme that this workshop", "sub theme that this workshop", "sub-theme that this workshop"],
    "organizer": ["provide the name of the organi", "provide the names of the organi"],
    "remote_moderator": ["provide the name of the person who will be responsible for the remote"],
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
    "title": "Title", "number": "Workshop number", "country": "Country",
    "stakeholder_group": "Stakeholder group", "region": "Region", "tags": "Tags",
    "interventions": "Interventions", "diversity": "Diversity",
    "online_participation": "Online participation", "links": "Links", "status": "Status",
    "profiles": "Speaker profiles", "other": "Other", "turn": "Turn", "contact": "Contact",
}

_LINE = re.compile(r"[^\n]*\n?")


_NUMBERED = re.compile(r"\s*(?:#\s*)?\d{1,2}$")


# "III. PANELLISTS", "6. Title", "b) Agenda": the numbering is not the label
_LEADING_NUMBER = re.compile(r"^(?:[ivx]{1,5}|\d{1,2}|[a-h])[.)]\s+")
# A numbered heading in capitals ("IV. BACKGROUND") ends the field before it.
_NUMBERED_HEADING = re.compile(r"^\s*(?:[IVX]{1,5}|\d{1,2})\.\s+[A-Z][A-Z /&',()-]{2,60}\s*$")
# "The following speakers have confirmed their participation:" opens a list.
_LIST_INTRO = re.compile(r"^[^:\n]{0,120}\b(speakers|panel+ists|discussants|organi[sz]ers|moderators?)\b[^:\n]{0,80}:\s*$",
                         re.I)
_LIST_KEYS = {"speakers": "panellists", "panellists": "panellists", "panelists": "panellists",
              "discussants": "panellists", "organisers": "organizer", "organizers": "organizer",
              "moderator": "moderator", "moderators": "moderator"}
#: "Organization:", "Country:" ... inside a contact block describe the contact person.
CONTACT_FIELDS = ("organizer_entity", "stakeholder_group", "country", "region")
#: Fields that hold lists of people or organisations, not prose.
LIST_FIELDS = ("organizer", "organizer_entity", "moderator", "remote_moderator", "panellists", "reporters")
# Prose in a header (a description's paragraphs) is running text, not title lines.
_PROSE_LINE = 160
# "All panellists have confirmed. The workshop will be moderated by ...": sentences, not a list item
_TWO_SENTENCES = re.compile(r"[a-z]{2}[.!?]\s+[A-Z][a-z]+\s+[a-z]+")


# "Name(s) of Organizers(s)", "Name of Moderator(s)", "Consise Description of Workshop"
_LABEL_WRAPPING = re.compile(r"^(?:the\s+)?names?\s+(?:and\s+affiliations?\s+)?of\s+(?:the\s+)?|\s+of\s+(?:the\s+)?(?:workshop|session)$|"
                             r"\s+and their affiliations?\b.*$")


# "Session Report (* deadline 26 October) - click on the ? symbol for more information"
_LABEL_NOTE = re.compile(r"\s*\(\*[^)]*\)|\s+-\s+click\b.*$")


def _plain_label(folded: str) -> str:
    folded = _LABEL_NOTE.sub("", folded)
    return _LABEL_WRAPPING.sub("", folded.replace("(s)", "").strip()).strip(" :")


def label_key(line: str, exact_only: bool = False) -> str | None:
    """The section key if this whole line is a label, else None.
    Numbered labels ("Speaker 2", "Organizer 1") count as their label."""
    folded = _NUMBERED.sub("", _LEADING_NUMBER.sub("", fold(line)).rstrip(" :"))
    # (320: the 2008 proposal form's question prompts are labels of two sentences)
    if not folded or len(folded) > 320:
        return None
    key = _EXACT_INDEX.get(folded) or _EXACT_INDEX.get(_plain_label(folded))
    if not key and "/" in folded:  # "Speakers/Panelists"
        key = next((k for part in folded.split("/") if (k := _EXACT_INDEX.get(_plain_label(part)))), None)
    if key or exact_only:
        return key
    for key, prefixes in _PREFIX.items():
        if any(folded.startswith(p) for p in prefixes):
            return key
    intro = _LIST_INTRO.match(line.strip())
    if intro:
        return _LIST_KEYS.get(intro.group(1).lower(), "panellists")
    if _NUMBERED_HEADING.match(line):
        return "other"
    return None


def split_sections(text: str, start: int = 0, end: int | None = None) -> list[Section]:
    """Cut text[start:end] into sections. Text before the first label is the
    "header".

    Returns sections in text order; content offsets are trimmed of
    surrounding whitespace. A section whose label repeats is merged into
    one when nothing stands between the two labels (titles printed twice).
    """
    end = len(text) if end is None else end
    marks: list[tuple[str, str, int, int]] = []  # key, label, label start, content start
    for match in _LINE.finditer(text, start, end):
        line = match.group(0)
        if not line:
            break
        line_start = match.start()
        stripped = line.rstrip("\n")
        key = label_key(stripped)
        if key:
            marks.append((key, stripped.strip(), line_start, match.end()))
        elif ":" in stripped[:80]:
            head, _, _rest = stripped.partition(":")
            key = label_key(head, exact_only=True) or _role_at_end(head)
            in_contact = bool(marks) and marks[-1][0] == "contact"
            if key and not (in_contact and key in CONTACT_FIELDS):
                marks.append((key, head.strip(), line_start, line_start + len(head) + 1))

    sections: list[Section] = []
    first = marks[0][2] if marks else end
    h_start, h_end = strip_span(text, start, first)
    if h_end > h_start:
        prose = _first_prose_line(text, h_start, h_end) if marks else None
        if prose is not None and prose > h_start:
            sections.append(Section("header", "", *strip_span(text, h_start, prose)))
            sections.append(Section("body", "", prose, h_end))
        else:
            sections.append(Section("header" if marks else "body", "", h_start, h_end))
    for i, (key, label, _label_start, content_start) in enumerate(marks):
        next_start = marks[i + 1][2] if i + 1 < len(marks) else end
        a, b = strip_span(text, content_start, next_start)
        prose = _first_prose_line(text, a, b) if key in LIST_FIELDS else None
        if prose is not None and prose > a:
            # a list of names, then a paragraph: the paragraph is running text
            sections.append(Section(key, label, *strip_span(text, a, prose)))
            sections.append(Section("body", "", prose, b))
        else:
            sections.append(Section(key, label, a, b))
    return sections


def _role_at_end(head: str) -> str | None:
    """"MAG Co-facilitator", "Lead Coordinator": a short head ending in a
    role label is that role's field."""
    words = head.split()
    if not 2 <= len(words) <= 4:
        return None
    for n in (2, 1):
        key = label_key(" ".join(words[-n:]), exact_only=True)
        if key in LIST_FIELDS:
            return key
    return None


def _first_prose_line(text: str, start: int, end: int) -> int | None:
    """Where the header's title lines give way to paragraphs."""
    for match in _LINE.finditer(text, start, end):
        line = match.group(0).strip()
        if len(line) > _PROSE_LINE or (len(line) > _PROSE_LINE // 2 and _TWO_SENTENCES.search(line)):
            return match.start()
    return None


def section_text(text: str, sections: list[Section], key: str) -> tuple[str, int] | None:
    """The content of the first non-empty section with this key, and its offset."""
    for section in sections:
        if section.key == key and section.end > section.start:
            return text[section.start:section.end], section.start
    return None
