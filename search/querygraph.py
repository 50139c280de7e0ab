"""Questions as query graphs over the real data, before the templates.

1. What the question asks for (answer_type): a person, a place, a date, a
   number, a statement (an outcome), a principle, an organisation, years,
   yes/no.
2. Anchors: the entities linked by linking.py, plus sessions named by the
   words of their title ("the workshop on cloud privacy"), in any language.
3. Candidate paths of one to three edges from the anchors (session → role,
   person ← role ← session → role, organisation ← affiliation ← person ←
   presenter ← example → illustrates, principle ← subject ← session → year,
   ...). Each is scored by how well the question matches the labels and
   synonyms of its properties (ontology/vocabulary.ttl), whether its end
   has the type asked for and how many anchors it uses; the best one that
   returns something is the SPARQL shown and run.
4. Aggregations (most, more than one, per year, count) and yes/no answers
   with the deciding fact.

Only IRIs read from the graph enter a query; the question's words never do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from igfkg.ingest.text import fold

from .stopwords import AUXILIARIES, QUESTION_FRAMES, STOP_WORDS

VOCABULARY = Path(__file__).resolve().parents[1] / "ontology" / "vocabulary.ttl"
IGF, SCHEMA = "https://w3id.org/igfkg/ns#", "http://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# The answer type of each property's object; what a path can answer.
ROLES = ("moderator", "remoteModerator", "panellist", "reporter", "speaker")
ANSWER_TYPE = {**{IGF + r: "person" for r in ROLES}, SCHEMA + "organizer": "person",
               SCHEMA + "location": "place", SCHEMA + "startDate": "date",
               **{IGF + f: "number" for f in ("femaleParticipants", "maleParticipants", "totalParticipants")},
               IGF + "outcome": "statement", IGF + "illustrates": "principle", IGF + "involves": "org",
               IGF + "presenter": "person", IGF + "example": "example", SCHEMA + "affiliation": "org"}
SESSION_PROPERTIES = [p for p in ANSWER_TYPE if p.startswith(SCHEMA) or p.rsplit("#", 1)[1] in ROLES
                      or p.endswith("Participants")]
EXAMPLE_PROPERTIES = [IGF + "outcome", IGF + "illustrates", IGF + "involves", IGF + "presenter"]
_GENERIC = {fold(w) for w in "workshop workshops session sessions atelier ateliers taller talleres sesion sesiones "
            "igf fgi example exemple ejemplo panel speaker speakers people who what which".split()}
TITLE_FLOOR = 0.55  # a session is named by its title when the question matches it this well
# A topic phrase names a title in any language when their embeddings are this near
# (cosine), and nearer by this margin than to the next title (measured on the dev half:
# right titles 0.51-0.95, unrelated topics below 0.35).
TOPIC_FLOOR, TOPIC_MARGIN = 0.5, 0.1
# ... or when its words, one by one, are near the title's words (see _aligned_title).
ALIGN_FLOOR, ALIGN_MARGIN, ALIGN_SHORTLIST = 0.95, 0.12, 30


def _stems(text: str) -> set[str]:
    """Five-letter prefixes of the content words: "moderated", "moderator" and
    "modéré" meet at "moder", "privacy" and "privée" at "priva"."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) >= 3 and w not in STOP_WORDS}


@lru_cache(maxsize=1)
def _labels() -> tuple[tuple[str, str], ...]:
    """(subject, label) for every rdfs:label and skos:altLabel of the vocabulary, read once."""
    return tuple((quad.subject.value, quad.object.value)
                 for quad in ox.parse(path=str(VOCABULARY), format=ox.RdfFormat.TURTLE)
                 if quad.predicate.value in ("http://www.w3.org/2000/01/rdf-schema#label", SKOS + "altLabel"))


def vocabulary_labels() -> list[str]:
    return [label for _, label in _labels()]


@lru_cache(maxsize=1)
def property_labels() -> dict[str, list[set[str]]]:
    """Every label and synonym of every property, as stem sets."""
    labels: dict[str, list[set[str]]] = {}
    for subject, label in _labels():
        stems = _stems(label)
        if stems:
            labels.setdefault(subject, []).append(stems)
    return labels


def label_score(question_stems: set[str], prop: str) -> float:
    """Best share of one of the property's labels found in the question."""
    # A longer label matched in full explains more: "remote moderator" over "moderator".
    return max((len(stems & question_stems) / len(stems) + 0.05 * len(stems & question_stems)
                for stems in property_labels().get(prop, [])), default=0.0)


def without_frame(question: str) -> str:
    """The question inside a polite frame ("dis-moi qui ..." → "qui ..."), else the question."""
    folded = fold(question).lstrip("¿¡ ")
    for frame in QUESTION_FRAMES:
        if folded.startswith(frame + " "):
            rest = question.lstrip("¿¡ ")[len(frame) + 1:].lstrip(" ,:")
            return ("¿" if question.lstrip().startswith("¿") else "") + rest
    return question


def answer_type(question: str) -> str | None:
    """What kind of thing is asked for, read off the question's form."""
    q = fold(without_frame(question)).lstrip("¿ ")
    if re.match(r"(?:did|was|were|is|are|does|do|has|had|hubo|se hablo|se discutio)\b", q) or \
            re.search(r"-t-(?:il|elle)\b|^y avait|^est-ce qu", q):
        return "yesno"
    if re.search(r"\b(?:which|what) years?\b|quelles annees|en quelles annees|que anos", q):
        return "years"
    if re.search(r"^how did|^comment .*\b(?:chang|affect)|^como (?:cambi|afect)|achiev|outcome|result|came of|"
                 r"came out|permis|logr", q):
        return "statement"
    if re.search(r"how many|combien|cuant", q):
        return "number"
    if re.search(r"\bwhen\b|quand|cuando", q):
        return "date"
    if re.match(r"where\b|ou |donde", q):
        # "where does X work" asks for an employer, not a place
        return "org" if re.search(r"\b(?:work|works|working|travaill\w*|trabaj\w*)\b", q) else "place"
    if re.search(r"principle|principe|principio", q):
        return "principle"
    if re.search(r"organi[sz]ations?\b|\borgs?\b|quelles organisations|que organizaciones", q):
        return "org"
    if re.search(r"\bwork(?:s|ing)? for\b|travaill\w* pour|trabaj\w* para", q) and not re.match(r"(?:who|qui|quien)\b", q):
        return "org"  # "which ... does X work for", "pour qui travaille X" (but "who works for O" is a person)
    if re.search(r"example|exemple|ejemplo", q) and re.match(r"(?:which|what|quels|que)\b", q):
        return "example"
    if re.search(r"^(?:who|qui|quien)\b", q):
        return "person"
    return None


@dataclass
class Path_:
    """One candidate query graph: a SPARQL body binding ?x ?label, with ?s ?p ?o the last fact."""
    body: str
    prop: str
    score: float
    anchors: int


def _iri(iri: str) -> str:
    if not re.fullmatch(r"[^\s<>\"{}|\\^`]+", iri):
        raise ValueError("not an IRI from the graph")
    return f"<{iri}>"


def _label_of(var: str, prop: str) -> str:
    """How the end of a path is named: literals as they are, nodes by name."""
    if ANSWER_TYPE.get(prop) in ("number", "date", "statement"):
        return f"BIND({var} AS ?label)"
    if prop == IGF + "illustrates":  # in the question's language, else in English
        return (f"OPTIONAL {{ {var} skos:prefLabel ?asked FILTER(lang(?asked) = \"$lang\") }} "
                f"OPTIONAL {{ {var} skos:prefLabel ?english FILTER(lang(?english) = \"en\") }} "
                "BIND(COALESCE(?asked, ?english) AS ?label) FILTER(BOUND(?label))")
    return f"{var} schema:name ?label"


def candidate_paths(question: str, anchors: dict[str, list[str]], wanted: str | None) -> list[Path_]:
    """Paths of one to three edges from the anchors, best first."""
    q = _stems(question)
    paths: list[Path_] = []

    def add(body: str, prop: str, extra: float = 0.0, used: int = 1, asked: set[str] = q):
        fit = label_score(asked, prop)
        kind = ANSWER_TYPE.get(prop)
        type_fit = 0.5 if wanted and kind == wanted else (-1.0 if wanted and kind != wanted else 0.0)
        if fit == 0 and type_fit <= 0:
            return  # nothing in the question asks for this property
        paths.append(Path_(body, prop, fit + type_fit + extra + 0.2 * used, used))

    sessions = anchors.get("session", [])
    for prop in SESSION_PROPERTIES:
        if sessions:
            values = " ".join(_iri(s) for s in sessions)
            add(f"VALUES ?s {{ {values} }} ?s <{prop}> ?x . {_label_of('?x', prop)}", prop)
        for person in anchors.get("person", [])[:1] if anchors.get("via_session", True) else []:
            # the session where someone had a role, then its other role; when the name
            # comes after the question's start, the words before it ask for the property
            # and those after it say the person's role ("who reported the workshop where
            # X spoke")
            start, end = anchors.get("person_span", (-1, -1))
            asked, held = (_stems(question[:start]), _stems(question[end:])) if start > 0 else (q, q)
            for role in SESSION_PROPERTIES[:6]:
                add(f"?s <{role}> {_iri(person)} ; <{prop}> ?x . {_label_of('?x', prop)}", prop,
                    0.3 * label_score(held, role) - 0.05, 2, asked)
    if sessions:  # who gave an example at the session
        values = " ".join(_iri(s) for s in sessions)
        add(f"VALUES ?w {{ {values} }} ?w igf:example ?s . ?s igf:presenter ?x . ?x schema:name ?label",
            IGF + "presenter", 0.0, 2)
    for role in SESSION_PROPERTIES[:6] if sessions else []:
        # whom the holder of a role works for: "which organisation is the moderator of ... from"
        role_fit = label_score(q, role)
        if role_fit:
            values = " ".join(_iri(s) for s in sessions)
            add(f"VALUES ?w {{ {values} }} ?w <{role}> ?s . ?s schema:affiliation ?x . ?x schema:name ?label",
                SCHEMA + "affiliation", 0.3 * role_fit, 2)
    for prop in EXAMPLE_PROPERTIES:
        for example in anchors.get("example", [])[:1]:
            add(f"VALUES ?s {{ {_iri(example)} }} ?s <{prop}> ?x . {_label_of('?x', prop)}", prop)
        if prop == IGF + "presenter":
            continue
        for person in anchors.get("person", [])[:1]:  # the example someone gave, then what it shows
            add(f"?s igf:presenter {_iri(person)} ; <{prop}> ?x . {_label_of('?x', prop)}", prop, 0.1, 2)
        for org in anchors.get("org", [])[:1]:  # ... or someone from an organisation gave
            add(f"?s igf:presenter/schema:affiliation {_iri(org)} ; <{prop}> ?x . {_label_of('?x', prop)}",
                prop, 0.1, 2)
    for org in anchors.get("org", [])[:1]:  # the example given by someone from an organisation
        add(f"?s igf:presenter/schema:affiliation {_iri(org)} ; schema:name ?label . BIND(?s AS ?x)",
            IGF + "example", 0.0, 2)
    for principle in anchors.get("principle", [])[:1]:  # sessions on a principle, then their roles
        for prop in SESSION_PROPERTIES[:6]:
            add(f"?s dcterms:subject {_iri(principle)} ; <{prop}> ?x . {_label_of('?x', prop)}", prop, 0.1, 2)
    return sorted(paths, key=lambda p: -p.score)


@lru_cache(maxsize=1)
def _accented() -> dict[str, str]:
    """French and Spanish words with accents, by their folded form, from the
    ontology's labels: a question typed without accents ("donnees") is compared
    word by word as written with them ("données"), which the embeddings know."""
    forms: dict[str, str] = {}
    for path in sorted(VOCABULARY.parent.glob("*.ttl")):
        for literal in re.findall(r'"([^"]+)"@(?:fr|es)\b', path.read_text(encoding="utf-8")):
            for word in re.findall(r"\w+", literal.lower()):
                if fold(word) != word and len(word) >= 4:  # "a"/"à", "ou"/"où" are two words each
                    forms.setdefault(fold(word), word)
    return forms


def with_accents(text: str) -> str:
    """The text with each unaccented word that the ontology knows only with accents given them."""
    forms = _accented()
    return re.sub(r"\w+", lambda m: forms.get(m.group(0).lower(), m.group(0)), text)


def _content_words(text: str, phrase: bool = False) -> list[str]:
    """The words that carry meaning; of a question's ``phrase``, those before
    its verb ("... autochtones a-t-il abordé le genre" ends at "a")."""
    words = re.findall(r"\w+", text.lower())
    if phrase:
        ends = [i for i, w in enumerate(words) if fold(w) in AUXILIARIES]
        words = words[:ends[0]] if ends else words
    return [w for w in words if len(w) >= 2 and not w.isdigit() and fold(w) not in STOP_WORDS]


_WORD_VECTORS: dict = {}


def _word_vectors(words: list[str], encoder):
    missing = sorted({w for w in words if w not in _WORD_VECTORS})
    if missing:
        _WORD_VECTORS.update(zip(missing, encoder.encode(missing)))
    return np.array([_WORD_VECTORS[w] for w in words])


def _clearly_first(scored: list[tuple[float, str, str]], floor: float, margin: float) -> tuple[float, str] | None:
    """The best (score, session) of (score, session, title) when it passes the
    floor and beats by the margin every session that has none of its titles
    (one session recorded under two titles, or twice under one, competes with no one)."""
    best: dict[str, float] = {}
    names: dict[str, set[str]] = {}
    for score, iri, title in scored:
        best[iri] = max(score, best.get(iri, score))
        names.setdefault(iri, set()).add(" ".join(re.findall(r"[a-z0-9]+", fold(title))))
    ranked = sorted(((score, iri) for iri, score in best.items()), reverse=True)
    if not ranked or ranked[0][0] < floor:
        return None
    rivals = [score for score, iri in ranked[1:] if not names[iri] & names[ranked[0][1]]]
    return ranked[0] if not rivals or ranked[0][0] - rivals[0] >= margin else None


def sessions_about(topic: str, kb, encoder) -> list[tuple[str, float]]:
    """Every session whose title the topic's words translate (see _aligned_title),
    best first: for lists ("which sessions of 2016 were on connectivity"), where
    no single title has to win."""
    titles, vectors = _session_titles(kb, encoder)
    topic = with_accents(topic)
    words = _content_words(topic, phrase=True)
    if vectors is None or not words:
        return []
    return [(iri, score) for score, iri, _ in _title_alignments(words, titles, vectors @ encoder.encode([topic])[0],
                                                                   encoder) if score >= ALIGN_FLOOR]


def _title_alignments(words: list[str], titles: list, near, encoder) -> list[tuple[float, str, str]]:
    """(score, session, title) for the titles nearest the phrase as a whole, best first."""
    question = _word_vectors(words, encoder)
    scored = []
    for i in np.argsort(-near)[:ALIGN_SHORTLIST]:
        iri, title, _ = titles[i]
        title_words = _content_words(title)
        if title_words:
            aligned = float((question @ _word_vectors(title_words, encoder).T).max(1).mean())
            scored.append((aligned + float(near[i]), iri, title))
    return sorted(scored, reverse=True)


def _aligned_title(topic: str, titles: list, near, encoder) -> tuple[tuple[float, str], int] | None:
    """The title whose words the topic's words translate, if one clearly does.
    The whole phrase's embedding is diluted by a long title ("données autochtones"
    is 0.32 from "Indigenous Data Sovereignty and Digital Public Infrastructure"),
    so each topic word's nearest title word (multilingual word embeddings) is
    found and their mean added to the phrase's cosine: on the dev half's topics
    the right titles scored 1.00-1.95 and beat the next by 0.13 or more, topics
    no title is about scored at most 0.73. Only the titles nearest as a whole
    are compared, so the cost does not grow with the archive."""
    words = _content_words(topic, phrase=True)
    if not words:
        return None
    clear = _clearly_first(_title_alignments(words, titles, near, encoder), ALIGN_FLOOR, ALIGN_MARGIN)
    return (clear, len(words)) if clear else None


_TITLES: dict = {}
_YEARS: dict = {}


def _session_years(kb) -> dict[str, int]:
    """The meeting year of every session, once per knowledge-base version."""
    key = (id(kb), kb.version)
    if key not in _YEARS:
        _YEARS.clear()
        _YEARS[key] = {r["s"].value: int(r["y"].value) for r in
                       kb.query("SELECT DISTINCT ?s ?y WHERE { ?s a igf:Session ; schema:superEvent/igf:year ?y }")}
    return _YEARS[key]


def _session_titles(kb, encoder) -> tuple[list[tuple[str, str, set[str]]], object]:
    """Session titles and their embeddings, once per knowledge-base version."""
    key = (id(kb), kb.version)
    if key not in _TITLES:
        rows = [(r["s"].value, r["t"].value) for r in
                kb.query("SELECT DISTINCT ?s ?t WHERE { ?s a igf:Session ; schema:name ?t }")]
        vectors = encoder.encode([t for _, t in rows]) if encoder is not None and rows else None
        _TITLES.clear()
        _TITLES[key] = ([(iri, t, _stems(t)) for iri, t in rows], vectors)
    return _TITLES[key]


def sessions_by_title(question: str, kb, encoder=None, topic: str | None = None,
                      year: int | None = None) -> list[tuple[str, float, int]]:
    """Sessions the question names by the words of their title, with a score
    and the number of title words it shares (the strength of the naming):
    shared word stems and, with the encoder, meaning across languages.

    ``topic`` is the phrase after "the workshop on/about", "l'atelier sur",
    "la sesión sobre": compared alone with every title, it names a title in
    another language ("désinformation et les élections") when it is near
    that title and clearly nearer than to any other; such a match counts as
    two shared words. A ``year`` the question names leaves only that
    meeting's sessions to choose from (when it has any)."""
    words = _stems(question) - {w[:5] for w in _GENERIC}
    words -= {s for labels in property_labels().values() for stems in labels for s in stems}
    if not words:
        return []
    titles, vectors = _session_titles(kb, encoder)
    if year is not None:
        years = _session_years(kb)
        of_year = [i for i, (iri, _, _) in enumerate(titles) if years.get(iri) == year]
        if of_year:
            titles, vectors = [titles[i] for i in of_year], (vectors[of_year] if vectors is not None else None)
    question_vector = encoder.encode([question])[0] if vectors is not None else None
    best: dict[str, tuple[float, int]] = {}
    for i, (iri, title, stems) in enumerate(titles):
        shared = len(words & stems)
        share = shared / max(1, min(len(words), len(stems)))
        score = share + (0.5 * float(question_vector @ vectors[i]) if vectors is not None else 0.0)
        if shared >= 2 or score >= 0.9:  # one shared word alone is a topic, not a title
            best[iri] = max(best.get(iri, (0.0, 0)), (score + 0.1 * shared, shared))
    if topic and vectors is not None and titles:
        topic = with_accents(topic)
        near = vectors @ encoder.encode([topic])[0]
        clear = _clearly_first([(float(n), titles[i][0], titles[i][1]) for i, n in enumerate(near)],
                               TOPIC_FLOOR, TOPIC_MARGIN)
        if clear:
            best[clear[1]] = max(best.get(clear[1], (0.0, 0)), (TITLE_FLOOR + clear[0] / 2, 2))
        aligned = _aligned_title(topic, titles, near, encoder)
        if aligned is not None:
            (score, iri), words_matched = aligned
            best[iri] = max(best.get(iri, (0.0, 0)), (TITLE_FLOOR + score / 4, min(2, words_matched)))
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    return [(iri, score, shared) for iri, (score, shared) in ranked[:3] if score >= TITLE_FLOOR]
