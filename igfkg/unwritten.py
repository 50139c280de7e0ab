"""The new report graphs a batch of ingests holds back, to write in bulk.

Writing a graph in a transaction costs Oxigraph a read for every key it
writes (whether the quad, each term, the graph are there already); a bulk
write of many reports at once writes sorted files instead, and skips the
reads: measured on 200 generated reports, 6.1 s of the ingesting process's
CPU against 4.1 (bench/bench_ingest.py gives the whole run's figures).

Until they are written, the lookups the next reports make (igfkg/kb.py:
the session a document describes, the people tied to it, the name a person
has) must not miss them. This class says which lookups the held-back quads
could change, so that the knowledge base writes them first, and answers a
person's name from them. It never touches the store: kb.py owns it.
"""
from __future__ import annotations

import pyoxigraph as ox

from igfkg.ontology import IGF, SCHEMA

_TITLE_KEY = ox.NamedNode(IGF + "titleKey")
_NAME = ox.NamedNode(SCHEMA + "name")


class UnwrittenGraphs:
    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.quads: list[ox.Quad] = []  # each graph's quads, then their default-graph copies
        self.graphs: set[ox.NamedNode] = set()
        self._nodes: set = set()  # subjects and IRI objects
        self._title_keys: set[str] = set()
        self._names: dict = {}  # person -> the name a held-back report graph gives

    def __bool__(self) -> bool:
        return bool(self.graphs)

    def add(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
        """A new report graph (``quads`` are in ``graph``), with its default-graph copies."""
        self.graphs.add(graph)
        self.quads += with_default_copies(quads)
        nodes = self._nodes
        for s, p, o, _ in quads:
            nodes.add(s)
            if isinstance(o, ox.NamedNode):
                nodes.add(o)
            elif p == _TITLE_KEY:
                self._title_keys.add(o.value)
            elif p == _NAME:
                self._names.setdefault(s, o.value)

    def mentions(self, nodes) -> bool:
        """Whether a held-back quad has one of ``nodes`` as subject or object."""
        return any(node in self._nodes for node in nodes)

    def has_title_key(self, key: str) -> bool:
        return key in self._title_keys

    def name_of(self, person: ox.NamedNode) -> str | None:
        return self._names.get(person)


def with_default_copies(quads: list[ox.Quad]) -> list[ox.Quad]:
    """A report graph's quads and their copies in the default graph (the merge)."""
    return quads + [ox.Quad(s, p, o) for s, p, o, _ in quads]
