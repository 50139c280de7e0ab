"""Finding known labels in running text (ingest/labels.py): the longest
label wins, words may be apart by any whitespace, case and accents are
ignored except in acronyms; and the trie-shaped pattern finds exactly what a
plain list of every label, longest first, finds."""
import re

import pytest

from igfkg.ingest.labels import LabelMatcher

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402


def spans(matcher, text):
    return [(text[h.start:h.end], h.keys) for h in matcher.find(text)]


def test_the_longest_label_wins_and_whitespace_and_accents_do_not_matter():
    matcher = LabelMatcher([("shared", "responsabilité partagée", 1.0), ("resp", "responsabilité", 1.0),
                            ("un", "UN", 1.0), ("net", "net neutrality", 1.0), ("neu", "neutrality", 1.0)])
    text = "La Responsabilite\n  partagée, la responsabilité, un UN; Net Neutrality and neutrality."
    assert spans(matcher, text) == [
        ("Responsabilite\n  partagée", ("shared",)), ("responsabilité", ("resp",)), ("UN", ("un",)),
        ("Net Neutrality", ("net",)), ("neutrality", ("neu",))]


def test_a_label_inside_a_longer_word_is_not_found():
    matcher = LabelMatcher([("open", "open", 1.0), ("openness", "openness", 1.0)])
    assert spans(matcher, "reopen openly openness open.") == [("openness", ("openness",)), ("open", ("open",))]


def _flat_pattern(labels):
    """The reference: every label in one alternation, longest first."""
    parts = [r"\s+".join(re.escape(word) for word in label.split(" "))
             for label in sorted(labels, key=len, reverse=True)]
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


WORD = st.text(alphabet="abé.-", min_size=1, max_size=4)
LABEL = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@st.composite
def labels_and_text(draw):
    """Labels, and a text made mostly of their words (so that labels
    sharing words meet), with any whitespace and letters between."""
    labels = draw(st.lists(LABEL, min_size=1, max_size=12, unique=True))
    words = [w for label in labels for w in label.split(" ")]
    pieces = draw(st.lists(st.sampled_from(words) | st.text(alphabet="abéAB.-", max_size=3), max_size=20))
    gaps = draw(st.lists(st.sampled_from([" ", "  ", "\n", "", ", "]), min_size=len(pieces), max_size=len(pieces)))
    return labels, "".join(p + g for p, g in zip(pieces, gaps))


@settings(max_examples=400, deadline=None)
@given(labels_and_text())
def test_the_trie_finds_what_the_plain_alternation_finds(case):
    labels, text = case
    matcher = LabelMatcher([(f"k{i}", label, 1.0) for i, label in enumerate(labels)])
    found = matcher.find(text)
    reference = LabelMatcher([(f"k{i}", label, 1.0) for i, label in enumerate(labels)])
    reference._folded_re, reference._exact_re = (  # the same matcher with the flat patterns
        _flat_pattern(reference._folded) if reference._folded else None,
        _flat_pattern(reference._exact) if reference._exact else None)
    assert found == reference.find(text)
