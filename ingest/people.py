"""People and their affiliations in running text, English and French.

Candidates come from patterns ("Name, de/du/of/from Org", "Name from Org",
"Name (Org)", "Org's Name"), from spaCy's person tags, and from names already
read from the form's role fields. A candidate becomes a person only if it
looks like a name: capitalised words that the text never uses as common
words, and no organisation words. Role words alone ("the moderator", "a
participant from the audience") never become people.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .fields import make_organisation, make_person
from .names import given_names, looks_like_person, normalise_person_name, person_key, strip_honorifics
from .ner import name_parts, person_spans
from .organisations import known_organisation
from .records import Organisation, Person, RoleAssignment, Section, Span
from .text import fold

#: Sections whose running text is read for people.
FREE_TEXT = ("summary", "conclusions", "description", "agenda", "transcript", "body", "gender_notes")
#: People named here spoke at the session unless the text says otherwise.
SESSION_ACCOUNT = ("summary", "conclusions", "transcript")

_U, _L = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = rf"[{_U}](?:[{_L}'’]|[{_U}](?=[{_L}]))+(?:-[{_U}](?:[{_L}'’]|[{_U}](?=[{_L}]))+)?"
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|ter|bin|al|el)"
NAME = rf"(?<![\w\-]){_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_WORD}){{1,3}}(?![\w\-])"
_ORG_CAPS = rf"(?:{_WORD}|[A-Z0-9][\w.&\-]*)(?:[ \t]+(?:(?:of|for|and|de|du|des|la|le|pour|the|del)(?:[ \t]+(?:the|la|le|l'))?[ \t]+)?(?:{_WORD}|[A-Z][\w.&\-]+))*"
_PREP = r"(?:de la |de l['’]|d['’]|de |du |des |del |de los |of the |of |from the |from |at the |at )"
_ORG_TEXT = r"(?:[^,;:()\n.]|\.(?=\S))+?"

_APPOSITIVE = re.compile(rf"(?P<name>{NAME})\s*,\s*{_PREP}(?P<org>{_ORG_TEXT})(?:\s*\((?P<acr>[^)]{{1,30}})\))?(?=\s*[,;.:]|\s*$)")
_FROM = re.compile(rf"(?P<name>{NAME})[ \t]+(?:from|of|at|de|del)[ \t]+(?:the[ \t]+)?(?P<org>{_ORG_CAPS})")
_PAREN = re.compile(rf"(?P<name>{NAME})[ \t]*\((?P<org>[^()\n]{{2,80}})\)")
_POSSESSIVE = re.compile(rf"(?P<org>{_ORG_CAPS})['’]s[ \t]+(?P<name>{NAME})")
_NAME_RE = re.compile(NAME)
# Captioned transcripts label speakers in capitals: ">> CONSTANCE WEISE:".
_SPEAKER_LABEL = re.compile(r"^[ \t]*>>[ \t]*(?P<name>[A-ZÀ-Þ][A-ZÀ-Þ'’.\-]+(?:[ \t]+[A-ZÀ-Þ][A-ZÀ-Þ'’.\-]+){0,3})[ \t]*:",
                            re.M)

_LIST_CUES = [
    ("panellist", re.compile(r"\b(?:speakers?|panel+ists?|discussants?|panel)\s+(?:include|includes|are|will be)\b|"
                             r"\bwith (?:presentations|interventions|contributions) (?:from|by)\b", re.I)),
    ("reporter", re.compile(r"\breport\s+(?:was\s+|will be\s+)?(?:prepared|written|compiled)\s+by\b", re.I)),
    ("organizer", re.compile(r"\b(?:co-?)?organi[sz]ers?\s+(?:include|are)\b|"
                             r"\b(?:prepared|organi[sz]ed|co-organi[sz]ed|convened|proposed)\s+by\b", re.I)),
]
# "The proposer, Eszter Kovács of the Hungarian Civil Liberties Network, will moderate."
_AFTER_NAME = re.compile(r"[^.;!?\n]{0,100}?\b(?:will|would|shall|is to|was to)\s+(moderate|chair|facilitate|report)\b",
                         re.I)
_AFTER_ROLES = {"moderate": "moderator", "chair": "moderator", "facilitate": "moderator", "report": "reporter"}
_TRAILING_HONORIFIC = re.compile(r"(?:\b(?:dr|mr|mrs|ms|prof|professor|h\.\s?e|mme|m)\.?\s+)+$", re.I)
_ROLE_CUES = [
    ("remote_moderator", re.compile(r"(?:remote|online)\s+moderat(?:or|ed\s+by|ion\s+by)\s*:?\s*,?\s*$", re.I)),
    ("moderator", re.compile(r"(?:mod[ée]rat(?:eur|rice)|moderator|moderador[a]?|chair(?:ed by)?|"
                             r"(?:moderated|facilitated|animée?) (?:by|par)|mod[ée]r[ée]e? par)\s*:?\s*,?\s*$", re.I)),
    ("organizer", re.compile(r"(?:organi[sz]ed|convened|co-organi[sz]ed|proposed|organis[ée]e? par)\s+(?:by|par)?\s*$",
                             re.I)),
    ("reporter", re.compile(r"(?:rapporteur|reported by|report prepared by)\s*:?\s*,?\s*$", re.I)),
    ("panellist", re.compile(r"(?:pan[ée]liste|panel+ist|speaker|intervenant|ponente|panelista)\s*:?\s*,?\s*$", re.I)),
]
# Capitalised words that start sentences or name things, never people.
_ROLE_WORDS = {"moderateur", "moderatrice", "moderator", "moderadora", "moderador", "paneliste", "panelist",
               "panellist", "speaker", "intervenant", "ponente", "panelista", "rapporteur", "chair", "mr", "mrs",
               "ms", "dr", "prof", "professor", "m", "mme", "sr", "sra"}
_NOT_NAMES = {"the", "this", "that", "these", "le", "la", "les", "un", "une", "ce", "cette", "il", "elle",
              "internet", "governance", "forum", "workshop", "session", "panel", "moderator", "modérateur",
              "atelier", "participants", "enfin", "dans", "parmi", "même", "selon", "with", "from",
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
              "february", "march", "april", "june", "july", "august", "september", "october",
              "november", "december", "février", "octobre", "novembre", "décembre", "united",
              "nations", "states", "north", "south", "east", "west", "new", "saint", "san", "los"}


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    org: tuple[int, int] | None
    role: str | None
    source: str  # "pattern", "ner", "known"


def people_in_text(text: str, sections: list[Section], known: list[Person],
                   section_lang: dict[str, str]) -> list[RoleAssignment]:
    """Role assignments for people named in running text.

    ``known`` are people from the form's fields: a running-text mention of
    them adds an affiliation or a mention, never a second person.
    """
    found: list[RoleAssignment] = []
    has_role = {p.key for p in known}
    lowercase_words = set(re.findall(rf"(?<![{_U}\w])[{_L}][{_L}'’\-]+", text))
    by_key = {p.key: p for p in known}
    names = name_parts(text, [p.name for p in known])  # where the named-entity model can add something
    for section in sections:
        if section.key not in FREE_TEXT or section.end <= section.start:
            continue
        for cand in _candidates(text, section, section_lang.get(section.key, "en"), names):
            raw = strip_honorifics(text[cand.start:cand.end])
            if cand.source == "speaker":
                raw = normalise_person_name(raw)  # capitals to "Constance Weise"
            known_person = _resolve_short_form(text, cand, raw, by_key)
            if known_person is not None:
                # The same person, read here: facts from this mention point here.
                person = Person(known_person.name, Span(text[cand.start:cand.end], cand.start, cand.end),
                                known_person.key)
            else:
                if not _plausible(raw, lowercase_words) or (cand.source == "regex" and not _given_first(raw)):
                    continue
                offset = max(text[cand.start:cand.end].find(raw), 0)
                person = make_person(text, cand.start + offset, cand.start + offset + len(raw)) \
                    if cand.source != "speaker" else Person(raw, Span(text[cand.start:cand.end], cand.start,
                                                                      cand.end), person_key(raw))
                by_key.setdefault(person.key, person)
            affiliation = _affiliation(text, cand.org)
            default = "panellist" if section.key in SESSION_ACCOUNT and person.key not in has_role else "mentioned"
            role = cand.role or default
            confidence = 0.9 if cand.org else (0.8 if cand.source in ("pattern", "speaker") else 0.7)
            found.append(RoleAssignment(role, person=person, affiliation=affiliation, confidence=confidence))
    return found


def _candidates(text: str, section: Section, lang: str, names: frozenset[str] | None = None) -> list[_Candidate]:
    a, b = section.start, section.end
    out: dict[tuple[int, int], _Candidate] = {}

    def add(start, end, org, source):
        # "Modérateur Anriette Esterhuysen": the role word is a cue, not part of the name.
        while True:
            first = re.match(r"\S+\s+", text[start:end])
            word = first.group(0).strip(" .,") if first else ""
            if not first or (fold(word) not in _ROLE_WORDS | _NOT_NAMES and not word[:1].islower()):
                break
            start += first.end()
        if len(text[start:end].split()) < 2 and source != "ner":
            return
        before = _TRAILING_HONORIFIC.sub("", text[max(a, start - 40):start])  # "proposed by Dr. " + name
        role = next((r for r, cue in _ROLE_CUES if cue.search(before)), None) or _sentence_role(text, a, start, end)
        current = out.get((start, end))
        if current is None or (current.org is None and org is not None):
            out[(start, end)] = _Candidate(start, end, org, role, source)

    for pattern in (_APPOSITIVE, _FROM, _PAREN):
        for m in pattern.finditer(text, a, b):
            org = (m.start("org"), m.end("acr") + 1 if pattern is _APPOSITIVE and m.group("acr") else m.end("org"))
            add(m.start("name"), m.end("name"), org, "pattern")
    for m in _SPEAKER_LABEL.finditer(text, a, b):
        add(m.start("name"), m.end("name"), None, "speaker")
    for m in _POSSESSIVE.finditer(text, a, b):
        add(m.start("name"), m.end("name"), (m.start("org"), m.end("org")), "pattern")
    for start, end in person_spans(text, a, b, lang, names):
        add(start, end, None, "ner")
    for m in _NAME_RE.finditer(text, a, b):
        add(m.start(), m.end(), None, "regex")
    # Keep the longest candidate where several overlap ("Anriette Esterhuysen" over "Esterhuysen").
    chosen: list[_Candidate] = []
    for cand in sorted(out.values(), key=lambda c: (c.org is None, -(c.end - c.start), c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def _sentence_role(text: str, section_start: int, start: int, end: int) -> str | None:
    """A role the sentence gives a name from afar: "Confirmed speakers include
    A (Org), B (Org) and C", "X, of Org, will moderate"."""
    sentence_start = max(section_start, *(text.rfind(mark, section_start, start) + 1 for mark in ".!?\n"))
    for role, cue in _LIST_CUES:
        if cue.search(text, sentence_start, start):
            return role
    after = _AFTER_NAME.match(text, end, min(len(text), end + 140))
    return after and _AFTER_ROLES[after.group(1).lower()]


def _resolve_short_form(text, cand, raw, by_key) -> Person | None:
    """A known person named by first or last name only ("Wolfgang") or by
    another form of the full name."""
    folded = fold(raw)
    for person in by_key.values():
        if fold(person.name) == folded:
            return person
    tokens = folded.split()
    if len(tokens) == 1:
        matches = [p for p in by_key.values() if tokens[0] in (fold(p.name).split()[0], fold(p.name).split()[-1])]
        if len(matches) == 1:
            return matches[0]
    return None


def _plausible(name: str, lowercase_words: set[str]) -> bool:
    tokens = name.split()
    if len(tokens) < 2 or not looks_like_person(name):
        return False
    for token in tokens:
        word = token.strip("'’").lower()
        if word in _NOT_NAMES or (len(word) > 3 and word in lowercase_words and fold(word) not in given_names()):
            return False
    return True


def _given_first(name: str) -> bool:
    return fold(name.split()[0]) in given_names()


def _affiliation(text: str, span: tuple[int, int] | None) -> Organisation | None:
    if span is None:
        return None
    a, b = span
    org = make_organisation(text, a, b)
    value = org.name.value
    if not value or (len(value.split()) > 1 and _given_first(value) and looks_like_person(value)
                     and not _known(org)):
        return None
    return org


def _known(org: Organisation) -> bool:
    return known_organisation(org.name.value) is not None
