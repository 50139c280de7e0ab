"""Examples speakers present: "Everton Lucero ... a présenté deux exemples:
les dix principes ... et la gestion des ports 25/TCP par le CGI.br".

A sentence whose subject is a person and whose verb presents something
(presented, described, a fourni, presentó, ...) gives one example per item
presented. The sentences right after it that go on about the same thing
("Cette initiative a permis ...", or "Le blocage du port 25 ...", which
shares two words with the example) are its outcome, until a sentence names
someone. Organisations and principles named in the example or its outcome
are linked to it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from igfkg.ontology import labelled_nodes

from .fields import make_organisation
from .labels import LabelMatcher
from .organisations import gazetteer
from .passages import sentence_spans
from .records import Example, Person, PrincipleMention, Section, Span
from .text import fold, strip_span

SECTIONS = ("summary", "conclusions", "transcript", "body")

_VERBS = re.compile(
    r"\b(?:presented|presents|described|describes|gave|provided|shared|showed|illustrated|outlined|"
    r"introduced|cited|a (?:également |aussi )?(?:présenté|fourni|donné|décrit|cité|partagé|exposé|illustré|"
    r"montré)|ont (?:présenté|fourni|donné|décrit|cité)|présente|presentó|describió|compartió|mostró|"
    r"expuso|ilustró)\b", re.I)
_DETERMINER = r"(?:the|a|an|its|his|her|their|two|three|le|la|les|l['’]|un|une|des|deux|trois|ses|son|sa|leur|" \
              r"el|los|las|una|unos|unas|dos|tres|su|sus)\b"
_OBJECT_START = re.compile(rf"\s*(?:(?i:{_DETERMINER}|how\b|comment\b|c[oó]mo\b)|[A-ZÀ-Ý][\w.-]*['’]s\b)")
_COUNT = re.compile(r"\b(?:two|three|four|deux|trois|quatre|dos|tres|cuatro|2|3|4)\b(?:\s+\w+){0,3}?\s+"
                    r"(?:examples?|exemples?|ejemplos?|cases|cas|casos)\b", re.I)
_NUMBER_WORDS = {"two": 2, "deux": 2, "dos": 2, "2": 2, "three": 3, "trois": 3, "tres": 3, "3": 3,
                 "four": 4, "quatre": 4, "cuatro": 4, "4": 4}
_ITEM_JOIN = re.compile(rf"\s+(?:et|and|y|e|ainsi que|as well as)\s+(?={_DETERMINER})|;\s*", re.I)
_ANAPHOR = re.compile(r"^(?:cette|ce|cet|ces|this|these|that|those|it|il|elle|esta|este|estos|estas|"
                      r"such|the initiative|the process|l['’]initiative|le processus)\b", re.I)
_STOP = {"dans", "pour", "avec", "that", "this", "with", "from", "which", "their", "have", "been", "were",
         "sont", "entre", "leur", "leurs", "plus", "also", "about", "more", "les", "des", "une", "par",
         "sur", "qui", "que", "como", "para", "por", "internet", "gouvernance", "governance"}
_CONFIDENCE = 0.7
_MAX_OUTCOME_SENTENCES = 3


def examples_in(text: str, sections: list[Section], people: list[Person],
                principles: list[PrincipleMention]) -> list[Example]:
    found: list[Example] = []
    for section in sections:
        if section.key not in SECTIONS:
            continue
        sentences = sentence_spans(text, section.start, section.end)
        i = 0
        while i < len(sentences):
            items, presenter = _presented(text, sentences[i], people)
            if not items:
                i += 1
                continue
            outcome, i = _outcome(text, sentences, i + 1, items[-1], people)
            for n, item in enumerate(items):
                spans = [item] + (outcome if n == len(items) - 1 else [])
                found.append(_example(text, item, presenter, spans, outcome if n == len(items) - 1 else [],
                                      principles))
    return found


def _presented(text: str, sentence: tuple[int, int], people: list[Person]):
    """(item spans, presenter) if the sentence presents something."""
    a, b = sentence
    for verb in _VERBS.finditer(text, a, b):
        subject = [p for p in people if a <= p.source.start and p.source.end <= verb.start()]
        if not subject:
            continue
        rest = verb.end()
        colon = text.find(":", rest, min(b, rest + 80))
        count = _COUNT.search(text, rest, colon if colon >= 0 else min(b, rest + 60))
        start = colon + 1 if colon >= 0 else rest
        if colon < 0 and not _OBJECT_START.match(text, rest):  # "presented the ...", "Morocco's ..."
            continue
        items = _split_items(text, start, b, _NUMBER_WORDS.get(fold(count.group(0).split()[0]), 1) if count else 1)
        if items:
            return items, subject[-1]
    return [], None


def _split_items(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    end = end - 1 if text[end - 1] in ".;" else end
    if count <= 1:
        a, b = strip_span(text, start, end)
        return [(a, b)] if len(text[a:b].split()) >= 2 else []
    joins = [m for m in _ITEM_JOIN.finditer(text, start, end)]
    joins = joins[-(count - 1):]
    items, pos = [], start
    for join in joins:
        items.append(strip_span(text, pos, join.start()))
        pos = join.end()
    items.append(strip_span(text, pos, end))
    return [(a, b) for a, b in items if len(text[a:b].split()) >= 2]


def _outcome(text, sentences, i, item, people):
    """Sentences after an example that go on about it."""
    words = _content_words(text[item[0]:item[1]])
    outcome = []
    while i < len(sentences) and len(outcome) < _MAX_OUTCOME_SENTENCES:
        a, b = sentences[i]
        sentence = text[a:b]
        names_someone = any(a <= p.source.start < b for p in people)
        if names_someone or not (_ANAPHOR.match(sentence) or len(words & _content_words(sentence)) >= 2):
            break
        outcome.append((a, b))
        words |= _content_words(sentence) if _ANAPHOR.match(sentence) else set()
        i += 1
    return outcome, i


def _content_words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[\w/]+", fold(text)):
        word = word.rstrip("sx") if len(word) > 4 else word
        if (len(word) >= 4 or word.isdigit()) and word not in _STOP:
            words.add(word)
    return words


@lru_cache(maxsize=1)
def glossary() -> LabelMatcher:
    """Terms of ontology/glossary.ttl in every language they are given."""
    return LabelMatcher([(key, label, 1.0) for key, labels in labelled_nodes("glossary.ttl", "term").items()
                         for label, _lang, _pref in labels if key != "scheme"])


def _example(text, item, presenter, spans, outcome, principles) -> Example:
    organisations = {}
    for a, b in spans:
        for hit in gazetteer().matcher().find(text, a, b):
            organisations.setdefault(hit.key, make_organisation(text, hit.start, hit.end))
    concepts = sorted({m.concept for m in principles
                       if any(a <= m.source.start < b for a, b in spans)})
    terms = sorted({key for hit in glossary().find(text, *item) for key in hit.keys})
    return Example(
        label=Span(text[item[0]:item[1]], *item), presenter=presenter,
        organisations=tuple(organisations.values()), principles=tuple(concepts),
        outcome=tuple(Span(text[a:b], a, b) for a, b in outcome), confidence=_CONFIDENCE,
        terms=tuple(terms))
