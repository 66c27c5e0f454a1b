"""The bundled eval dataset is loadable and every phrase it relies on is in the corpus."""

from __future__ import annotations

import pytest

from evals.dataset import DatasetError, evidence_rank, load_dataset, must_ok
from kb.text import norm
from tests.conftest import CORPUS, ROOT


def test_bundled_dataset_phrases_exist_in_the_corpus():
    items = load_dataset(ROOT / "evals" / "datasets" / "yrd.yaml")
    assert len(items) >= 30 and sum(not i.answerable for i in items) >= 6
    corpus = "".join(norm(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt"))
    for it in items:
        for e in it.evidence:
            assert norm(e) in corpus, (it.id, e)
        if it.answerable:
            for group in it.must:
                assert any(norm(a) in corpus for a in group), (it.id, group)


def test_matching_rules():
    assert must_ok("总投资3,000亿元，达２０００亿", [["3000亿元"], ["2000亿"], ["不存在"]]) == [
        True,
        True,
        False,
    ]
    assert evidence_rank(["无关", "指数 262.48 分"], ["262.48分"]) == 2
    assert evidence_rank(["无关"], ["262.48分"]) is None


def test_validation_names_the_item(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("- id: a\n  question: 问题\n  answer: 多余字段\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"item 1 \(a\): unknown field"):
        load_dataset(p)
    p.write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="bad.jsonl"):
        load_dataset(p.rename(tmp_path / "bad.jsonl"))
