"""Who speaks in a captioned transcript: speaker labels (">> ANA PEREZ:",
">> MODERATOR:") into people and roles, one person per person.

Captioners write names in capitals and misspell them ("ANNA PERES" for
"ANA PEREZ"); spellings whose given name and surname both match, but for a
captioner's slip, are one person, shown in the form the text writes best
(with accents where it has them). A generic label (MODERATOR, AUDIENCE,
SPEAKER 2) is a role, never a person: MODERATOR is the session's moderator
when the transcript names one, and a generic turn that opens with "my name
is X" is X's. Affiliations come from labels (">> JANE DOE, ACME:"),
self-introductions ("I'm X, I work at Y") and introductions ("X from Y").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .fields import make_organisation
from .names import given_names, looks_like_person, normalise_person_name, person_key, strip_honorifics
from .organisations import is_stakeholder_group
from .records import Organisation, Person, RoleAssignment, Span, Utterance
from .text import fold

#: Confidence of what a transcript's running text says (a label is no field).
CONFIDENCE = 0.9


@dataclass(frozen=True)
class Turn:
    """One turn of a transcript: its label (None for a bare ">>") and words."""

    marker: int  # where the turn's ">>" line starts
    label: Span | None
    start: int  # the words: text[start:end]
    end: int


# -- labels -------------------------------------------------------------------

# Words a generic label is made of ("FEMALE SPEAKER", "AUDIENCE MEMBER 2",
# "SPEAKER FROM THE FLOOR"), and the role each main word stands for.
_ROLE_OF_WORD = {
    "moderator": "moderator", "moderators": "moderator", "co-moderator": "moderator",
    "moderador": "moderator", "moderadora": "moderator", "moderateur": "moderator",
    "moderatrice": "moderator", "facilitator": "moderator", "chair": "moderator",
    "co-chair": "moderator", "chairman": "moderator", "chairperson": "moderator",
    "chairwoman": "moderator", "host": "moderator",
    "panelist": "panellist", "panellist": "panellist", "panelists": "panellist",
    "panellists": "panellist", "panelista": "panellist", "discussant": "panellist",
    "presenter": "panellist", "respondent": "panellist", "keynote": "panellist",
    "speaker": "speaker", "speakers": "speaker", "orador": "speaker", "intervenant": "speaker",
    "audience": "audience", "participant": "audience", "participants": "audience",
    "attendee": "audience", "floor": "audience", "questioner": "audience", "question": "audience",
    "delegate": "audience", "member": "audience", "public": "audience",
    "interpreter": "interpreter", "interpretation": "interpreter", "captioner": "interpreter",
    "translator": "interpreter",
}
_ROLE_ORDER = ("moderator", "panellist", "interpreter", "audience", "speaker")
_GENERIC_WORDS = set(_ROLE_OF_WORD) | {
    "female", "male", "woman", "man", "unidentified", "unknown", "unnamed", "remote", "online",
    "onsite", "on-site", "in-person", "virtual", "from", "the", "in", "of", "room", "voice", "person",
    "another", "other", "new", "next", "first", "second", "third", "same", "multiple", "several",
    "off", "mic", "microphone", "video", "audio", "session", "#", "no", "n",
}
_REMOTE = re.compile(r"\b(?:remote|online|virtual)\b")


@dataclass(frozen=True)
class Label:
    """What a speaker label names: a role, a person, an affiliation."""

    role: str | None  # a role the label states ("MODERATOR", "JANE DOE, MODERATOR")
    name: Span | None  # the person's name as written, honorifics dropped
    affiliation: Span | None  # "ACME FOUNDATION" in ">> JANE DOE, ACME FOUNDATION:"
    numbered: bool = False  # "SPEAKER 2": one of several, never resolved
    honorific: bool = False  # "MR. SMITH": a surname alone is still a person

    @property
    def generic(self) -> bool:
        return self.name is None

    @property
    def is_moderator_label(self) -> bool:
        """The plain MODERATOR label, which stands for the session's moderator."""
        return self.generic and self.role == "moderator" and not self.numbered


BARE = Label(None, None, None)
#: What parts a label's name from an affiliation: ">> JANE DOE, ACME:", "(ACME)", " - ACME".
LABEL_AFFILIATION = re.compile(r"\s*(?:[,(]|\s[-–—]\s)\s*")


def role_words(value: str) -> str | None | bool:
    """The role a run of label words names, None if they are all generic
    words naming no role, False if some word is not a role word."""
    words = [w for w in re.split(r"[\s/]+", fold(value).strip(" .#()")) if w and not w.strip("#").isdigit()]
    if not words or any(w.strip(".,") not in _GENERIC_WORDS for w in words):
        return False
    roles = {_ROLE_OF_WORD[w.strip(".,")] for w in words if w.strip(".,") in _ROLE_OF_WORD}
    if "moderator" in roles and _REMOTE.search(fold(value)):
        return "remote_moderator"
    return next((r for r in _ROLE_ORDER if r in roles), None)


def parse_label(text: str, label: Span) -> Label:
    """Split ">> JANE DOE, ACME FOUNDATION:" or ">> MODERATOR SMITH:" into
    role, name and affiliation."""
    value = label.value
    cut = LABEL_AFFILIATION.search(value)
    head_end = cut.start() if cut else len(value)
    tail = (label.start + cut.end(), label.start + len(value.rstrip(") "))) if cut else None
    numbered = bool(re.search(r"\d\s*$", value[:head_end]))
    head_role = role_words(value[:head_end])
    if head_role is not False:
        # "MODERATOR" or "MODERATOR, JANE DOE": a role, perhaps with the name after it.
        name = _name_span(text, *tail) if tail and role_words(text[slice(*tail)]) is False else None
        return Label(head_role, name, None, numbered)
    role, name_start = _leading_role(text, label.start, label.start + head_end)
    name = _name_span(text, name_start, label.start + head_end)
    # "MR. SMITH", "CHAIR KUMMER": a surname alone, but said to be someone's.
    titled = name is not None and fold(name.value) != fold(text[name_start:label.start + head_end])
    honorific = name is not None and (role is not None or titled)
    affiliation = None
    if tail:
        tail_role = role_words(text[slice(*tail)])
        if tail_role:
            role = role or tail_role
        elif tail_role is False and _is_affiliation(text[slice(*tail)]):
            affiliation = Span(text[slice(*tail)], *tail)
    return Label(role, name, affiliation, numbered, honorific)


def _leading_role(text: str, start: int, end: int) -> tuple[str | None, int]:
    """"MODERATOR JANE DOE", "CHAIR KUMMER": the role words before a name."""
    role, pos = None, start
    for word in re.finditer(r"\S+", text[start:end]):
        found = role_words(word.group(0))
        if not found:
            break
        role, pos = found, start + word.end()
    return role, pos


def _name_span(text: str, start: int, end: int) -> Span | None:
    raw = text[start:end]
    name = strip_honorifics(raw)
    if not name:
        return None
    offset = start + raw.find(name)
    return Span(name, offset, offset + len(name))


def _is_affiliation(value: str) -> bool:
    folded = fold(value)
    return bool(folded) and not is_stakeholder_group(value) and not _JOB_ONLY.fullmatch(folded)


# -- names: one person per person ---------------------------------------------


@lru_cache(maxsize=4096)
def _word_key(word: str) -> str:
    """A name word as it sounds, near enough: "Pérez"/"Peres", "Anna"/"Ana",
    "Mikael"/"Michael" share a key."""
    key = re.sub(r"[^a-z]", "", fold(word)).replace("ph", "f")
    key = key[:1] + key[1:].replace("h", "")
    key = key.translate(str.maketrans("kqzyw", "ccsiv"))
    return re.sub(r"(.)\1+", r"\1", key)


def similar_words(a: str, b: str) -> bool:
    """The same name word but for a captioner's slip. A change at the very
    end ("Daniel"/"Daniela", "Mario"/"Maria") makes another name."""
    ka, kb = _word_key(a), _word_key(b)
    if ka == kb:
        return True
    if min(len(ka), len(kb)) < 5 or abs(len(ka) - len(kb)) > 1:
        return False
    prefix = next((i for i, (x, y) in enumerate(zip(ka, kb)) if x != y), min(len(ka), len(kb)))
    ra, rb = ka[prefix:][::-1], kb[prefix:][::-1]
    suffix = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))
    if suffix == 0:
        return False
    left_a, left_b = len(ka) - prefix - suffix, len(kb) - prefix - suffix
    if sorted((left_a, left_b)) in ([0, 1], [1, 1]):
        return True  # one letter added, dropped or changed
    return left_a == left_b == 2 and ka[prefix:prefix + 2] == kb[prefix:prefix + 2][::-1]  # swapped


@lru_cache(maxsize=16384)
def same_name(a: str, b: str) -> bool:
    """Two full names of one person: similar given names and similar
    surnames ("Ana Pérez"/"Anna Peres"); a shared surname alone is not enough.
    A middle name may be missing from one of them."""
    wa, wb = fold(a).split(), fold(b).split()
    if len(wa) < 2 or len(wb) < 2 or not similar_words(wa[0], wb[0]) or not similar_words(wa[-1], wb[-1]):
        return False
    short, long = sorted((wa[1:-1], wb[1:-1]), key=len)
    rest = iter(long)
    return all(any(similar_words(w, x) for x in rest) for w in short)


@dataclass
class _Spelling:
    name: str  # given name first, as shown: "Ana Pérez"
    source: Span  # where the text writes it
    written: bool  # written in running text or a field, not a capitals label
    label: bool = False  # a speaker label


@dataclass
class _Someone:
    """One person of the transcript and every way the text spells them."""

    spellings: list[_Spelling]
    cues: set[str] = field(default_factory=set)  # moderator, remote_moderator, panellist
    turns: int = 0
    affiliation: tuple[int, Organisation] | None = None  # (rank of the statement, organisation)

    @property
    def forms(self) -> set[str]:
        """Every different spelling of the name."""
        return {s.name for s in self.spellings}

    @property
    def name(self) -> str:
        """The spelling the text uses most, with accents where it has them,
        in the case running text writes it."""
        counts: dict[tuple[str, ...], int] = {}
        for s in self.spellings:
            counts[_spelled(s.name)] = counts.get(_spelled(s.name), 0) + 1

        def rank(s: _Spelling):
            return (_accents(s.name) > 0, counts[_spelled(s.name)], s.written, -s.source.start)
        return max(self.spellings, key=rank).name

    def person(self) -> Person:
        """The person, as written where they first speak (their speaker
        label), else where the text first names them."""
        name = self.name
        source = next((s.source for s in self.spellings if s.label), self.spellings[0].source)
        return Person(name, source, person_key(name))

    def affiliate(self, rank: int, organisation: Organisation) -> None:
        """Keep the affiliation from the best kind of statement (lower rank);
        a label's "ARTICLE 19" takes the case running text writes it in."""
        current = self.affiliation
        if current is None or rank < current[0]:
            self.affiliation = (rank, organisation)
        elif current[1].key == organisation.key and current[1].name.value.isupper() \
                and not organisation.name.value.isupper():
            self.affiliation = (current[0], organisation)


def _spelled(name: str) -> tuple[str, ...]:
    """A spelling, whatever its case and word order ("LEE JI-WOO", "Ji-woo Lee")."""
    return tuple(sorted(fold(name).split()))


def _swapped(name: str) -> str:
    """"Lee Ji-woo" for "Ji-woo Lee": two-word names are written both ways."""
    words = name.split()
    return " ".join(words[::-1]) if len(words) == 2 else name


def _accents(name: str) -> int:
    return sum(1 for ch in name if ord(ch) > 127)


class Cast:
    """The people of one transcript, found by any spelling of their name."""

    def __init__(self, text: str):
        self.text = text
        self.people: list[_Someone] = []

    def find(self, name: str) -> _Someone | None:
        words = name.split()
        if len(words) == 1:
            hits = [p for p in self.people if any(
                any(similar_words(words[0], w) for w in (form.split()[0], form.split()[-1]))
                for form in p.forms if len(form.split()) > 1)]
            return hits[0] if len(hits) == 1 else None
        return next((p for p in self.people if any(same_name(name, form) or same_name(_swapped(name), form)
                                                    for form in p.forms)), None)

    def add(self, name: str, source: Span, written: bool, create: bool = True,
            label: bool = False) -> _Someone | None:
        """The person this spelling names, new if no one matches and ``create``."""
        someone = self.find(name)
        if someone is None:
            if not create:
                return None
            someone = _Someone([])
            self.people.append(someone)
        if all(s.source.start != source.start for s in someone.spellings):
            someone.spellings.append(_Spelling(name, source, written, label))
        return someone

    def add_written(self, span: Span, create: bool = False) -> _Someone | None:
        """A name as running text writes it ("Ana Pérez", "Dr. Jane Doe")."""
        name = strip_honorifics(span.value)
        if len(name.split()) < 2:
            return None
        offset = span.start + span.value.find(name)
        return self.add(_written_name(name), Span(name, offset, offset + len(name)), written=True, create=create)


# -- what running text says ----------------------------------------------------

_U, _L = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NAME_WORD = rf"[{_U}](?:['’][{_U}])?[{_L}]+(?:[{_U}][{_L}]+)?(?:['’][{_L}]+)?(?:-[{_U}{_L}][{_L}]+)*"
# A name in running text: capitalised words with up to two particles between
# them ("Ramón de la Fuente"; people.NAME allows only one).
NAME = (rf"(?<![\w\-]){_NAME_WORD}(?:[ \t]+(?:(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|ter|la|le|"
        rf"bin|al|el)[ \t]+){{0,2}}{_NAME_WORD}){{1,3}}(?![\w\-])")
_ORG_WORD = r"(?!I\b|I['’])[A-Z0-9À-Þ](?:[\w&'’\-]|\.(?=\w))*"  # "CGI.br", not "Brazil. A"
ORG = rf"{_ORG_WORD}(?:[ \t]+(?:(?:of|for|and|the|de|du|des|la|le|del|on|&)[ \t]+)*{_ORG_WORD})*"
_JOB = (r"(?:senior|chief|executive|deputy|vice|general|policy|legal|research|programme|program|project|"
        r"regional|global|technical|managing|founding|director|head|president|chair|chairman|chairwoman|"
        r"chairperson|founder|co-founder|ceo|cto|coo|professor|lecturer|researcher|adviser|advisor|manager|"
        r"officer|minister|ambassador|secretary|coordinator|member|fellow|counsel|lead|analyst|consultant|"
        r"representative|partner|editor|student|engineer|specialist|expert|associate|assistant|board|"
        r"journalist|reporter|lawyer|activist|teacher|scholar|scientist|entrepreneur|diplomat|official|"
        r"volunteer|judge|parliamentarian|staff|affairs|relations|public|government|international|"
        r"internet|digital|cyber|security|privacy)")
_JOB_ONLY = re.compile(rf"(?:(?:the|a|an|and|of|{_JOB})\s*)+")
_SELF_NAME = re.compile(rf"(?<![\w'’])(?P<lead>(?i:my name is|my name's|i am|i'm|i’m|this is))\s+"
                        rf"(?P<name>{NAME})(?!['’]s\b)")
# Where a self-introduced speaker works: ", I work at Y", "from Y", ", I am a journalist with Y".
_SELF_ORG = re.compile(
    rf"\s*,?\s*(?i:and\s+)?(?P<cue>(?i:i\s+work\s+(?:at|for|with|in)|i(?:\s+am|['’]m)\s+working\s+(?:at|for|with)|"
    rf"i(?:\s+am|['’]m)\s+(?:(?:an?|the)\s+)?(?:{_JOB}\s+){{1,3}}(?:with|at|of|for|in)|"
    rf"i(?:\s+am|['’]m)\s+(?:from|with|at)|i\s+represent|representing|from|with|of|at))\s+(?i:the\s+)?(?P<org>{ORG})")
_WORKS_AT = re.compile(
    rf"(?<![\w'’])(?i:i\s+work\s+(?:at|for|with)|i(?:\s+am|['’]m)\s+working\s+(?:at|for|with)|"
    rf"i(?:\s+am|['’]m)\s+with|i\s+represent|i['’]m\s+here\s+representing)\s+(?i:the\s+)?(?P<org>{ORG})")
# Session roles a name is introduced with, and the words that name them.
_ROLE_NOUNS = r"moderator|facilitator|rapporteur|reporter|note[- ]taker|moderat\w*|facilitat\w*"


def _role_noun(nouns: str) -> str:
    return rf"(?i:(?P<remote>remote|online)\s+)?(?P<noun>(?i:{nouns}))"


_ROLE_NOUN = _role_noun("chair|" + _ROLE_NOUNS)
# "I'm X and I will moderate"; "I'm X, chair of ..." chairs something else.
_SELF_ROLE = re.compile(rf"[^.?!\n]{{0,160}}?\b{_role_noun(_ROLE_NOUNS)}")
_ROLE_THEN_NAME = re.compile(
    rf"(?i:(?:our|the|your|today['’]s)\s+(?:on-?site\s+|in-?person\s+)?){_ROLE_NOUN}"
    rf"(?i:\s+(?:today|for today|for this session|this (?:morning|afternoon)))?\s*(?i:,|:|is|will be)?\s+"
    rf"(?P<name>{NAME})|(?i:(?P<verb>moderated|chaired|facilitated)\s+by)\s+(?P<name_by>{NAME})")
_NAME_THEN_ROLE = re.compile(
    rf"(?P<name>{NAME})\s*,?\s*(?i:who\s+)?(?i:is|will|['’]ll|is going to)\s+(?i:be\s+)?"
    rf"(?i:(?:our|the|your)\s+)?{_ROLE_NOUN}")
_INTRODUCED_FROM = re.compile(
    rf"(?P<name>{NAME})\s*,?\s*(?i:(?:who\s+is|who['’]s)\s+)?(?i:(?:the|a|an|our)\s+)?"
    rf"(?P<job>(?i:{_JOB}\s+){{0,4}})(?i:from|of|at|with)\s+(?i:the\s+)?(?P<org>{ORG})")
_PANEL_CUE = re.compile(r"\b(?:panel(?:l?ists?)?|speakers|discussants|joined by|joining us|with us|with me|"
                        r"we have|introduce|on my (?:left|right))\b", re.I)
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
#: How far into a turn a speaker introduces themselves.
_OPENING = 600

# Ranks of affiliation statements, best first.
_FROM_LABEL, _FROM_SELF, _FROM_OTHERS = 0, 1, 2


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Countries, regions and large cities (lower case, no accents), from data/places.txt."""
    path = Path(__file__).with_name("data") / "places.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def _organisation(text: str, start: int, end: int) -> Organisation | None:
    """The organisation named at text[start:end], unless it is a place
    ("from Brazil") or a stakeholder group."""
    org = make_organisation(text, start, end)
    value = org.name.value
    folded = re.sub(r"^the\s+", "", fold(value))
    if not value or is_stakeholder_group(value) or folded in places():
        return None
    return org


# "Acme Foundation and Kofi Mensah from ...": the next introduction, not part of the name.
_NEXT_INTRODUCTION = re.compile(rf"\s+(?:and|&)\s+(?={NAME}\s*,?\s*(?i:from|of|at|with)\s)")


def _before_next_introduction(text: str, start: int, end: int) -> int:
    found = _NEXT_INTRODUCTION.search(text, start, end + 200)  # the look-ahead reads past the end
    return found.start() if found and found.start() < end else end


def _role_of(noun: str, remote: str | None) -> str:
    if fold(noun).startswith(("rapporteur", "reporter", "note")):
        return "reporter"
    return "remote_moderator" if remote else "moderator"


def _written_name(value: str) -> str:
    """A name as running text writes it ("Dr. Ana Pérez" is "Ana Pérez"),
    in the order it is written unless the given-name list says otherwise."""
    return normalise_person_name(strip_honorifics(value))


def _plausible_self(lead: str, name: str, cast: "Cast") -> bool:
    """"My name is X" names a person; "I'm X" only when X starts with a
    given name or is someone the transcript knows ("I'm Very Pleased")."""
    normal = _written_name(name)
    if not looks_like_person(normal):
        return False
    return fold(lead).startswith("my name") or fold(normal.split()[0]) in given_names() \
        or cast.find(normal) is not None


@dataclass(frozen=True)
class _SelfIntro:
    name: Span
    organisation: Organisation | None
    role: str | None  # "moderator", "remote_moderator" or "reporter"


def _self_intro(text: str, start: int, end: int, cast: "Cast") -> _SelfIntro | None:
    """The first "my name is X" / "I'm X" in text[start:end], with what follows it."""
    for match in _SELF_NAME.finditer(text, start, end):
        if not _plausible_self(match.group("lead"), match.group("name"), cast):
            continue
        name = Span(match.group("name"), match.start("name"), match.end("name"))
        org = _SELF_ORG.match(text, match.end())
        organisation = _organisation(text, org.start("org"), org.end("org")) if org else None
        cue = _SELF_ROLE.match(text, match.end())
        role = _role_of(cue.group("noun"), cue.group("remote")) if cue else None
        return _SelfIntro(name, organisation, role)
    return None


# -- the transcript's cast ------------------------------------------------------


class _Reading:
    """Reads the people of one transcript from its labels and turns."""

    def __init__(self, text: str, turns: list[Turn], listed: list[RoleAssignment]):
        self.text = text
        self.turns = turns
        self.labels = [parse_label(text, t.label) if t.label else BARE for t in turns]
        self.cast = Cast(text)
        self.label_names: dict[str, str] = {}
        self.lowercase_words = {fold(w) for w in re.findall(r"(?<![\w'’-])[a-zß-öø-ÿ][\w'’-]+", text)}
        self.speakers: list[_Someone | None] = [None] * len(turns)
        self.sources: list[Span | None] = [None] * len(turns)
        self._read_listed(listed)
        self._read_labels()
        self._read_self_introductions()
        self._read_role_introductions()
        self.moderator = self._the_moderator()
        self._resolve_moderator_labels()
        self._read_introductions()
        self._read_written_names()
        self._merge_one_word_names()

    def _read_listed(self, listed: list[RoleAssignment]) -> None:
        """People the header lists ("Moderator: Ana Pérez")."""
        for role in listed:
            if role.person is None:
                continue
            someone = self.cast.add(role.person.name, role.person.source, written=True)
            someone.cues.add(role.role)
            if role.affiliation:
                someone.affiliate(_FROM_LABEL, role.affiliation)

    def _read_labels(self) -> None:
        # Full names first, so "MR. SMITH" finds "JOHN SMITH" wherever it stands.
        order = sorted(range(len(self.turns)), key=lambda i: self._label_words(i) < 2)
        for i in order:
            label = self.labels[i]
            if label.name is None:
                continue
            raw = label.name.value
            single = len(raw.split()) == 1
            someone = self.cast.add(self._label_name(raw), label.name, written=not raw.isupper(),
                                    create=not single or label.honorific or fold(raw) in given_names(), label=True)
            if someone is None:
                continue
            self._speaks(i, someone, label.name)
            if label.role:
                someone.cues.add(label.role)
            if label.affiliation:
                org = make_organisation(self.text, label.affiliation.start, label.affiliation.end)
                someone.affiliate(_FROM_LABEL, org)

    def _label_name(self, raw: str) -> str:
        """A label's name given name first ("LEE JI-WOO" is "Ji-Woo Lee" where
        the text writes it so), read once per label as written."""
        if raw not in self.label_names:
            letters = [ch for ch in raw if ch.isalpha()]
            capitals = sum(ch.isupper() for ch in letters) > len(letters) / 2  # "BEATRIX von HOLSTEIN"
            self.label_names[raw] = normalise_person_name(raw.upper() if capitals else raw, self.text)
        return self.label_names[raw]

    def _label_words(self, i: int) -> int:
        name = self.labels[i].name
        return len(name.value.split()) if name else 0

    def _speaks(self, i: int, someone: _Someone, source: Span) -> None:
        self.speakers[i] = someone
        self.sources[i] = source
        someone.turns += 1

    def _read_self_introductions(self) -> None:
        """"I'm X, I work at Y" in a speaker's opening words; on a generic
        turn the name says who speaks, and under MODERATOR who moderates."""
        for i, turn in enumerate(self.turns):
            label = self.labels[i]
            intro = _self_intro(self.text, turn.start, min(turn.end, turn.start + _OPENING), self.cast)
            someone = self.speakers[i]
            if intro is not None:
                name = _written_name(intro.name.value)
                if someone is None and label.generic:
                    someone = self.cast.add(name, intro.name, written=True)
                    self._speaks(i, someone, intro.name)
                elif someone is not None and someone is self.cast.find(name):
                    self.cast.add(name, intro.name, written=True)
                else:
                    continue  # someone else's name: a quotation or a caption slip
                if intro.organisation:
                    someone.affiliate(_FROM_SELF, intro.organisation)
                role = intro.role or ("moderator" if label.is_moderator_label else None)
                if role:
                    someone.cues.add(role)
            if someone is not None:
                self._read_works_at(i, someone)

    def _read_works_at(self, i: int, someone: _Someone) -> None:
        """"I work for Y" in a named speaker's opening words."""
        turn = self.turns[i]
        found = _WORKS_AT.search(self.text, turn.start, min(turn.end, turn.start + _OPENING))
        if found:
            org = _organisation(self.text, found.start("org"), found.end("org"))
            if org:
                someone.affiliate(_FROM_SELF, org)

    def _read_role_introductions(self) -> None:
        """"Our moderator, X", "moderated by X", "X will moderate", "our
        rapporteur is X": named people with a session role."""
        for turn in self.turns:
            for pattern in (_ROLE_THEN_NAME, _NAME_THEN_ROLE):
                for match in pattern.finditer(self.text, turn.start, turn.end):
                    group = "name" if match.group("name") else "name_by"
                    span = Span(match.group(group), match.start(group), match.end(group))
                    if not looks_like_person(_written_name(span.value)):
                        continue
                    someone = self.cast.add_written(span, create=True)
                    noun = match.group("noun") if match.group("name") else match.group("verb")
                    someone.cues.add(_role_of(noun, match.group("remote")))

    def _the_moderator(self) -> _Someone | None:
        """The session's moderator when the transcript names exactly one."""
        moderators = [p for p in self.cast.people if "moderator" in p.cues]
        return moderators[0] if len(moderators) == 1 else None

    def _resolve_moderator_labels(self) -> None:
        if self.moderator is None:
            return
        for i, label in enumerate(self.labels):
            if label.is_moderator_label and self.speakers[i] is None:
                self._speaks(i, self.moderator, None)

    def _moderates(self, i: int) -> bool:
        someone = self.speakers[i]
        return self.labels[i].role == "moderator" or (someone is not None and "moderator" in someone.cues)

    def _read_introductions(self) -> None:
        """"X from Y" anywhere gives a known speaker's affiliation; in the
        moderator's turns it also introduces panellists."""
        for i, turn in enumerate(self.turns):
            moderating = self._moderates(i)
            panel_turn = moderating and _PANEL_CUE.search(self.text, turn.start, turn.end) is not None
            for sentence in _SENTENCE.finditer(self.text, turn.start, turn.end):
                orgs = self._read_from(sentence.start(), sentence.end(), introduces=panel_turn)
                if panel_turn and _PANEL_CUE.search(sentence.group(0)):
                    self._read_panel_names(sentence.start(), sentence.end(), orgs)

    def _read_from(self, start: int, end: int, introduces: bool) -> list[tuple[int, int]]:
        """Affiliations stated as "X from Y"; returns where the organisations' names stand."""
        orgs, pos = [], start
        while (match := _INTRODUCED_FROM.search(self.text, pos, end)) is not None:
            org_end = _before_next_introduction(self.text, match.start("org"), match.end("org"))
            pos = org_end
            org = _organisation(self.text, match.start("org"), org_end)
            someone = self._named(match.start("name"), match.end("name"), create=introduces) if org else None
            if someone is None:
                continue
            orgs.append((match.start("org"), org_end))
            if someone.turns == 0 and introduces:
                someone.cues.add("panellist")
            someone.affiliate(_FROM_OTHERS, org)
        return orgs

    def _read_panel_names(self, start: int, end: int, orgs: list[tuple[int, int]]) -> None:
        """Names in the sentence that introduces the panel, outside the
        organisations' names ("Korea Internet & Security Agency")."""
        for match in re.finditer(NAME, self.text[start:end]):
            a, b = start + match.start(), start + match.end()
            if any(a < y and x < b for x, y in orgs):
                continue
            someone = self._named(a, b, create=True)
            if someone is not None and someone.turns == 0:
                someone.cues.add("panellist")

    def _read_written_names(self) -> None:
        """Every mixed-case mention of a known person ("Ana Pérez"), so the
        best spelling wins; mentions never add people."""
        for turn in self.turns:
            for match in re.finditer(NAME, self.text[turn.start:turn.end]):
                self._named(turn.start + match.start(), turn.start + match.end(), create=False)

    def _named(self, start: int, end: int, create: bool) -> _Someone | None:
        """The person a name at text[start:end] names, trying it without its
        leading words too ("Welcome Ana Pérez", "Next Jane Doe"); a new
        person only if ``create`` and the words read as a name."""
        spans = [Span(self.text[start + w.start():end], start + w.start(), end)
                 for w in list(re.finditer(r"\S+", self.text[start:end]))[:-1]]
        for span in spans:
            someone = self.cast.add_written(span, create=False)
            if someone is not None:
                return someone
        new = next((span for span in spans if create and self._new_name_ok(span.value)), None)
        return self.cast.add_written(new, create=True) if new else None

    def _new_name_ok(self, value: str) -> bool:
        """A name never heard in a label becomes a person only if it reads
        as one: name-shaped, and opening with a common given name or made of
        words the text never writes in lower case ("Next Jane Doe" is not one)."""
        name = _written_name(value)
        if not looks_like_person(name):
            return False
        words = [fold(w) for w in name.split()]
        if any(w in places() and w not in given_names() for w in words):
            return False  # "Korea Internet"
        return words[0] in given_names() or not any(w in self.lowercase_words for w in words)

    def _merge_one_word_names(self) -> None:
        """">> AMINA:" is Amina Yusuf when the text names exactly one Amina in full."""
        for someone in [p for p in self.cast.people if all(len(f.split()) == 1 for f in p.forms)]:
            full = self.cast.find(someone.spellings[0].name)
            if full is None or full is someone:
                continue
            full.spellings.extend(someone.spellings)
            full.cues |= someone.cues
            full.turns += someone.turns
            if someone.affiliation:
                full.affiliate(*someone.affiliation)
            self.cast.people.remove(someone)
            self.speakers = [full if s is someone else s for s in self.speakers]
            if self.moderator is someone:
                self.moderator = full

    # -- results --

    def utterances(self) -> list[Utterance]:
        people = {id(someone): someone.person() for someone in self.cast.people}
        found = []
        for i, turn in enumerate(self.turns):
            label, someone = self.labels[i], self.speakers[i]
            speaker = self._speaker(i, people)
            role = label.role
            if someone is not None:
                role = "moderator" if someone is self.moderator else (_turn_role(someone) or role)
            label_span = turn.label or Span("", turn.start, turn.start)
            found.append(Utterance(i + 1, label_span, turn.start, turn.end, speaker, role))
        return found

    def _speaker(self, i: int, people: dict[int, Person]) -> Person | None:
        """Who spoke turn i, as written in its label (or where they are named)."""
        someone = self.speakers[i]
        if someone is None:
            return None
        person = people[id(someone)]
        return replace(person, source=self.sources[i]) if self.sources[i] else person

    def roles(self) -> list[RoleAssignment]:
        found = []
        for someone in self.cast.people:
            for role in _roles_of(someone, someone is self.moderator):
                org = someone.affiliation[1] if someone.affiliation else None
                found.append(RoleAssignment(role, person=someone.person(), affiliation=org, confidence=CONFIDENCE))
        return found


def _turn_role(someone: _Someone) -> str | None:
    """The role someone speaks in: as moderator, else as a speaker."""
    return next((r for r in ("moderator", "remote_moderator") if r in someone.cues),
                "speaker" if someone.turns else None)


def _roles_of(someone: _Someone, moderates: bool) -> list[str]:
    """A person's session roles: moderators as named, everyone else with a
    turn a speaker, a rapporteur as named; panellists the moderator
    introduced who never spoke stay panellists. Mentions give no role."""
    roles = ["moderator"] if moderates else []
    role = _turn_role(someone)
    if role and role not in roles:
        roles.append(role)
    if "reporter" in someone.cues:
        roles.append("reporter")
    if not roles and "panellist" in someone.cues:
        roles.append("panellist")
    return roles


def read_speakers(text: str, turns: list[Turn], listed: list[RoleAssignment] = ()) \
        -> tuple[list[Utterance], list[RoleAssignment]]:
    """Utterances and session roles of a transcript's turns. ``listed`` are
    the people its header lists with a role ("Moderator: Ana Pérez")."""
    reading = _Reading(text, turns, list(listed))
    return reading.utterances(), reading.roles()
