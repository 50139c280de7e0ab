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

    app.jinja_env.globals.update(_=translate, lang=current_language, languages=LANGUAGES)
