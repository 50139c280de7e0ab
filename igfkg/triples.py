"""The one place that turns ingest records into RDF quads.

Every fact read from the text is written as a triple and, once, as an
``rdf:Statement`` that points at the passage it came from
(``prov:wasDerivedFrom``) with a confidence. Structural triples (types,
passage offsets) carry no statement.
"""
from __future__ import annotations

import bisect

import pyoxigraph as ox

from igfkg.ingest.meetings import meeting_place
from igfkg.ingest.organisations import known_organisation
from igfkg.ingest.records import Organisation, Person, ReportRecord, Span
from igfkg.ingest.sections import SECTION_NAMES
from igfkg.ontology import DCTERMS, FOAF, IGF, NIF, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

from igfkg.ingest import EXTRACTOR_VERSION
from igfkg.ingest.identity import session_key

from .iris import Iris


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


A = N(RDF + "type")
FIGURE_PROPERTIES = {
    "female": "femaleParticipants", "male": "maleParticipants", "young": "youngParticipants",
    "developing": "developingCountryParticipants", "developed": "developedCountryParticipants",
    "ldc": "ldcParticipants", "total": "totalParticipants",
}
ROLE_PROPERTIES = {
    "organizer": SCHEMA + "organizer", "moderator": IGF + "moderator",
    "remote_moderator": IGF + "remoteModerator", "panellist": IGF + "panellist",
    "reporter": IGF + "reporter", "speaker": IGF + "speaker", "mentioned": None,
}


def typed(value, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + datatype))


class _Writer:
    """Collects the quads of one report graph."""

    def __init__(self, record: ReportRecord, iris: Iris):
        self.record = record
        self.iris = iris
        self.graph = iris.report(record.report_id)
        self.quads: list[ox.Quad] = []
        self._seen: set[ox.Quad] = set()
        self._starts = [p.start for p in record.passages]
        self._confidence: dict[ox.NamedNode, float] = {}

    def add(self, s, p, o) -> None:
        quad = ox.Quad(s, p, o, self.graph)
        if quad not in self._seen:
            self._seen.add(quad)
            self.quads.append(quad)

    def passage_at(self, offset: int) -> ox.NamedNode | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        passage = self.record.passages[i]
        if not passage.start <= offset < max(passage.end, passage.start + 1):
            return None
        return self.iris.passage(self.record.report_id, passage.start, passage.end)

    def passages_within(self, start: int, end: int) -> list[ox.NamedNode]:
        first = bisect.bisect_left(self._starts, start)
        last = bisect.bisect_left(self._starts, end)
        return [self.iris.passage(self.record.report_id, p.start, p.end)
                for p in self.record.passages[first:last]]

    def fact(self, s, p, o, source: Span | None, confidence: float = 1.0) -> None:
        """A triple read from the text, with its provenance statement."""
        self.add(s, p, o)
        passage = self.passage_at(source.start) if source else None
        if passage is None:
            return
        statement = self.iris.fact(self.record.report_id, (s, p, o))
        self.add(statement, A, N(RDF + "Statement"))
        self.add(statement, N(RDF + "subject"), s)
        self.add(statement, N(RDF + "predicate"), p)
        self.add(statement, N(RDF + "object"), o)
        self.add(statement, N(PROV + "wasDerivedFrom"), passage)
        # A fact read in several places keeps every passage and its best confidence.
        self._confidence[statement] = max(confidence, self._confidence.get(statement, 0.0))

    def finish(self) -> list[ox.Quad]:
        for statement, confidence in self._confidence.items():
            self.add(statement, N(IGF + "confidence"), typed(f"{confidence:.2f}", "decimal"))
        return self.quads


def default_session_nodes(record: ReportRecord, iris: Iris) -> list[ox.NamedNode]:
    """Each session's IRI from its own key, when no earlier document says better."""
    nodes = []
    for session in record.sessions:
        key = session_key(session)
        nodes.append(iris.session(key.year, key.kind, key.number, key.title_key, record.report_id))
    return nodes


def report_quads(record: ReportRecord, iris: Iris,
                 session_nodes: list[ox.NamedNode] | None = None) -> list[ox.Quad]:
    """All quads of one document's named graph. ``session_nodes``: the IRI
    of each of ``record.sessions`` (the knowledge base resolves them against
    earlier documents); default: from the sessions' own keys."""
    w = _Writer(record, iris)
    report = w.graph
    _write_report(w, report)
    write_rejections(w, report)
    _write_passages(w, report)
    nodes = session_nodes or default_session_nodes(record, iris)
    for session, node in zip(record.sessions, nodes):
        _write_session(w, report, session, node)
    if nodes:
        _write_utterances(w, report, nodes[0])
    return w.finish()


def _write_report(w: _Writer, report) -> None:
    r = w.record
    w.add(report, A, N(IGF + "Report"))
    w.add(report, A, N(NIF + "Context"))
    w.add(report, N(IGF + "reportId"), ox.Literal(r.report_id))
    w.add(report, N(NIF + "isString"), ox.Literal(r.text))
    w.add(report, N(IGF + "isWorkshopReport"), typed("true" if r.is_report else "false", "boolean"))
    w.add(report, N(SCHEMA + "name"), ox.Literal(r.title.value if r.title else r.source_name or r.report_id))
    if r.source_name:
        w.add(report, N(IGF + "sourceFile"), ox.Literal(r.source_name))
    w.add(report, N(IGF + "encoding"), ox.Literal(r.encoding))
    w.add(report, N(IGF + "documentKind"), w.iris.document_kind(r.kind))
    w.add(report, N(IGF + "fileFormat"), ox.Literal(r.file_format))
    if r.content_hash:  # read from a file: what incremental ingest compares
        w.add(report, N(IGF + "contentHash"), ox.Literal(r.content_hash))
        w.add(report, N(IGF + "extractorVersion"), ox.Literal(EXTRACTOR_VERSION))
    for warning in r.warnings:
        w.add(report, N(IGF + "ingestWarning"), ox.Literal(warning))


def _write_passages(w: _Writer, report) -> None:
    section_label = {}
    for s in w.record.sections:
        if s.key != "turn":  # each turn is labelled by its speaker: the section is "Turn"
            section_label.setdefault(s.key, s.label)
    for p in w.record.passages:
        node = w.iris.passage(w.record.report_id, p.start, p.end)
        w.add(node, A, N(IGF + "Passage"))
        w.add(node, A, N(NIF + "String"))
        w.add(node, N(NIF + "referenceContext"), report)
        w.add(node, N(NIF + "beginIndex"), typed(p.start, "integer"))
        w.add(node, N(NIF + "endIndex"), typed(p.end, "integer"))
        w.add(node, N(NIF + "anchorOf"), ox.Literal(p.text))
        w.add(node, N(DCTERMS + "language"), ox.Literal(p.lang))
        w.add(node, N(IGF + "section"), ox.Literal(p.section))
        label = section_label.get(p.section) or SECTION_NAMES.get(p.section, p.section)
        w.add(node, N(IGF + "sectionLabel"), ox.Literal(label))


def _write_session(w: _Writer, report, r: ReportRecord, ws: ox.NamedNode) -> None:
    """One session the document is about: ``r`` holds its fields."""
    year = int(r.meeting_year.value) if r.meeting_year else None
    number = int(r.number.value) if r.number else None
    w.add(ws, A, N(IGF + "Session"))
    if r.session_kind == "workshop":
        w.add(ws, A, N(IGF + "Workshop"))
    w.add(ws, A, N(SCHEMA + "Event"))
    w.add(ws, N(IGF + "sessionKind"), w.iris.session_kind(r.session_kind))
    w.add(ws, N(SCHEMA + "subjectOf"), report)
    w.add(report, N(SCHEMA + "about"), ws)
    key = session_key(r)
    if key.title_key:
        w.add(ws, N(IGF + "titleKey"), ox.Literal(key.title_key))
    if r.title:
        w.fact(ws, N(SCHEMA + "name"), ox.Literal(r.title.value), r.title)
        w.add(ws, N(RDFS + "label"), ox.Literal(r.title.value))
    if r.number:
        w.fact(ws, N(IGF + "sessionNumber"), typed(number, "integer"), r.number)
        if r.session_kind == "workshop":
            w.fact(ws, N(IGF + "workshopNumber"), typed(number, "integer"), r.number)
    if r.date:
        w.fact(ws, N(SCHEMA + "startDate"), typed(r.date[0].isoformat(), "date"), r.date[1])
    if year:
        _write_meeting(w, ws, r, year)
    for key, prop in (("theme", "theme"), ("format", "format"), ("women_estimate", "womenEstimate"),
                      ("gender_discussion", "genderDiscussion"), ("gender_notes", "genderNotes")):
        span = getattr(r, key)
        if span:
            w.fact(ws, N(IGF + prop), ox.Literal(span.value), span)
    if r.gender_discussed is not None:
        w.fact(ws, N(IGF + "genderDiscussed"), typed(str(r.gender_discussed).lower(), "boolean"),
               r.gender_discussion)
    if r.previous_workshops:
        answer, span = r.previous_workshops
        w.fact(ws, N(IGF + "organisedBefore"), typed(str(answer).lower(), "boolean"), span)
    for figure in r.figures:
        w.fact(ws, N(IGF + FIGURE_PROPERTIES[figure.category]), typed(figure.value, "integer"),
               figure.source)
    stats_span = r.figures[0].source if r.figures else None
    for note in r.quality_notes:
        w.fact(ws, N(IGF + "dataQualityNote"), ox.Literal(note), stats_span)
    for role in r.roles:
        _write_role(w, ws, role)
    _write_themes(w, ws, r)
    _write_running_text(w, ws, r)


def _write_utterances(w: _Writer, report, session) -> None:
    """Transcript turns: who spoke, in which order, where in the text."""
    for u in w.record.utterances:
        node = w.iris.utterance(w.record.report_id, u.index)
        w.add(node, A, N(IGF + "Utterance"))
        w.add(node, N(NIF + "referenceContext"), report)
        w.add(node, N(NIF + "beginIndex"), typed(u.start, "integer"))
        w.add(node, N(NIF + "endIndex"), typed(u.end, "integer"))
        w.add(node, N(IGF + "order"), typed(u.index, "integer"))
        w.add(node, N(IGF + "speakerLabel"), ox.Literal(u.label.value))
        w.add(node, N(SCHEMA + "isPartOf"), session)
        if u.role:
            w.add(node, N(IGF + "speakerRole"), ox.Literal(u.role))
        if u.speaker:
            # provenance: the turn's own words (the label line sits outside every passage)
            w.fact(node, N(IGF + "spokenBy"), _write_person(w, u.speaker), Span(u.label.value, u.start, u.end), 0.9)
        for passage in w.passages_within(u.start, u.end):
            w.add(passage, N(IGF + "utterance"), node)


def _write_role(w: _Writer, ws, role) -> None:
    if role.person is None and role.organisation is None:
        # an anonymised role ("Organizer 1: Civil Society, African Group"): its groups, no one to name
        _write_role_groups(w, ws, role, None)
        return
    prop = ROLE_PROPERTIES[role.role]
    who = role.person.source if role.person else role.organisation.name
    if role.person:
        node = _write_person(w, role.person)
        if role.affiliation:
            _write_affiliation(w, role.person, node, role.affiliation, role.confidence)
    else:
        node = _write_organisation(w, role.organisation)
    _write_role_groups(w, ws, role, node)
    if prop:
        w.fact(ws, N(prop), node, who, role.confidence)
    if role.confidence < 1.0:  # read from running text: the passage names them
        _mention(w, node, who)


def _write_role_groups(w: _Writer, ws, role, holder) -> None:
    """"Civil Society, WEOG": the stakeholder and regional group of a role in
    the session (ontology/groups.ttl), on a node for that role, never an
    organisation. An anonymised organiser is such a node with no holder."""
    from igfkg.ingest.groups import any_group

    groups = [(prop, span, any_group(span.value)) for prop, span in
              (("stakeholderGroup", role.stakeholder_group), ("regionalGroup", role.regional_group)) if span]
    groups = [(prop, span, group) for prop, span, group in groups if group]
    if not groups:
        return
    who = holder.value.rsplit("/", 1)[-1] if holder else f"anonymous-{groups[0][1].start}"
    node = N(f"{w.graph.value}/role/{role.role}-{who}")
    w.add(node, A, N(IGF + "SessionRole"))
    w.fact(ws, N(IGF + "hasRole"), node, groups[0][1], role.confidence)
    w.add(node, N(IGF + "roleName"), ox.Literal(role.role))
    if holder is not None:
        w.add(node, N(IGF + "heldBy"), holder)
    for prop, span, group in groups:
        w.fact(node, N(IGF + prop), N(w.iris.base + "group/" + group.key), span, role.confidence)


def write_rejections(w: _Writer, report) -> None:
    """What the entity gate refused, so that ``igfkg quality`` can list it:
    one node per candidate, with its text, what it was taken for and why not."""
    for r in w.record.rejected:
        node = N(f"{report.value}/rejected/{r.as_what}-{r.text.start}-{r.text.end}")
        w.add(report, N(IGF + "rejectedCandidate"), node)
        w.add(node, A, N(IGF + "RejectedCandidate"))
        w.add(node, N(IGF + "candidateText"), ox.Literal(r.text.value))
        w.add(node, N(IGF + "rejectedAs"), ox.Literal(r.as_what))
        w.add(node, N(IGF + "rejectionReason"), ox.Literal(r.reason))
        w.add(node, N(NIF + "beginIndex"), typed(r.text.start, "integer"))
        w.add(node, N(NIF + "endIndex"), typed(r.text.end, "integer"))


def _mention(w: _Writer, node, span: Span) -> None:
    passage = w.passage_at(span.start)
    if passage is not None:
        w.add(passage, N(SCHEMA + "mentions"), node)


def _write_running_text(w: _Writer, ws, r: ReportRecord) -> None:
    """Principles, examples, earlier events and organisations named in the text."""
    _write_concepts(w, ws, r.principles, w.iris.principle)
    for org in r.organisations_mentioned:
        _mention(w, _write_organisation(w, org), org.name)
    for example in r.examples:
        _write_example(w, ws, example)
    for event in r.events:
        node = w.iris.event(event.label.value)
        w.add(node, A, N(SCHEMA + "Event"))
        w.fact(node, N(SCHEMA + "name"), ox.Literal(_tidy(event.label.value)), event.label, 0.8)
        if event.year:
            w.fact(node, N(IGF + "year"), typed(event.year, "gYear"), event.label, 0.8)
            if "IGF" in event.label.value or "Internet Governance Forum" in event.label.value:
                w.fact(node, N(SCHEMA + "superEvent"), w.iris.meeting(event.year), event.label, 0.7)
        if event.place:
            place = w.iris.place(event.place)
            w.add(place, A, N(SCHEMA + "Place"))
            w.add(place, N(SCHEMA + "name"), ox.Literal(event.place))
            w.fact(node, N(SCHEMA + "location"), place, event.label, 0.8)
        w.fact(ws, N(IGF + "buildsOn"), node, event.label, 0.8)


def _write_concepts(w: _Writer, ws, mentions, node_of) -> None:
    """Principles or goals the text names: ``dcterms:subject`` on the passage
    and the session for every mention, and on the session ``igf:discusses``
    or ``igf:mentionsInPassing`` (sub-properties of dcterms:subject)."""
    for mention in mentions:
        concept = node_of(mention.concept)
        passage = w.passage_at(mention.source.start)
        if passage is not None:
            w.fact(passage, N(DCTERMS + "subject"), concept, mention.source, mention.confidence)
        w.fact(ws, N(DCTERMS + "subject"), concept, mention.source, mention.confidence)
        how = "discusses" if mention.discussed else "mentionsInPassing"
        w.fact(ws, N(IGF + how), concept, mention.source, mention.confidence)


def _write_themes(w: _Writer, ws, r: ReportRecord) -> None:
    """The session's theme fields and the goals its page lists (read even
    without running text: they are labelled fields)."""
    for theme in r.themes:
        w.fact(ws, N(IGF + "hasTheme"), w.iris.theme(theme.concept), theme.source, theme.confidence)
    _write_concepts(w, ws, r.goals, w.iris.goal)


def _write_example(w: _Writer, ws, example) -> None:
    node = w.iris.example(w.record.report_id, example.label.value)
    label = ox.Literal(_tidy(example.label.value))
    c = example.confidence
    w.add(node, A, N(IGF + "Example"))
    w.fact(node, N(SCHEMA + "name"), label, example.label, c)
    w.add(node, N(RDFS + "label"), label)
    w.fact(ws, N(IGF + "example"), node, example.label, c)
    passage = w.passage_at(example.label.start)
    if passage is not None:
        w.add(node, N(PROV + "wasDerivedFrom"), passage)
    if example.presenter:
        w.fact(node, N(IGF + "presenter"), w.iris.person(example.presenter.key), example.label, c)
    for org in example.organisations:
        w.fact(node, N(IGF + "involves"), _write_organisation(w, org), org.name, c)
    for concept in example.principles:
        w.fact(node, N(IGF + "illustrates"), w.iris.principle(concept), example.label, c)
    for outcome in example.outcome:
        w.fact(node, N(IGF + "outcome"), ox.Literal(_tidy(outcome.value)), outcome, c)
    for term in example.terms:
        w.fact(node, N(DCTERMS + "subject"), w.iris.term(term), example.label, c)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _write_meeting(w: _Writer, ws, r: ReportRecord, year: int) -> None:
    meeting = w.iris.meeting(year)
    w.add(meeting, A, N(IGF + "Meeting"))
    w.add(meeting, A, N(SCHEMA + "Event"))
    w.add(meeting, N(SCHEMA + "name"), ox.Literal(f"Internet Governance Forum {year}"))
    w.add(meeting, N(RDFS + "label"), ox.Literal(f"IGF {year}"))
    w.add(meeting, N(IGF + "year"), typed(year, "gYear"))
    w.fact(ws, N(SCHEMA + "superEvent"), meeting, r.meeting_year)
    known = meeting_place(year)
    city = r.city.value if r.city else known[0] if known else None
    country = r.country.value if r.country else known[1] if known else None
    if city:
        city_node = w.iris.place(city)
        w.add(city_node, A, N(SCHEMA + "Place"))
        w.add(city_node, N(SCHEMA + "name"), ox.Literal(city))
        w.fact(meeting, N(SCHEMA + "location"), city_node, r.city)
        w.fact(ws, N(SCHEMA + "location"), city_node, r.city)
        if country:
            country_node = w.iris.place(country)
            w.add(country_node, A, N(SCHEMA + "Country"))
            w.add(country_node, A, N(SCHEMA + "Place"))
            w.add(country_node, N(SCHEMA + "name"), ox.Literal(country))
            w.fact(city_node, N(SCHEMA + "containedInPlace"), country_node, r.country)


def _write_person(w: _Writer, person: Person) -> ox.NamedNode:
    node = w.iris.person(person.key)
    w.add(node, A, N(SCHEMA + "Person"))
    w.add(node, A, N(FOAF + "Person"))
    w.fact(node, N(SCHEMA + "name"), ox.Literal(person.name), person.source)
    w.add(node, N(RDFS + "label"), ox.Literal(person.name))
    written = person.source.value.strip()
    # another full form, not "Wolfgang" nor the same name in capitals
    if written.casefold() != person.name.casefold() and len(written.split()) > 1:
        w.fact(node, N(SKOS + "altLabel"), ox.Literal(written), person.source)
    return node


def _write_organisation(w: _Writer, org: Organisation) -> ox.NamedNode:
    node = w.iris.organisation(org.key)
    known = known_organisation(org.name.value)
    name = known.name if known else org.name.value
    w.add(node, A, N(SCHEMA + "Organization"))
    w.add(node, A, N(ORG + "Organization"))
    w.add(node, N(SCHEMA + "name"), ox.Literal(name))
    w.add(node, N(RDFS + "label"), ox.Literal(name))
    if org.name.value != name:
        w.fact(node, N(SKOS + "altLabel"), ox.Literal(org.name.value), org.name)
    if org.part_of:
        w.fact(node, N(ORG + "subOrganizationOf"), w.iris.organisation(org.part_of), org.name, 0.8)
    return node


def _write_affiliation(w: _Writer, person: Person, person_node, org: Organisation,
                       confidence: float = 1.0) -> None:
    org_node = _write_organisation(w, org)
    w.fact(person_node, N(SCHEMA + "affiliation"), org_node, org.name, confidence)
    membership = w.iris.membership(w.record.report_id, person.key, org.key)
    w.add(membership, A, N(ORG + "Membership"))
    w.add(membership, N(ORG + "member"), person_node)
    w.add(membership, N(ORG + "organization"), org_node)
    passage = w.passage_at(org.name.start)
    if passage is not None:
        w.add(membership, N(PROV + "wasDerivedFrom"), passage)
