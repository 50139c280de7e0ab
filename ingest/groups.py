"""Stakeholder groups and UN regional groups (ontology/groups.ttl).

"Civil Society, WEOG" names the groups a person belongs to, not an
organisation. Pages also cut long group names apart at "and" ("Western
European" / "Others Group"): those pieces are recognised too, and stand for
their group.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from igfkg.ontology import ONTOLOGY_DIR, SKOS

from .text import fold

STAKEHOLDER, REGIONAL = "stakeholder", "regional"
_SCHEMES = {"stakeholder-groups": STAKEHOLDER, "regional-groups": REGIONAL}
# "Stakeholder Group: Civil Society", "Region: WEOG": a field label before the group.
_FIELD_PREFIX = re.compile(r"^\s*(?:stakeholder\s+groups?|regional\s+groups?|region|sector)\s*[:\-–]\s*", re.I)
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class Group:
    key: str  # IRI segment after "group/", e.g. "weog"
    scheme: str  # STAKEHOLDER or REGIONAL
    name: str  # English preferred label


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Group], dict[str, Group], dict[str, Group]]:
    """(label -> group, acronym as written -> group, piece of a label -> group)."""
    import pyoxigraph as ox

    base = "http://relative.invalid/"
    labels: dict[str, list[tuple[str, str | None]]] = {}
    schemes: dict[str, str] = {}
    for quad in ox.parse(path=str(ONTOLOGY_DIR / "groups.ttl"), format=ox.RdfFormat.TURTLE, base_iri=base):
        subject, predicate = quad.subject.value, quad.predicate.value
        if not subject.startswith(base + "group/"):
            continue
        key = subject[len(base + "group/"):]
        if predicate in (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel"):
            labels.setdefault(key, []).append((quad.object.value, quad.object.language
                                               if predicate == SKOS + "prefLabel" else "alt"))
        elif predicate == SKOS + "inScheme":
            schemes[key] = _SCHEMES[quad.object.value.rsplit("/", 1)[-1]]
    by_label, acronyms, pieces = {}, {}, {}
    for key, scheme in schemes.items():
        name = next((v for v, lang in labels[key] if lang == "en"), key)
        group = Group(key, scheme, name)
        for value, _lang in labels[key]:
            if value.isupper() and " " not in value:
                acronyms[value] = group  # "WEOG", "NGO": as written only
                continue
            by_label[_match_key(value)] = group
            for piece in re.split(r"\s+and\s+(?:the\s+)?|\s+y\s+(?:el\s+)?|\s+et\s+", _match_key(value))[:2]:
                if piece != _match_key(value) and len(piece) > 3:
                    pieces.setdefault(piece, group)
    return by_label, acronyms, pieces


def _match_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def group_of(text: str) -> Group | None:
    """The group a field value names as a whole: "Civil Society", "WEOG",
    "Stakeholder Group: Government", "Latin American and Caribbean Group (GRULAC)"."""
    by_label, acronyms, _pieces = _table()
    text = _FIELD_PREFIX.sub("", text.strip(" .,;"))
    inner = _PARENTHESES.search(text)
    for candidate in ([text[:inner.start()], inner.group(1)] if inner else []) + [text]:
        candidate = candidate.strip(" .,;")
        # Long acronyms are no words: "weog" is WEOG; "ngo" or "apg" only as written.
        hit = acronyms.get(candidate if len(candidate) < 4 else candidate.upper()) or \
            by_label.get(_match_key(candidate))
        if hit:
            return hit
    return None


def group_piece(text: str) -> Group | None:
    """The group whose name this is a piece of, cut at "and": "Western
    European" and "Others Group" are WEOG, "Caribbean Group" is GRULAC."""
    text = _PARENTHESES.sub("", _FIELD_PREFIX.sub("", text.strip(" .,;")))
    return _table()[2].get(_match_key(text))


def any_group(text: str) -> Group | None:
    return group_of(text) or group_piece(text) or _groups_and_places(text)


def _groups_and_places(text: str) -> Group | None:
    """"civil society / academia, Asia": groups and regions only, no organisation."""
    from .speakers import places
    from .text import fold

    parts = [p.strip() for p in re.split(r"[,/;]", text) if p.strip()]
    groups = [group_of(p) or group_piece(p) for p in parts]
    if len(parts) > 1 and any(groups) and all(g or fold(p) in places() for g, p in zip(groups, parts)):
        return next(g for g in groups if g)
    return None


def group_labels_with_separators() -> list[str]:
    """Group names a list splitter must not cut ("Western European and Others Group")."""
    import pyoxigraph as ox

    found = []
    for quad in ox.parse(path=str(ONTOLOGY_DIR / "groups.ttl"), format=ox.RdfFormat.TURTLE,
                         base_iri="http://relative.invalid/"):
        if quad.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel") and " and " in quad.object.value:
            found.append(quad.object.value)
    return sorted(found, key=len, reverse=True)
