"""Documents that describe one session with labelled fields: reports of
every generation, session descriptions, single proposals and the current
session pages. One reader class, one instance per kind with that kind's cues;
the labelled-form engine (``report.read_form``) reads them all.
"""
from __future__ import annotations

from functools import lru_cache

from ..records import ReportRecord
from ..report import cut_document_passages, labelled_sections, read_form
from ..sections import split_sections
from ..sessions import MEETING_YEAR
from .base import Cue, KindReader, cue, cue_score

#: Labelled fields needed, beyond a kind's cues, before a text counts as a form.
MIN_FORM_SECTIONS = 3
_SESSION_HEADER = r"^.{0,120}\d{4}\s*[-–]\s*(?:an?\s+)?(?:workshop|open forum|dynamic coalition|best practices?|main session)\b"


@lru_cache(maxsize=2)
def is_form(text: str) -> bool:
    """Enough labelled fields, or an IGF header and one: a form of some kind.
    (Cached: every form reader asks it of the same text.)"""
    sections = split_sections(text)
    labelled = labelled_sections(sections)
    header = sections[0] if sections and sections[0].key == "header" else None
    return len(labelled) >= MIN_FORM_SECTIONS or (
        header is not None and bool(labelled) and MEETING_YEAR.search(text, header.start, header.end) is not None)


class FormReader(KindReader):
    def __init__(self, kind: str, cues: tuple[Cue, ...], form_weight: float = 0.5):
        self.kind = kind
        self.cues = cues
        self.form_weight = form_weight  # what being a labelled form alone counts for this kind

    def score(self, text: str) -> float:
        return cue_score(text, self.cues) + (self.form_weight if is_form(text) else 0.0)

    def read(self, record: ReportRecord, running_text: bool = True) -> None:
        record.kind = self.kind
        record.is_report = True
        record.sections = split_sections(record.text)
        cut_document_passages(record)
        read_form(record, record.sections, running_text)


REPORT = FormReader("report", (
    cue(r"\b(?:workshop|session)\s*#?\s*\d{0,4}\s*report\b", 0.8),
    cue(r"^\s*brief substantive summary", 0.6),
    cue(r"^\s*(?:reported by|report prepared by|rapporteur)\s*:?\s*$", 0.3),
    cue(r"^\s*conclusions? (?:drawn|and further comments)", 0.4),
    cue(r"^\s*(?:workshops? staticals|participation statistics|workshops? statistics)", 0.3),
    cue(r"estimate the overall number of women", 0.3),
    cue(r"^\s*(?:session summary|summary of the session|resume|resumen)\s*:?\s*$", 0.3),
    cue(r"best practices? session report|^\s*(?:final )?report\s*$", 0.6),
), form_weight=1.0)  # a labelled form with no other cue is a report, as before kinds existed
SESSION_PAGE = FormReader("session_page", (
    cue(r"^\s*IGF\s*20\d\d\s+(?:WS|OF|DC|LT|NS|MS|BPF|Open Forum|Lightning Talk)\s*#?\s*\d+", 0.8),
    cue(r"^\s*(?:organi[sz]er|speaker)\s+\d+\s*:", 0.3, most=2),
    cue(r"^\s*policy questions?\b", 0.3),
    cue(r"^\s*SDGs?\s*:?\s*$|\bGOAL\s+\d{1,2}\s*:", 0.3),
    cue(r"^\s*expected outcomes?\b", 0.2),
    cue(r"^\s*(?:key takeaways|call to action)\b", 0.2),
))
DESCRIPTION = FormReader("description", (
    cue(_SESSION_HEADER + r".*\bon\b", 0.9),
    cue(r"sub ?-?theme that this workshop", 0.5),
    cue(r"^\s*(?:(?:workshop|session) )?description\s*:?\s*$", 0.4),
    # a description announces; a report recounts
    cue(r"\b(?:this|the) (?:session|workshop|open forum|main session|roundtable|round table|panel|forum) will\b", 0.5),
))
PROPOSAL = FormReader("proposal", (
    cue(r"\bsubmitted proposals?\b|\baccepted (?:workshop )?proposals?\b|^\s*original proposal\b", 0.8),
    cue(r"^\s*(?:co-)?proposer'?s? (?:name|organi[sz]ation)\s*:", 0.5, most=2),
    # sched.com entries (2016-2018)
    cue(r"^\s*co-organi[sz]ers\s*:|^\s*(?:content|relevance) of the session\s*:", 0.3, most=2),
    cue(r"^\s*(?:workshop number|background paper|submitted workshop panel+ists|previous workshop\(s\)|"
        r"theme question|organi[sz]er\(s\) name)\s*:", 0.3, most=3),
    cue(r"^\s*\d\.\s*(?:primary|secondary) contact information", 0.5, most=2),
    cue(r"^\s*(?:type of session|duration of proposed session|subject matter #)", 0.3, most=2),
    cue(r"^\s*provide a concise formulation", 0.5),
    cue(r"^\s*status\s*:\s*(?:accepted|approved|rejected|pending|merged)", 0.3),
))
