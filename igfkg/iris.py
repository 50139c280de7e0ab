"""Deterministic IRIs for everything the knowledge base names.

The same normalised name gives the same IRI in every report and every run,
so a person met in two reports is one node.
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote

import pyoxigraph as ox

from igfkg.ingest.text import slug

DEFAULT_BASE_IRI = "https://w3id.org/igfkg/id/"


class Iris:
    def __init__(self, base: str = DEFAULT_BASE_IRI):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _node(self, *segments: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + "/".join(quote(s, safe="-._~") for s in segments))

    def report(self, report_id: str) -> ox.NamedNode:
        """The report document; also the name of the graph holding its facts."""
        return self._node("report", report_id)

    def passage(self, report_id: str, start: int, end: int) -> ox.NamedNode:
        return self._node("report", report_id, "passage", f"{start}-{end}")

    def fact(self, report_id: str, triple: tuple) -> ox.NamedNode:
        digest = hashlib.sha1(" ".join(str(t) for t in triple).encode("utf-8")).hexdigest()[:16]
        return self._node("report", report_id, "fact", digest)

    def membership(self, report_id: str, person_key: str, org_key: str) -> ox.NamedNode:
        return self._node("report", report_id, "membership", f"{person_key}--{org_key}")

    def workshop(self, year: int | None, number: int | None, report_id: str) -> ox.NamedNode:
        # A workshop is identified by meeting year and number together.
        if year and number is not None:
            return self._node("workshop", f"{year}-{number}")
        return self._node("workshop", report_id)

    def session(self, year: int | None, kind: str, number: int | None, title_key: str | None,
                report_id: str) -> ox.NamedNode:
        """A session: by meeting year, kind and number; else by year and
        normalised title; else only by the document that describes it.
        Workshops keep their short form, ``workshop/2013-41``."""
        if year and number is not None:
            return self._node("workshop", f"{year}-{number}") if kind == "workshop" else \
                self._node("session", f"{year}-{kind.replace('_', '-')}-{number}")
        if year and title_key:
            return self._node("session", f"{year}-{slug(title_key)[:80].strip('-')}")
        return self._node("workshop", report_id)

    def utterance(self, report_id: str, index: int) -> ox.NamedNode:
        return self._node("report", report_id, "utterance", str(index))

    def session_kind(self, key: str) -> ox.NamedNode:
        return self._node("session-kind", key)

    def document_kind(self, key: str) -> ox.NamedNode:
        return self._node("document-kind", key)

    def meeting(self, year: int) -> ox.NamedNode:
        return self._node("meeting", f"igf-{year}")

    def person(self, key: str) -> ox.NamedNode:
        return self._node("person", key)

    def organisation(self, key: str) -> ox.NamedNode:
        return self._node("org", key)

    def principle(self, key: str) -> ox.NamedNode:
        return self._node("principle", key)

    def goal(self, key: str) -> ox.NamedNode:
        """A Sustainable Development Goal ("5") or target ("5.b")."""
        return self._node("sdg", key)

    def theme(self, key: str) -> ox.NamedNode:
        return self._node("theme", key)

    def term(self, key: str) -> ox.NamedNode:
        return self._node("term", key)

    def example(self, report_id: str, label: str) -> ox.NamedNode:
        return self._node("report", report_id, "example", slug(label)[:60].strip("-"))

    def event(self, label: str) -> ox.NamedNode:
        return self._node("event", slug(label)[:80].strip("-"))

    def place(self, name: str) -> ox.NamedNode:
        return self._node("place", slug(name))

    def ontology_graph(self) -> ox.NamedNode:
        return self._node("graph", "ontology")

    def key_of(self, iri: str, segment: str) -> str | None:
        """The key of ``BASE/segment/KEY``, e.g. a person's."""
        from urllib.parse import unquote

        prefix = self.base + segment + "/"
        if iri.startswith(prefix) and "/" not in iri[len(prefix):]:
            return unquote(iri[len(prefix):])
        return None

    def report_id_of(self, iri: str) -> str | None:
        prefix = self.base + "report/"
        if iri.startswith(prefix) and "/" not in iri[len(prefix):]:
            return iri[len(prefix):]
        return None
