"""Format parity for documents of every kind: each dev fixture
(tests/fixtures/documents/dev/*.txt) rendered as HTML, PDF and Word by
tests/docgen.py gives the same session facts as its plain text.

The formats are compared with each other, not with the gold files: the
readers improve, the parity must hold whatever they read.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import docgen
from igfkg.ingest.reading import read_report_file
from igfkg.ingest.records import ReportRecord
from igfkg.ingest.report import parse_report

DEV = Path(__file__).resolve().parent / "fixtures" / "documents" / "dev"
SOURCES = sorted(DEV.glob("*.txt"))


def _key(thing) -> str | None:
    return thing.key if thing else None


def session_facts(session: ReportRecord) -> dict:
    """What identifies a session and who held which role in it."""
    return {
        "title": session.title.value if session.title else None,
        "number": session.number.value if session.number else None,
        "date": session.date[0] if session.date else None,
        "year": session.meeting_year.value if session.meeting_year else None,
        "session kind": session.session_kind,
        "roles": {(r.role, _key(r.person), _key(r.affiliation), _key(r.organisation)) for r in session.roles},
    }


def document_facts(record: ReportRecord) -> dict:
    facts = {"kind": record.kind, "sessions": [session_facts(s) for s in record.sessions]}
    if record.kind == "transcript":
        facts["turns"] = [_key(u.speaker) for u in record.utterances]
    return facts


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every dev fixture in every format, generated once: (stem, format) -> file."""
    folder = tmp_path_factory.mktemp("document-formats")
    return {(source.stem, fmt): docgen.render(source.read_text(encoding="utf-8"), fmt, folder / source.stem)
            for source in SOURCES for fmt in docgen.FORMATS}


@pytest.fixture(scope="session")
def plain_facts() -> dict[str, dict]:
    return {source.stem: document_facts(parse_report(source.read_text(encoding="utf-8"), source.stem))
            for source in SOURCES}


@pytest.mark.parametrize("fmt", docgen.FORMATS)
@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_format_gives_the_session_facts_of_the_plain_text(source, fmt, rendered, plain_facts):
    decoded = read_report_file(rendered[source.stem, fmt])
    assert decoded.format == fmt
    record = parse_report(decoded.text, source.stem, encoding=decoded.encoding, file_format=decoded.format)
    facts, expected = document_facts(record), plain_facts[source.stem]
    # Field by field first, so that a failure names what differs.
    assert facts["kind"] == expected["kind"]
    assert len(facts["sessions"]) == len(expected["sessions"])
    for n, (got, want) in enumerate(zip(facts["sessions"], expected["sessions"])):
        for field in want:
            assert got[field] == want[field], f"session {n + 1}: {field}"
    assert len(facts.get("turns", [])) == len(expected.get("turns", [])), "number of turns"
    assert facts == expected
    for passage in record.passages:  # offsets point into the derived text
        assert decoded.text[passage.start:passage.end] == passage.text


def test_the_dev_fixtures_give_facts_worth_comparing(plain_facts):
    """Parity of empty records would prove nothing: the plain texts are read
    as documents of many kinds, with sessions, roles and transcript turns."""
    facts = plain_facts.values()
    assert len(SOURCES) >= 20
    assert len({f["kind"] for f in facts}) >= 6
    assert all(f["sessions"] for f in facts)
    assert sum(len(s["roles"]) for f in facts for s in f["sessions"]) >= 100
    assert sum(1 for f in facts if f.get("turns") and any(f["turns"])) >= 4
    assert sum(len(f["sessions"]) > 1 for f in facts) >= 2  # listings, third-party pages


def test_generated_files_carry_the_accents_of_names(rendered):
    """The PDF font has the Latin Extended letters of names ("Zielińska")."""
    text = read_report_file(rendered["listing-2017-sched", "pdf"]).text
    assert "Dr. Ewa Zielińska" in text
