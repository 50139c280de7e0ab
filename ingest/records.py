"""Plain records that ingest produces from report text.

Every value extracted from the text keeps the character span it came from,
so the graph builder can point each fact at the passage that contains it.
Nothing here knows about RDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Span:
    """A value and where it sits in the report text (``text[start:end]``)."""

    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """One labelled part of a report; ``start``/``end`` delimit its content."""

    key: str  # canonical name, e.g. "summary"
    label: str  # the heading as written, e.g. "Brief substantive summary ..."
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A few sentences inside one section, with offsets and language."""

    index: int
    section: str
    start: int
    end: int
    text: str
    lang: str


@dataclass(frozen=True)
class Organisation:
    name: Span
    key: str  # normalised name used for the IRI
    part_of: str | None = None  # key of a known organisation it belongs to


@dataclass(frozen=True)
class Person:
    name: str  # given name(s) first, as shown to people
    source: Span  # the name as written in the text
    key: str  # normalised name used for the IRI


@dataclass(frozen=True)
class RoleAssignment:
    """Someone (a person or an organisation) holding a session role."""

    role: str  # organizer, moderator, remote_moderator, panellist, reporter, mentioned
    person: Person | None = None
    organisation: Organisation | None = None
    affiliation: Organisation | None = None  # the person's organisation, if given
    stakeholder_group: Span | None = None
    confidence: float = 1.0  # 1.0 for labelled form fields, lower for running text
    regional_group: Span | None = None  # a UN regional group ("WEOG"); groups never stand for organisations


@dataclass(frozen=True)
class Figure:
    """A participation figure such as ``female = 38``."""

    category: str  # female, male, young, developing, developed, ldc, total
    value: int
    source: Span


@dataclass(frozen=True)
class PrincipleMention:
    """A passage of text that names a principle of the SKOS scheme."""

    concept: str  # key under principle/ (or sdg/ for goals), e.g. "transparency", "5.b"
    source: Span
    confidence: float
    # True: the session is about it (named in its discussion); False: only
    # mentioned in passing (agenda, policy questions, once by a bare word).
    discussed: bool = True


@dataclass(frozen=True)
class ThemeMention:
    """A theme field value normalised to a concept of ontology/themes.ttl."""

    concept: str  # key under theme/, e.g. "access-and-diversity"
    source: Span  # the field value
    confidence: float


@dataclass(frozen=True)
class Example:
    """A case a speaker presents, e.g. port 25 management in Brazil."""

    label: Span
    presenter: Person | None
    organisations: tuple[Organisation, ...]
    principles: tuple[str, ...]
    outcome: tuple[Span, ...]
    confidence: float
    terms: tuple[str, ...] = ()  # glossary concepts named in the example (ontology/glossary.ttl)


@dataclass(frozen=True)
class LinkedEvent:
    """An earlier event the workshop builds on."""

    label: Span
    year: int | None
    place: str | None


@dataclass(frozen=True)
class Utterance:
    """One turn of a transcript: who spoke (as labelled) and the words."""

    index: int  # order in the transcript, from 1
    label: Span  # the speaker label as written, e.g. "CONSTANCE WEISE" or "MODERATOR"
    start: int  # the words of the turn: text[start:end]
    end: int
    speaker: Person | None  # None for a generic label the documents do not resolve
    role: str | None = None  # for generic labels: moderator, panellist, speaker, audience


@dataclass(frozen=True)
class Rejection:
    """A candidate person or organisation the entity gate did not keep."""

    text: Span  # the candidate as written
    as_what: str  # "person" or "organisation"
    reason: str  # one line a person understands, e.g. "a field label, not a name"


#: Kinds of document (``ReportRecord.kind``).
DOCUMENT_KINDS = ("report", "description", "proposal", "session_page", "transcript", "listing",
                  "third_party", "plain")
#: Kinds of session (``ReportRecord.session_kind``).
SESSION_KINDS = ("workshop", "main_session", "open_forum", "dynamic_coalition", "best_practice_forum",
                 "ad_hoc", "lightning_talk", "other")


@dataclass
class ReportRecord:
    """Everything ingest read from one document file, and the session it is
    about. A document about several sessions (a programme listing) keeps the
    others in ``other_sessions``, records of the same shape whose session
    fields are filled and whose passages are empty."""

    report_id: str
    text: str
    source_name: str
    encoding: str
    is_report: bool  # session facts were read (kind is not "plain")
    kind: str = "report"  # one of DOCUMENT_KINDS
    session_kind: str = "workshop"  # one of SESSION_KINDS
    file_format: str = "text"  # text, html, pdf, docx
    sections: list[Section] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    title: Span | None = None
    number: Span | None = None  # workshop number, digits only
    date: tuple[date, Span] | None = None
    meeting_year: Span | None = None
    city: Span | None = None
    country: Span | None = None
    theme: Span | None = None
    format: Span | None = None
    roles: list[RoleAssignment] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    women_estimate: Span | None = None
    gender_discussion: Span | None = None
    gender_discussed: bool | None = None
    gender_notes: Span | None = None
    previous_workshops: tuple[bool, Span] | None = None
    principles: list[PrincipleMention] = field(default_factory=list)
    goals: list[PrincipleMention] = field(default_factory=list)  # SDGs and targets (ontology/sdgs.ttl)
    themes: list[ThemeMention] = field(default_factory=list)  # theme/sub-theme fields (ontology/themes.ttl)
    subtheme: Span | None = None
    examples: list[Example] = field(default_factory=list)
    events: list[LinkedEvent] = field(default_factory=list)
    organisations_mentioned: list[Organisation] = field(default_factory=list)
    quality_notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    utterances: list[Utterance] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)  # candidates the entity gate refused
    other_sessions: list["ReportRecord"] = field(default_factory=list)
    content_hash: str | None = None  # sha256 of the file's bytes, when read from a file (incremental ingest)

    @property
    def sessions(self) -> list["ReportRecord"]:
        """Every session the document is about, this record's own first."""
        return ([self] if self.is_report else []) + self.other_sessions
