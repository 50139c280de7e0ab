"""Role fields ("Moderator", "Reported by", "Organizer Entity", ...) into
people and organisations, with offsets into the report text."""
from __future__ import annotations

import re

from .names import given_names, is_placeholder, normalise_person_name, person_key, split_item
from .organisations import gazetteer, organisation_key, parent_organisation
from .records import Organisation, Person, RoleAssignment, Span
from .text import fold, strip_span

# Separators between list items. Commas are handled apart: in person lists
# they also separate a name from its organisation. Conjunctions ("and", "et",
# "y", "e") separate items only where the next item starts with a capital.
_ITEM_SEPARATORS = re.compile(r"\s*(?:\n|;|•|&)\s*|\s+(?:and|et|y|e)\s+(?=[A-ZÀ-ÖØ-Þ])")
# "Ministry of Science and Technology": a conjunction after "of"/"de" is
# part of an organisation's name.
# what separates a name from its organisation: what follows is the affiliation
_AFFILIATION_SEPARATOR = re.compile(r",|\s[-–—]\s|\(")
_BULLET = re.compile(r"(?:[-*–—·•]|\d{1,2}[.)])\s+")
_OF_PHRASE = re.compile(r"\b(?:of|for|de|del|des|du|pour|para|da|do|on)\b", re.I)


def split_list(text: str, start: int, end: int, split_commas: bool,
               organisations: bool = False) -> list[tuple[int, int]]:
    """Item spans in text[start:end], never splitting inside a known
    organisation name such as "McDermott Will & Emery"."""
    protected = _protected_ranges(text, start, end)
    items, pos = [], start
    for match in _ITEM_SEPARATORS.finditer(text, start, end):
        if any(a < match.start() < b for a, b in protected):
            continue
        separator = match.group(0).strip()
        conjunction = separator not in ("", ";", "•", "&")
        if (conjunction or separator == "&") and not organisations and _AFFILIATION_SEPARATOR.search(text, pos, match.start()) \
                and not _starts_with_given_name(text, match.end()):
            continue  # "Jane Doe, Research & Development Institute": inside the affiliation
        if conjunction and organisations:
            name_start = max(pos, text.rfind(",", pos, match.start()) + 1)
            if _OF_PHRASE.search(text, name_start, match.start()):
                continue
        items.append((pos, match.start()))
        pos = match.end()
    items.append((pos, end))
    out = []
    for a, b in items:
        a, b = strip_span(text, a, b)
        bullet = _BULLET.match(text, a, b)
        if bullet:
            a = bullet.end()
        if b <= a:
            continue
        out.extend(_split_commas(text, a, b, protected) if split_commas else [(a, b)])
    return out


def _starts_with_given_name(text: str, start: int) -> bool:
    word = re.match(r"\s*(?:(?:mr|mrs|ms|dr|prof)\.?\s+)?([^\W\d_]+)", text[start:start + 40], re.I)
    return bool(word) and fold(word.group(1)) in given_names()


def _split_commas(text, start, end, protected):
    parts, pos = [], start
    for match in re.finditer(r"\s*,\s*", text[start:end]):
        cut = start + match.start()
        if not any(a < cut < b for a, b in protected):
            parts.append((pos, cut))
            pos = start + match.end()
    parts.append((pos, end))
    return [strip_span(text, a, b) for a, b in parts if text[a:b].strip()]


def _protected_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    ranges = []
    lowered = text[start:end].lower()
    for name in gazetteer().names_with_separators():
        pos = lowered.find(name.lower())
        while pos >= 0:
            ranges.append((start + pos, start + pos + len(name)))
            pos = lowered.find(name.lower(), pos + 1)
    return ranges


def organisations_in(text: str, start: int, end: int) -> list[Organisation]:
    """Every organisation named in a list field such as "APC & ISOC"."""
    found = []
    for a, b in split_list(text, start, end, split_commas=True, organisations=True):
        value = text[a:b]
        if is_placeholder(value):
            continue
        found.append(make_organisation(text, a, b))  # a group here is made the role's group by the gate
    return _unique(found, key=lambda o: o.key)


def roles_in(text: str, start: int, end: int, role: str) -> list[RoleAssignment]:
    """People (with affiliations) or organisations named in a role field."""
    assignments = []
    for a, b in _person_items(text, start, end):
        if is_placeholder(text[a:b]):
            continue
        parts = split_item(text, a, b)
        person = make_person(text, *parts.person, surname_first_likely=role == "organizer") \
            if parts.person else None
        org = make_organisation(text, *parts.organisation) if parts.organisation else None
        group, region = (Span(text[slice(*span)].strip(), *span) if span else None
                         for span in (parts.stakeholder_group, parts.regional_group))
        if person:
            assignments.append(RoleAssignment(role, person=person, affiliation=org,
                                              stakeholder_group=group, regional_group=region))
        elif org:
            assignments.append(RoleAssignment(role, organisation=org, stakeholder_group=group,
                                              regional_group=region))
        elif group or region:  # an anonymised organiser: "Civil Society, African Group"
            assignments.append(RoleAssignment(role, stakeholder_group=group, regional_group=region))
    return _unique(assignments, key=lambda r: (r.person or r.organisation).key if (r.person or r.organisation)
                   else (r.stakeholder_group, r.regional_group))


_CONTACT_LINE = re.compile(r"^[ \t]*(name|organi[sz]ation|affiliation|stakeholder group)[ \t]*:[ \t]*(.+?)[ \t]*$",
                           re.I | re.M)


def contact_role(text: str, start: int, end: int) -> RoleAssignment | None:
    """A proposal's contact block ("Name: ...", "Organization: ...") names
    one of the session's proposers: an organiser."""
    person = org = group = None
    for match in _CONTACT_LINE.finditer(text, start, end):
        field, a, b = match.group(1).lower(), match.start(2), match.end(2)
        if is_placeholder(text[a:b]):
            continue
        if field == "name" and person is None:
            comma = text.find(",", a, b)
            if comma > 0 and len(text[a:comma].split()) == 1 and len(text[comma + 1:b].split()) == 1:
                # "González, María": surname, comma, given name
                person = make_person(text, comma + 1, b)
                person = Person(f"{person.name} {text[a:comma]}", Span(text[a:b], a, b),
                                person_key(f"{person.name} {text[a:comma]}"))
            else:
                person = make_person(text, a, b)
        elif field in ("organization", "organisation", "affiliation") and org is None:
            org = make_organisation(text, a, b)
        elif field == "stakeholder group":
            group = Span(text[a:b], a, b)
    if person is None:
        return None
    return RoleAssignment("organizer", person=person, affiliation=org, stakeholder_group=group)


def _person_items(text, start, end):
    """Split a person list; a comma splits only when every side is a full
    name (two words or more), not "Name, Organisation"."""
    items = []
    for a, b in split_list(text, start, end, split_commas=False):
        pieces = _split_commas(text, a, b, [])
        # "Jane Doe, John Roe" is two people; "Jane Doe, Deutsche Nationalbibliothek" one person
        # and her organisation: of two pieces, the second must start with a given name; three or
        # more name-shaped pieces are a list of people.
        if len(pieces) > 1 and all(_names_someone(text, x, y) or is_placeholder(text[x:y]) for x, y in pieces) \
                and (len(pieces) > 2 or all(_starts_with_given_name(text, x) or is_placeholder(text[x:y])
                                            for x, y in pieces[1:])):
            items.extend(pieces)
        else:
            items.append((a, b))
    return items


def _names_someone(text: str, start: int, end: int) -> bool:
    person = split_item(text, start, end).person
    return person is not None and len(text[person[0]:person[1]].split()) > 1


def make_person(text: str, start: int, end: int, surname_first_likely: bool = False) -> Person:
    start, end = strip_span(text, start, end)
    raw = text[start:end]
    name = normalise_person_name(raw, text, surname_first_likely)
    return Person(name=name, source=Span(raw, start, end), key=person_key(name))


def make_organisation(text: str, start: int, end: int) -> Organisation:
    start, end = strip_span(text, start, end)
    article = re.match(r"the\s+(?=[A-ZÀ-Þ])", text[start:end])
    if article:  # "the Internet Society" is the Internet Society
        start += article.end()
    raw = text[start:end].strip(" .")
    key, _display = organisation_key(raw)
    return Organisation(name=Span(raw, start, start + len(raw)), key=key, part_of=parent_organisation(raw))


def _unique(items, key):
    seen, out = set(), []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
