"""What a question asks: the nearest example question per kind (multilingual
embeddings, entity names replaced by their type) plus keyword cues, in
English, French and Spanish."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from igfkg.ingest.text import fold


@dataclass(frozen=True)
class Kind:
    name: str
    needs: tuple[str, ...]  # entity kinds that must be linked; "workshop" is never needed
    cue: str
    examples: tuple[str, ...]


KINDS = [
    Kind("moderator", (), r"moderat|moder[ée]|chair|animat|anim[ée]", (
        "Who moderated [WORKSHOP]?", "Who was the moderator?", "Who chaired the session?",
        "Qui a modéré [WORKSHOP] ?", "Qui était le modérateur ?", "¿Quién moderó el taller?")),
    Kind("remote_moderator", (), r"remote|online|distance|en ligne|remoto", (
        "Who was the remote moderator of [WORKSHOP]?", "Who moderated online participation?",
        "Qui était le modérateur à distance ?", "Qui a modéré en ligne ?")),
    Kind("organizer", (), r"organi[sz]|organisat|organiz", (
        "Who organised [WORKSHOP]?", "Who was the organiser of the workshop?", "Which organisations organised it?",
        "Qui a organisé [WORKSHOP] ?", "Quelles organisations ont organisé l'atelier ?", "¿Quién organizó el taller?")),
    Kind("reporter", (), r"\breport(?:ed|er|ers|eur|eurs)\b|rapporteur|relator|r[ée]dig|wrote the report|report on", (
        "Who reported on [WORKSHOP]?", "Who wrote the report?", "Who were the rapporteurs?",
        "Qui a rédigé le rapport ?", "Qui sont les rapporteurs de l'atelier ?")),
    Kind("panellist", (), r"panel|speaker|intervenant|ponente|spoke|speak|orateur", (
        "Who were the panellists of [WORKSHOP]?", "Who spoke at the workshop?", "List the speakers.",
        "Qui étaient les panélistes ?", "Qui a pris la parole pendant l'atelier ?", "¿Quiénes fueron los ponentes?")),
    Kind("affiliation_of_person", ("person",), r"affiliat|organi[sz]ation|work for|works for|represent|employ|"
         r"which (?:company|ministry|institution)|quelle organisation|pour qui|travaille|from where", (
        "Which organisation is [PERSON] affiliated with?", "Who does [PERSON] work for?",
        "What organisation does [PERSON] represent?", "Where is [PERSON] from?",
        "À quelle organisation appartient [PERSON] ?", "Pour qui travaille [PERSON] ?",
        "¿A qué organización pertenece [PERSON]?")),
    Kind("people_of_org", ("org",), r"affiliat|from|came|represent|work|venait|vient|repr[ée]sent|de la part", (
        "Who is affiliated with [ORG]?", "Which panellist came from [ORG]?", "Who spoke for [ORG]?",
        "Who represented [ORG]?", "Who works for [ORG]?",
        "Qui représentait [ORG] ?", "Quel panéliste venait de [ORG] ?", "Qui est affilié à [ORG] ?",
        "¿Quién representó a [ORG]?")),
    Kind("presenter_of_example", ("example",), r"\b(?:present(?:ed|s)?|gave|give[ns]?|provided|described|"
         r"a pr[ée]sent[ée]|pr[ée]sent[ée]|fourni|donn[ée]|d[ée]crit|present[oó])\b", (
        "Who presented [EXAMPLE]?", "Who gave the example of [EXAMPLE]?", "Who described [EXAMPLE]?",
        "Qui a présenté l'exemple [EXAMPLE] ?", "Qui a présenté [EXAMPLE] ?", "¿Quién presentó [EXAMPLE]?")),
    Kind("examples_of_person", ("person",), r"example|exemple|ejemplo|case|cas", (
        "Which examples did [PERSON] give?", "What examples did [PERSON] present?", "What cases did [PERSON] describe?",
        "Quels exemples [PERSON] a-t-il présentés ?", "Quels exemples a donné [PERSON] ?",
        "¿Qué ejemplos presentó [PERSON]?")),
    Kind("examples_of_principle", ("principle",), r"example|exemple|ejemplo|illustrat|case", (
        "Which examples illustrate [PRINCIPLE]?", "Give examples of [PRINCIPLE].",
        "Quels exemples illustrent [PRINCIPLE] ?", "¿Qué ejemplos ilustran [PRINCIPLE]?")),
    Kind("example_outcome", ("example",), r"achiev|result|outcome|lead|led|effect|impact|r[ée]sultat|abouti|permis|"
         r"happen|what came", (
        "What did [EXAMPLE] achieve?", "What was the outcome of [EXAMPLE]?", "What came of [EXAMPLE]?",
        "Qu'a permis [EXAMPLE] ?", "Quel a été le résultat de [EXAMPLE] ?", "¿Qué logró [EXAMPLE]?")),
    Kind("workshop_of", ("example|person|org|principle",), r"which workshop|what workshop|quel atelier|"
         r"dans quel atelier|qu[ée] taller|which session|where was .* discussed", (
        "Which workshop discussed [EXAMPLE]?", "In which workshop did [PERSON] speak?",
        "Which workshops discussed [PRINCIPLE]?", "Which workshop was [ORG] involved in?",
        "Quel atelier a discuté [EXAMPLE] ?", "Dans quel atelier [PERSON] est-il intervenu ?",
        "¿Qué taller discutió [EXAMPLE]?")),
    Kind("principles_discussed", (), r"principle|principe|principio", (
        "Which principles did [WORKSHOP] discuss?", "What principles were discussed?",
        "Which multistakeholder principles came up?",
        "Quels principes l'atelier a-t-il abordés ?", "Quels principes ont été discutés ?",
        "¿Qué principios se discutieron?")),
    Kind("collection_members", ("collection",), r"principle|principe|list|which|quels", (
        "Which principles are [COLLECTION]?", "Which principles did the recommendations list as [COLLECTION]?",
        "Quels principes sont [COLLECTION] ?")),
    Kind("title", (), r"title|titre|t[ií]tulo|called|name of|nom de|named|intitul", (
        "What is the title of [WORKSHOP]?", "What was [WORKSHOP] called?", "What is the name of the workshop?",
        "Quel est le titre de [WORKSHOP] ?", "Comment s'intitule l'atelier ?", "¿Cuál es el título del taller?")),
    Kind("date", (), r"when|date|quand|cu[aá]ndo|what day|which day|quel jour", (
        "When did [WORKSHOP] take place?", "When was the workshop held?", "On what date was it?",
        "Quand a eu lieu [WORKSHOP] ?", "À quelle date s'est tenu l'atelier ?", "¿Cuándo fue el taller?")),
    Kind("place", (), r"where|o[uù] |d[oó]nde|city|ville|country|pays|location|lieu", (
        "Where did [WORKSHOP] take place?", "In which city was the workshop held?", "In which country was it?",
        "Où a eu lieu [WORKSHOP] ?", "Dans quelle ville s'est tenu l'atelier ?", "¿Dónde fue el taller?")),
    Kind("format", (), r"format|formato|kind of session|type of session|type de session", (
        "What was the format of [WORKSHOP]?", "What kind of session was it?", "Was it a panel or a roundtable?",
        "Quel était le format de l'atelier ?", "¿Cuál fue el formato?")),
    Kind("theme", (), r"theme|th[eè]me|tema|topic|sujet", (
        "What was the theme of [WORKSHOP]?", "Which theme did the workshop belong to?",
        "Quel était le thème de l'atelier ?", "¿Cuál fue el tema del taller?")),
    Kind("figure", (), r"how many|combien|cu[aá]nt|number of|nombre de|count", (
        "How many participants attended [WORKSHOP]?", "How many women took part?", "How many male participants were there?",
        "How many young participants attended?", "How many participants came from developing countries?",
        "Combien de participants y avait-il ?", "Combien de femmes ont participé ?",
        "¿Cuántas mujeres participaron?")),
    Kind("gender", (), r"gender|genre|g[ée]nero|women'?s empowerment|[ée]galit[ée]", (
        "Did the session discuss gender equality?", "Was women's empowerment discussed?",
        "La session a-t-elle abordé l'égalité des genres ?")),
    Kind("events_built_on", (), r"build|built|earlier|previous|prior|ant[ée]rieur|appuie|pr[ée]c[ée]dent|based on", (
        "Which earlier events did [WORKSHOP] build on?", "What previous sessions did the workshop build upon?",
        "Sur quels événements antérieurs l'atelier s'appuie-t-il ?")),
]
KINDS += [
    Kind("meeting", (), r"which igf|what igf|quel fgi|which meeting|annual meeting|part of|quelle r[ée]union|edition", (
        "Which IGF meeting was [WORKSHOP] part of?", "At which IGF was the workshop held?",
        "Which edition of the IGF was it?", "À quel FGI l'atelier appartenait-il ?")),
    Kind("quality", (), r"add up|consistent|data.quality|errors? in the (?:figures|numbers)|coh[ée]ren|s'additionn", (
        "Do the participation figures add up?", "Are the participation numbers consistent?",
        "Is there a data-quality problem with the figures?", "Les chiffres de participation sont-ils cohérents ?")),
    Kind("examples_all", (), r"example|exemple|ejemplo|case", (
        "Which examples were presented?", "What examples were given at [WORKSHOP]?", "List the examples.",
        "Quels exemples ont été présentés ?", "¿Qué ejemplos se presentaron?")),
    Kind("people_on_topic", ("principle",), r"spoke about|talked about|speak about|raised|argued|mentioned|"
         r"parl[ée] de|[ée]voqu|soulign|abord|habl[oó] de|who (?:discussed|addressed)", (
        "Who spoke about [PRINCIPLE]?", "Who raised [PRINCIPLE]?", "Who talked about [PRINCIPLE]?",
        "Qui a parlé de [PRINCIPLE] ?", "Qui a évoqué [PRINCIPLE] ?", "¿Quién habló de [PRINCIPLE]?")),
    Kind("org_identity", ("org",), r"^(?:what|who) (?:is|are|was)\b|qu'est-ce que|c'est quoi|qui est", (
        "What is [ORG]?", "Who is [ORG]?", "What does [ORG] stand for?", "Qu'est-ce que [ORG] ?",
        "¿Qué es [ORG]?")),
    Kind("example_organisations", ("example",), r"involv|organi[sz]ations?|impliqu|particip", (
        "Which organisations were involved in [EXAMPLE]?", "Who was involved in [EXAMPLE]?",
        "Quelles organisations ont participé à [EXAMPLE] ?")),
    Kind("example_principles", ("example",), r"illustrat|principle|principe", (
        "What principles does [EXAMPLE] illustrate?", "Which principle did [EXAMPLE] show?",
        "Quels principes illustre [EXAMPLE] ?")),
]

# Principles across frameworks and years, and the SDGs (ontology/frameworks.ttl, sdgs.ttl).
KINDS += [
    Kind("sessions_discussed", ("principle",), r"which sessions?|what sessions?|quelles? sessions?|qu[ée] sesiones|"
         r"which workshops? discussed|sessions? (?:that|which) discussed", (
        "Which sessions discussed [PRINCIPLE]?", "Which sessions discussed the principle [PRINCIPLE]?",
        "Which sessions discussed [PRINCIPLE] of NETmundial?", "What sessions were about [PRINCIPLE]?",
        "Quelles sessions ont discuté de [PRINCIPLE] ?", "Quelles sessions ont abordé [PRINCIPLE] ?",
        "¿Qué sesiones discutieron [PRINCIPLE]?")),
    Kind("first_discussed", ("principle",), r"\bfirst\b|earliest|premi[eè]re fois|pour la premi|primera vez|since when|depuis quand", (
        "When was [PRINCIPLE] first discussed?", "When did a session first discuss [PRINCIPLE]?",
        "Which year was [PRINCIPLE] first discussed?",
        "Quand [PRINCIPLE] a-t-il été discuté pour la première fois ?", "Depuis quand discute-t-on de [PRINCIPLE] ?",
        "¿Cuándo se discutió [PRINCIPLE] por primera vez?")),
    Kind("frameworks_of", ("principle",), r"framework|cadres?\b|marcos?\b|sets? of principles|include|inclu|comprennent|"
         r"contiennent|which declarations?", (
        "Which frameworks include [PRINCIPLE]?", "Which sets of principles include [PRINCIPLE]?",
        "In which frameworks does [PRINCIPLE] appear?", "Quels cadres incluent [PRINCIPLE] ?",
        "Quels cadres de principes contiennent [PRINCIPLE] ?", "¿Qué marcos incluyen [PRINCIPLE]?")),
    Kind("sessions_for_goal", ("goal",), r"serv|contribut|sdg|odd|ods|goal|objecti|target|cible|meta", (
        "Which sessions served [GOAL]?", "Which sessions contributed to [GOAL]?", "Which sessions addressed [GOAL]?",
        "Quelles sessions ont servi [GOAL] ?", "Quelles sessions ont contribué à [GOAL] ?",
        "¿Qué sesiones contribuyeron al [GOAL]?")),
]

# Questions about ideas rather than facts: answered from the passages.
KINDS.append(Kind("passage", (), r"^(?:what is|what are|what does|why|how (?:can|could|should|do|does|did)|"
                  r"explain|describe|qu'est-ce|que (?:signifie|veut)|pourquoi|comment)\b|"
                  r"^(?:what did|qu'a|qu'est-ce qu'a)\b.*\b(?:say|said|argue|stress|talk|mention|explain|"
                  r"dit|soulign|expliqu|d[ée]fendu)", (
    "What did [PERSON] say about [PRINCIPLE]?", "What did [PERSON] say about it?", "What did [PERSON] talk about?",
    "What did [PERSON] stress?", "Qu'a dit [PERSON] sur [PRINCIPLE] ?", "Qu'a dit [PERSON] ?",
    "What is soft law according to the discussion?", "What does [PRINCIPLE] mean?", "What does the report say about it?",
    "What was said about [PRINCIPLE]?", "What did [PERSON] argue?", "Why did [PERSON] prefer it?",
    "Que disent les participants sur [PRINCIPLE] ?",
    "Who proposed dividing the process into phases?", "Who asked what would happen then?",
    "Who suggested creating a new body?", "Qui a proposé cette idée ?",
    "Why is this important?", "How can decisions be made?", "What did participants say about the challenges?",
    "Explain the argument about regulation.", "Qu'est-ce que le droit mou ?", "Pourquoi est-ce important ?",
    "Que dit le rapport sur la prise de décision ?", "Comment les décisions sont-elles prises ?")))
BY_NAME = {kind.name: kind for kind in KINDS}
CUE_BONUS = 0.15
SLOT_BONUS = 0.08  # a kind that uses an entity the question names is likelier
THRESHOLD = 0.5  # below this, the question goes to the passages


@lru_cache(maxsize=4)
def _example_vectors(encoder_name: str, encoder) -> tuple[list[str], np.ndarray]:
    names = [kind.name for kind in KINDS for _ in kind.examples]
    return names, encoder.encode([example for kind in KINDS for example in kind.examples])


def rank_kinds(delexicalised: str, encoder, linked: set[str] = frozenset()) -> list[tuple[str, float]]:
    """(kind, score) best first, for a question whose entity names were
    replaced by [PERSON], [ORG], ... placeholders; ``linked`` are the kinds
    of entity the question names."""
    names, vectors = _example_vectors(encoder.name, encoder)
    similarity = vectors @ encoder.encode([delexicalised], query=True)[0]
    best: dict[str, float] = {}
    for name, value in zip(names, similarity):
        best[name] = max(best.get(name, -1.0), float(value))
    folded = fold(delexicalised)
    for kind in KINDS:
        if re.search(kind.cue, folded):
            best[kind.name] += CUE_BONUS
        if kind.needs and all(set(need.split("|")) & linked for need in kind.needs):
            best[kind.name] += SLOT_BONUS
    return sorted(best.items(), key=lambda item: -item[1])
