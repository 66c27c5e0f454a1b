"""The policy development set (evals/datasets/policy/) is what the answerer is fitted and chosen
on: every string it scores by must be text of its document, the splits must not share a
document, and it must look like the job (English, unanswerable, lists). Its documents live in
../shared; without them these tests skip, as the dataset's own runs do."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.dataset import read_dataset
from evals.policy import DATASET_DIR, EXTRA_DEVS, POLICY_DOCS, SPLITS, doc_text, pick, problems
from kb.core.text import has_cjk, norm

pytestmark = pytest.mark.skipif(not POLICY_DOCS.is_dir(), reason="../shared is not here")


def _items():
    return {s: read_dataset(DATASET_DIR / f"{s}.yaml") for s in SPLITS}


def test_every_must_and_evidence_string_is_text_of_its_document():
    for split in (*SPLITS, *EXTRA_DEVS):
        assert problems(DATASET_DIR / f"{split}.yaml") == [], split


def test_splits_are_by_document_and_list_exactly_their_documents():
    sets = _items()
    docs = {s: {it.doc for it in ds.items} for s, ds in sets.items()}
    assert not (
        docs["train"] & docs["dev"] or docs["train"] & docs["test"] or docs["dev"] & docs["test"]
    )
    drawn = pick()
    for s, ds in sets.items():
        listed = {p.name for p in ds.corpus_parts if p.is_file()}
        assert listed == set(drawn[s]) == docs[s], s  # the corpus each split stages is its own
    # the further dev splits are on documents no drawn split, nor another of them, holds
    taken = {d for names in drawn.values() for d in names}
    for split in EXTRA_DEVS:
        extra = read_dataset(DATASET_DIR / f"{split}.yaml")
        own = {it.doc for it in extra.items}
        assert own == {p.name for p in extra.corpus_parts if p.is_file()}, split
        assert not own & taken, split
        taken |= own


def test_the_questions_look_like_the_job():
    items = [it for ds in _items().values() for it in ds.items]
    docs = {it.doc for it in items}
    kinds = Counter(it.kind for it in items)
    english = sum(not has_cjk(it.question) for it in items)
    unanswerable = sum(not it.answerable for it in items)
    assert len(items) >= 300 and len(docs) >= 60
    assert english / len(items) >= 0.15 and unanswerable / len(items) >= 0.15
    for kind in ("list", "gongwen", "numeric", "date", "article", "definition"):
        assert kinds[kind] >= 5, kind


def test_haystack_briefs_copy_a_document_with_other_places_years_and_figures(tmp_path):
    # evals/haystack: each brief is a document's sentences moved elsewhere in place, time and
    # figures, the same every run, written outside the repository with the numeric questions
    import re

    import yaml

    from evals.haystack import write_dataset

    path = write_dataset("dev4", 40, 7, tmp_path)
    again = write_dataset("dev4", 40, 7, tmp_path / "again")
    briefs = sorted((path.parent / "briefs").glob("*.txt"))
    assert len(briefs) == 40
    texts = [b.read_text(encoding="utf-8") for b in briefs]
    assert texts == [b.read_text(encoding="utf-8") for b in sorted(again.parent.glob("*/*.txt"))]
    ds = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = [norm(doc_text(Path(p).name)) for p in ds["corpus"] if Path(p).is_file()]
    for t in texts:
        title, body = t.split("\n\n", 1)
        assert title.endswith("（简报）") and re.search(r"\d", body)
        assert not any(norm(body.strip()) in s for s in sources), body  # not the text as written
    numeric = [q for q in read_dataset(DATASET_DIR / "dev4.yaml").items if q.kind == "numeric"]
    assert [q["id"] for q in ds["questions"]] == [q.id for q in numeric if q.answerable]
