"""The bundled sample, ingested, answers SPARQL with every field of the form."""
from conftest import SAMPLE_ID, rows

WS = "?w a igf:Workshop ; igf:workshopNumber 41 ; schema:superEvent/igf:year ?year . FILTER(str(?year) = '2013')"


def test_workshop_fields(sample_kb):
    found = rows(sample_kb, f"""
        SELECT ?title ?number ?date ?theme ?format ?year ?city ?country WHERE {{
          {WS}
          ?w schema:name ?title ; igf:workshopNumber ?number ; schema:startDate ?date ;
             igf:theme ?theme ; igf:format ?format ; schema:superEvent ?m .
          ?m schema:location ?c . ?c schema:name ?city ; schema:containedInPlace/schema:name ?country .
        }}""")
    assert found == [{
        "title": "Developing and effectively using Multistakeholder Principles", "number": "41",
        "date": "2013-10-24", "theme": "Principles of Multi-stakeholder Cooperation",
        "format": "Roundtable", "year": "2013", "city": "Bali", "country": "Indonesia"}]
    datatype = rows(sample_kb, f"SELECT (datatype(?d) AS ?t) WHERE {{ {WS} ?w schema:startDate ?d }}")
    assert datatype == [{"t": "http://www.w3.org/2001/XMLSchema#date"}]


def test_people_and_organisations_in_roles(sample_kb):
    def names(prop, cls="schema:Person"):
        return sorted(r["n"] for r in rows(sample_kb, f"""
            SELECT ?n WHERE {{ {WS} ?w {prop} ?x . ?x a {cls} ; schema:name ?n }}"""))

    assert names("schema:organizer") == ["Constance Weise"]
    assert names("schema:organizer", "schema:Organization") == [
        "Association for Progressive Communications", "Government of Brazil", "ICC BASIS",
        "Internet Society"]
    assert names("igf:moderator") == ["Anriette Esterhuysen"]
    assert names("igf:remoteModerator") == ["Constance Weise"]
    assert names("igf:reporter") == ["Carlos Affonso Pereira de Souza", "Sarah Kiden"]
    affiliations = rows(sample_kb, """
        SELECT ?person ?org WHERE { ?p schema:name ?person ; schema:affiliation/skos:altLabel ?org .
                                    FILTER(?org = "APC" || ?org = "ICC BASIS" || ?org = "ICC-BASIS") }""")
    assert {(r["person"], r["org"]) for r in affiliations} >= {("Anriette Esterhuysen", "APC")}
    membership = rows(sample_kb, """
        SELECT ?passage WHERE { ?m a org:Membership ; org:member/schema:name "Constance Weise" ;
                                   org:organization/schema:name "ICC BASIS" ; prov:wasDerivedFrom ?passage }""")
    assert len(membership) == 1


def test_gender_and_participation_figures(sample_kb):
    found = rows(sample_kb, f"""
        SELECT ?p ?v WHERE {{ {WS} ?w ?p ?v . ?p rdfs:subPropertyOf igf:participationFigure }}""")
    figures = {r["p"].split("#")[1]: int(r["v"]) for r in found}
    assert figures == {"femaleParticipants": 38, "maleParticipants": 39, "youngParticipants": 5,
                       "developingCountryParticipants": 20, "developedCountryParticipants": 45,
                       "ldcParticipants": 5, "totalParticipants": 77}
    gender = rows(sample_kb, f"""
        SELECT ?estimate ?discussed ?note WHERE {{ {WS} ?w igf:womenEstimate ?estimate ;
            igf:genderDiscussed ?discussed ; igf:dataQualityNote ?note }}""")
    assert gender == [{"estimate": "About half of the participants were women", "discussed": "true",
                       "note": "developing (20) + developed (45) + LDC (5) = 70, not the total of 77"}]


def test_a_passage_for_every_section_with_offsets_and_language(sample_kb):
    text = rows(sample_kb, f"SELECT ?t WHERE {{ ?r igf:reportId '{SAMPLE_ID}' ; nif:isString ?t }}")[0]["t"]
    passages = rows(sample_kb, f"""
        SELECT ?section ?start ?end ?anchor ?lang WHERE {{
          ?r igf:reportId '{SAMPLE_ID}' . ?p nif:referenceContext ?r ; igf:section ?section ;
             nif:beginIndex ?start ; nif:endIndex ?end ; nif:anchorOf ?anchor ; dcterms:language ?lang }}""")
    sections = {p["section"] for p in passages}
    assert sections == {"header", "organizer", "organizer_entity", "theme", "description", "agenda",
                        "moderator", "remote_moderator", "previous_workshops", "format", "transcript",
                        "summary", "conclusions", "reporters", "women_estimate", "gender_discussion",
                        "gender_notes", "statistics"}
    for p in passages:
        assert text[int(p["start"]):int(p["end"])] == p["anchor"]
    langs = {}
    for p in passages:
        langs.setdefault(p["section"], set()).add(p["lang"])
    assert langs["summary"] == {"fr"} and langs["conclusions"] == {"fr"}
    assert langs["agenda"] == {"en"} and langs["description"] == {"en"}


def test_every_fact_points_to_the_passage_containing_its_value(sample_kb):
    found = rows(sample_kb, f"""
        SELECT ?o ?anchor WHERE {{ {WS} ?st rdf:subject ?w ; rdf:predicate igf:femaleParticipants ;
            rdf:object ?o ; prov:wasDerivedFrom ?p . ?p nif:anchorOf ?anchor ; igf:section "statistics" }}""")
    assert len(found) == 1 and "38" in found[0]["anchor"]
    unsupported = rows(sample_kb, """
        SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o . ?s a igf:Workshop }
          FILTER(?p NOT IN (rdf:type, schema:subjectOf, rdfs:label, igf:sessionKind, igf:titleKey))
          FILTER NOT EXISTS { GRAPH ?g { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                           prov:wasDerivedFrom ?passage } } }""")
    assert unsupported == []
