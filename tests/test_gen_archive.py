"""The synthetic archive generator (bench/gen_archive.py): every kind it
writes is read as that kind, with its year; lengths and languages as claimed."""
import json
import sys
from collections import Counter

from conftest import ROOT
from igfkg.ingest.kinds import parse_document

sys.path.insert(0, str(ROOT / "bench"))
import gen_archive


def test_every_generated_document_is_read_as_its_kind(tmp_path):
    manifest = gen_archive.write_archive(21, tmp_path, seed=3)
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert {m["kind"] for m in manifest} == set(gen_archive.KINDS)
    for entry in manifest:
        text = (tmp_path / entry["file"]).read_text(encoding="utf-8")
        record = parse_document(text, entry["file"], running_text=False)
        assert record.kind == entry["kind"], entry["file"]
        assert record.meeting_year and int(record.meeting_year.value) == entry["year"], entry["file"]
        assert record.passages


def test_lengths_languages_years_and_seed():
    documents = list(gen_archive.documents(300, seed=5))
    words = {kind: min(len(text.split()) for _, k, _, _, text in documents if k == kind)
             for kind in gen_archive.KINDS}
    assert words["transcript"] >= 2000 and words["report"] >= 1000
    languages = Counter(lang for _, _, lang, _, _ in documents)
    assert 0.7 <= languages["en"] / len(documents) <= 0.9 and languages["fr"] and languages["es"]
    assert {year for *_, year, _ in documents} <= set(range(2006, 2026))
    assert len({year for *_, year, _ in documents}) >= 15
    assert list(gen_archive.documents(5, seed=5)) == documents[:5]
    assert list(gen_archive.documents(5, seed=6)) != documents[:5]
