"""`igfkg ingest` on documents of every kind and format: a mixed folder in
one command, four documents of one workshop merged into one node, and bad
input refused with one line and the knowledge base left as it was."""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import docgen
from conftest import rows
from igfkg.cli import main
from igfkg.config import load_config
from igfkg.ingest.reading import read_report_file
from igfkg.ingest.report import parse_report
from igfkg.kb import KnowledgeBase
from igfkg.ontology import document_kind_label

DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"
DEV = sorted((DOCUMENTS / "dev").glob("*.txt"))
MERGE = DOCUMENTS / "merge"
PAGES = Path(__file__).resolve().parent / "fixtures" / "formats"


def invoke(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)


def query(home: Path, sparql: str) -> list[dict]:
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        return rows(kb, sparql)


def count(home: Path, sparql_where: str) -> int:
    """How many distinct ?x match the pattern."""
    return int(query(home, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {sparql_where} }}")[0]["n"])


def exported(home: Path) -> list[str]:
    """The whole knowledge base as sorted N-Quads lines, through the CLI."""
    result = invoke(home, "export", "--format", "nq")
    assert result.exit_code == 0
    return sorted(result.stdout.splitlines())


def summary_counts(line: str) -> tuple[int, Counter]:
    """"24 documents read: 4 session descriptions, 1 session page" ->
    (24, {"session description": 4, "session page": 1})."""
    match = re.fullmatch(r"(\d+) documents? read(?:: (.*?))?(?:; \d+ refused)?", line)
    assert match, line
    kinds = Counter()
    for part in (match.group(2) or "").split(", "):
        n, label = part.split(" ", 1)
        kinds[label[:-1] if int(n) > 1 else label] += int(n)
    return int(match.group(1)), kinds


# ---------------------------------------------------------------- a mixed folder

@pytest.mark.slow  # 24 documents, passages embedded: 10 s with the models loaded, 25 s alone
def test_a_folder_of_every_kind_and_format_ingests_in_one_command(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    for source in DEV:
        shutil.copy(source, folder)
    # Three more documents in the other formats (own names: a report id is the file name).
    for stem, fmt in (("report-2012-ws88", "pdf"), ("transcript-2015-ws6", "docx"), ("listing-2017-sched", "html")):
        docgen.render((DOCUMENTS / "dev" / f"{stem}.txt").read_text(encoding="utf-8"), fmt, folder / f"{fmt}-{stem}")
    files = sorted(folder.iterdir())
    result = invoke(tmp_path / "kb", "ingest", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.rsplit(" from ", 1)[1] for line in lines[:-1]] == [str(f) for f in files]
    assert all(line.startswith("ingested ") for line in lines[:-1])
    # The summary counts the documents by kind, as each was read.
    expected = Counter(document_kind_label(parse_report(read_report_file(f).text, f.stem).kind) for f in files)
    total, kinds = summary_counts(lines[-1])
    assert (total, kinds) == (len(files), expected)
    assert len(kinds) >= 6
    formats = query(tmp_path / "kb", "SELECT ?f (COUNT(?r) AS ?n) WHERE { ?r igf:fileFormat ?f } GROUP BY ?f")
    assert {r["f"]: int(r["n"]) for r in formats} == {"text": len(DEV), "pdf": 1, "docx": 1, "html": 1}


# ---------------------------------------------------------------- one workshop, four documents

MERGE_ORDER = ["ws64-2014-proposal.txt", "ws64-2014-description.txt", "ws64-2014-report.txt",
               "ws64-2014-transcript.txt"]
#: The real people of workshop 64 and how the four documents write them
#: (in capitals and with honorifics too, which are the same name written another way).
PEOPLE = {
    "Chinedu Okafor": {"Chinedu Okafor", "Okafor Chinedu", "CHINEDU OKAFOR"},
    "Agnès Dubois": {"Agnès Dubois", "Agnes Dubois", "AGNES DUBOIS"},
    "Tomasz Kowalczyk": {"Tomasz Kowalczyk", "TOMASZ KOWALCZYK"},
    "Nomsa Khumalo": {"Nomsa Khumalo", "NOMSA KHUMALO"},
    "Daniel Ofori": {"Daniel Ofori", "DANIEL OFORI"},
    "Isabel Ramos": {"Isabel Ramos"},
}


def ingest_merge_fixtures(home: Path, order: list[str]) -> None:
    result = invoke(home, "ingest", *(str(MERGE / name) for name in order))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("4 documents read: 1 session description, 1 proposal, "
                                              "1 session report, 1 transcript")


def workshop_of(home: Path) -> dict:
    """The one workshop node, its facts and its people with every label."""
    workshops = query(home, "SELECT ?w ?n ?title WHERE { ?w a igf:Workshop ; igf:workshopNumber ?n ;"
                            " schema:superEvent/igf:year ?y ; schema:name ?title }")
    assert len({w["w"] for w in workshops}) == 1, workshops
    node = workshops[0]["w"]
    documents = query(home, f"SELECT ?d ?kind WHERE {{ ?d schema:about <{node}> ; igf:documentKind ?kind }}")
    people = {}
    for row in query(home, "SELECT ?p ?name ?label WHERE { ?p a schema:Person ; schema:name ?name ."
                           " { ?p schema:name ?label } UNION { ?p skos:altLabel ?label } }"):
        person = people.setdefault(row["p"], {"names": set(), "labels": set()})
        person["names"].add(row["name"])
        person["labels"].add(row["label"])
    return {"node": node, "number": {w["n"] for w in workshops}, "titles": {w["title"].lower() for w in workshops},
            "documents": sorted(d["kind"].rsplit("/", 1)[1] for d in documents), "people": people}


def assert_one_workshop_and_each_person_once(home: Path) -> dict:
    workshop = workshop_of(home)
    assert count(home, "?x a igf:Workshop") == 1
    assert count(home, "?x a igf:Session") == 1
    assert workshop["number"] == {"64"}
    assert workshop["titles"] == {"open data trusts for local governments"}
    assert workshop["documents"] == ["description", "proposal", "report", "transcript"]
    people = workshop["people"].values()
    assert len(people) == len(PEOPLE) == count(home, "?x a schema:Person")
    for name, variants in PEOPLE.items():
        written = {_plain(v) for v in variants}
        holders = [p for p in people if written & {_plain(label) for label in p["labels"]}]
        assert len(holders) == 1, f"{name} is {len(holders)} nodes"
        assert len(holders[0]["names"]) == 1, f"{name} has several schema:name: {holders[0]['names']}"
        missing = written - {_plain(label) for label in holders[0]["labels"]}
        assert not missing, f"{name}: {missing} neither the name nor an skos:altLabel"
    return workshop


def _plain(label: str) -> str:
    """A label without honorifics or case: "Mr. Tomasz KOWALCZYK" is "Tomasz
    Kowalczyk" written another way, "Okafor Chinedu" is not."""
    return " ".join(w for w in label.split() if w.lower().rstrip(".") not in ("mr", "ms", "dr")).casefold()


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> dict[str, Path]:
    """The four documents ingested in the order above, and in the reverse
    order (the transcript first) into a fresh knowledge base."""
    homes = {"first": tmp_path_factory.mktemp("merge") / "kb", "reverse": tmp_path_factory.mktemp("merge") / "kb"}
    ingest_merge_fixtures(homes["first"], MERGE_ORDER)
    ingest_merge_fixtures(homes["reverse"], MERGE_ORDER[::-1])
    return homes


def test_four_documents_of_one_workshop_make_one_node(merged):
    assert_one_workshop_and_each_person_once(merged["first"])
    # Every turn of the transcript is tied to the workshop and to a person of it.
    assert count(merged["first"], "?x a igf:Utterance ; schema:isPartOf ?w ; igf:spokenBy ?p . ?w a igf:Workshop") == 8


def test_the_order_of_ingest_does_not_change_the_result(merged):
    first = assert_one_workshop_and_each_person_once(merged["first"])
    reverse = assert_one_workshop_and_each_person_once(merged["reverse"])
    assert first["documents"] == reverse["documents"]
    assert (first["number"], first["titles"]) == (reverse["number"], reverse["titles"])


def test_the_workshop_iri_does_not_depend_on_the_order_of_ingest(merged):
    assert workshop_of(merged["first"])["node"] == workshop_of(merged["reverse"])["node"]


# A known gap, kept visible (strict: the day it passes, drop the mark).
@pytest.mark.xfail(strict=True, reason="'Okafor Chinedu' (organiser field, given name unknown to the lexicon) "
                                       "is read surname first; ingested first, it names the person's IRI")
def test_the_person_iris_do_not_depend_on_the_order_of_ingest(merged):
    assert sorted(workshop_of(merged["first"])["people"]) == sorted(workshop_of(merged["reverse"])["people"])


# ---------------------------------------------------------------- bad input

@pytest.fixture(scope="module")
def populated_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("bad-input") / "kb"
    assert invoke(home, "ingest", str(DOCUMENTS / "dev" / "transcript-2015-ws6.txt")).exit_code == 0
    return home


def _scanned_pdf(folder: Path) -> Path:
    return docgen.pdf_without_text(folder / "scan.pdf")


def _encrypted_pdf(folder: Path) -> Path:
    plain = docgen.render((DOCUMENTS / "dev" / "report-2012-ws88.txt").read_text(encoding="utf-8"), "pdf",
                          folder / "plain")
    return docgen.encrypt_pdf(plain, folder / "locked.pdf")


def _zip_named_docx(folder: Path) -> Path:
    return docgen.zip_without_document(folder / "report.docx")


def _page(name: str):
    return lambda folder: Path(shutil.copy(PAGES / name, folder / name))


@pytest.mark.parametrize("make, message", [
    (_scanned_pdf, "no text layer: scanned PDFs are not supported"),
    (_encrypted_pdf, "the PDF is encrypted (password-protected); remove the password first"),
    (_zip_named_docx, "this is a ZIP archive, not a Word document"),
    (_page("login.html"), "this is a login page (it asks for a password), not a report"),
    (_page("not-found.html"), 'this is an error page ("Page not found | Internet Governance Forum"), not a report'),
], ids=["scanned-pdf", "encrypted-pdf", "zip-not-docx", "login-page", "error-page"])
def test_bad_file_is_refused_with_one_line_and_the_store_unchanged(populated_home, tmp_path, make, message):
    path = make(tmp_path)
    before = exported(populated_home)
    result = invoke(populated_home, "ingest", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {path}: {message}"]
    assert exported(populated_home) == before


TRANSCRIPT_WITHOUT_LABELS = """\
NINTH ANNUAL MEETING OF THE INTERNET GOVERNANCE FORUM
ISTANBUL, TURKEY
4 SEPTEMBER 2014
2:30 P.M.
WS 77
LOCAL CONTENT AND THE ECONOMICS OF HOSTING

********
This is the output of the real-time captioning taken during the session. Although it is largely accurate, in some
cases it may be incomplete or inaccurate due to inaudible passages or transcription errors.
********

Good afternoon. We will start in a minute. The captioner has asked us to speak slowly and into the microphone.

Thank you. The question for this session is why so much content about Africa is hosted outside Africa. Hosting
prices are part of the answer, but so are payment systems and the habits of developers.

(Applause)

The second point is about exchange points. Where there is a local exchange point, local hosting becomes cheaper.
"""


def test_a_transcript_without_speaker_labels_is_not_read_as_a_transcript(tmp_path):
    path = tmp_path / "captions-ws77.txt"
    path.write_text(TRANSCRIPT_WITHOUT_LABELS, encoding="utf-8")
    result = invoke(tmp_path / "kb", "ingest", str(path))
    assert result.exit_code == 0, result.output
    kind = re.match(r"ingested captions-ws77 \(([^,]+),", result.stdout).group(1)
    assert kind != document_kind_label("transcript")
    assert count(tmp_path / "kb", "?x a igf:Report") == 1
    assert count(tmp_path / "kb", "?x igf:documentKind <https://w3id.org/igfkg/id/document-kind/transcript>") == 0
    assert count(tmp_path / "kb", "?x a igf:Utterance") == 0


def listing_text(sessions: int) -> str:
    """A sched.com programme listing of that many workshops, one under each time line."""
    given = ["Amina", "Bruno", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiroshi", "Ines", "Jonas"]
    family = ["Achterberg", "Bianchi", "Castellanos", "Dlamini", "Eriksen"]
    days = ["Monday, December 18", "Tuesday, December 19", "Wednesday, December 20", "Thursday, December 21",
            "Friday, December 22"]
    topics = ["Broadband", "Privacy", "Cybersecurity", "Open Standards", "Digital Literacy"]

    def person(k: int) -> str:
        return f"{given[k % 10]} {family[k // 10 % 5]}"

    lines = ["IGF 2017 - Internet Governance Forum, Geneva", "Schedule | Speakers | Attendees | Venues | Search", ""]
    for i in range(sessions):
        hour = 9 + i // 5 % 9
        lines += [f"{days[i % 5]} • {hour:02d}:00 - {hour + 1:02d}:30", f"WS{300 + i}: {topics[i % 5]} in Practice,"
                  f" Case {i + 1}", f"Room {i % 12 + 1}", "Workshop", f"Moderators: {person(i)}",
                  f"Speakers: {person(i + 1)}, {person(i + 2)}", ""]
    return "\n".join(lines + ["Timezone: Europe/Zurich (CET)", "Powered by Sched"]) + "\n"


def test_a_listing_of_fifty_sessions_is_one_document_with_fifty_sessions(tmp_path):
    path = tmp_path / "sched-2017-workshops.txt"
    path.write_text(listing_text(50), encoding="utf-8")
    result = invoke(tmp_path / "kb", "ingest", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested sched-2017-workshops (programme listing, 50 sessions, ")
    assert count(tmp_path / "kb", "?x a igf:Report") == 1
    assert count(tmp_path / "kb", "?r a igf:Report ; schema:about ?x . ?x a igf:Session") == 50
    assert count(tmp_path / "kb", "?x a igf:Workshop ; igf:workshopNumber ?n ; schema:startDate ?d") == 50
