"""People's names: clean, reorder surname-first forms, and split the
"person, organisation" items of role fields."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .organisations import is_stakeholder_group, looks_like_organisation
from .text import fold, slug

_PLACEHOLDERS = {"n.n.", "nn", "n.n", "tbd", "tbc", "to be determined", "to be confirmed",
                 "n/a", "na", "none", "n / a", "-", "--", "?", "a confirmer", "por confirmar",
                 "yes", "no", "oui", "non", "si"}
_HONORIFICS = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|professor|h\.?\s?e|sir|dame|mme|mlle|m|sr|sra|srta|"
    r"don|dona|ing|amb|ambassador|hon|rev)\.?\s+|(?:mr|mrs|ms|dr|prof|mme)\.?\s*,\s*)+",
    re.I)
PARTICLES = {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le",
              "van", "von", "der", "den", "ter", "bin", "binti", "al", "el", "y", "e", "af", "zu"}
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names across languages (lower case, no accents): the dictionary
    of gender-guesser (about 45,000 first names from some 50 countries) and
    data/given_names.txt for common ones it lacks. gender-guesser was chosen
    over nameparser by measurement (BENCHMARKS.md, bench/bench_entities.py):
    nameparser parses a name's parts but knows no given names."""
    path = Path(__file__).with_name("data") / "given_names.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words | _gender_guesser_names())


def _gender_guesser_names() -> set[str]:
    try:
        from importlib.resources import files

        data = files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # the small list alone still works
        return set()
    names = set()
    for line in data.splitlines():
        parts = line.split()
        if len(parts) > 1 and line[0] not in "#=":
            name = fold(parts[1])
            names.update({name.replace("+", "-"), name.replace("+", " ")} if "+" in name else {name})
    return names


def is_given_name(token: str) -> bool:
    """A word known as a given name: "Marco", "Anne-Rachel", "Jean-Pierre"."""
    folded = fold(token).strip(".'’")
    given = given_names()
    return folded in given or ("-" in folded and folded.split("-")[0] in given)


_PLACEHOLDER_WORDS = re.compile(r"\b(?:tbd|tbc|tba|to be (?:determined|confirmed|announced|decided)|"
                                r"a confirmer|por confirmar)\b")


def is_placeholder(text: str) -> bool:
    """"TBD", "n.n." and also "Youth To Be Determined": a slot no one fills yet."""
    folded = fold(text).strip(" []()")
    return not folded or folded in _PLACEHOLDERS or folded.startswith(("secretariat ", "tbd", "tbc")) \
        or bool(_PLACEHOLDER_WORDS.search(folded))


def strip_honorifics(name: str) -> str:
    return _HONORIFICS.sub("", name.strip()).strip(" ,")


def looks_like_person(text: str) -> bool:
    """Name-shaped: one to six words, mostly capitalised, no organisation words."""
    text = strip_honorifics(text)
    tokens = text.split()
    if not 1 <= len(tokens) <= 6 or is_placeholder(text) or is_stakeholder_group(text):
        return False
    if any(not _NAME_TOKEN.match(t) for t in tokens):
        return False
    if looks_like_organisation(text) or looks_like_job_title(text):
        return False
    words = [t for t in tokens if fold(t) not in PARTICLES]
    if not words:
        return False
    return all(w[0].isupper() for w in words) or all(w.islower() for w in tokens)


def normalise_person_name(raw: str, context: str = "", surname_first_likely: bool = False) -> str:
    """Given names first, capitalised, honorifics dropped.

    ``context`` is the whole report text: the order used elsewhere in it
    settles "Weise Constance" against "Constance Weise". When both orders
    are as common, ``surname_first_likely`` (organiser fields of IGF forms
    list surnames first) decides. Then a word in capitals among others is the
    surname ("BRUDVIG Ingrid"), and last the given-name lexicon decides
    ("Brambilla Marco", "wibowo agus").
    """
    tokens = strip_honorifics(raw).split()
    tokens = [t for i, t in enumerate(tokens) if i == 0 or fold(t) != fold(tokens[i - 1])]
    if not tokens:
        return ""
    uniform = all(t.islower() for t in tokens) or (len(tokens) > 1 and all(_is_caps(t) for t in tokens))
    surnames = [] if uniform else [t for t in tokens if _is_caps(t)]
    tokens = [_capitalise(t) if uniform or _is_caps(t) else t for t in tokens]
    original = " ".join(tokens)
    if len(tokens) < 2:
        return original
    swapped = " ".join(tokens[-1:] + tokens[:-1])
    seen_original, seen_swapped = _count(original, context), _count(swapped, context)
    if seen_swapped > seen_original or (seen_swapped and seen_swapped == seen_original
                                        and (surname_first_likely or raw.islower())):
        return swapped
    if seen_swapped or seen_original > 1:
        return original
    if surnames and len(surnames) < len(tokens):
        rest = [t for t in tokens if fold(t) not in {fold(s) for s in surnames}]
        return " ".join(rest + [_capitalise(s) for s in surnames])
    # Last, where the layout lists surnames first (organiser fields) or the page
    # writes the name in lower case, the lexicon: "Brambilla Marco", "utoyo donny".
    # Elsewhere a lexicon with gaps would turn "Kaito Mori" round; and
    # "Nguyen Thi Mai" or "Zhang Wei" keep their own order everywhere.
    if (surname_first_likely or raw.islower()) and is_given_name(tokens[-1]) and not is_given_name(tokens[0]) \
            and fold(tokens[0]) not in _east_asian_surnames():
        return swapped
    return original


@lru_cache(maxsize=1)
def _east_asian_surnames() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "east_asian_surnames.txt"
    return frozenset(word for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("#") for word in line.split())


def _count(name: str, context: str) -> int:
    if not context:
        return 0
    return len(re.findall(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)", _folded(context)))


@lru_cache(maxsize=8)
def _folded(context: str) -> str:
    return fold(context)


def person_key(name: str) -> str:
    return slug(name)


def _is_caps(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _capitalise(token: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in token.split("-"))


@dataclass(frozen=True)
class ItemParts:
    """One item of a role field split into what it names, with offsets."""

    person: tuple[int, int] | None
    organisation: tuple[int, int] | None
    stakeholder_group: tuple[int, int] | None
    regional_group: tuple[int, int] | None = None


_PART_SPLIT = re.compile(r"\s*(?:,|\s-\s|\s–\s|/|\|)\s*")
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)\s*")


def split_item(text: str, start: int, end: int) -> ItemParts:
    """Split "Anriette Esterhuysen, APC" or "Jane Doe (Ministry of X, Country)"
    into person and organisation spans, relative to the whole text. What
    stands in parentheses is one part."""
    parts = []
    pos = start
    for group in list(_PARENTHESES.finditer(text, start, end)) + [None]:
        stop = group.start() if group else end
        for match in _PART_SPLIT.finditer(text, pos, stop):
            parts.append((pos, match.start()))
            pos = match.end()
        parts.append((pos, stop))
        if group:
            parts.append((group.start(1), group.end(1)))
            pos = group.end()
    parts = [(a, b) for a, b in parts if text[a:b].strip()]
    person = organisation = group = region = None
    for a, b in parts:
        value = text[a:b].strip()
        if is_placeholder(value):
            continue
        if is_stakeholder_group(value):
            # "Civil Society, WEOG": a stakeholder group and a UN regional group.
            if _is_regional(value):
                region = region or (a, b)
            else:
                group = group or (a, b)
        elif person is None and looks_like_person(value):
            person = (a, b)
        elif organisation is None and looks_like_organisation(value) and not looks_like_job_title(value):
            organisation = (a, b)
    if person and organisation is None:
        # "Name, Something": what follows a name is its organisation unless it is a title.
        for a, b in parts:
            value = text[a:b].strip()
            if (a, b) not in (person, group, region) and a > person[0] and not is_placeholder(value) \
                    and not is_stakeholder_group(value) and not looks_like_job_title(value):
                organisation = (a, b)
                break
    if organisation is not None:
        at = _AT_ORGANISATION.search(text, *organisation)
        before = text[organisation[0]:at.start()] if at else ""
        if at and (looks_like_job_title(before) or not looks_like_organisation(before)):
            organisation = (at.start(1), organisation[1])  # "Programme Specialist at UNESCO"
        elif _is_clause(text[organisation[0]:organisation[1]]):
            organisation = None  # "The panel includes speakers from government": a sentence, not a name
    if person and organisation is None:
        # "Name – Head of AI Policy at Fujitsu": the organisation after a job title's "at"
        for a, b in parts:
            at = _AT_ORGANISATION.search(text, a, b) if a > person[0] else None
            if at is None and a > person[0] and looks_like_job_title(text[a:b]):
                at = _OF_ORGANISATION.search(text, a, b)  # "General Secretary of the Federación ..."
            if at:
                organisation = (at.start(1), b)
                break
    return ItemParts(person, organisation, group, region)


# lower-case words an organisation's name may hold; any other makes a clause
_NAME_LINK_WORDS = {"of", "for", "and", "the", "on", "in", "at", "de", "du", "des", "la", "le", "les", "pour", "del",
                    "da", "do", "y", "e", "et", "für", "und", "van", "von", "d'", "l'", "en", "a", "an", "to"}


def _is_clause(value: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", value)
    lower = [w for w in words if w.islower() and w not in _NAME_LINK_WORDS]
    return len(words) >= 3 and len(lower) >= 2


_OF_ORGANISATION = re.compile(r"\sof\s+the\s+([A-ZÀ-Þ][^\n]*)")
_AT_ORGANISATION = re.compile(r"\s(?:at|with|chez|en)\s+(?:the\s+|la\s+|le\s+|l')?([A-ZÀ-Þ][^\n]*)")


def _is_regional(value: str) -> bool:
    from .groups import REGIONAL, any_group

    found = any_group(value)
    return found is not None and found.scheme == REGIONAL


_JOB_WORDS = re.compile(r"\b(director|manager|head|officer|president|vice|chair|ceo|cto|professor|"
                        r"senior|sr|jr|lecturer|researcher|advisor|adviser|consultant|coordinator|"
                        r"founder|secretary|minister|ambassador|counsel|fellow|phd|jd|cipp|mba|"
                        r"specialist|expert|analyst|engineer|editor|journalist|correspondent|economist|"
                        r"lawyer|attorney|scientist|deputy|commissioner|representative|assistant|associate)\b")


def looks_like_job_title(text: str) -> bool:
    return bool(_JOB_WORDS.search(fold(text)))
