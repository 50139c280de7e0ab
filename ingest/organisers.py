"""Organisations that organise, named in running text: "organised by Jane
Doe of X together with Y and the Z", "co-organised by CaribNOG", "hosted by
the Council of Europe". People in such a sentence are read elsewhere (with
their role cue); this reads the organisations the sentence lists after the
cue.
"""
from __future__ import annotations

import re

from .fields import make_organisation
from .names import looks_like_person
from .organisations import is_stakeholder_group, looks_like_organisation
from .people import FREE_TEXT
from .records import RoleAssignment, Section

_CUE = re.compile(r"\b(?:co-?organi[sz]ed|organi[sz]ed|co-hosted|hosted|convened|co-convened|proposed)\s+by\s+", re.I)
# What separates the organisations a cue lists.
_LIST = re.compile(r"\s*(?:,|;|\band\b|&|\btogether with\b|\bin (?:partnership|cooperation|collaboration) with\b|"
                   r"\bwith the support of\b|\bwith\b)\s*", re.I)
_SENTENCE_END = re.compile(r"[.;:!?](?:\s|$)|\n")
# "Jane Doe of the Open Knowledge Caucus": the organisation after a person's name
_PERSON_OF = re.compile(r"^(.+?)\s+(?:of|from|at)\s+(?:the\s+)?(.+)$")
# lower-case words an organisation's name may hold
_NAME_LINKS = {"of", "for", "and", "the", "on", "in", "de", "du", "des", "la", "le", "les", "pour", "del", "da",
               "do", "y", "e", "et", "für", "und", "van", "von"}
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def organisers_in_text(text: str, sections: list[Section]) -> list[RoleAssignment]:
    found = []
    for section in sections:
        if section.key not in FREE_TEXT:
            continue
        for cue in _CUE.finditer(text, section.start, section.end):
            stop = _SENTENCE_END.search(text, cue.end(), section.end)
            found.extend(_listed(text, cue.end(), stop.start() if stop else section.end))
    return found


def _listed(text: str, start: int, end: int) -> list[RoleAssignment]:
    roles, pos = [], start
    for piece in [*_LIST.finditer(text, start, end), None]:
        a, b = pos, (piece.start() if piece else end)
        pos = piece.end() if piece else end
        org = _organisation_in(text, a, b)
        if org is not None:
            roles.append(RoleAssignment("organizer", organisation=org, confidence=0.8))
    return roles


def _organisation_in(text: str, a: int, b: int):
    value = text[a:b].strip()
    person_of = _PERSON_OF.match(value)
    if person_of and looks_like_person(person_of.group(1)):
        return None  # the person's organisation is their affiliation, read with them
    article = _ARTICLE.match(value)
    if article:
        a += article.end() + (len(text[a:b]) - len(text[a:b].lstrip()))
        value = text[a:b].strip()
    acronym = " " not in value and sum(c.isupper() for c in value) >= 2  # "CaribNOG", "ISOC"
    if not value[:1].isupper() or len(value.split()) > 10 or is_stakeholder_group(value) or \
            (not acronym and looks_like_person(value)):
        return None
    if any(word.islower() and word not in _NAME_LINKS for word in value.split()):
        return None  # a clause ("The panel includes speakers"), not a name
    return make_organisation(text, a, b) if acronym or looks_like_organisation(value) else None
