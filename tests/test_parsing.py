"""Pure ingest functions: sections, names, lists, dates and figures."""
from datetime import date

import pytest

from igfkg.ingest.dates import find_date
from igfkg.ingest.fields import organisations_in, roles_in
from igfkg.ingest.names import is_placeholder, normalise_person_name
from igfkg.ingest.report import parse_report
from igfkg.ingest.sections import label_key, split_sections
from igfkg.ingest.statistics import parse_figures, quality_notes


@pytest.mark.parametrize("line, key", [
    ("Organizer Name ", "organizer"),
    ("Organiser name:", "organizer"),
    ("Consise description ", "description"),
    ("Moderador", "moderator"),
    ("Modérateur", "moderator"),
    ("Online Moderator", "remote_moderator"),
    ("Panelists", "panellists"),
    ("Workshops Staticals ", "statistics"),
    ("Brief substantive summary of the workshop and presentation of the main issues", "summary"),
    ("Estimate the overall number of women participants present at the session ", "women_estimate"),
    ("Moderator sets the stage for the discussion", None),
    ("Roundtable", None),
    ("Panel", None),
])
def test_label_lines(line, key):
    assert label_key(line) == key


def test_inline_labels_and_header():
    text = "A title\nIGF 2016\n\nModerador: Ana Echániz\nFormato: Mesa redonda\n"
    sections = split_sections(text)
    assert [s.key for s in sections] == ["header", "moderator", "format"]
    assert text[sections[1].start:sections[1].end] == "Ana Echániz"
    assert text[sections[2].start:sections[2].end] == "Mesa redonda"


@pytest.mark.parametrize("raw, context, first, expected", [
    ("Weise Constance", "Remote Moderator\nConstance Weise, ICC BASIS", True, "Constance Weise"),
    ("Constance Weise", "Organizer\nWeise Constance\nRemote\nConstance Weise", False, "Constance Weise"),
    ("Weise Constance", "", True, "Constance Weise"),  # given-name list
    ("BRUDVIG Ingrid", "", True, "Ingrid Brudvig"),
    ("Ms, Ingrid, BRUDVIG".replace(",", ""), "", False, "Ingrid Brudvig"),
    ("Dr. Jane Doe", "", False, "Jane Doe"),
    ("H.E. Everton Lucero", "", False, "Everton Lucero"),
    ("Klensin Klensin", "", False, "Klensin"),
    ("jane doe", "", False, "Jane Doe"),
    ("Fältström Patrik", "Moderator\nPatrik Faltstrom (Netnod)", True, "Patrik Fältström"),
])
def test_person_names_are_normalised(raw, context, first, expected):
    assert normalise_person_name(raw, context, surname_first_likely=first) == expected


@pytest.mark.parametrize("text", ["n.n.", "TBD", "To Be Determined", "[tbc]", "(TBC)", "N / A"])
def test_placeholders_are_not_people(text):
    assert is_placeholder(text)
    assert roles_in(text, 0, len(text), "moderator") == []


def test_organiser_entities_split_on_separators_but_not_inside_known_names():
    text = "APC & Government of Brazil & ICC BASIS & ISOC"
    assert [o.key for o in organisations_in(text, 0, len(text))] == [
        "apc", "government-of-brazil", "icc-basis", "isoc"]
    text = "World Wide Web Foundation & McDermott Will & Emery"
    assert [o.name.value for o in organisations_in(text, 0, len(text))] == [
        "World Wide Web Foundation", "McDermott Will & Emery"]
    text = "Ministry of Science and Technology, ICANN and ISOC"
    assert [o.name.value for o in organisations_in(text, 0, len(text))] == [
        "Ministry of Science and Technology", "ICANN", "ISOC"]


def test_role_items_give_people_with_affiliations_and_stakeholder_groups():
    text = "Carlos Affonso Pereira de Souza and Sarah Kiden"
    assert [r.person.name for r in roles_in(text, 0, len(text), "reporter")] == [
        "Carlos Affonso Pereira de Souza", "Sarah Kiden"]
    text = "Marc Crandall, Google; Jane Roe (ISOC); Ann Lee, Civil Society, WEOG"
    roles = roles_in(text, 0, len(text), "panellist")
    assert [(r.person.name, r.affiliation and r.affiliation.key) for r in roles] == [
        ("Marc Crandall", "google"), ("Jane Roe", "isoc"), ("Ann Lee", None)]
    assert roles[2].stakeholder_group.value == "Civil Society"
    # A field that names only an organisation gives an organisation, not a person.
    text = "Fundación Karisma"
    roles = roles_in(text, 0, len(text), "reporter")
    assert roles[0].person is None and roles[0].organisation.name.value == "Fundación Karisma"


@pytest.mark.parametrize("text, year, expected", [
    ("24 October 2013 - A Workshop", None, date(2013, 10, 24)),
    ("Friday, 2nd December, 2022 (12:00 UTC)", None, date(2022, 12, 2)),
    ("October 24, 2013", None, date(2013, 10, 24)),
    ("2014 09 05", None, date(2014, 9, 5)),
    ("le 24 octobre 2013", None, date(2013, 10, 24)),
    ("02 September", 2014, date(2014, 9, 2)),
    ("Day 2", 2014, None),
])
def test_dates(text, year, expected):
    found = find_date(text, year)
    assert (found[0] if found else None) == expected


def test_figures_run_together_are_read_in_order():
    text = ("Number of FEMALE participantsNumber of MALE participantsNumber of Young participants"
            "Number of Developing Countries ParticipantsNumber of Developed Countries Participants"
            "Number of LDCs participantsNumber of TOTAL Participants\n38 39 5 20 45 5 77")
    figures = parse_figures(text, 0, len(text))
    assert {f.category: f.value for f in figures} == {
        "female": 38, "male": 39, "young": 5, "developing": 20, "developed": 45, "ldc": 5, "total": 77}
    assert text[figures[-1].source.start:figures[-1].source.end] == "77"
    notes = quality_notes(figures)
    assert notes == ["developing (20) + developed (45) + LDC (5) = 70, not the total of 77"]


def test_figures_as_label_value_pairs():
    text = "Women: 15\nMen: 20\nTotal: 40"
    figures = parse_figures(text, 0, len(text))
    assert {f.category: f.value for f in figures} == {"female": 15, "male": 20, "total": 40}
    assert quality_notes(figures) == ["female (15) + male (20) = 35, not the total of 40"]


def test_text_that_is_not_a_report_has_no_workshop_facts():
    record = parse_report("Shopping list\n\nMilk, eggs and bread. Call the plumber on Monday.\n", "notes")
    assert not record.is_report
    assert record.title is None and record.roles == [] and record.figures == []
    assert [p.section for p in record.passages] == ["body"]
    assert "not recognised" in record.warnings[0]


def test_one_person_across_name_forms_in_one_report():
    text = ("Workshop 7: Test\nIGF 2014\n\nOrganizer Name\nWeise Constance\n\nRemote Moderator\n"
            "Constance Weise, ICC BASIS\n\nWorkshop Transcript\n"
            ">> CONSTANCE WEISE: Welcome everyone.\n>> JANE ROE: Thank you.\n"
            "Constance then gave the floor to the audience.\n")
    record = parse_report(text, "t")
    people = {r.person.key: r.person.name for r in record.roles if r.person}
    assert people == {"constance-weise": "Constance Weise", "jane-roe": "Jane Roe"}
    mentions = sorted(text[r.person.source.start:r.person.source.end]
                      for r in record.roles if r.person and r.person.key == "constance-weise")
    assert "Weise Constance" in mentions and "Constance Weise" in mentions


def test_accents_are_kept_in_labels_but_ignored_for_matching():
    text = ("Workshop 8: Test\nIGF 2015\n\nModerator\nPatrik Faltstrom, Netnod\n\nOrganizer\nFältström Patrik\n")
    record = parse_report(text, "t")
    assert {r.person.name for r in record.roles if r.person} == {"Patrik Fältström"}
