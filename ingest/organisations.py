"""Organisation names: the gazetteer in ontology/organisations.ttl, and how
to tell an organisation from a person or a stakeholder group."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from igfkg.ontology import labelled_nodes

from .labels import LabelMatcher, is_acronym
from .text import fold, slug


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
        self._matcher: LabelMatcher | None = None
        for entry in entries:
            for label in entry.labels:
                if is_acronym(label):
                    # "CGI", "ICC", "UN": match only as written, never "un" or "cgi".
                    self._acronyms.setdefault(label.replace(" ", ""), entry)
                else:
                    self._folded.setdefault(_match_key(label), entry)

    def lookup(self, name: str) -> KnownOrganisation | None:
        name = name.strip(" .,;:()")
        hit = self._acronyms.get(name.replace(" ", ""))
        return hit or self._folded.get(_match_key(name))

    def matcher(self) -> LabelMatcher:
        """Finds every known organisation named in running text."""
        if self._matcher is None:
            self._matcher = LabelMatcher([(e.key, label, 1.0) for e in self.entries for label in e.labels])
        return self._matcher

    def names_with_separators(self) -> list[str]:
        """Known names that contain list separators ("McDermott Will & Emery")."""
        from .groups import group_labels_with_separators

        # Group names too: "Western European and Others Group" is one item.
        return [label for e in self.entries for label in e.labels
                if re.search(r"&| and | - |,", label)] + group_labels_with_separators()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    entries = [KnownOrganisation(key, labels[0][0], tuple(label for label, _lang, _pref in labels))
               for key, labels in sorted(labelled_nodes("organisations.ttl", "org").items())]
    return Gazetteer(entries)


def _match_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()


# Stakeholder groups and UN regional groups stand in for organisations on
# newer pages ("Civil Society, WEOG"); they are not organisations. Their
# names live in ontology/groups.ttl (ingest/groups.py).
_ORG_WORDS = re.compile(
    r"\b(ministry|ministere|ministerio|government|gouvernement|gobierno|university|universite|"
    r"universidad|association|asociacion|foundation|fondation|fundacion|institute|institut|instituto|"
    r"council|conseil|consejo|committee|comite|department|departement|agency|agence|agencia|forum|"
    r"society|societe|union|organization|organisation|organizacion|inc|ltd|llc|gmbh|corp|corporation|"
    r"company|group|groupe|centre|center|centro|network|reseau|alliance|commission|secretariat|"
    r"bank|federation|school|office|authority|autorite|coalition|consortium|initiative|lab|"
    r"laboratory|trust|chamber|board|registry|campaign|project|programme|program|partners|"
    r"telecom|telecommunications|communications|technologies|systems|solutions|media|press|"
    r"e\.v|ngo|cooperation|observatory|platform|collective|movement|club|house|watch|associates|"
    r"exchange|hub|cooperative|secretaria|volunteers)\b")


def is_stakeholder_group(text: str) -> bool:
    """A stakeholder group or a UN regional group, whole or cut at "and"
    ("Civil Society", "WEOG", "Western European", "Others Group")."""
    from .groups import any_group

    return any_group(text) is not None


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


_ACRONYM_SUFFIX = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]{1,30})\)\s*$")
_LEADING_ARTICLE = re.compile(r"^(?:l['’]|la |le |les |the )", re.I)


def known_organisation(name: str) -> KnownOrganisation | None:
    """The gazetteer entry for a name as written in text: "l'Association pour
    le progrès des communications (APC)" is APC."""
    name = _LEADING_ARTICLE.sub("", name.strip())
    match = _ACRONYM_SUFFIX.match(name)
    candidates = [match.group("name"), match.group("acronym")] if match else [name]
    for candidate in candidates:
        known = gazetteer().lookup(_LEADING_ARTICLE.sub("", candidate))
        if known:
            return known
    return None


def organisation_key(name: str) -> tuple[str, str]:
    """(IRI key, display name): the gazetteer's when known, else from the name."""
    known = known_organisation(name)
    if known:
        return known.key, known.name
    return slug(name), name.strip()


def parent_organisation(name: str) -> str | None:
    """The known organisation an unknown one belongs to: "Département des
    médias ... de l'Université de Aahus" is part of Aarhus University."""
    if known_organisation(name):
        return None
    hits = gazetteer().matcher().find(name)
    return hits[-1].key if hits else None
