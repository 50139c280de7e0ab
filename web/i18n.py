"""The interface language: English or French, chosen per request.

Order: ``?lang=`` (the switch on every page, remembered in a cookie), the
``igfkg_lang`` cookie, then ``Accept-Language``. Templates write English
text inside ``_("...")``; the French for it lives in
``web/translations/fr.json`` (English text -> French text). A string with no
French yet shows in English rather than failing.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, g, request

LANGUAGES = ("en", "fr")
COOKIE = "igfkg_lang"
CATALOGUES = Path(__file__).parent / "translations"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    path = CATALOGUES / f"{lang}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def chosen_language() -> str:
    asked = request.args.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def current_language() -> str:
    return getattr(g, "lang", None) or chosen_language()


def label_lang() -> str:
    """The language tag to prefer for labels the graph has in several languages
    (skos:prefLabel "..."@fr): the interface's. Pages pick it first, then English,
    then an untagged label, e.g. ``ORDER BY DESC(lang(?l) = "fr") DESC(lang(?l) = "en")``."""
    return current_language()


def label_order(var: str = "?l") -> str:
    """SPARQL ORDER BY keys putting ``var`` in the interface language first, then English."""
    return f'DESC(lang({var}) = "{label_lang()}") DESC(lang({var}) = "en") DESC(lang({var}) = "")'


def label_pattern(node: str, label: str, prop: str = "skos:prefLabel") -> str:
    """SPARQL binding ``label`` to ``node``'s label in the interface language, else English,
    else any: for aggregating queries, where ORDER BY cannot choose (wrap in SAMPLE())."""
    tags = list(dict.fromkeys((label_lang(), "en"))) + [None]
    names = [f"{label}_{n}" for n in range(1, len(tags) + 1)]
    parts = [f'OPTIONAL {{ {node} {prop} {v}' + (f' FILTER(lang({v}) = "{tag}")' if tag else "") + " }"
             for v, tag in zip(names, tags)]
    return " ".join(parts) + f" BIND(COALESCE({', '.join(names)}) AS {label})"


def translate(text: str, **values) -> str:
    lang = current_language()
    out = catalogue(lang).get(text, text) if lang != "en" else text
    return out.format(**values) if values else out


def init_app(app: Flask) -> None:
    @app.before_request
    def pick_language():
        g.lang = chosen_language()

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie(COOKIE, request.args["lang"], samesite="Lax", max_age=365 * 24 * 3600)
        response.vary.add("Accept-Language")
        return response

    app.jinja_env.globals.update(_=translate, lang=current_language, languages=LANGUAGES, switch_language=switch_language)


def switch_language(lang: str) -> str:
    """The current page's address in another language: same path and query, ``lang`` replaced."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.path + "?" + urlencode(query)
