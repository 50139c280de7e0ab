"""Kinds of IGF document, one small reader each, and the detector that
picks one. Adding a kind is adding a reader to ``READERS``.
"""
from __future__ import annotations

from ..records import ReportRecord, Section
from ..gate import gate
from ..report import cut_document_passages
from ..text import strip_span
from . import form, listing, third_party, transcript
from .base import MIN_SCORE, KindReader

#: Every reader; on equal scores the earlier wins. Proposals are read by the
#: list reader (a single proposal is a list of one), not by ``form.PROPOSAL``.
READERS: tuple[KindReader, ...] = (form.REPORT, form.SESSION_PAGE, form.DESCRIPTION, listing.PROPOSAL,
                                   listing.LISTING, third_party.THIRD_PARTY, transcript.TRANSCRIPT)

PLAIN_WARNING = ("not recognised as an IGF session document; kept as a plain document "
                 "(its passages are searchable, no session facts were read)")


def detect_kind(text: str) -> tuple[KindReader | None, dict[str, float]]:
    """The reader for text (None: a plain document) and every reader's score."""
    scores = {reader.kind: reader.score(text) for reader in READERS}
    best = max(READERS, key=lambda r: scores[r.kind], default=None)
    if best is None or scores[best.kind] < MIN_SCORE:
        return None, scores
    return best, scores


def parse_document(text: str, report_id: str, source_name: str = "", encoding: str = "utf-8",
                   warnings: tuple[str, ...] = (), running_text: bool = True,
                   file_format: str = "text") -> ReportRecord:
    """Read one document of any kind into a record. Pure: text in, record out."""
    # only candidates with evidence of being people or organisations go on
    return gate(read_document(text, report_id, source_name, encoding, warnings, running_text, file_format))


def read_document(text: str, report_id: str, source_name: str = "", encoding: str = "utf-8",
                  warnings: tuple[str, ...] = (), running_text: bool = True,
                  file_format: str = "text") -> ReportRecord:
    """parse_document before the entity gate (ingest times the two apart)."""
    record = ReportRecord(report_id=report_id, text=text, source_name=source_name, encoding=encoding,
                          is_report=False, kind="plain", file_format=file_format, warnings=list(warnings))
    reader, _scores = detect_kind(text)
    if reader is not None:
        reader.read(record, running_text)
    if not record.is_report:
        read_plain(record)
    return record


def read_plain(record: ReportRecord) -> None:
    """A document no reader recognised: one body section, passages only."""
    record.kind = "plain"
    start, end = strip_span(record.text, 0, len(record.text))
    record.sections = [Section("body", "", start, end)]
    cut_document_passages(record)
    record.warnings.append(PLAIN_WARNING)
