"""Answer a question in plain language, from the graph when it can and from
the passages when it cannot, always with evidence.

1. Link the entities the question names (linking.py).
2. Recognise what is asked (intents.py), with the names replaced by their
   type so that "Who is affiliated with [ORG]?" and "Which organisation is
   [PERSON] affiliated with?" differ.
3. Build the SPARQL for that kind with the linked IRIs (never the user's
   words) in VALUES, run it, phrase the answer, and fetch the passages the
   facts were derived from.
4. Otherwise search the passages and return the sentence that best answers.

Only the knowledge base's public methods are used (query, search, encoder).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

import pyoxigraph as ox

from igfkg.ingest.language import detect_language
from igfkg.ingest.passages import sentence_spans
from igfkg.ingest.text import fold
from igfkg.ontology import PREFIXES, SAME_PRINCIPLE

from . import graphqa, honesty, intents, said
from .encoders import CachedEncoder
from .hybrid import rank
from .linking import WORKSHOP_NUMBER, EntityTable, Link, link
from .lexical import tokens

PLACEHOLDERS = {"person": "[PERSON]", "org": "[ORG]", "example": "[EXAMPLE]", "principle": "[PRINCIPLE]",
                "workshop": "[WORKSHOP]", "collection": "[COLLECTION]", "goal": "[GOAL]"}
# Sessions that discussed a concept: with their meeting year, for "when first".
DISCUSSED = ("?w igf:discusses ?c ; schema:name ?name . OPTIONAL { ?w schema:superEvent/igf:year ?year } ")
ROLE_PROPERTIES = {"moderator": "igf:moderator", "remote_moderator": "igf:remoteModerator",
                   "organizer": "schema:organizer", "reporter": "igf:reporter", "panellist": "igf:panellist"}
FIGURES = [  # (pattern on the folded question, property, English, French)
    (r"\b(?:ldcs?|least developed|moins avanc)", "ldcParticipants", "from least developed countries", "des pays les moins avancés"),
    (r"\bdeveloping|en developpement|en desarrollo", "developingCountryParticipants", "from developing countries", "des pays en développement"),
    (r"\bdeveloped|developpes|desarrollados", "developedCountryParticipants", "from developed countries", "des pays développés"),
    (r"\b(?:women|woman|female|femmes?|mujeres|participantes)\b", "femaleParticipants", "women", "femmes"),
    (r"\b(?:men|man|male|hommes?|hombres)\b", "maleParticipants", "men", "hommes"),
    (r"\b(?:young|youth|jeunes?|jovenes)\b", "youngParticipants", "young participants", "jeunes"),
    (r".", "totalParticipants", "participants in total", "participants au total"),
]
# "What is / what does X cover / qu'est-ce que": prefer sentences that define.
_DEFINITION_QUESTION = re.compile(r"^(?:what (?:is|are|does|do)|qu'?est-ce|que (?:signifie|recouvre|couvre)|"
                                  r"que veut dire|define|definition)\b")
_DEFINES = re.compile(r"\((?:i\.e\.|e\.g\.|c'est-à-dire|par exemple)|\bsuch as\b|\bincluding\b|\bmeans\b|"
                      r"\brefers to\b|c'est-à-dire|\btels? que\b|\bnotamment\b|\bse définit\b", re.I)
DEFINITION_BONUS = 0.08
PASSAGE_FLOOR = 0.35  # below this the best sentence is no answer (calibrated on ask-eval and the dev half: answered ≥ 0.39, "who won the football match" 0.33)
NAME_BONUS = 0.1
# A following sentence that opens with a pronoun goes on about the same thing.
_CONTINUES = re.compile(r"(?:il|elle|ils|elles|ce|cet|cette|ces|it|this|these|they|he|she|[eé]l|ella|este|esta)\b", re.I)


def _with_continuation(text: str, start: int, end: int, most: int = 2) -> int:
    """Extend a sentence [start, end) with up to ``most`` sentences that continue it."""
    spans = [span for span in sentence_spans(text, 0, len(text)) if span[0] >= end]
    for a, b in spans[:most]:
        if not _CONTINUES.match(text, a):
            break
        end = b
    return end
# One SPARQL body per kind of question. Every body binds ?x and ?label (the
# answer), ?w (its workshop, when known) and ?s ?p ?o (the fact whose
# provenance is the evidence); ?aff may carry an affiliation or a presenter.
# $-slots are filled by Answerer._slots with IRIs linked from the graph.
TEMPLATES = {
    "role": "${W}?w $prop ?x . ${type_filter}?x schema:name ?label . BIND(?w AS ?s) BIND($prop AS ?p) "
            "BIND(?x AS ?o) OPTIONAL { ?x schema:affiliation/schema:name ?aff }",
    "affiliation_of_person": "VALUES ?s { <$person> }\n  ?s schema:affiliation ?x . ?x schema:name ?label . "
                             "BIND(schema:affiliation AS ?p) BIND(?x AS ?o) OPTIONAL { ?w a igf:Workshop ; ?role ?s }",
    "people_of_org": "VALUES ?org { <$org> }\n  ?x schema:affiliation ?o . ?o org:subOrganizationOf? ?org . "
                     "?x a schema:Person ; schema:name ?label . ${role_filter}BIND(?x AS ?s) BIND(schema:affiliation AS ?p)",
    "presenter_of_example": "VALUES ?s { <$example> }\n  ?s igf:presenter ?x . ?x schema:name ?label . "
                            "BIND(igf:presenter AS ?p) BIND(?x AS ?o) OPTIONAL { ?w igf:example ?s }",
    "examples_of_person": "VALUES ?o { <$person> }\n  ?x igf:presenter ?o ; schema:name ?label . "
                          "BIND(?x AS ?s) BIND(igf:presenter AS ?p) OPTIONAL { ?w igf:example ?x }",
    "examples_of_principle": "VALUES ?o { <$principle> }\n  ?x igf:illustrates ?o ; schema:name ?label . "
                             "BIND(?x AS ?s) BIND(igf:illustrates AS ?p) OPTIONAL { ?w igf:example ?x }",
    "example_outcome": "VALUES ?s { <$example> }\n  ?s igf:outcome ?label . BIND(?label AS ?x) "
                       "BIND(igf:outcome AS ?p) BIND(?label AS ?o) OPTIONAL { ?w igf:example ?s }",
    "example_organisations": "VALUES ?s { <$example> }\n  ?s igf:involves ?x . ?x schema:name ?label . "
                             "BIND(igf:involves AS ?p) BIND(?x AS ?o) OPTIONAL { ?w igf:example ?s }",
    "example_principles": "VALUES ?s { <$example> }\n  ?s igf:illustrates ?x . ?x skos:prefLabel ?label "
                          "FILTER(lang(?label) = \"$lang\") BIND(igf:illustrates AS ?p) BIND(?x AS ?o) "
                          "OPTIONAL { ?w igf:example ?s }",
    "meeting": "${W}?w a igf:Workshop ; schema:superEvent ?x . ?x schema:name ?name . "
               "OPTIONAL { ?x schema:location/schema:name ?city } "
               "BIND(IF(BOUND(?city), CONCAT(?name, \", \", ?city), ?name) AS ?label) "
               "BIND(?w AS ?s) BIND(schema:superEvent AS ?p) BIND(?x AS ?o)",
    "quality": "${W}?w igf:dataQualityNote ?label . BIND(?label AS ?x) BIND(?w AS ?s) "
               "BIND(igf:dataQualityNote AS ?p) BIND(?label AS ?o)",
    "examples_all": "${W}?w igf:example ?x . ?x schema:name ?label . OPTIONAL { ?x igf:presenter/schema:name ?aff } "
                    "BIND(?w AS ?s) BIND(igf:example AS ?p) BIND(?x AS ?o)",
    "people_on_topic": "VALUES ?o { <$principle> }\n  ?s dcterms:subject ?o ; schema:mentions ?x . "
                       "?x a schema:Person ; schema:name ?label . BIND(dcterms:subject AS ?p) "
                       "OPTIONAL { ?s nif:referenceContext/schema:about ?w }",
    "org_identity": "VALUES ?x { <$org> }\n  ?x schema:name ?label . BIND(?x AS ?s) BIND(schema:name AS ?p) "
                    "BIND(?label AS ?o)",
    "workshop_of": "VALUES ?o { <$target> }\n  VALUES ?p { igf:example schema:organizer igf:moderator "
                   "igf:remoteModerator igf:panellist igf:reporter dcterms:subject }\n  "
                   "?w ?p ?o ; a igf:Workshop ; schema:name ?label . BIND(?w AS ?x) BIND(?w AS ?s)",
    "principles_discussed": "${W}?w dcterms:subject ?x . ?x skos:inScheme <$scheme> ; skos:prefLabel ?label "
                            "FILTER(lang(?label) = \"$lang\") BIND(?w AS ?s) BIND(dcterms:subject AS ?p) BIND(?x AS ?o)",
    "collection_members": "VALUES ?c { <$collection> }\n  ?c skos:member ?x . ?x skos:prefLabel ?label "
                          "FILTER(lang(?label) = \"$lang\") OPTIONAL { ?w dcterms:subject ?x } "
                          "BIND(?w AS ?s) BIND(dcterms:subject AS ?p) BIND(?x AS ?o)",
    "workshop_property": "${W}?w a igf:Workshop ; $prop ?label . BIND(?w AS ?x) BIND(?w AS ?s) BIND($prop AS ?p) "
                         "BIND(?label AS ?o)",
    "place": "${W}?w a igf:Workshop ; schema:location ?x . ?x schema:name ?city . "
             "OPTIONAL { ?x schema:containedInPlace/schema:name ?country } "
             "BIND(IF(BOUND(?country), CONCAT(?city, \", \", ?country), ?city) AS ?label) "
             "BIND(?w AS ?s) BIND(schema:location AS ?p) BIND(?x AS ?o)",
    "figure": "${W}?w $prop ?label . BIND(?label AS ?x) BIND(?w AS ?s) BIND($prop AS ?p) BIND(?label AS ?o)",
    "gender": "${W}?w igf:womenEstimate|igf:genderDiscussion ?label . ?w ?p ?label . "
              "FILTER(?p IN (igf:womenEstimate, igf:genderDiscussion)) BIND(?label AS ?x) BIND(?w AS ?s) "
              "BIND(?label AS ?o)",
    "events_built_on": "${W}?w igf:buildsOn ?x . ?x schema:name ?label . BIND(?w AS ?s) BIND(igf:buildsOn AS ?p) "
                       "BIND(?x AS ?o)",
}
TEMPLATES.update({
    "sessions_discussed": "VALUES ?c0 { <$principle> }\n  ?c0 " + SAME_PRINCIPLE + " ?c .\n  " + DISCUSSED +
                          "BIND(?w AS ?x) BIND(?name AS ?label) BIND(?w AS ?s) BIND(igf:discusses AS ?p) BIND(?c AS ?o) "
                          "BIND(STR(?year) AS ?aff) $year_filter",
    # The first year first, then the sessions of that year (Virtuoso's optimiser refuses the
    # aggregate joined after an OPTIONAL).
    "first_discussed": "{ SELECT (MIN(?y0) AS ?first) WHERE { VALUES ?c1 { <$principle> } ?c1 " + SAME_PRINCIPLE +
                       " ?c2 . ?w0 igf:discusses ?c2 ; schema:superEvent/igf:year ?y0 } }\n  VALUES ?c0 { <$principle> }\n  "
                       "?c0 " + SAME_PRINCIPLE + " ?c .\n  ?w igf:discusses ?c ; schema:name ?name ; "
                       "schema:superEvent/igf:year ?year FILTER(?year = ?first)\n  "
                       "BIND(?w AS ?x) BIND(?name AS ?label) BIND(?w AS ?s) BIND(igf:discusses AS ?p) BIND(?c AS ?o) "
                       "BIND(STR(?year) AS ?aff)",
    "frameworks_of": "VALUES ?c0 { <$principle> }\n  ?c0 (" + SAME_PRINCIPLE + ")|skos:broadMatch|^skos:narrowMatch ?c .\n  "
                     "?c skos:inScheme ?x . ?x dcterms:issued ?issued ; skos:prefLabel ?name FILTER(lang(?name) = \"$lang\") "
                     "OPTIONAL { ?c skos:notation ?n } BIND(CONCAT(?name, \" (\", STR(?issued), \")\") AS ?label) "
                     "BIND(?c AS ?s) BIND(skos:inScheme AS ?p) BIND(?x AS ?o) BIND(?n AS ?aff)",
    # the goal itself (it is its own samePrincipleAs) or one of its targets; no `?` path (Virtuoso)
    "sessions_for_goal": "VALUES ?c0 { <$goal> }\n  ?c " + SAME_PRINCIPLE + "|skos:broader ?c0 .\n  " + DISCUSSED +
                         "BIND(?w AS ?x) BIND(?name AS ?label) BIND(?w AS ?s) BIND(igf:discusses AS ?p) BIND(?c AS ?o) "
                         "BIND(STR(?year) AS ?aff) $year_filter",
})
WORKSHOP_PROPERTIES = {"title": "schema:name", "format": "igf:format", "theme": "igf:theme", "date": "schema:startDate"}
TEMPLATE_OF = {**{kind: "role" for kind in ROLE_PROPERTIES}, **{kind: "workshop_property" for kind in WORKSHOP_PROPERTIES}}
PREFIX_BLOCK = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
                       if name in ("igf", "schema", "skos", "dcterms", "org", "rdf", "prov", "nif"))


@dataclass
class GraphAnswer:
    kind: str
    sparql: str
    rows: list[dict]  # label, iri, workshop, fact
    subject: str = ""  # the name of the linked entity the question is about, if one
    aliases: list[str] = None  # every label of that entity


class Answerer:
    def __init__(self, kb):
        self.kb = kb
        self._table: EntityTable | None = None
        self._version = None
        self._encoder = None
        self._person_words: set[str] | None = None
        self._property_labels: dict[tuple[str, str], str] = {}

    @property
    def table(self) -> EntityTable:
        if self._table is None or self._version != self.kb.version:
            self._table = EntityTable(self.kb, self.kb.iris.base)
            self._version = self.kb.version
            self._person_words = None
            self._property_labels = {}
        return self._table

    def property_label(self, prop: str, lang: str) -> str:
        """A property's rdfs:label in French (for French) or English, read
        once per version of the graph (a question's answer names it)."""
        self.table  # refreshes the caches when the graph changed
        key = (prop, "fr" if lang == "fr" else "en")
        if key not in self._property_labels:
            rows = self.kb.query(f'SELECT ?l WHERE {{ <{prop}> rdfs:label ?l FILTER(lang(?l) = "{key[1]}") }}')
            self._property_labels[key] = next((row["l"].value for row in rows), "")
        return self._property_labels[key]

    @property
    def encoder(self) -> CachedEncoder:
        """The knowledge base's encoder, remembering what it embedded (encoders.py)."""
        if self._encoder is None or self._encoder.inner is not self.kb.encoder:
            self._encoder = CachedEncoder(self.kb.encoder)
        return self._encoder

    def encode(self, texts: list[str], query: bool = False):
        return self.encoder.encode(texts, query=query)

    def search(self, query: str, k: int = 10, mode: str = "hybrid", **filters) -> list:
        """kb.search with the question's embedding taken from the cache."""
        filters = {key: value for key, value in filters.items() if value is not None}
        vector = self.encode([query], query=True)[0]
        return rank(self.kb.index, vector, query, k=k, mode=mode, filters=filters,
                    boost_labels=self.kb.entities_named_in(query))

    def person_words(self) -> set[str]:
        """Folded first names and surnames of everyone in the graph (said.py)."""
        return {word for word in self._people()[0] if len(word) >= 4}

    def person_index(self) -> dict[str, str]:
        """Folded first name or surname → a person's IRI (said.py)."""
        return self._people()[0]

    def person_by_name(self) -> dict[str, str]:
        """Folded full name → the person's IRI."""
        return self._people()[1]

    def _people(self):
        table = self.table  # refreshes the cache when the graph changed
        if self._person_words is None:
            people = [(e.iri, e.name, e.labels) for e in table.of_kind("person")]
            self._person_words = (said.name_index(people),
                                  {fold(label): e.iri for e in table.of_kind("person") for label in e.labels})
        return self._person_words

    def ask(self, question: str) -> dict:
        # "Dis-moi qui ..." is answered as "qui ...", and says what was asked.
        core = graphqa.qg.without_frame(question)
        response = self._ask(core)
        return {**response, "question": question} if core != question else response

    def _ask(self, question: str) -> dict:
        lang = _language(question)
        links = link(question, self.table, self.encoder)
        # What someone said is answered from their words, never from their affiliation (said.py).
        spoken = said.answer(self, question, lang, links)
        if spoken is not None:
            return spoken
        wanted = graphqa.qg.answer_type(question)
        attribute = honesty.unexplained(question, links)
        if attribute is not None:  # "how many cats": only a sentence naming it may answer
            return self._passage_answer(question, lang, links, wanted, required=attribute)
        # First route: query graphs over the real data (querygraph.py); the templates below are the fallback.
        routed = graphqa.answer(self, question, lang, links)
        if routed is not None:
            return routed
        delexicalised = _delexicalise(question, links)
        linked = {kind for kind, found in links.items() if found}
        ranked = intents.rank_kinds(delexicalised, self.encoder, linked)[:3]
        for rank_, (kind_name, score) in enumerate(ranked):
            if score < intents.THRESHOLD:
                break
            if kind_name == "passage":
                break
            kind = intents.BY_NAME[kind_name]
            missing = [need for need in kind.needs if not any(links.get(k) for k in need.split("|"))]
            if missing:
                refusal = self._not_found(question, kind, missing, lang, links)
                if refusal:
                    return refusal
                continue
            if links.get("workshop") is None and self._workshop_named_but_unknown(question):
                return self._no_such_workshop(question, lang)
            if not honesty.type_fits(kind_name, wanted):
                continue  # never a confident answer of the wrong type (a count for a "how" question)
            answer = self._graph_answer(kind_name, links, question, lang)
            if answer and answer.rows:
                return self._respond(question, answer, lang, score, links)
            if answer is not None and kind.needs and rank_ == 0 and _clear_lead(ranked):
                # The question clearly asks this of an entity it names, and the graph has nothing:
                # say so, rather than answering another question ("sessions that served SDG 3").
                return honesty.nothing_for(question, answer.subject or honesty.understood(links, self.table),
                                           kind_name, lang)
        return self._passage_answer(question, lang, links, wanted)

    # -- graph -------------------------------------------------------------

    def _graph_answer(self, kind: str, links: dict[str, list[Link]], question: str,
                      lang: str = "en") -> GraphAnswer | None:
        template = TEMPLATES.get(TEMPLATE_OF.get(kind, kind))
        if template is None:
            return None
        body = Template(template).substitute(self._slots(kind, links, question, lang))
        sparql = (f"{PREFIX_BLOCK}SELECT DISTINCT ?x ?label ?w ?s ?p ?o ?aff WHERE {{\n  {body}\n}}\n"
                  "ORDER BY ?w ?label\nLIMIT 50")
        rows = []
        for s in self.kb.query(sparql):
            x, label = s["x"], s["label"]
            rows.append({"label": label.value, "iri": x.value if isinstance(x, ox.NamedNode) else None,
                         "workshop": s["w"].value if s["w"] is not None else None,
                         "affiliation": s["aff"].value if s["aff"] is not None else None,
                         "fact": (s["s"], s["p"], s["o"])})
        needs = intents.BY_NAME[kind].needs
        entity = next((links[k][0].entity for need in needs for k in need.split("|") if links.get(k)), None)
        return GraphAnswer(kind, sparql, rows, self._name(entity, lang) if entity else "",
                           entity.labels if entity else [])

    def _name(self, entity, lang: str) -> str:
        """An entity's name, in the answer's language where it has one."""
        if entity.kind in ("principle", "term", "collection", "goal", "theme"):
            for s in self.kb.query(f"SELECT ?l WHERE {{ <{entity.iri}> skos:prefLabel ?l "
                                   f"FILTER(lang(?l) = \"{lang}\") }}"):
                return s["l"].value
        return entity.name

    def _slots(self, kind: str, links: dict[str, list[Link]], question: str, lang: str) -> dict[str, str]:
        """What fills a template: the linked IRIs (from the graph, never the
        question's words) and a few choices read off the question."""
        workshops = [l.entity.iri for l in links.get("workshop", [])[:3]]
        slots = {k: v[0].entity.iri for k, v in links.items() if v}
        slots.setdefault("target", next((slots[k] for k in ("example", "person", "org", "principle") if k in slots), ""))
        for name in ("person", "org", "example", "principle", "collection", "goal"):
            slots.setdefault(name, "")
        slots["W"] = f"VALUES ?w {{ {' '.join(f'<{iri}>' for iri in workshops)} }}\n  " if workshops else ""
        # "Which sessions of 2019 ...": a meeting year, as a number (never the question's text)
        year = _MEETING_YEAR_IN_QUESTION.search(question)
        slots["year_filter"] = f'FILTER(STR(?year) = "{int(year.group(1))}")' if year else ""
        slots["lang"] = lang
        slots["scheme"] = self.kb.iris.base + "principle/scheme"
        slots["prop"] = (ROLE_PROPERTIES.get(kind) or WORKSHOP_PROPERTIES.get(kind)
                         or ("igf:" + _figure(question)[0] if kind == "figure" else ""))
        only_orgs = kind == "organizer" and re.search(r"organi[sz]ations?|entit|institution|quelles organ", fold(question))
        cls = "schema:Organization" if only_orgs else ("schema:Person" if kind != "organizer" else None)
        slots["type_filter"] = f"?x a {cls} . " if cls else ""
        role = _role_in(question)
        slots["role_filter"] = f"?w {ROLE_PROPERTIES[role]} ?x . " if role else \
            "OPTIONAL { ?w a igf:Workshop ; ?role ?x } "
        return slots

    def _evidence(self, answer: GraphAnswer) -> list[dict]:
        facts = [r["fact"] for r in answer.rows if all(t is not None for t in r["fact"])]
        if not facts:
            return []
        values = " ".join(f"({s} {p} {o})" for s, p, o in facts[:50])
        # The object first: Oxigraph joins in the order written, and an answer's
        # objects (people, organisations) have fewer statements than its
        # subjects (sessions) (measured: a quarter less time over the dev questions).
        concept_values = " ".join(f"<{r['iri']}>" for r in answer.rows if r["iri"])
        query = (f"{PREFIX_BLOCK}SELECT DISTINCT ?passage ?text ?report ?section ?start ?end ?lang WHERE {{\n"
                 f"  {{ VALUES (?s ?p ?o) {{ {values} }} ?st rdf:object ?o ; rdf:subject ?s ; rdf:predicate ?p ;"
                 " prov:wasDerivedFrom ?passage }"
                 + (f" UNION {{ VALUES ?c {{ {concept_values} }} ?passage dcterms:subject ?c }}"
                    if answer.kind == "collection_members" and concept_values else "")
                 + "\n  ?passage nif:anchorOf ?text ; nif:beginIndex ?start ; nif:endIndex ?end ; igf:section ?section ;"
                 " dcterms:language ?lang ; nif:referenceContext/igf:reportId ?report }\nORDER BY ?report ?start LIMIT 8")
        return [{"text": s["text"].value, "report": s["report"].value, "section": s["section"].value,
                 "start": int(s["start"].value), "end": int(s["end"].value), "lang": s["lang"].value, "score": 1.0}
                for s in self.kb.query(query)]

    def _respond(self, question: str, answer: GraphAnswer, lang: str, score: float, links) -> dict:
        labels = list(dict.fromkeys(r["label"] for r in answer.rows))
        answers, seen = [], set()
        for row in answer.rows:
            if row["label"] not in seen:
                seen.add(row["label"])
                answers.append({"label": row["label"], "iri": row["iri"]})
        text = _phrase(answer, labels, question, lang, self.table)
        if answer.kind in ("examples_of_person", "examples_of_principle"):
            text += _english_terms(answer, self.kb, lang)
        return {"question": question, "answer": text, "answers": answers, "sparql": answer.sparql,
                "evidence": self._evidence(answer), "confidence": round(min(0.95, 0.45 + score / 2), 2)}

    # -- passages ------------------------------------------------------------

    def _passage_answer(self, question: str, lang: str, links: dict | None = None, wanted: str | None = None,
                        required: str | None = None) -> dict:
        hits = self._speaker_hits(question, links) or self.search(question, k=5)
        if required and (links or {}).get("workshop"):
            # "the budget of workshop 41": only that session's documents may name it
            reports = self._reports_about(links["workshop"][0].entity.iri)
            hits = [h for h in self.search(question, k=50) if h.row.report in reports][:5]
        if not hits:
            message = ("Je n'ai trouvé aucun passage qui réponde à cette question." if lang == "fr"
                       else "I found no passage that answers this question.")
            return {"question": question, "answer": message, "answers": [], "sparql": None,
                    "evidence": [], "confidence": 0.0}
        candidates = []
        for rank_, hit in enumerate(hits[:3]):
            row = hit.row
            previous = None
            for a, b in sentence_spans(row.text, 0, len(row.text)):
                # A sentence opening with a pronoun is about whom the sentence before names.
                about = row.text[previous[0]:b] if previous and _CONTINUES.match(row.text, a) else row.text[a:b]
                if not required or required[:5] in fold(row.text[a:b]):
                    candidates.append((row, a, b, rank_, about))
                previous = (a, b)
        if required and not candidates:
            return honesty.nothing_recorded(question, required, links or {}, self.table, graphqa._lang(question, lang),
                                            [h.as_json() for h in hits[:3]])
        vectors = self.encode([question] + [row.text[a:b] for row, a, b, _, _ in candidates], query=True)
        q_terms = set(tokens(question))
        # The glossary carries a question's terms across languages: "soft law" also counts "droit mou".
        for term in (links or {}).get("term", []):
            for label in term.entity.labels:
                q_terms |= set(tokens(label))
        wants_definition = bool(_DEFINITION_QUESTION.search(fold(question)))
        # Names of the people and organisations the question names, to favour sentences about them.
        names = {fold(word) for kind in ("person", "org") for l in (links or {}).get(kind, [])[:2]
                 for label in l.entity.labels for word in label.split() if len(word) >= 4}
        # "Who ...?" asked of the passages: favour sentences about a person.
        asks_who = bool(re.match(r"\s*(?:who|qui|qui[eé]n)\b", question, re.I))
        people = {fold(word) for e in self.table.of_kind("person") for label in e.labels
                  for word in label.split() if len(word) >= 4} if asks_who else set()
        best, best_score = None, -1.0
        for (row, a, b, rank_, about), vector in zip(candidates, vectors[1:]):
            overlap = len(q_terms & set(tokens(row.text[a:b]))) / max(len(q_terms), 1)
            # a heading or a list of names is no answer, however near its words
            score = float(vectors[0] @ vector) + 0.3 * overlap - 0.03 * rank_ + said.prose_penalty(row.text[a:b])
            if wants_definition and _DEFINES.search(row.text[a:b]):
                score += DEFINITION_BONUS
            words = {fold(word) for word in re.findall(r"[\w'-]+", about)}
            if names and names & words:
                score += NAME_BONUS
            if people and people & words:
                score += NAME_BONUS
            if score > best_score:
                best, best_score = (row, a, b), score
        if best_score < PASSAGE_FLOOR or not q_terms:
            message = ("Je n'ai rien trouvé dans les rapports qui réponde à cette question."
                       if lang == "fr" else "I found nothing in the reports that answers this question.")
            return {"question": question, "answer": message, "answers": [], "sparql": None,
                    "evidence": [h.as_json() for h in hits[:3]], "confidence": 0.0}
        row, a, b = best
        b = _with_continuation(row.text, a, b)
        if _CONTINUES.match(row.text, a):  # "Il a défendu ...": say who, with the sentence before
            before = [span for span in sentence_spans(row.text, 0, len(row.text)) if span[1] <= a]
            a = before[-1][0] if before else a
        sentence = row.text[a:b]
        evidence = [{"text": sentence, "report": row.report, "section": row.section, "start": row.start + a,
                     "end": row.start + b, "lang": row.lang, "score": round(best_score, 4)}]
        evidence += [h.as_json() for h in hits[:3]]
        return {"question": question, "answer": sentence, "answers": [], "sparql": None, "evidence": evidence,
                "confidence": round(max(0.05, min(0.6, best_score * 0.8)), 2)}

    def _reports_about(self, session: str) -> set[str]:
        """The ids of the documents about a session."""
        rows = self.kb.query("SELECT DISTINCT ?id WHERE { ?d igf:reportId ?id ; schema:about " + graphqa.qg._iri(session) + " }")
        return {r["id"].value for r in rows}

    def _speaker_hits(self, question: str, links: dict | None) -> list:
        """"What did X say about Y?": X's own transcript turns first, when a
        transcript records X speaking."""
        for person in (links or {}).get("person", [])[:1]:
            name = self._name(person.entity, "en")
            hits = self.search(question, k=5, speaker=name)
            if hits:
                return hits
        return []

    # -- when nothing fits ---------------------------------------------------

    def _not_found(self, question: str, kind, missing: list[str], lang: str, links) -> dict | None:
        """A question about a person or organisation the graph does not know."""
        need = missing[0].split("|")[0]
        if need not in ("person", "org"):
            return None
        name = _capitalised_name(question)
        if not name:
            return None
        known = [fold(label) for found in links.values() for l in found for label in l.entity.labels]
        if any(fold(name) in label or label in fold(name) for label in known):
            return None  # the name is known, as something else: another kind of question fits
        import difflib

        pool = {label: e for e in self.table.of_kind(need) for label in e.labels}
        close = difflib.get_close_matches(name, list(pool), n=3, cutoff=0.4)
        what = {"person": ("person", "personne"), "org": ("organisation", "organisation")}[need]
        if lang == "fr":
            text = f"Je n'ai trouvé aucune {what[1]} nommée « {name} »." + (
                f" Les plus proches : {', '.join(close)}." if close else "")
        else:
            text = f"I found no {what[0]} named \u201c{name}\u201d." + (f" Closest: {', '.join(close)}." if close else "")
        return {"question": question, "answer": text, "answers": [], "sparql": None, "evidence": [],
                "confidence": 0.0, "closest": [{"label": c, "iri": pool[c].iri} for c in close]}

    def _workshop_named_but_unknown(self, question: str) -> bool:
        return bool(WORKSHOP_NUMBER.search(question))

    def _no_such_workshop(self, question: str, lang: str) -> dict:
        m = WORKSHOP_NUMBER.search(question)
        number = m.group(1) or m.group(2)
        known = sorted((n, y, t) for n, y, t in self.table.workshops.values() if n is not None)
        listing = ", ".join(f"{n} ({y})" for n, y, _ in known[:8])
        text = (f"Je n'ai trouvé aucun atelier numéro {number}. Ateliers connus : {listing}." if lang == "fr"
                else f"I found no workshop numbered {number}. Known workshops: {listing}.")
        return {"question": question, "answer": text, "answers": [], "sparql": None, "evidence": [],
                "confidence": 0.0, "closest": [{"label": f"{t} ({n}, {y})", "iri": iri}
                                               for iri, (n, y, t) in list(self.table.workshops.items())[:3]]}


_MEETING_YEAR_IN_QUESTION = re.compile(r"\b(20[0-2]\d)\b")
#: How far the best kind of question must lead the next for an empty answer to stand.
CLEAR_LEAD = 0.05


def _clear_lead(ranked: list[tuple[str, float]]) -> bool:
    return len(ranked) < 2 or ranked[0][1] - ranked[1][1] > CLEAR_LEAD


def _language(question: str) -> str:
    lang, score = detect_language(question)
    return "fr" if lang == "fr" and score >= 0.4 else "en"


def _delexicalise(question: str, links: dict[str, list[Link]]) -> str:
    """Replace what the question names by its type; where names overlap, the longest wins."""
    spans = {(l.start, l.end, PLACEHOLDERS[kind]) for kind, found in links.items() if kind in PLACEHOLDERS
             for l in found[:1] if l.start >= 0}
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: s[0] - s[1]):
        if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    text = question
    for start, end, placeholder in sorted(chosen, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text


def _role_in(question: str) -> str | None:
    folded = fold(question)
    for role, pattern in (("panellist", r"panel|speaker|intervenant|panéliste|paneliste|ponente"),
                          ("moderator", r"moderat|moder"), ("reporter", r"rapporteur|reporter")):
        if re.search(pattern, folded):
            return role
    return None


def _figure(question: str) -> tuple[str, str, str]:
    folded = fold(question)
    for pattern, prop, english, french in FIGURES:
        if re.search(pattern, folded):
            return prop, english, french
    raise AssertionError("the last pattern matches everything")


def _capitalised_name(question: str) -> str | None:
    words = re.findall(r"\b[A-ZÀ-Þ][\w'’-]+(?:\s+[A-ZÀ-Þ][\w'’-]+)+", question)
    return words[-1] if words else None


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    conj = " et " if lang == "fr" else " and "
    return ", ".join(items[:-1]) + conj + items[-1]


def _workshop_phrase(iri: str | None, table: EntityTable, lang: str, with_title: bool = True) -> str:
    if not iri or iri not in table.workshops:
        return ""
    number, year, title = table.workshops[iri]
    if lang == "fr":
        name = (f"l'atelier {number} du FGI {year}" if year else f"l'atelier {number}") if number else "l'atelier"
        return f"{name} (« {title} »)" if with_title or not number else name
    # Without a meeting year, no "IGF None".
    name = (f"workshop {number} at IGF {year}" if year else f"workshop {number}") if number else "the workshop"
    return f"{name} (\u201c{title}\u201d)" if with_title or not number else name


# Answers that are one sentence around the names found: (English, French).
PHRASES = {
    "affiliation_of_person": ("{subject} is affiliated with {names}.", "{subject} : {names}."),
    "people_on_topic": ("{names} spoke about {subject}.", "{names} en ont parlé."),
    "people_of_org": ("{names} (affiliated with {subject}).", "{names} ({subject})."),
    "example_organisations": ("Organisations involved: {names}.", "Organisations impliquées : {names}."),
    "example_principles": ("Principles illustrated: {names}.", "Principes illustrés : {names}."),
    "principles_discussed": ("Principles: {names}.", "Principes : {names}."),
    "collection_members": ("Principles: {names}.", "Principes : {names}."),
    "quality": ("Not quite: {names}.", "Les chiffres ne concordent pas : {names}."),
}


def _with_affiliations(answer: GraphAnswer, labels: list[str]) -> list[str]:
    """"Anriette Esterhuysen (Association for Progressive Communications)"."""
    affiliations: dict[str, list[str]] = {}
    for row in answer.rows:
        if row.get("affiliation"):
            affiliations.setdefault(row["label"], [])
            if row["affiliation"] not in affiliations[row["label"]]:
                affiliations[row["label"]].append(row["affiliation"])
    return [f"{label} ({', '.join(affiliations[label])})" if label in affiliations else label for label in labels]


def _phrase(answer: GraphAnswer, labels: list[str], question: str, lang: str, table: EntityTable) -> str:
    kind = answer.kind
    if kind in ROLE_PROPERTIES:
        labels = _with_affiliations(answer, labels)
    workshops = list(dict.fromkeys(r["workshop"] for r in answer.rows if r["workshop"]))
    by_workshop = {}
    for row in answer.rows:
        by_workshop.setdefault(row["workshop"], []).append(row["label"])
    where = _workshop_phrase(workshops[0], table, lang) if len(workshops) == 1 else ""
    names = _join(labels, lang)
    fr = lang == "fr"
    role_words = {"moderator": ("moderated", "a modéré", "ont modéré"),
                  "remote_moderator": ("was the remote moderator of", "était modérateur à distance de", "étaient modérateurs à distance de"),
                  "organizer": ("organised", "a organisé", "ont organisé"),
                  "reporter": ("reported on", "a rédigé le rapport de", "ont rédigé le rapport de"),
                  "panellist": ("spoke at", "est intervenu à", "sont intervenus à")}
    if kind in role_words and len(workshops) > 1:
        parts = [f"{_workshop_phrase(w, table, lang)}: {_join(list(dict.fromkeys(ls)), lang)}" for w, ls in by_workshop.items()]
        return "; ".join(parts) + "."
    if kind == "organizer":
        people = [r["label"] for r in answer.rows if r["iri"] and "/person/" in r["iri"]]
        orgs = [r["label"] for r in answer.rows if not (r["iri"] and "/person/" in r["iri"])]
        if people and orgs:
            who = _join(list(dict.fromkeys(people)), lang)
            entities = _join(list(dict.fromkeys(orgs)), lang)
            return (f"{who} a organisé {where or 'l’atelier'}, avec les entités organisatrices {entities}." if fr
                    else f"{who} organised {where or 'the workshop'}, with the organising entities {entities}.")
    if kind in role_words:
        en, fr_one, fr_many = role_words[kind]
        verb = (fr_one if len(labels) == 1 else fr_many) if fr else en
        return f"{names} {verb} {where or ('l’atelier' if fr else 'the workshop')}."
    if kind in PHRASES:
        english, french = PHRASES[kind]
        return (french if fr else english).format(names=names, subject=answer.subject)
    if kind == "org_identity":
        others = [a for a in dict.fromkeys(answer.aliases or []) if a != names]
        also = (f" (aussi : {', '.join(others)})" if fr else f" (also: {', '.join(others)})") if others else ""
        return f"{names}{also}."
    if kind == "presenter_of_example":
        return (f"{names} a présenté cet exemple" if fr else f"{names} presented this example") + (
            f" ({where})." if where else ".")
    if kind == "examples_all":
        items = "; ".join(f"\u201c{label}\u201d" for label in _with_affiliations(answer, labels))
        return (f"{len(labels)} exemple(s) : {items}." if fr else f"{len(labels)} example(s): {items}.")
    if kind == "meeting":
        return f"{names}" + (f" ({where})." if where else ".")
    if kind in ("examples_of_person", "examples_of_principle"):
        items = "; ".join(f"\u201c{label}\u201d" for label in labels)
        return (f"{len(labels)} exemple(s) : {items}." if fr else f"{len(labels)} example(s): {items}.")
    if kind == "example_outcome":
        return " ".join(labels)
    if kind in ("sessions_discussed", "sessions_for_goal", "first_discussed"):
        return _sessions_by_year(answer, table, lang)
    if kind == "frameworks_of":
        return (("Cadres : " if fr else "Frameworks: ") + "; ".join(
            f"{r['label']}" + (f" n° {r['affiliation']}" if fr and r["affiliation"] else
                               f" no. {r['affiliation']}" if r["affiliation"] else "")
            for r in answer.rows) + ".")
    if kind == "workshop_of":
        return _join([_workshop_phrase(r["iri"], table, lang) for r in answer.rows if r["iri"]] or labels, lang) + "."
    if kind == "figure":
        _, english, french = _figure(question)
        parts = [f"{v} {french if fr else english}" + (f" ({_workshop_phrase(w, table, lang)})" if len(by_workshop) > 1 else "")
                 for w, vs in by_workshop.items() for v in vs]
        return _join(parts, lang) + (f" — {where}." if where else ".")
    if kind == "date":
        days = _join([_long_date(label, lang) for label in labels], lang)
        return (f"Le {days}" if fr else f"On {days}") + (f" ({where})." if where else ".")
    if kind == "place":
        return (f"À {names}" if fr else f"In {names}") + (f" ({where})." if where else ".")
    if kind == "title":
        short = _workshop_phrase(workshops[0], table, lang, with_title=False) if len(workshops) == 1 else ""
        if fr:
            return f"Le titre de {short} est « {names} »." if short else f"« {names} »."
        return f"The title of {short} is \u201c{names}\u201d." if short else f"\u201c{names}\u201d."
    if kind in ("format", "theme", "gender", "events_built_on"):
        return f"{names}" + (f" ({where})." if where else ".")
    return names


def _sessions_by_year(answer: GraphAnswer, table: EntityTable, lang: str) -> str:
    """"IGF 2013: workshop 41 ("…"); IGF 2014: …", earliest year first."""
    by_year: dict[str, list[str]] = {}
    for row in answer.rows:
        name = _workshop_phrase(row["iri"], table, lang) or f"\u201c{row['label']}\u201d"
        year = row["affiliation"] or "?"
        if name not in by_year.setdefault(year, []):
            by_year[year].append(name)
    prefix = "FGI" if lang == "fr" else "IGF"
    first = "Première fois : " if lang == "fr" else "First discussed: "
    parts = [f"{prefix} {year} : {_join(names, lang)}" if lang == "fr" else f"{prefix} {year}: {_join(names, lang)}"
             for year, names in sorted(by_year.items())]
    text = "; ".join(parts) + "."
    return (first + text) if answer.kind == "first_discussed" else text


_MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
           "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                  "novembre", "décembre"]}


def _long_date(iso: str, lang: str) -> str:
    """2013-10-24 as "24 October 2013" or "24 octobre 2013"."""
    try:
        year, month, day = (int(part) for part in iso.split("-"))
        return f"{day} {_MONTHS[lang][month - 1]} {year}"
    except (ValueError, IndexError):
        return iso


def _english_terms(answer: GraphAnswer, kb, lang: str) -> str:
    """Name French examples in English too, through the glossary and the
    organisations they involve: "(Council of Europe; reference group)"."""
    iris = [r["iri"] for r in answer.rows if r["iri"]]
    if not iris:
        return ""
    values = " ".join(f"<{iri}>" for iri in iris)
    query = (f"{PREFIX_BLOCK}SELECT ?e ?label WHERE {{ VALUES ?e {{ {values} }} "
             "{ ?e dcterms:subject ?t . ?t skos:prefLabel ?label FILTER(lang(?label) = \"" + lang + "\") } UNION "
             "{ ?e igf:involves/schema:name ?label } }")
    terms: dict[str, list[str]] = {}
    for s in kb.query(query):
        terms.setdefault(s["e"].value, []).append(s["label"].value)
    glosses = [f"{'; '.join(sorted(set(terms[iri])))}" for iri in iris if iri in terms]
    if not glosses:
        return ""
    return (" Termes clés : " if lang == "fr" else " Key terms: ") + " | ".join(glosses) + "."
