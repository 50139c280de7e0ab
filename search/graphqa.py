"""The query-graph route of `ask` (querygraph.py ranks the paths; this runs
them, aggregates across the corpus, answers yes/no with the deciding fact,
and says plainly what was understood when nothing fits). Returns None to
let the templates of answer.py try."""
from __future__ import annotations

import re

from igfkg.ingest.text import fold

from . import querygraph as qg

NO_ANSWER = {"en": "I found nothing in the reports that answers this question.",
             "fr": "Je n'ai rien trouvé dans les rapports qui réponde à cette question.",
             "es": "No encontré nada en los informes que responda a esta pregunta."}
# "the workshop on X", "la session principale sur X", "el foro abierto sobre X": up to three words between.
_TOPIC_PHRASE = re.compile(r"\b(?:workshop|session|atelier|taller|sesi[oó]n|forum|foro|coalition|coalici[oó]n|"
                           r"meeting|r[ée]union|reuni[oó]n|table ronde|round ?table)s?(?:\s+[\w-]+){0,3}?"
                           r"\s*(?:\s(?:on|about|sur|sobre|de)\s+|\sd')"
                           r"(?:the\s+|la\s+|le\s+|l'|el\s+|les\s+|los\s+)?([\w' -]{3,60})", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# English also names a session by words before it: "the encryption workshop".
_NOT_A_TOPIC_WORD = r"(?!(?:the|of|a|an|in|at|on|for|to|by|from)\b)"
_TOPIC_BEFORE = re.compile(rf"\bthe\s+((?:{_NOT_A_TOPIC_WORD}[\w-]+\s+){{0,3}}?{_NOT_A_TOPIC_WORD}[\w-]+)\s+"
                           r"(?:workshop|session|panel|forum|meeting)s?\b", re.I)
_ROLE_PROPS = [qg.IGF + r for r in qg.ROLES]
_NAME = r"([A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)"
# Who a yes/no question is about: "Did Amazon ...", "Amazon a-t-il ...", "¿Presentó Amazon ...".
_YES_NO_SUBJECT = re.compile(rf"(?:(?:did|has|have|was|were)\s+{_NAME}\s|{_NAME}\s+a-t-(?:il|elle)\b)")
PASSAGE_TOPIC_FLOOR = 0.18  # a passage scoring this (hybrid score) for the topic words makes its session one that discussed
# it: on the dev corpus, passages on the topic scored 0.19-0.53, unrelated ones at most 0.12
_SESSION_WORD = re.compile(r"\b(?:workshops?|sessions?|ateliers?|talleres|taller|sesi[oó]n(?:es)?|panel)\b", re.I)


def _unknown_name(question: str, links: dict, table) -> str | None:
    """A capitalised name of two words or more that nothing in the graph carries:
    say so instead of answering about something else."""
    from .answer import _capitalised_name
    name = _capitalised_name(question.lstrip("¿"))
    if not name or any(w.lower() in ("igf", "fgi") for w in name.split()):
        return None
    folded = fold(name)
    known = [fold(label) for found in links.values() for l in found for label in l.entity.labels]
    known += [fold(t) for _, _, t in table.workshops.values()]
    if any(folded in k or k in folded for k in known):
        return None
    if any(w in k for w in folded.split() if len(w) >= 4 for k in known):
        return None
    return name


def answer(answerer, question: str, lang: str, links: dict) -> dict | None:
    kb, folded = answerer.kb, fold(question)
    wanted = qg.answer_type(question)
    lang = _lang(question, lang)
    anchors = {"session": [l.entity.iri for l in links.get("workshop", [])[:1]],
               "person": [l.entity.iri for l in links.get("person", [])[:1]],
               "org": [l.entity.iri for l in links.get("org", [])[:1]],
               "example": [l.entity.iri for l in links.get("example", [])[:1]],
               "principle": [l.entity.iri for l in links.get("principle", [])[:1]]}
    if links.get("person"):
        anchors["person_span"] = (links["person"][0].start, links["person"][0].end)
    asking = question  # the words left to choose the property with
    for example in links.get("example", [])[:1]:
        if example.start >= 0:  # an example's name asks for nothing ("the transparency report" is no rapporteur)
            asking = _blank(asking, example.start, example.end)
    titled, topic = [], _topic(question)
    if anchors["session"] and topic:  # a session linked by its title's words: they ask for no property
        asking = _blank(asking, topic.start(1), topic.end(1))
    year = re.search(r"\b((?:19|20)\d{2})\b", question)
    if not anchors["session"] and not re.search(r"\d", _YEAR.sub("", question)):  # a number names a workshop
        titled = qg.sessions_by_title(question, kb, answerer.encoder, topic=topic.group(1).strip(" ?") if topic else None,
                                      year=int(year.group(1)) if year else None)
        # One shared word that is also a principle's name is the principle ("workshops on transparency").
        if titled and anchors["principle"] and titled[0][2] < 2:
            titled = []
        if titled and not anchors["person"]:
            anchors["session"] = [titled[0][0]]  # an example linked too competes in the ranking
            if topic:  # the topic's words named the session: they ask for no property ("Internet" is no "intervenu")
                asking = _blank(asking, topic.start(1), topic.end(1))
            anchors["principle"] = []  # the words named a session, not a principle
    if wanted is None and anchors["session"]:
        wanted = _type_named(asking)  # "le nom du modérateur de ...": the property named says what is asked
    if anchors["person"] and not _SESSION_WORD.search(question):
        anchors["via_session"] = False  # "who does X work for" is no question about X's session
    unknown = _unknown_name(question, links, answerer.table)
    if unknown:
        text = {"fr": f"Je n'ai trouvé aucune personne nommée « {unknown} » (ni aucune organisation).",
                "es": f"No encontré ninguna persona llamada «{unknown}» (ni organización)."}.get(
            lang, f"I found no person named \u201c{unknown}\u201d (nor an organisation).")
        return _nothing(question, text)
    aggregate = _aggregate(answerer, question, folded, wanted, anchors, lang)
    if aggregate:
        return aggregate
    if wanted == "yesno":
        return _yes_no(answerer, question, folded, anchors, links, lang)
    if wanted not in (None, "years") and (anchors["session"] or anchors["example"] or
                                          (anchors["person"] and wanted not in ("org",)) or anchors["org"]):
        paths = qg.candidate_paths(asking, anchors, wanted)
        alternatives = []
        for path in paths[:6]:
            sparql = _select(path.body, lang)
            rows = list(kb.query(sparql))
            alternatives.append({"sparql_body": path.body, "score": round(path.score, 3), "rows": len(rows)})
            if rows and path.score >= 0.7:
                return _respond(answerer, question, sparql, rows, path, wanted, lang, alternatives)
    if topic and not anchors["session"] and not anchors["principle"] \
            and not anchors["person"] and not anchors["example"] and wanted in ("person", "place", "date", "number"):
        about = topic.group(1).strip(" ?")
        text = {"fr": f"Je n'ai trouvé aucune session sur « {about} ».",
                "es": f"No encontré ninguna sesión sobre «{about}»."}.get(lang, f"I found no session about \u201c{about}\u201d.")
        return _nothing(question, text)
    return None


def _blank(text: str, start: int, end: int) -> str:
    """The text with a span made spaces (positions elsewhere stay where they were)."""
    return text[:start] + " " * (end - start) + text[end:]


def _type_named(question: str) -> str | None:
    """The answer type of the session property the question names in full, if one."""
    stems = qg._stems(question)
    fit, prop = max((qg.label_score(stems, p), p) for p in qg.SESSION_PROPERTIES)
    return qg.ANSWER_TYPE[prop] if fit >= 1.0 else None


def _topic(question: str) -> re.Match | None:
    """The phrase that names a session by its subject, if the question has one."""
    return _TOPIC_PHRASE.search(question) or _TOPIC_BEFORE.search(question)


def _lang(question: str, lang: str) -> str:
    if lang == "en" and re.search(r"[¿ñ]|\b(?:qu[ié]n|d[oó]nde|cu[aá]ndo|c[oó]mo|hubo|taller|habl[oó])\b", question, re.I):
        return "es"
    return lang


def _select(body: str, lang: str) -> str:
    from .answer import PREFIX_BLOCK
    return (f"{PREFIX_BLOCK}SELECT DISTINCT ?x ?label ?s WHERE {{\n  {body.replace('$lang', 'es' if lang == 'es' else lang)}\n}}\n"
            "ORDER BY ?label\nLIMIT 50")


def _nothing(question: str, text: str) -> dict:
    return {"question": question, "answer": text, "answers": [], "sparql": None, "evidence": [],
            "confidence": 0.0, "answer_type": None}


def _respond(answerer, question, sparql, rows, path, wanted, lang, alternatives) -> dict:
    from .answer import GraphAnswer, _long_date, _workshop_phrase
    import pyoxigraph as ox
    labels = list(dict.fromkeys(r["label"].value for r in rows))
    if qg.ANSWER_TYPE.get(path.prop) == "date":
        labels_shown = [_long_date(l, lang if lang != "es" else "en") + f" ({l})" for l in labels]
    else:
        labels_shown = labels
    sessions = list(dict.fromkeys(r["s"].value for r in rows if r["s"] is not None))
    where = _workshop_phrase(sessions[0], answerer.table, "fr" if lang == "fr" else "en") if len(sessions) == 1 else ""
    prop_label = answerer.property_label(path.prop, lang)
    text = "; ".join(labels_shown) + (f" — {prop_label}" if prop_label else "") + (f", {where}" if where else "") + "."
    facts = [(r["s"], ox.NamedNode(path.prop), r["x"]) for r in rows if r["s"] is not None and r["x"] is not None]
    answers = []
    for r in rows:
        if r["label"].value not in {a["label"] for a in answers}:
            answers.append({"label": r["label"].value, "iri": r["x"].value if isinstance(r["x"], ox.NamedNode) else None})
    graph = GraphAnswer("querygraph", sparql, [{"label": a["label"], "iri": a["iri"], "fact": f} for a, f in zip(answers, facts)])
    return {"question": question, "answer": text, "answers": answers, "sparql": sparql,
            "evidence": answerer._evidence(graph), "confidence": round(min(0.9, 0.4 + path.score / 4), 2),
            "answer_type": qg.ANSWER_TYPE.get(path.prop, wanted), "alternatives": alternatives[:5]}


# -- corpus questions ---------------------------------------------------------------

_WOMEN = re.compile(r"\b(?:women|female)\b|\bfemmes\b|\bmujeres\b")
_SHARE_OR_YEARS = re.compile(r"\b(?:share|proportion|percentage|per ?cent|part|pourcentage|proporcion|porcentaje)\b|"
                             r"(?:across|over|through) the years|per year|by year|each year|au fil des|par an|"
                             r"par annee|d'une annee|a lo largo|por ano|cada ano")
_HELD = re.compile(r"\b(?:held|took place|were there|organi[sz]ed|ran|tenu|eu lieu|organise|celebr|realiz|hubo)")
_DISCUSSED = re.compile(r"\b(?:discuss|debat|address|cover|abord|trait|discut|habl|parl|talk|spok|spoke|mention|evoqu)"
                        r"\w*\s+(?:about\s+|of\s+|de\s+|du\s+|des\s+|d'|sobre\s+|del\s+)?"
                        r"(?:the\s+|la\s+|le\s+|l'|les\s+|el\s+|los\s+|las\s+)?(.{3,60}?)\s*\??$")


def _aggregate(answerer, question, folded, wanted, anchors, lang) -> dict | None:
    kb = answerer.kb
    year = re.search(r"\b((?:19|20)\d{2})\b", question)
    year_filter = f'?s schema:superEvent/igf:year ?year FILTER(STR(?year) = "{int(year.group(1))}") ' if year else ""
    if _WOMEN.search(folded) and _SHARE_OR_YEARS.search(folded) and not anchors["session"]:
        return _women_share_by_year(answerer, question, lang)
    if re.search(r"\bmost\b|le plus|la mayor|\bmas talleres|\bmas sesiones", folded) and \
            re.search(r"organi[sz]", folded):
        body = (f"?s schema:organizer ?x . ?x a schema:Organization ; schema:name ?label . {year_filter}")
        # The most: the count per organisation, kept where it equals the largest count (ties all listed).
        other = body.replace("?s ", "?s2 ").replace("?x ", "?x2 ").replace("?label", "?l2").replace("?year", "?y2")
        sparql = (_prefix() + "SELECT ?x ?label ?n WHERE {\n  { SELECT ?x ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {\n  "
                  + body + "\n  } GROUP BY ?x ?label }\n  { SELECT (MAX(?m) AS ?top) WHERE { { SELECT ?x2 (COUNT(DISTINCT ?s2) "
                  "AS ?m) WHERE {\n  " + other + "\n  } GROUP BY ?x2 } } }\n  FILTER(?n = ?top)\n}\nORDER BY ?label")
        rows = list(kb.query(sparql))
        if not rows:
            return None
        top = int(rows[0]["n"].value)
        best = [r for r in rows if int(r["n"].value) == top]
        names = ", ".join(r["label"].value for r in best)
        text = {"fr": f"{names} ({top} sessions organisées).", "es": f"{names} ({top} sesiones organizadas)."}.get(
            lang, f"{names} ({top} sessions organised).")
        return _list_answer(question, text, best, sparql, "org", 0.8)
    if re.search(r"more than one|plus d'une|plusieurs|mas de una|several sessions", folded):
        roles = " ".join(f"<{p}>" for p in _ROLE_PROPS)
        sparql = (_prefix() + "SELECT ?x ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {\n  VALUES ?role { " + roles +
                  " }\n  ?s a igf:Session ; ?role ?x . ?x a schema:Person ; schema:name ?label .\n}\n"
                  "GROUP BY ?x ?label\nHAVING (COUNT(DISTINCT ?s) > 1)\nORDER BY DESC(?n) ?label\nLIMIT 50")
        rows = list(kb.query(sparql))
        if not rows:
            return None
        text = "; ".join(f"{r['label'].value} ({r['n'].value})" for r in rows) + "."
        return _list_answer(question, text, rows, sparql, "person", 0.8)
    if wanted == "years" and anchors["principle"]:
        sparql = (_prefix() + "SELECT DISTINCT ?x ?label WHERE {\n  ?s dcterms:subject " + qg._iri(anchors["principle"][0]) +
                  " ; schema:superEvent/igf:year ?x . BIND(STR(?x) AS ?label)\n}\nORDER BY ?label")
        rows = list(kb.query(sparql))
        if not rows:
            return None
        return _list_answer(question, ", ".join(r["label"].value for r in rows) + ".", rows, sparql, "year", 0.8)
    if wanted == "years" and _DISCUSSED.search(folded):
        return _years_a_topic_was_discussed(answerer, question, _as_written(question, _DISCUSSED.search(folded).group(1)),
                                            lang)
    if wanted == "number" and year and re.search(r"workshops|sessions|ateliers|talleres", folded) and \
            not anchors["session"]:
        sparql = (_prefix() + "SELECT (COUNT(DISTINCT ?s) AS ?label) WHERE {\n  ?s a igf:Workshop . " + year_filter + "\n}")
        rows = list(kb.query(sparql))
        n = rows[0]["label"].value if rows else "0"
        return {"question": question, "answer": f"{n}.", "answers": [{"label": n, "iri": None}], "sparql": sparql,
                "evidence": [], "confidence": 0.8, "answer_type": "number"}
    if year and _SESSION_WORD.search(question) and not anchors["session"] and not anchors["person"] and \
            wanted in (None, "principle") and re.search(r"^\W*(?:which|what|quel|que|cu[aá]l)", folded):
        found = _sessions_of_a_meeting_on(answerer, question, folded, int(year.group(1)), anchors, lang)
        if found:
            return found
    return None


def _women_share_by_year(answerer, question, lang) -> dict | None:
    """The share of women per meeting year, over the sessions whose reports
    give both women and men (the trends page's figures: igfkg/participation.py)."""
    from igfkg.participation import PER_YEAR

    sparql = _prefix() + PER_YEAR.strip()
    rows = [r for r in answerer.kb.query(sparql) if int(r["gender_counted"].value)]
    if not rows:
        return None
    parts, answers = [], []
    for r in rows:
        year, women, counted, n = (r["year"].value, int(r["women_counted"].value), int(r["gender_counted"].value),
                                   int(r["gender_sessions"].value))
        share = round(100 * women / counted)
        parts.append({"fr": f"{year} : {share} % de femmes ({women} sur {counted}, {n} session{'s' if n > 1 else ''})",
                      "es": f"{year}: {share} % mujeres ({women} de {counted}, {n} sesi{'ones' if n > 1 else 'ón'})"}
                     .get(lang, f"{year}: {share}% women ({women} of {counted}, {n} session{'s' if n > 1 else ''})"))
        answers.append({"label": f"{year}: {share}%", "iri": None})
    return {"question": question, "answer": "; ".join(parts) + ".", "answers": answers, "sparql": sparql,
            "evidence": [], "confidence": 0.8, "answer_type": "number"}


def _sessions_of_a_meeting_on(answerer, question, folded, year, anchors, lang) -> dict | None:
    """Sessions of one meeting on a topic: those that discussed a linked
    principle, else those whose passages of that year match the topic words;
    with no topic, the meeting's sessions ("which workshops were held in 2014")."""
    meeting = f'?x schema:superEvent/igf:year ?y FILTER(STR(?y) = "{year}")'
    if anchors["principle"]:
        found = _session_list(answerer, question, f"?x igf:discusses {qg._iri(anchors['principle'][0])} . {meeting}", 0.75)
        if found:
            return found
    topic = _DISCUSSED.search(folded)
    if not topic:
        return _session_list(answerer, question, f"?x a igf:Session . {meeting}", 0.7) if _HELD.search(folded) else None
    about = _as_written(question, topic.group(1))
    hits = _passages_on(answerer, about, year=year)[:10]
    # Sessions whose passages are on the topic, and those whose titles are.
    titled = " ".join(qg._iri(iri) for iri, _ in qg.sessions_about(about, answerer.kb, answerer.encoder))
    reports = " ".join(f'"{r}"' for r in dict.fromkeys(h.row.report for h in hits))
    found = _session_list(answerer, question, f"{{ VALUES ?id {{ {reports} }} ?d igf:reportId ?id ; schema:about ?x . }} "
                                              f"UNION {{ VALUES ?x {{ {titled} }} }} ?x a igf:Session . {meeting}", 0.6)
    if not found:
        return _nothing(question, {"fr": f"Je n'ai trouvé aucune session du FGI {year} sur « {about} ».",
                                   "es": f"No encontré ninguna sesión del IGF {year} sobre «{about}»."}.get(
            lang, f"I found no session of IGF {year} about \u201c{about}\u201d."))
    found["evidence"] = [h.row.as_json(h.score) for h in hits[:3]]
    return found


def _as_written(question: str, folded_phrase: str) -> str:
    """The question's own words for a phrase found in its folded form (folding keeps the words)."""
    count = len(folded_phrase.split())
    return " ".join(question.rstrip(" ?¿!.").split()[-count:]) if count else folded_phrase


def _passages_on(answerer, topic: str, **filters) -> list:
    """Passages about a topic that no principle names: those the search scores above the floor."""
    return [h for h in answerer.search(topic, k=20, **filters) if h.score >= PASSAGE_TOPIC_FLOOR]


def _years_a_topic_was_discussed(answerer, question, topic, lang) -> dict:
    """The meeting years of the sessions whose reports have passages on the topic."""
    hits = _passages_on(answerer, topic)
    values = " ".join(f'"{r}"' for r in dict.fromkeys(h.row.report for h in hits))
    sparql = (_prefix() + "SELECT DISTINCT ?x ?label WHERE {\n  VALUES ?id { " + values + " }\n  ?d igf:reportId ?id ; "
              "schema:about ?s . ?s a igf:Session ; schema:superEvent/igf:year ?x . BIND(STR(?x) AS ?label)\n}\nORDER BY ?label")
    rows = list(answerer.kb.query(sparql)) if hits else []
    if not rows:
        return _nothing(question, {"fr": f"Je n'ai trouvé aucune session sur « {topic} ».",
                                   "es": f"No encontré ninguna sesión sobre «{topic}»."}.get(
            lang, f"I found no session about \u201c{topic}\u201d."))
    found = _list_answer(question, ", ".join(r["label"].value for r in rows) + ".", rows, sparql, "year", 0.6)
    found["evidence"] = [h.row.as_json(h.score) for h in hits[:3]]
    return found


def _session_list(answerer, question, pattern: str, confidence: float) -> dict | None:
    """The sessions matching ``pattern`` (binding ?x), one row each: a session
    read from several documents may carry its title in two spellings, and the
    one not in capitals is shown."""
    sparql = (_prefix() + "SELECT ?x (SUBSTR(MIN(CONCAT(IF(UCASE(?t) = ?t, \"1\", \"0\"), ?t)), 2) AS ?label) WHERE {\n  "
              + pattern + "\n  ?x schema:name ?t\n}\nGROUP BY ?x\nORDER BY ?label")
    rows = list(answerer.kb.query(sparql))
    if not rows:
        return None
    return _list_answer(question, "; ".join(r["label"].value for r in rows) + ".", rows, sparql, "session", confidence)


def _prefix() -> str:
    from .answer import PREFIX_BLOCK
    return PREFIX_BLOCK


def _list_answer(question, text, rows, sparql, kind, confidence) -> dict:
    answers = [{"label": r["label"].value, "iri": r["x"].value if hasattr(r["x"], "value") and
                str(r["x"]).startswith("<") else None} for r in rows]
    return {"question": question, "answer": text, "answers": answers, "sparql": sparql, "evidence": [],
            "confidence": confidence, "answer_type": kind}


# -- yes / no -----------------------------------------------------------------------

_WORDS = {"en": ("Yes", "No"), "fr": ("Oui", "Non"), "es": ("Sí", "No")}


def _yes_no(answerer, question, folded, anchors, links, lang) -> dict | None:
    kb = answerer.kb
    yes, no = _WORDS.get(lang, _WORDS["en"])
    session = anchors["session"][:1]
    if session and re.search(r"\bmen\b|hommes|hombres", folded):
        w = qg._iri(session[0])
        more = "?men > ?women" if _more_men_asked(folded) else "?women > ?men"
        sparql = (_prefix() + "SELECT ?men ?women ?label WHERE {\n  VALUES ?s { " + w + " }\n  ?s igf:maleParticipants ?men ; "
                  f"igf:femaleParticipants ?women .\n  BIND(IF({more}, \"yes\", \"no\") AS ?label)\n}}")
        rows = list(kb.query(sparql))
        if rows:
            men, women = rows[0]["men"].value, rows[0]["women"].value
            word = yes if rows[0]["label"].value == "yes" else no
            fact = {"fr": f"{men} hommes et {women} femmes", "es": f"{men} hombres y {women} mujeres"}.get(
                lang, f"{men} men and {women} women")
            return _yn(question, f"{word} — {fact}.", sparql, rows[0]["label"].value)
    if session and re.search(r"gender|genre|genero", folded):
        w = qg._iri(session[0])
        sparql = (_prefix() + "SELECT ?label ?note WHERE {\n  VALUES ?s { " + w + " }\n  ?s igf:genderDiscussed ?d . "
                  "OPTIONAL { ?s igf:genderDiscussion ?note }\n  BIND(IF(?d, \"yes\", \"no\") AS ?label)\n}")
        rows = list(kb.query(sparql))
        if rows:
            word = yes if rows[0]["label"].value == "yes" else no
            note = rows[0]["note"].value if rows[0]["note"] is not None else ""
            return _yn(question, f"{word} — {note}." if note else f"{word}.", sparql, rows[0]["label"].value)
    if anchors["org"] and re.search(r"example|exemple|ejemplo", folded):
        o = qg._iri(anchors["org"][0])
        sparql = (_prefix() + "SELECT ?label ?who ?example WHERE {\n  OPTIONAL { ?e igf:presenter ?p . ?p schema:affiliation "
                  + o + " ; schema:name ?who . ?e schema:name ?example }\n  BIND(IF(BOUND(?e), \"yes\", \"no\") AS ?label)\n}")
        rows = list(kb.query(sparql))
        if rows and rows[0]["who"] is not None:
            r = rows[0]
            return _yn(question, f"{yes} — {r['who'].value}: \u201c{r['example'].value}\u201d.", sparql, "yes")
        # Nothing recorded is no fact that decides: say what was understood, with no confidence.
        org = links['org'][0].entity.name
        text = {"fr": f"{no} — j'ai reconnu « {org} » mais je n'ai trouvé aucun exemple présenté par quelqu'un de cette organisation.",
                "es": f"{no} — reconocí «{org}» pero no encontré ningún ejemplo presentado por alguien de esa organización."}.get(
            lang, f"{no} — I linked “{org}” but found no example presented by anyone from it.")
        return {**_yn(question, text, sparql, "no"), "answers": [], "confidence": 0.0}
    subject = _YES_NO_SUBJECT.match(question.lstrip("¿ "))
    if subject and not anchors["org"] and not anchors["person"] and re.search(r"example|exemple|ejemplo", folded):
        # "did Amazon present an example?" with no Amazon in the graph: no, and say why
        name = subject.group(1) or subject.group(2)
        text = {"fr": f"{no} — je n'ai trouvé aucune organisation ni personne nommée « {name} ».",
                "es": f"{no} — no encontré ninguna organización ni persona llamada «{name}»."}.get(
            lang, f"{no} — I found no organisation or person named \u201c{name}\u201d.")
        return {**_yn(question, text, None, "no"), "answers": [], "confidence": 0.0}
    if session and anchors["org"] and not anchors["person"]:
        # "did Google take part in the workshop on ...": someone from it held a role there
        roles = " ".join(f"<{p}>" for p in _ROLE_PROPS + [qg.SCHEMA + "organizer"])
        sparql = (_prefix() + "SELECT ?label ?who WHERE {\n  OPTIONAL { VALUES ?p { " + roles + " } " + qg._iri(session[0]) +
                  " ?p ?x . ?x schema:affiliation " + qg._iri(anchors["org"][0]) + " ; schema:name ?who }\n"
                  "  BIND(IF(BOUND(?who), \"yes\", \"no\") AS ?label)\n}\nORDER BY ?who\nLIMIT 1")
        rows = list(kb.query(sparql))
        if rows and rows[0]["who"] is not None:
            return _yn(question, f"{yes} — {rows[0]['who'].value}.", sparql, "yes")
        if rows:
            return _yn(question, f"{no}.", sparql, "no")
    if session and anchors["person"]:
        roles = [p for p in _ROLE_PROPS + [qg.SCHEMA + "organizer"] if qg.label_score(qg._stems(question), p) > 0] or _ROLE_PROPS
        values = " ".join(f"<{p}>" for p in roles)
        sparql = (_prefix() + "SELECT ?label WHERE {\n  OPTIONAL { VALUES ?p { " + values + " } " + qg._iri(session[0]) +
                  " ?p " + qg._iri(anchors["person"][0]) + " . BIND(1 AS ?found) }\n  BIND(IF(BOUND(?found), \"yes\", \"no\") AS ?label)\n}")
        rows = list(kb.query(sparql))
        found = bool(rows) and rows[0]["label"].value == "yes"
        return _yn(question, f"{yes if found else no}.", sparql, "yes" if found else "no")
    if not any(anchors.values()):
        return None
    return None


def _more_men_asked(folded: str) -> bool:
    """Whether the question asks "more men than women" (or "fewer women than men"),
    read off which group comes first and whether it is "more" or "fewer"."""
    men = re.search(r"\b(?:men|hommes|hombres)\b", folded)
    women = re.search(r"\b(?:women|femmes|mujeres)\b", folded)
    men_first = not women or (men is not None and men.start() < women.start())
    fewer = re.search(r"\b(?:fewer|less|moins|menos)\b", folded) is not None
    return men_first != fewer


def _yn(question, text, sparql, label) -> dict:
    return {"question": question, "answer": text, "answers": [{"label": label, "iri": None}], "sparql": sparql,
            "evidence": [], "confidence": 0.8, "answer_type": "yesno"}
