"""Organisation names: the gazetteer in ontology/organisations.ttl, and how
to tell an organisation from a person or a stakeholder group."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from igfkg.ontology import ONTOLOGY_DIR, SKOS

from .text import fold, slug

_RELATIVE_BASE = "http://relative.invalid/"


@dataclass(frozen=True)
class KnownOrganisation:
    key: str  # IRI segment after "org/", e.g. "apc"
    name: str  # preferred label
    labels: tuple[str, ...]  # every label, preferred first


class Gazetteer:
    """Looks organisation names up among known names and aliases."""

    def __init__(self, entries: list[KnownOrganisation]):
        self.entries = entries
        self._folded: dict[str, KnownOrganisation] = {}
        self._acronyms: dict[str, KnownOrganisation] = {}
        for entry in entries:
            for label in entry.labels:
                if _is_acronym(label):
                    # "CGI", "ICC", "UN": match only as written, never "un" or "cgi".
                    self._acronyms.setdefault(label.replace(" ", ""), entry)
                else:
                    self._folded.setdefault(_match_key(label), entry)

    def lookup(self, name: str) -> KnownOrganisation | None:
        name = name.strip(" .,;:()")
        hit = self._acronyms.get(name.replace(" ", ""))
        return hit or self._folded.get(_match_key(name))

    def names_with_separators(self) -> list[str]:
        """Known names that contain list separators ("McDermott Will & Emery")."""
        return [label for e in self.entries for label in e.labels
                if re.search(r"&| and | - |,", label)]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    quads = ox.parse(path=str(ONTOLOGY_DIR / "organisations.ttl"), format=ox.RdfFormat.TURTLE,
                     base_iri=_RELATIVE_BASE)
    pref: dict[str, str] = {}
    alts: dict[str, list[str]] = {}
    for quad in quads:
        subject = quad.subject.value
        if not subject.startswith(_RELATIVE_BASE + "org/"):
            continue
        key = subject[len(_RELATIVE_BASE) + 4:]
        if quad.predicate.value == SKOS + "prefLabel":
            pref[key] = quad.object.value
        elif quad.predicate.value == SKOS + "altLabel":
            alts.setdefault(key, []).append(quad.object.value)
    entries = [KnownOrganisation(key, pref[key], (pref[key], *alts.get(key, [])))
               for key in sorted(pref)]
    return Gazetteer(entries)


def _match_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()


def _is_acronym(label: str) -> bool:
    compact = label.replace(" ", "").replace(".", "")
    return 2 <= len(compact) <= 6 and compact.isupper()


# Stakeholder groups and UN regional groups stand in for organisations on
# newer pages ("Civil Society, WEOG"); they are not organisations.
_STAKEHOLDER_GROUPS = {
    "civil society", "private sector", "technical community", "government", "governments",
    "intergovernmental organization", "intergovernmental organisation", "academia",
    "academic community", "business", "youth", "societe civile", "secteur prive",
    "communaute technique", "gouvernement", "sociedad civil", "sector privado",
    "comunidad tecnica", "gobierno", "weog", "african group", "grulac", "asia-pacific group",
    "asia pacific group", "eastern european group", "western european and others group",
}
_ORG_WORDS = re.compile(
    r"\b(ministry|ministere|ministerio|government|gouvernement|gobierno|university|universite|"
    r"universidad|association|asociacion|foundation|fondation|fundacion|institute|institut|instituto|"
    r"council|conseil|consejo|committee|comite|department|departement|agency|agence|agencia|forum|"
    r"society|societe|union|organization|organisation|organizacion|inc|ltd|llc|gmbh|corp|corporation|"
    r"company|group|groupe|centre|center|centro|network|reseau|alliance|commission|secretariat|"
    r"bank|federation|school|office|authority|autorite|coalition|consortium|initiative|lab|"
    r"laboratory|trust|chamber|board|registry|campaign|project|programme|program|partners|"
    r"telecom|telecommunications|communications|technologies|systems|solutions|media|press|"
    r"e\.v|ngo|cooperation|observatory|platform|collective|movement|club)\b")


def is_stakeholder_group(text: str) -> bool:
    return fold(text).strip(" .") in _STAKEHOLDER_GROUPS


def looks_like_organisation(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if gazetteer().lookup(text):
        return True
    if _ORG_WORDS.search(fold(text)):
        return True
    compact = text.replace(" ", "").replace(".", "").replace("-", "")
    return 2 <= len(compact) <= 8 and compact.isupper() and compact.isalpha()


def organisation_key(name: str) -> tuple[str, str]:
    """(IRI key, display name): the gazetteer's when known, else from the name."""
    known = gazetteer().lookup(name)
    if known:
        return known.key, known.name
    return slug(name), name.strip()
