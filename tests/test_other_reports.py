"""Reports the team wrote in other layouts: nothing is tied to the sample."""
from conftest import rows


def _workshop(kb, year, number):
    return f"""?w a igf:Workshop ; igf:workshopNumber {number} ;
               schema:superEvent/igf:year ?y . FILTER(str(?y) = '{year}')"""


def _names(kb, where, prop, cls="schema:Person"):
    return sorted(r["n"] for r in rows(kb, f"SELECT ?n WHERE {{ {where} ?w {prop} ?x . ?x a {cls} ; schema:name ?n }}"))


def test_english_report_with_capitalised_surname_and_protected_names(sample_kb):
    ws = _workshop(sample_kb, 2014, 173)
    found = rows(sample_kb, f"SELECT ?t ?d ?f WHERE {{ {ws} ?w schema:name ?t ; schema:startDate ?d ; igf:format ?f }}")
    assert found == [{"t": "Protecting Privacy in Cloud Services", "d": "2014-09-03", "f": "Panel"}]
    assert _names(sample_kb, ws, "schema:organizer") == ["Ingrid Brudvig"]
    assert _names(sample_kb, ws, "schema:organizer", "schema:Organization") == [
        "Access Now", "McDermott Will & Emery", "World Wide Web Foundation"]
    assert _names(sample_kb, ws, "igf:panellist") == ["Marc Crandall", "Nnenna Nwakanma", "Raquel Gatto"]
    assert _names(sample_kb, ws, "igf:remoteModerator") == ["Peter Hellmonds"]
    affiliations = rows(sample_kb, """SELECT ?o WHERE { ?p schema:name "Marc Crandall" ;
                                       schema:affiliation/schema:name ?o }""")
    assert affiliations == [{"o": "Google"}]
    gender = rows(sample_kb, f"SELECT ?g ?b WHERE {{ {ws} ?w igf:genderDiscussed ?g ; igf:organisedBefore ?b }}")
    assert gender == [{"g": "false", "b": "false"}]
    langs = {r["l"] for r in rows(sample_kb, f"""SELECT DISTINCT ?l WHERE {{ {ws} ?w schema:subjectOf ?r .
                                                  ?p nif:referenceContext ?r ; dcterms:language ?l }}""")}
    assert langs == {"en"}


def test_spanish_inline_labels_with_missing_fields(sample_kb):
    ws = _workshop(sample_kb, 2016, 42)
    found = rows(sample_kb, f"""SELECT ?t ?f ?city ?country WHERE {{ {ws} ?w schema:name ?t ; igf:format ?f ;
                                   schema:location ?c . ?c schema:name ?city ;
                                   schema:containedInPlace/schema:name ?country }}""")
    assert found == [{"t": "Acceso a Internet en comunidades rurales", "f": "Mesa redonda",
                      "city": "Guadalajara", "country": "Mexico"}]
    # Missing date, statistics and gender fields are simply absent.
    absent = rows(sample_kb, f"""SELECT ?p WHERE {{ {ws} ?w ?p ?o
        FILTER(?p IN (schema:startDate, igf:totalParticipants, igf:womenEstimate)) }}""")
    assert absent == []
    assert _names(sample_kb, ws, "schema:organizer") == ["Ana Echániz"]
    assert _names(sample_kb, ws, "igf:moderator") == ["Ana Echániz"]
    assert _names(sample_kb, ws, "igf:remoteModerator") == []  # "TBD" is nobody
    assert _names(sample_kb, ws, "igf:panellist") == ["Carlos Afonso", "Luisa Torres"]
    # A rapporteur that is an organisation stays an organisation.
    assert _names(sample_kb, ws, "igf:reporter", "schema:Organization") == ["Fundación Karisma"]
    ministry = rows(sample_kb, """SELECT ?o WHERE { ?p schema:name "Luisa Torres" ; schema:affiliation/schema:name ?o }""")
    assert ministry == [{"o": "Ministerio de Tecnologías de la Información y las Comunicaciones"}]


def test_surname_first_organisers_and_people_shared_across_reports(sample_kb):
    ws = _workshop(sample_kb, 2015, 88)
    assert _names(sample_kb, ws, "schema:organizer") == ["Anne-Rachel Inné", "John Klensin", "Patrik Fältström"]
    assert _names(sample_kb, ws, "igf:moderator") == ["Patrik Fältström"]
    assert _names(sample_kb, ws, "igf:panellist") == ["Anne-Rachel Inné", "Hong Xue", "Ram Mohan"]
    assert _names(sample_kb, ws, "schema:organizer", "schema:Organization") == [
        "AFRINIC", "ICANN", "Internet Society", "Netnod"]
    # Sarah Kiden reported on the 2013 and the 2015 workshop: one node, two workshops.
    reported = rows(sample_kb, """SELECT DISTINCT ?p ?n WHERE { ?w igf:reporter ?p . ?p schema:name "Sarah Kiden" ;
                                    ^igf:reporter/igf:workshopNumber ?n }""")
    assert len({r["p"] for r in reported}) == 1
    assert sorted(int(r["n"]) for r in reported) == [41, 88]
    note = rows(sample_kb, f"SELECT ?n WHERE {{ {ws} ?w igf:dataQualityNote ?n }}")
    assert note == [{"n": "female (15) + male (20) = 35, not the total of 40"}]


def test_plain_document_is_kept_without_workshop_facts(sample_kb):
    found = rows(sample_kb, """SELECT ?is ?warning WHERE { ?r igf:reportId "not-a-report-meeting-notes" ;
                                  igf:isWorkshopReport ?is ; igf:ingestWarning ?warning }""")
    assert found[0]["is"] == "false" and "not recognised" in found[0]["warning"]
    facts = rows(sample_kb, """SELECT ?w WHERE { GRAPH ?g { ?w a igf:Workshop } ?r igf:reportId "not-a-report-meeting-notes"
                                  FILTER(?g = ?r) }""")
    assert facts == []
    passages = rows(sample_kb, """SELECT ?a WHERE { ?r igf:reportId "not-a-report-meeting-notes" .
                                     ?p nif:referenceContext ?r ; nif:anchorOf ?a }""")
    assert any("budget" in p["a"] for p in passages)
