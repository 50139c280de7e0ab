"""Who and what is the same across documents: sessions (by meeting year,
kind and number, else by year and a normalised title) and people (the same
name in capitals, surname first, without accents or slightly misspelled,
within the people of one session).

Pure functions; the knowledge base supplies what earlier documents said.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from .records import Person, ReportRecord
from .text import fold

#: Two spellings of one name part are the same when this similar ("Gonzales"/"Gonzalez").
NAME_PART_SIMILARITY = 0.8
_SUBTITLE = re.compile(r"\s*(?::|\s[-–—]\s|\(|\|)\s*")


@dataclass(frozen=True)
class SessionKey:
    year: int | None
    kind: str
    number: int | None
    title_key: str | None


def title_key(title: str | None) -> str | None:
    """A title without case, accents, punctuation or subtitle: titles are
    reprinted with small changes."""
    if not title:
        return None
    main = _SUBTITLE.split(title, maxsplit=1)[0]
    if len(main.split()) < 3:  # "Data governance: lessons ..." keeps its subtitle when short
        main = title
    words = re.findall(r"[a-z0-9]+", fold(main))
    return " ".join(words) or None


def session_key(session: ReportRecord) -> SessionKey:
    return SessionKey(
        year=int(session.meeting_year.value) if session.meeting_year else None,
        kind=session.session_kind,
        number=int(session.number.value) if session.number else None,
        title_key=title_key(session.title.value if session.title else None))


def _parts(name: str) -> list[str]:
    return re.findall(r"[a-z]+", fold(name))


def _similar(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 3 and a[0] == b[0]
                      and difflib.SequenceMatcher(None, a, b).ratio() >= NAME_PART_SIMILARITY)


def same_person(a: str, b: str) -> bool:
    """Whether two written names name one person: the same parts in any order
    ("Perez Ana"), or each part a near spelling of the other's ("Anna Peres"
    / "Ana Pérez"). A shared surname alone is never enough."""
    pa, pb = _parts(a), _parts(b)
    if len(pa) < 2 or len(pb) < 2:
        return False
    if sorted(pa) == sorted(pb):
        return True
    if len(pa) != len(pb):
        return False
    return all(_similar(x, y) for x, y in zip(pa, pb)) or \
        all(_similar(x, y) for x, y in zip(pa, reversed(pb)))


def match_people(people: list[Person], known: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """For people of a new document, the known person (key, name) each one is,
    where exactly one known person matches. ``known``: people of the same
    session from earlier documents."""
    mapping = {}
    for person in people:
        if any(key == person.key for key, _ in known):
            continue
        matches = {(key, name) for key, name in known if same_person(person.name, name)}
        if len(matches) == 1:
            mapping[person.key] = matches.pop()
    return mapping


def rename_people(record: ReportRecord, mapping: dict[str, tuple[str, str]]) -> None:
    """Point every mention of a mapped person at the known person's key and
    name; what the text wrote stays as the mention's source."""
    if not mapping:
        return

    def fix(person: Person | None) -> Person | None:
        if person is None or person.key not in mapping:
            return person
        key, name = mapping[person.key]
        return replace(person, key=key, name=name)

    for session in record.sessions:
        session.roles = [replace(r, person=fix(r.person)) for r in session.roles]
        session.examples = [replace(e, presenter=fix(e.presenter)) for e in session.examples]
    record.utterances = [replace(u, speaker=fix(u.speaker)) for u in record.utterances]


def record_people(record: ReportRecord) -> list[Person]:
    """Every person a record names, once per key."""
    found: dict[str, Person] = {}
    for session in record.sessions:
        for role in session.roles:
            if role.person:
                found.setdefault(role.person.key, role.person)
    for utterance in record.utterances:
        if utterance.speaker:
            found.setdefault(utterance.speaker.key, utterance.speaker)
    return list(found.values())

