"""What someone said: "what did X say/argue (about Y)", "qu'a dit X sur Y",
"¿qué dijo X sobre Y?", "what did the speaker from O stress", "who said that …",
"who disagreed with X / about Y" ("qui n'était pas d'accord avec …", "¿quién se opuso a …?").

X is resolved to people first (a linked person, or everyone affiliated with
a linked organisation: the affiliation path). Their words are the sentences
of X's transcript turns and the report sentences about X (the first person
a sentence names is X, or it opens with a pronoun right after one that
does); they are ranked against the rest of the question, and the best
sentence is the answer and the evidence. The speech verbs are the
altLabels of igf:spokenBy in ontology/vocabulary.ttl.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from igfkg.ingest.passages import sentence_spans
from igfkg.ingest.text import fold

from . import querygraph as qg
from .lexical import tokens

SPOKEN_BY = qg.IGF + "spokenBy"
DISAGREEMENT = qg.IGF + "Disagreement"
FLOOR = 0.12  # with a topic, below this X's best sentence is not about it: say so (tuned on the dev half)
EARLY = 0.05  # with no topic, X's first words are likeliest what X "stressed": a prior per sentence of delay
_PRONOUN = re.compile(r"(?:he|she|they|il|elle|ils|elles|[eé]l|ella)\b", re.I)
_TOPIC = re.compile(r"\s+(?:about|regarding|on|concerning|sur|à propos de|au sujet de|concernant|sobre|acerca de)\s+",
                    re.I)
# "the speaker from O", "l'intervenant de O", "el ponente de O": a person by affiliation.
_FROM_ORG = re.compile(r"\b(?:speaker|panel+ist|participant|representative|intervenante?|pan[ée]liste|"
                       r"repr[ée]sentante?|ponente|orador[a]?)\s+(?:from|of|at|de|du|de la|des|del)\b", re.I)


def speech_verbs() -> tuple[str, ...]:
    """Folded speech verbs, longest first (from the vocabulary)."""
    return _folded_labels(SPOKEN_BY)


def stance_nouns() -> tuple[str, ...]:
    """Folded nouns that ask for someone's view ("position", "point de vue", "postura"):
    the skos:hiddenLabels of igf:spokenBy."""
    return _folded_labels(SPOKEN_BY, SKOS_HIDDEN)


def disagreement_words() -> tuple[str, ...]:
    """Folded words that mark a disagreement, longest first (from the vocabulary)."""
    return _folded_labels(DISAGREEMENT)


@lru_cache(maxsize=1)
def _disagreement_cues() -> tuple[re.Pattern, ...]:
    """disagreement_words as whole words, in the same order."""
    return tuple(re.compile(r"(?<!\w)" + re.escape(c) + r"(?!\w)") for c in disagreement_words())


@lru_cache(maxsize=None)
def _folded_labels(iri: str, predicate: str = qg.SKOS + "altLabel") -> tuple[str, ...]:
    labels = {" ".join(fold(w) for w in label.split()) for label in _raw_labels(iri, predicate)}
    return tuple(sorted(labels, key=len, reverse=True))


SKOS_HIDDEN = qg.SKOS + "hiddenLabel"


def _raw_labels(prop: str, predicate: str = qg.SKOS + "altLabel") -> list[str]:
    labels = []
    for quad in ox.parse(path=str(qg.VOCABULARY), format=ox.RdfFormat.TURTLE):
        if quad.subject.value == prop and quad.predicate.value == predicate:
            labels.append(quad.object.value)
    return labels


@dataclass
class SaidQuestion:
    who: str  # the phrase naming the speaker, as written
    topic: str  # what it was about ("" when not said)
    verb: str


def parse(question: str) -> SaidQuestion | None:
    """The parts of a what-someone-said question, or None."""
    text = question.strip().lstrip("¿").strip()
    folded = fold(text)
    verbs = "|".join(re.escape(v) + r"\w*" for v in speech_verbs())
    # English: the speaker between "did" and the verb; the topic after.
    m = re.match(r"(?:what|wh?at|wich)\s+did\s+(.+?)\s+(" + verbs + r")\b(.*)$", folded)
    if not m:  # "qu'est-ce que X a dit", "de quoi X a-t-il parlé": the speaker before the verb
        m = re.match(r"(?:qu'est[- ]ce qu'?e?|de quoi|sur quoi|de que)\s*(.+?)\s+(?:a|a-t-(?:il|elle)|ha)\s+(" + verbs +
                     r")\b(.*)$", folded)
    if not m:  # "quelle était la position de X sur Y", "what was the view of X on Y"
        nouns = "|".join(re.escape(n) for n in stance_nouns())
        m = re.match(r"(?:what|quel(?:le)?|cual)\s+(?:was|is|a ete|etait|est|fue|era|es)\s+(?:the\s+|la\s+|le\s+|l'|el\s+)?"
                     r"(" + nouns + r")\s+(?:of|de|d'|del)\s*(.+?)$", folded)
        if m:
            verb, rest = m.group(1), text[m.start(2):]
            parts = _TOPIC.split(rest, maxsplit=1)
            return SaidQuestion(parts[0].strip(" ?!."), (parts[1] if len(parts) > 1 else "").strip(" ?!."), verb)
        m = re.match(r"what\s+(?:was|is)\s+(.+?)'s\s+(" + nouns + r")\b(.*)$", folded)
        if m:
            topic = _TOPIC.sub(" ", " " + text[m.start(3):].strip(" ?!.") + " ").strip()
            return SaidQuestion(text[m.start(1):m.end(1)], topic, m.group(2))
    if not m:  # French and Spanish: the speaker after the verb, before "sur"/"sobre"
        m = re.match(r"(?:qu'?\s*a(?:-t-(?:il|elle))?|qu'est-ce qu'?\s*a|que|que es lo que|que ha|de quoi a|"
                     r"sur quoi a|de que)\s+(" + verbs + r")\s+(.+?)$", folded)
        if not m:
            return None
        verb, rest = m.group(1), text[m.start(2):]
        parts = _TOPIC.split(rest, maxsplit=1)
        who, topic = parts[0], parts[1] if len(parts) > 1 else ""
    else:
        who, verb, topic = text[m.start(1):m.end(1)], m.group(2), text[m.start(3):].strip(" ?!.")
        topic = _TOPIC.sub(" ", " " + topic + " ").strip()
    return SaidQuestion(who.strip(" ?!."), topic.strip(" ?!."), verb)


def who_said_that(question: str) -> str | None:
    """The claim of "who said that …" / "qui a dit que …" / "¿quién dijo que …?"."""
    m = re.match(r"\s*¿?\s*(?:who|qui|qui[eé]n)\s+(?:a\s+)?(\w+)\s+(?:that|que|qu')\s*(.+)$", question, re.I)
    if m and any(fold(m.group(1)).startswith(v) for v in speech_verbs()):
        return m.group(2).strip(" ?!.")
    return None


_WHO = re.compile(r"\s*¿?\s*(?:who|which\s+(?:speakers?|panel+ists?|participants?)|qui|quel(?:le)?s?\s+"
                  r"(?:intervenants?|panelistes?|participants?)|quien(?:es)?)\s+(.+)$")
_TARGET_LEAD = re.compile(r"^\s*(?:with|about|on|over|to|regarding|avec|sur|a|au sujet de|con|sobre|en|de)\s+"
                          r"(?:the\s+|la\s+|le\s+|l'|les\s+|el\s+|los\s+|las\s+)?")


def who_disagreed(question: str) -> str | None:
    """What "who disagreed with / about X" asks about (folded; "" when nothing
    is named), or None when the question asks no such thing."""
    folded = fold(question)
    m = _WHO.match(folded)
    if not m:
        return None
    rest = m.group(1)
    for cue in _disagreement_cues():
        at = cue.search(rest[:40])
        if at:
            target = _TARGET_LEAD.sub("", rest[at.end():]).strip(" ?!.")
            start = folded.rfind(target) if target else -1
            # as the question wrote it, where folding kept the length (accents, case)
            return question[start:start + len(target)] if start >= 0 and len(folded) == len(question) else target
    return None


def _who_disagreed(answerer, question: str, target: str, lang: str) -> dict:
    """The person of the best sentence that marks a disagreement about the
    target: the turn's speaker, or the first person the sentence names (not a
    person the target names), or, after "Panellists disagreed on …", the first
    person of the next sentence."""
    index = answerer.person_index()
    excluded = {index[w] for w in re.findall(r"[\w'’-]+", fold(target)) if w in index}
    voices = {w: i for w, i in index.items() if i not in excluded}  # who may have disagreed
    sentences = []
    for hit in answerer.search(f"{target} {disagreement_words()[-1]}".strip(), k=10):
        row = hit.row
        spans = sentence_spans(row.text, 0, len(row.text))
        for j, (a, b) in enumerate(spans):
            if not any(c.search(fold(row.text[a:b])) for c in _disagreement_cues()):
                continue
            said_by = answerer.person_by_name().get(fold(row.speaker)) if row.speaker else None
            for c, d in spans[j:j + 2] if said_by is None else []:
                said_by = _first_person(row.text[c:d], voices, set())
                if said_by:
                    b = max(b, d)
                    break
            if said_by and said_by not in excluded:
                sentences.append(Sentence(row.text[a:b], row.report, row.section, row.start + a, row.lang, said_by,
                                          bool(row.speaker), (row.text, row.start)))
    found = best_sentence(answerer, sentences, target or question)
    if found is None or (target and found[1] < FLOOR):
        about = target or "this"
        return decline(question, {"en": f"I found no one in the reports who disagreed about \u201c{about}\u201d.",
                                  "fr": f"Je n'ai trouvé personne dans les rapports en désaccord sur « {about} ».",
                                  "es": f"No encontré a nadie en los informes en desacuerdo sobre «{about}»."}, lang)
    sentence, score = found
    entity = answerer.table.entities[sentence.speaker]
    return _respond(question, f"{entity.name} \u2014 \u201c{sentence.text}\u201d", sentence, score, "person",
                    [{"label": entity.name, "iri": entity.iri}])


def people_named(answerer, said: SaidQuestion, links: dict) -> tuple[list, str]:
    """(people as (iri, name, labels), what was understood) for the speaker phrase."""
    folded_who = fold(said.who)
    for l in links.get("person", []):
        if any(fold(w) in folded_who for label in l.entity.labels for w in label.split() if len(w) >= 3):
            return [(l.entity.iri, l.entity.name, l.entity.labels)], l.entity.name
    if _FROM_ORG.search(said.who) or _FROM_ORG.search(folded_who):
        for l in links.get("org", [])[:1]:
            iri = qg._iri(l.entity.iri)
            rows = answerer.kb.query("SELECT DISTINCT ?p ?name WHERE { ?p schema:affiliation ?o . "
                                     f"?o org:subOrganizationOf? {iri} . ?p a schema:Person ; schema:name ?name }}")
            people = [(r["p"].value, r["name"].value, answerer.table.entities[r["p"].value].labels
                       if r["p"].value in answerer.table.entities else [r["name"].value]) for r in rows]
            return people, l.entity.name
    return [], ""


#: The OPTIONALs come last: Oxigraph joins in the order written, and an
#: OPTIONAL before the passage's own patterns made it read every passage
#: (measured: 4 ms against 0.2 ms).
PASSAGES = """SELECT DISTINCT ?p ?text ?report ?section ?start ?lang ?speaker WHERE {
  VALUES ?x { %s }
  { ?p igf:utterance/igf:spokenBy ?x } UNION { ?p schema:mentions ?x }
  ?p nif:anchorOf ?text ; nif:beginIndex ?start ; nif:referenceContext/igf:reportId ?report .
  OPTIONAL { ?p igf:utterance/igf:spokenBy ?speaker }
  OPTIONAL { ?p igf:section ?section } OPTIONAL { ?p dcterms:language ?lang } }"""


@dataclass
class Sentence:
    text: str
    report: str
    section: str
    start: int  # in the report
    lang: str
    speaker: str  # the person's IRI: who spoke it or whom it is about
    turn: bool
    passage: tuple[str, int] = ("", 0)  # the passage it is part of: text, start in the report


def sentences_of(answerer, people: list, question: str) -> list[Sentence]:
    """X's turns and the report sentences about X, from one query plus the search."""
    names = {iri: name for iri, name, _ in people}
    rows = list(answerer.kb.query(PASSAGES % " ".join(qg._iri(iri) for iri in names)))
    passages = {(r["report"].value, int(r["start"].value)): (r["text"].value, _value(r["section"]), _value(r["lang"]),
                                                             r["speaker"].value if r["speaker"] is not None else None)
                for r in rows}
    # The graph records mentions in lists of names; the search finds the prose that names them
    # (by meaning, and by the name's words: prose naming several people is no near meaning of one).
    for iri, name, _ in people[:3]:
        for hit in answerer.search(f"{name} {question}", k=8) + answerer.search(name, k=8, mode="bm25"):
            row = hit.row
            key = (row.report, row.start)
            if key not in passages:
                speaker = (iri if fold(row.speaker) == fold(name) else "other") if row.speaker else None
                passages[key] = (row.text, row.section, row.lang, speaker)
    others = answerer.person_words()
    index = name_index(people)
    found = []
    for (report, offset), (text, section, lang, speaker) in passages.items():
        if speaker and speaker not in names:
            continue  # someone else's turn: a moderator calling on X is not X speaking
        if speaker:
            found += [Sentence(text[a:b], report, section, offset + a, lang, speaker, True, (text, offset))
                      for a, b in sentence_spans(text, 0, len(text))]
            continue
        about = None
        for a, b in sentence_spans(text, 0, len(text)):
            sentence = text[a:b]
            first = _first_person(sentence, index, others)
            if first is not None:
                about = first
            elif not _PRONOUN.match(sentence):
                about = None
            if about is not None:
                found.append(Sentence(sentence, report, section, offset + a, lang, about, False, (text, offset)))
    return found


def _value(term) -> str:
    return term.value if term is not None else ""


def name_index(people: list) -> dict[str, str]:
    """Folded first names and surnames → the person's IRI."""
    index = {}
    for iri, _, labels in people:
        for label in labels:
            for part in {label.split()[0], label.split()[-1]}:
                if len(part) >= 3:
                    index.setdefault(fold(part), iri)
    return index


def _first_person(sentence: str, index: dict[str, str], others: set[str]) -> str | None:
    """The IRI of X when X is the first person the sentence names; None when
    nobody is, or someone else comes first (the sentence is about them)."""
    for raw in re.findall(r"[\w'’-]+", sentence):
        word = fold(raw)
        if word in index:
            return index[word]
        if raw[:1].isupper() and word in others:
            return None
    return None


def best_sentence(answerer, sentences: list[Sentence], query: str, verb: str = "",
                  most: int = 30, names: tuple[str, ...] = (), early: float = 0.0) -> tuple[Sentence, float] | None:
    """The sentence that best answers ``query``: meaning, shared words (and
    the question's speech verb: "warned" for "warn"), prose over name lists.
    Only the ``most`` best by the cheap features are embedded."""
    if not sentences:
        return None
    q_terms = (set(tokens(query)) - set(names)) | ({fold(verb)[:4]} if verb else set())
    cheap = []
    order = {id(s): i for i, s in enumerate(sorted(sentences, key=lambda s: (s.report, s.start)))}
    for sentence in sentences:
        words = set(tokens(sentence.text))
        stems = {w[:4] for w in words}
        overlap = len({t for t in q_terms if t in words or t[:4] in stems}) / max(len(q_terms), 1)
        prior = 0.3 * overlap + prose_penalty(sentence.text) + (0.03 if sentence.turn else 0.0)
        cheap.append((prior - early * min(order[id(sentence)], 6), sentence))
    cheap.sort(key=lambda item: -item[0])
    cheap = cheap[:most]
    vectors = answerer.encode([query] + [s.text for _, s in cheap], query=True)
    best, best_score = None, -1.0
    for (prior, sentence), vector in zip(cheap, vectors[1:]):
        score = float(vectors[0] @ vector) + prior
        if score > best_score:
            best, best_score = sentence, score
    return best, best_score


def prose_penalty(text: str) -> float:
    """0 for a sentence of prose; less for a greeting or a list of names."""
    words = re.findall(r"[\w'’-]+", text)
    lower = sum(w[:1].islower() for w in words) / max(len(words), 1)
    return (-0.2 if len(words) < 6 else 0.0) + (-0.2 if lower < 0.4 else 0.0)


def answer(answerer, question: str, lang: str, links: dict) -> dict | None:
    said = parse(question)
    if said is None:
        target = who_disagreed(question)
        if target is not None:
            return _who_disagreed(answerer, question, target, lang)
        claim = who_said_that(question)
        return _who_said(answerer, question, claim, lang) if claim else None
    people, understood = people_named(answerer, said, links)
    if not people:
        name = _capitalised(said.who)
        if not name:
            return None  # "what did participants say": the passages answer
        return decline(question, {"en": f"I found no person named \u201c{name}\u201d in the reports.",
                                  "fr": f"Je n'ai trouvé aucune personne nommée « {name} » dans les rapports.",
                                  "es": f"No encontré ninguna persona llamada «{name}» en los informes."}, lang)
    topic_query = said.topic or question
    sentences = sentences_of(answerer, people, said.topic or said.verb)
    names = tuple(t for _, _, labels in people for label in labels for t in tokens(label))
    found = best_sentence(answerer, sentences, topic_query, said.verb, names=names,
                          early=0.0 if said.topic else EARLY)
    # With no topic, any of X's own sentences answers "what did X say"; with one, it must match.
    if found is None or (said.topic and found[1] < FLOOR):
        about = f" about \u201c{said.topic}\u201d" if said.topic else ""
        return decline(question, {"en": f"I linked \u201c{understood}\u201d but found nothing they said{about}.",
                                  "fr": f"J'ai reconnu « {understood} » mais je n'ai rien trouvé de ce qu'il ou elle a dit"
                                        + (f" sur « {said.topic} »." if said.topic else "."),
                                  "es": f"Reconocí «{understood}» pero no encontré nada de lo que dijo"
                                        + (f" sobre «{said.topic}»." if said.topic else ".")}, lang)
    sentence, score = found
    name = next(n for iri, n, _ in people if iri == sentence.speaker)
    text = f"{name}: \u201c{sentence.text}\u201d" if sentence.turn else sentence.text
    return _respond(question, text, sentence, score, "statement", [])


def _who_said(answerer, question: str, claim: str, lang: str) -> dict | None:
    """The speaker of the best-matching turn, or the person the best sentence is about."""
    index = answerer.person_index()
    sentences = []
    for hit in answerer.search(claim, k=8):
        row = hit.row
        for a, b in sentence_spans(row.text, 0, len(row.text)):
            s = row.text[a:b]
            if row.speaker:
                who = answerer.person_by_name().get(fold(row.speaker))
            else:
                who = _first_person(s, index, set())
            if who:
                sentences.append(Sentence(s, row.report, row.section, row.start + a, row.lang, who, bool(row.speaker),
                                          (row.text, row.start)))
    found = best_sentence(answerer, sentences, claim)
    if found is None or found[1] < FLOOR:
        return None
    sentence, score = found
    entity = answerer.table.entities[sentence.speaker]
    return _respond(question, f"{entity.name} \u2014 \u201c{sentence.text}\u201d", sentence, score, "person",
                    [{"label": entity.name, "iri": entity.iri}])


def _capitalised(phrase: str) -> str | None:
    words = re.findall(r"\b[A-ZÀ-Þ][\w'’-]+", phrase)
    return " ".join(words) if words else None


def _respond(question, text, sentence: Sentence, score, kind, answers) -> dict:
    evidence = [{"text": sentence.text, "report": sentence.report, "section": sentence.section,
                 "start": sentence.start, "end": sentence.start + len(sentence.text), "lang": sentence.lang,
                 "score": round(score, 4)}]
    text_, start = sentence.passage
    if text_ and text_.strip() != sentence.text.strip():  # then the passage it was read in
        evidence.append({**evidence[0], "text": text_, "start": start, "end": start + len(text_)})
    return {"question": question, "answer": text, "answers": answers, "sparql": None, "evidence": evidence,
            "confidence": round(max(0.1, min(0.8, score * 0.8)), 2), "answer_type": kind}


def decline(question: str, texts: dict, lang: str) -> dict:
    return {"question": question, "answer": texts.get(lang, texts["en"]), "answers": [], "sparql": None,
            "evidence": [], "confidence": 0.0, "answer_type": None}
