"""Saying "I don't know" rather than answering the wrong thing.

Two checks, both read off the question's form and the vocabulary, never off
a list of questions:

- the answer type the query-graph route computes (querygraph.answer_type)
  vetoes template kinds that answer something else: no count for a "how"
  question, no person for a "when";
- the attribute a question asks for ("how many CATS", "the BUDGET of",
  "le SALAIRE du") must be something the graph records (a label or synonym
  in ontology/vocabulary.ttl, or a word of the kinds of question the
  templates know); otherwise only a sentence that names it may answer, and
  with none the answer says what was understood and that nothing fits.
"""
from __future__ import annotations

import re
from functools import lru_cache

from igfkg.ingest.text import fold

from . import querygraph as qg

# What each template kind (intents.py) answers.
KIND_TYPE = {**{k: "person" for k in ("moderator", "remote_moderator", "reporter", "panellist", "people_of_org",
                                      "presenter_of_example", "people_on_topic")},
             **{k: "org" for k in ("organizer", "affiliation_of_person", "example_organisations", "org_identity")},
             **{k: "example" for k in ("examples_of_person", "examples_of_principle", "examples_all")},
             **{k: "principle" for k in ("example_principles", "principles_discussed", "collection_members")},
             **{k: "sessions" for k in ("sessions_discussed", "first_discussed", "sessions_for_goal", "workshop_of")},
             "example_outcome": "statement", "quality": "statement", "figure": "number", "date": "date",
             "place": "place", "meeting": "place"}
# Which kinds of answer a wanted type accepts ("who" may be answered by an organisation).
ACCEPTS = {"person": {"person", "org"}, "org": {"org", "person"}, "date": {"date", "sessions"},
           "years": {"sessions", "date"}, "place": {"place"}, "number": {"number"},
           "statement": {"statement"}, "principle": {"principle", "sessions"}, "example": {"example"}}

_ATTRIBUTE = [re.compile(p) for p in (
    r"^how many (\w+)", r"^combien (?:de |d')(\w+)", r"^cuant[oa]s (\w+)",
    r"^what (?:is|was|are|were) the ((?:\w+ ){0,2}?\w+) (?:of|for|at)\b",
    r"^quel(?:le)?s? (?:est|etait|sont|etaient) (?:le |la |les |l')(\w+(?: (?:de |d'|du )\w+)?)",
    r"^cual (?:es|era|fue) (?:el |la )(\w+(?: (?:de |del )\w+)?)")]
# Words that only say "the X of": the attribute is the word that follows or precedes them
# ("le numéro de téléphone", "the phone number of").
_GENERIC_HEADS = {"number", "numero", "name", "nom", "nombre", "list", "liste", "lista", "kind", "type", "tipo"}


def type_fits(kind: str, wanted: str | None) -> bool:
    """Whether a template kind may answer a question that asks for ``wanted``."""
    if wanted in (None, "yesno") or kind not in KIND_TYPE:
        return True
    return KIND_TYPE[kind] in ACCEPTS.get(wanted, {KIND_TYPE[kind]})


def asked_attribute(question: str) -> str | None:
    """The word naming what is asked for, when the question's form says it."""
    folded = fold(question).lstrip("¿ ").strip()
    for pattern in _ATTRIBUTE:
        m = pattern.match(folded)
        if m:
            words = [w for w in re.findall(r"\w+", m.group(1)) if w not in ("de", "d", "du", "del")]
            return next((w for w in words if w not in _GENERIC_HEADS), words[0])
    return None


@lru_cache(maxsize=1)
def _known_stems() -> frozenset[str]:
    """Stems of everything the graph records: vocabulary labels and synonyms,
    and the words of the questions the templates answer."""
    from . import intents

    stems = {s for labels in qg.property_labels().values() for group in labels for s in group}
    stems |= {s for kind in intents.KINDS for example in kind.examples for s in qg._stems(example)}
    return frozenset(stems)


def unexplained(question: str, links: dict) -> str | None:
    """The asked-for attribute when nothing in the graph records it, else None."""
    attribute = asked_attribute(question)
    if not attribute or len(attribute) < 3:
        return None
    stem = attribute[:5]
    # A word of a name the question gives is no attribute ("the transparency report of ..."),
    # a word that only made something link is ("le budget" linking an example about a budget).
    folded = fold(question)
    named = {s for found in links.values() for l in found[:1] if l.start >= 0
             for s in qg._stems(folded[l.start:l.end])}
    if stem in _known_stems() or stem in named:
        return None
    return attribute


def understood(links: dict, table) -> str:
    """What was linked, for the message: "workshop 41", "IGF Secretariat"."""
    for kind in ("workshop", "person", "org", "example", "principle"):
        for l in links.get(kind, [])[:1]:
            if kind == "workshop" and l.entity.iri in table.workshops:
                number, year, title = table.workshops[l.entity.iri]
                return f"workshop {number}" if number else title
            return l.entity.name
    return ""


def nothing_recorded(question: str, attribute: str, links: dict, table, lang: str, evidence=()) -> dict:
    name = understood(links, table)
    texts = {"en": (f"I linked \u201c{name}\u201d but " if name else "") + f"I found no \u201c{attribute}\u201d in the data.",
             "fr": (f"J'ai reconnu « {name} » mais " if name else "") + f"je n'ai trouvé aucun·e « {attribute} » dans les données.",
             "es": (f"Reconocí «{name}» pero " if name else "") + f"no encontré ningún «{attribute}» en los datos."}
    text = texts.get(lang, texts["en"])
    return {"question": question, "answer": text[0].upper() + text[1:], "answers": [], "sparql": None,
            "evidence": list(evidence), "confidence": 0.0, "answer_type": None}


def nothing_for(question: str, name: str, kind: str, lang: str) -> dict:
    """The graph holds no answer of this kind for the entity the question
    names: said plainly, confidence 0."""
    texts = {"en": f"I linked \u201c{name}\u201d but the knowledge base records nothing of that kind for it.",
             "fr": f"J'ai reconnu « {name} » mais la base de connaissances n'enregistre rien de tel à son sujet.",
             "es": f"Reconocí «{name}» pero la base de conocimiento no registra nada de eso al respecto."}
    return {"question": question, "answer": texts.get(lang, texts["en"]), "answers": [], "sparql": None,
            "evidence": [], "confidence": 0.0, "answer_type": None, "kind": kind}
