"""Semantic search: backends, the FAISS index kept in step with the graph,
BM25, hybrid ranking, cross-lingual recall."""
import json

import numpy as np
import pytest
from click.testing import CliRunner

from igfkg.api import BadRequest, search_payload
from igfkg.cli import main
from igfkg.config import load_config
from igfkg.evaluation import evaluate_search, load_jsonl
from igfkg.kb import KnowledgeBase, KnowledgeBaseError
from igfkg.search.encoders import EncoderError, get_encoder
from conftest import REPORTS, ROOT, SAMPLE, SAMPLE_ID

QUERIES = load_jsonl(ROOT / "tests" / "data" / "search-eval.jsonl")


def texts(kb, query, **options):
    return [hit.row.text for hit in kb.search(query, **options)]


def test_hybrid_search_recall_on_the_evaluation_set(sample_kb):
    scores = evaluate_search(lambda q: texts(sample_kb, q, k=10), QUERIES)
    assert len(QUERIES) >= 34
    assert scores.recall_at_5 >= 0.95, scores.misses()
    english_over_french = [q for q in QUERIES if q["kind"] == "en-over-fr"]
    assert len(english_over_french) >= len(QUERIES) // 3
    cross = evaluate_search(lambda q: texts(sample_kb, q, k=10), english_over_french)
    assert cross.misses(5) == []


def test_bm25_alone_cannot_cross_languages_but_dense_can(sample_kb):
    cross = [q for q in QUERIES if q["kind"] == "en-over-fr"]
    bm25 = evaluate_search(lambda q: texts(sample_kb, q, k=10, mode="bm25"), cross)
    dense = evaluate_search(lambda q: texts(sample_kb, q, k=10, mode="dense"), cross)
    assert dense.recall_at_5 > bm25.recall_at_5


def test_search_json_shape_and_filters(sample_kb):
    payload = search_payload(sample_kb, "transparency in decision-making", k=3)
    assert payload["query"] == "transparency in decision-making"
    assert len(payload["results"]) == 3
    for result in payload["results"]:
        assert set(result) - {"speaker"} == {"text", "report", "section", "start", "end", "lang", "score", "kind"}
    only_french = search_payload(sample_kb, "transparency", k=5, lang="fr")["results"]
    assert only_french and {r["lang"] for r in only_french} == {"fr"}
    only_2014 = search_payload(sample_kb, "transparency", k=5, year=2014)["results"]
    assert only_2014 and {r["report"] for r in only_2014} == {"igf2014-ws173-cloud-privacy"}
    only_summary = search_payload(sample_kb, "transparency", k=5, report=SAMPLE_ID, section="summary")["results"]
    assert only_summary and {(r["report"], r["section"]) for r in only_summary} == {(SAMPLE_ID, "summary")}
    assert search_payload(sample_kb, "transparency", k=5, report="no-such-report")["results"] == []


def test_offsets_point_into_the_report_text(sample_kb):
    text = SAMPLE.read_text(encoding="utf-8")
    for result in search_payload(sample_kb, "soft law", k=5, report=SAMPLE_ID)["results"]:
        assert text[result["start"]:result["end"]] == result["text"]


@pytest.mark.parametrize("query, message", [("", "the query is empty"), ("   ", "the query is empty"),
                                            ("x" * 3000, "too long")])
def test_odd_queries_get_a_clear_refusal(sample_kb, query, message):
    with pytest.raises(BadRequest, match=message):
        search_payload(sample_kb, query)


def test_queries_with_syntax_characters_are_safe(sample_kb):
    for query in ['"quoted" AND (port OR', "NEAR(a b) * ^ -", "'; DROP TABLE passages; --", "}} UNION {"]:
        assert isinstance(search_payload(sample_kb, query, k=3)["results"], list)
    assert sample_kb.index.count() > 100


def test_reingest_keeps_index_size_and_removal_removes_passages(kb):
    kb.ingest_file(SAMPLE)
    kb.ingest_file(REPORTS / "igf2014-ws173-cloud-privacy.txt")
    size = kb.index.count()
    vectors = kb.index._exact.ntotal
    kb.ingest_file(SAMPLE)
    assert kb.index.count() == size and kb.index._exact.ntotal == vectors
    assert any(SAMPLE_ID == h.row.report for h in kb.search("port 25 spam block list", k=3))
    kb.remove(SAMPLE_ID)
    assert all(h.row.report != SAMPLE_ID for h in kb.search("port 25 spam block list", k=20))
    assert kb.index.report_ids() == {"igf2014-ws173-cloud-privacy"}
    assert kb.index._exact.ntotal == kb.index.count()


def test_index_persists_and_refuses_another_model(home):
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(SAMPLE)
        before = texts(kb, "groupe de référence suédois", k=3)
    assert (home / "index" / "vectors.faiss").exists()
    with KnowledgeBase(load_config(home), read_only=True) as kb:
        assert texts(kb, "groupe de référence suédois", k=3) == before
    with KnowledgeBase(load_config(home, embeddings="e5"), read_only=True) as kb:
        with pytest.raises(KnowledgeBaseError, match="built with the 'use' embedding model, not 'e5'"):
            kb.search("anything")


def test_reindex_with_another_backend_and_sync_after_loss(home):
    with KnowledgeBase(load_config(home)) as kb:
        kb.ingest_file(REPORTS / "igf2015-ws88-idn.txt")
        count = kb.index.count()
    result = CliRunner().invoke(main, ["--home", str(home), "--embeddings", "e5", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"indexed {count} passages with the 'e5' embeddings" in result.output
    with KnowledgeBase(load_config(home)) as kb:  # the index now says e5
        assert kb.embeddings == "e5"
        assert "Chinese-language" in texts(kb, "domain names in Chinese", k=3)[0] + texts(kb, "domain names in Chinese", k=3)[1]
    # An index lost (or behind the graph) is rebuilt from the graph's passages.
    import shutil

    shutil.rmtree(home / "index")
    with KnowledgeBase(load_config(home)) as kb:
        assert kb.sync_index() == ["igf2015-ws88-idn"]
        assert kb.index.count() == count


def test_approximate_index_past_the_threshold(home):
    with KnowledgeBase(load_config(home, approximate_threshold=20)) as kb:
        kb.ingest_file(SAMPLE)
        assert kb.index.uses_approximate
        assert (home / "index" / "approximate.faiss").exists()
        hits = texts(kb, "Combien de fois le groupe suédois se réunit-il ?", k=5)
        assert any("tous les deux mois" in t for t in hits)
        kb.remove(SAMPLE_ID)
        assert kb.index.dense(kb.encoder.encode(["x"], query=True)[0], 5) == []


@pytest.mark.parametrize("name, dim", [("use", 512), ("e5", 384), ("minilm", 384)])
def test_backends_encode_unit_vectors_offline(name, dim, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    encoder = get_encoder(name)
    vectors = encoder.encode(["Internet governance", "gouvernance de l'Internet", "cooking pasta"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_unknown_backend_is_refused():
    with pytest.raises(EncoderError, match="unknown embedding backend 'word2vec'"):
        get_encoder("word2vec")


def test_cli_search_json_and_human_output(sample_kb, tmp_path):
    home = tmp_path / "kb"
    runner = CliRunner()
    assert runner.invoke(main, ["--home", str(home), "ingest", str(SAMPLE)]).exit_code == 0
    result = runner.invoke(main, ["--home", str(home), "search", "soft law", "--k", "2", "--json"])
    payload = json.loads(result.output)
    assert payload["query"] == "soft law" and len(payload["results"]) == 2
    result = runner.invoke(main, ["--home", str(home), "search", "soft law", "--k", "1"])
    assert result.exit_code == 0 and f"1. {SAMPLE_ID} · conclusions (fr)" in result.output
    result = runner.invoke(main, ["--home", str(home), "search", ""])
    assert result.exit_code == 1 and "the query is empty" in result.output
