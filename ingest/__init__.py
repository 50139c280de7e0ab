"""Reading IGF documents: pure text-in, record-out extraction."""

#: The version of what extraction yields from a file. Bump it whenever a change
#: to ingest/ or igfkg/triples.py changes the graph a file gives: incremental
#: ingest re-reads a file only when its bytes or this version changed.
EXTRACTOR_VERSION = "2026.12.1"
