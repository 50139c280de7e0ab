"""Entity linking: which people, organisations, workshops, examples and
principles a question names, by label, alias, part of a name, accents or
small misspellings aside, and across languages through the glossary.

The entity table is read from the graph through the knowledge base's public
``query``; nothing here writes anything.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from igfkg.ingest.text import fold, fold_chars

from .lexical import tokens

TYPES = {
    "http://schema.org/Person": "person", "http://schema.org/Organization": "org",
    "https://w3id.org/igfkg/ns#Workshop": "workshop", "https://w3id.org/igfkg/ns#Example": "example",
    "http://www.w3.org/2004/02/skos/core#Concept": "concept",
    "http://www.w3.org/2004/02/skos/core#Collection": "collection",
}
ENTITY_QUERY = """SELECT DISTINCT ?e ?type ?label ?scheme ?rank WHERE {
  VALUES ?type { schema:Person schema:Organization igf:Workshop igf:Example skos:Concept skos:Collection }
  ?e a ?type .
  { ?e schema:name ?label BIND(0 AS ?rank) } UNION { ?e skos:prefLabel ?label BIND(1 AS ?rank) }
  UNION { ?e skos:altLabel ?label BIND(2 AS ?rank) }
  OPTIONAL { ?e skos:inScheme ?scheme }
} ORDER BY ?e ?rank"""
WORKSHOP_QUERY = """SELECT ?w ?number ?year ?title WHERE { ?w a igf:Workshop ; schema:name ?title .
  OPTIONAL { ?w igf:workshopNumber ?number } OPTIONAL { ?w schema:superEvent/igf:year ?year } }"""
EXAMPLE_TERMS_QUERY = """SELECT ?e ?term WHERE { ?e a igf:Example . { ?e dcterms:subject ?term } UNION { ?e igf:involves ?term } }"""

WORKSHOP_NUMBER = re.compile(r"\b(?:workshop|atelier|taller|ws|session|séance)\s*(?:#|no\.?|n°|number|num[ée]ro)?\s*(\d{1,4})\b"
                              r"|#\s*(\d{1,4})\b", re.I)
DISTINCTIVE = 0.25  # an example named by a word no other example's label uses
_YEAR = re.compile(r"\b(?:igf|fgi)?\s*((?:19|20)\d{2})\b", re.I)


@dataclass
class Entity:
    iri: str
    kind: str  # person, org, workshop, example, principle, term, collection
    labels: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.labels[0] if self.labels else self.iri


@dataclass(frozen=True)
class Link:
    entity: Entity
    score: float
    start: int  # span in the question, for delexicalising; -1 when spread out
    end: int


class EntityTable:
    """Everything a question can name, read once per knowledge-base version."""

    def __init__(self, kb, base: str):
        self.entities: dict[str, Entity] = {}
        rows = list(kb.query(ENTITY_QUERY))
        generic = {s["e"].value for s in rows if s["scheme"] is not None and s["scheme"].value == base + "principle/scheme"}
        for s in rows:
            iri, label = s["e"].value, s["label"].value
            kind = TYPES[s["type"].value]
            if kind == "concept":
                scheme = s["scheme"].value if s["scheme"] is not None else ""
                if scheme.startswith((base + "group/", base + "theme/")):
                    continue  # groups (ontology/groups.ttl) and IGF themes are no topics of questions
                kind = "term" if scheme.endswith("/term/scheme") else "goal" if scheme == base + "sdg/scheme" \
                    else "principle"
                if not _linkable(kind, label, iri in generic):
                    continue
            entity = self.entities.setdefault(iri, Entity(iri, kind))
            if kind in ("principle", "term") and entity.kind != kind:
                entity.kind = kind
            if label not in entity.labels:
                entity.labels.append(label)
        self.workshops = {}
        for s in kb.query(WORKSHOP_QUERY):
            number = int(s["number"].value) if s["number"] is not None else None
            year = int(s["year"].value) if s["year"] is not None else None
            self.workshops[s["w"].value] = (number, year, s["title"].value)
        self.example_terms: dict[str, set[str]] = {}
        for s in kb.query(EXAMPLE_TERMS_QUERY):
            self.example_terms.setdefault(s["e"].value, set()).add(s["term"].value)
        self._label_tokens = {iri: [set(tokens(label)) for label in e.labels] for iri, e in self.entities.items()}
        # Words of the topics the data names (principles, terms, session titles): a question's
        # "human" is the topic's word, not a misspelt "Huaman".
        self.topic_words = frozenset(
            _stem(t) for e in self.entities.values() if e.kind in ("principle", "term", "goal")
            for label in e.labels for t in tokens(label)) | frozenset(
            _stem(t) for _n, _y, title in self.workshops.values() for t in tokens(title))

    def example_vectors(self, encoder) -> dict:
        """Embeddings of the example labels, computed once per table."""
        if getattr(self, "_example_vectors", None) is None:
            examples = self.of_kind("example")
            vectors = encoder.encode([e.labels[0] for e in examples])
            self._example_vectors = {e.iri: v for e, v in zip(examples, vectors)}
        return self._example_vectors

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]


def _linkable(kind: str, label: str, generic: bool) -> bool:
    """As in detection: a goal is named by its number ("SDG 16", "Target 5.b"),
    not by words every question uses ("gender equality"); a framework
    principle by more than one common word (one word names the generic concept)."""
    if kind == "goal":
        return any(ch.isdigit() for ch in label)
    if kind == "principle" and not generic:
        return " " in label.strip()
    return True


def link(question: str, table: EntityTable, encoder=None) -> dict[str, list[Link]]:
    """Links by kind, best first."""
    folded = fold_chars(question)
    q_tokens = set(tokens(question))
    stems = {_stem(t) for t in q_tokens}
    # Only words the questions' own vocabulary lacks can be misspelt names ("Halemborg"): comparing
    # "moderated" with every surname was most of the time linking took.
    unknown = frozenset(t for t in stems if len(t) >= 4 and t not in _ordinary_words()
                        and t not in table.topic_words)
    found: dict[str, list[Link]] = {}

    for entity in table.entities.values():
        if entity.kind == "workshop":
            continue
        best: Link | None = None
        for label, label_tokens in zip(entity.labels, table._label_tokens[entity.iri]):
            candidate = _match_label(question, folded, label, label_tokens, stems, entity, unknown)
            if candidate and (best is None or candidate.score > best.score):
                best = candidate
        if best:
            found.setdefault(entity.kind, []).append(best)

    _link_workshops(question, table, found)
    _link_examples(question, table, found, encoder)
    for kind in found:
        found[kind].sort(key=lambda l: -l.score)
    return found


@lru_cache(maxsize=None)
def _whole(text: str) -> re.Pattern:
    """A label as a whole word or phrase; compiled once per label, not per question."""
    return re.compile(r"(?<![\w])" + re.escape(text) + r"(?![\w])")


def _match_label(question, folded, label, label_tokens, stems, entity, unknown=None) -> Link | None:
    if not label_tokens:
        return None
    if label.replace(" ", "").isupper() and 2 <= len(label) <= 8:  # acronym: as written
        m = _whole(label).search(question) if label in question else None
        return Link(entity, 1.0, m.start(), m.end()) if m else None
    needle = _folded(label)
    m = _whole(needle).search(folded) if needle in folded else None  # the substring test first: cheap
    if m and (len(label_tokens) > 1 or len(label) >= 4):
        return Link(entity, 1.0 + 0.01 * len(label_tokens), m.start(), m.end())
    label_stems, ordered = _label_stems(label)
    common = label_stems & stems
    if entity.kind == "person":
        surname, first = ordered[-1], ordered[0]
        fuzzy = {t for t in label_stems - common if len(t) >= 5 and _fuzzy_in(t, stems if unknown is None else unknown)}
        # "Hallemborg", "Johan Halemborg" (a typo) or "Wolfgang": the surname, even misspelt,
        # or the exact first name; "John Smith" is not "Johan Hallemborg".
        if surname in common | fuzzy or (first in common and len(first) >= 4):
            matched = common | fuzzy
            return Link(entity, 0.6 + 0.4 * len(matched) / len(label_stems), *_span(folded, matched))
        return None
    if entity.kind in ("org", "principle", "collection", "term") and len(label_stems) >= 2:
        share = len(common) / len(label_stems)
        if len(common) >= 2 and share >= 0.6:
            return Link(entity, 0.5 + 0.4 * share, -1, -1)
    return None


def _link_workshops(question, table, found) -> None:
    numbers = {int(a or b) for a, b in WORKSHOP_NUMBER.findall(question)}
    years = {int(y) for y in _YEAR.findall(question)}
    for iri, (number, year, title) in table.workshops.items():
        entity = Entity(iri, "workshop", [title])
        if number is not None and number in numbers and (not years or year in years):
            m = WORKSHOP_NUMBER.search(question)
            found.setdefault("workshop", []).append(Link(entity, 1.0, m.start(), m.end()))
        elif fold(title) in fold(question):
            found.setdefault("workshop", []).append(Link(entity, 0.95, -1, -1))


def _link_examples(question, table, found, encoder) -> None:
    """Examples are long French sentences: match them through shared glossary
    terms, shared words and, with an encoder, meaning."""
    examples = table.of_kind("example")
    if not examples:
        return
    # Glossary terms and organisations the question names, with where it names them.
    named = [l for kind in ("term", "org") for l in found.get(kind, [])]
    q_terms = {l.entity.iri for l in named}
    # Words of the vocabulary ("organisation", "workshop") name kinds of thing, not an example.
    q_stems = {_stem(t) for t in tokens(question)} - _vocabulary_words()
    # A word only one example's label uses ("m-pesa") names that example.
    frequency: dict[str, int] = {}
    for example in examples:
        for word in {_stem(t) for label in example.labels for t in tokens(label)}:
            frequency[word] = frequency.get(word, 0) + 1
    scores = {}
    for example in examples:
        terms = table.example_terms.get(example.iri, set())
        term_share = len(q_terms & terms) / len(q_terms) if q_terms else 0.0
        words = {_stem(t) for label in example.labels for t in tokens(label)}
        word_share = len(q_stems & words) / max(len(q_stems), 1)
        distinctive = any(frequency.get(w) == 1 and len(w) >= 5 for w in q_stems & words)
        scores[example.iri] = 0.6 * term_share + 0.4 * word_share + (DISTINCTIVE if distinctive else 0.0)
    if encoder is not None:
        labels = table.example_vectors(encoder)
        question_vector = encoder.encode([question])[0]
        for example in examples:
            scores[example.iri] += 0.5 * float(question_vector @ labels[example.iri])
        # Words in another language: the share of the question's words that have a
        # translation among the example's ("autorité marocaine" in "Morocco's ...
        # authority"), for the examples nearest in meaning.
        from .querygraph import _content_words
        words = [w for w in _content_words(question) if _stem(fold(w)) not in _vocabulary_words()]
        nearest = sorted(examples, key=lambda e: -scores[e.iri])[:CROSSLINGUAL_SHORTLIST]
        for example in nearest if words else []:
            translated = _translated(words, _content_words(example.labels[0]), encoder)
            if translated >= 2:  # one word in common is a topic, two start to name the example
                scores[example.iri] += 0.15 * min(translated, 3)
    best = [e for e in examples if scores[e.iri] >= 0.45]
    links = []
    for example in best:
        spans = [(l.start, l.end) for l in named
                 if l.start >= 0 and l.entity.iri in table.example_terms.get(example.iri, set())]
        start, end = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (-1, -1)
        links.append(Link(example, scores[example.iri], start, end))
    found["example"] = links


CROSSLINGUAL_SHORTLIST = 20
TRANSLATED = 0.6  # a word and its translation: cosine of their word embeddings at least this


def _translated(words: list[str], label_words: list[str], encoder) -> int:
    """How many of ``words`` have a near translation (or themselves) among the label's words."""
    from .querygraph import _word_vectors

    if not label_words:
        return 0
    nearest = (_word_vectors(words, encoder) @ _word_vectors(label_words, encoder).T).max(1)
    return int((nearest >= TRANSLATED).sum())


def _stem(word: str) -> str:
    word = word.removesuffix("'s").removesuffix("’s")
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """Words of the example questions (intents.py) and of the vocabulary's labels."""
    from . import intents, querygraph

    words = {_stem(t) for kind in intents.KINDS for example in kind.examples for t in tokens(example)}
    for quad in querygraph.vocabulary_labels():
        words |= {_stem(t) for t in tokens(quad)}
    return frozenset(words)


@lru_cache(maxsize=1)
def _vocabulary_words() -> frozenset[str]:
    """Words of the labels of classes and properties (ontology/vocabulary.ttl)."""
    from . import querygraph

    return frozenset(_stem(t) for label in querygraph.vocabulary_labels() for t in tokens(label))


@lru_cache(maxsize=None)
def _label_stems(label: str) -> tuple[frozenset[str], list[str]]:
    """A label's word stems, as a set and in order; once per label."""
    ordered = [_stem(t) for t in tokens(label)]
    return frozenset(ordered), ordered


@lru_cache(maxsize=None)
def _folded(label: str) -> str:
    return fold(label)


def _fuzzy_in(token: str, stems: set[str]) -> bool:
    for s in stems:
        # A ratio of 0.85 is out of reach when the lengths differ too much; skip difflib then.
        if len(s) >= 4 and 2 * min(len(s), len(token)) / (len(s) + len(token)) >= 0.85:
            matcher = difflib.SequenceMatcher(None, token, s)
            if matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
                return True
    return False


def _span(folded: str, words: set[str]) -> tuple[int, int]:
    positions = [m.span() for w in words for m in re.finditer(r"(?<!\w)" + re.escape(w) + r"\w*", folded)]
    if not positions:
        return -1, -1
    return min(p[0] for p in positions), max(p[1] for p in positions)
