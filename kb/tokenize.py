"""jieba tokenisation for BM25 and term matching, with the corpus's domain terms.

llama-index's BM25 tokenizer turns a run of Han characters into one token; we segment with
jieba (search mode, so "长三角一体化" also yields "长三角" and "一体化") and keep our own
dictionary of domain terms so names like 《…》 titles and "G60科创走廊" stay whole.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba
import jieba.posseg
import yaml

from kb.places import places

jieba.setLogLevel(logging.WARNING)

TOKENIZER_NAME = "jieba-search-v1"

_DATA = Path(__file__).parent / "data"

# Terms every corpus about the region needs whole, whatever was ingested (kb/data/base_terms.yaml).
BASE_TERMS: list[str] = yaml.safe_load((_DATA / "base_terms.yaml").read_text(encoding="utf-8"))
if not isinstance(BASE_TERMS, list) or not all(isinstance(t, str) for t in BASE_TERMS):
    raise ValueError("base_terms.yaml: expected a list of strings")

# Words dropped from tokens and words (kb/data/stopwords.txt; # starts a comment line).
STOPWORDS: set[str] = {
    w
    for line in (_DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    if not line.lstrip().startswith("#")
    for w in line.split()
}

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)

# Longest term added to the dictionary. A 30-character word is already a whole title (the
# YRD corpus's longest 《》 title has 35); beyond that a term is a phrase, and as one word it
# would hide its inner words from search (jieba's search mode re-emits only the 2- and
# 3-character dictionary words inside a word). Set at the first commit (83fc609) by judgement,
# not by an eval run; ingest/terms.py collects terms to this length.
MAX_TERM_CHARS = 30
# The frequency a domain term enters jieba's dictionary with. jieba keeps the segmentation
# whose words have the highest product of frequencies (total ~6.0e7): at 2,000 a term beats
# any split of it into two words (the commonest two-character ones, 上海 16,377 and 合作
# 13,478, score 2.7e-4 x 2.2e-4 together against 3.3e-5 for the term). The growth with
# length (500 per character) was set at the first commit without a measurement.
TERM_FREQ_MIN = 2000
TERM_FREQ_PER_CHAR = 500


class Tokenizer:
    """A jieba tokenizer of our own (not the global one), so domain terms of one store do not
    leak into another and tests stay independent. Thread-safe after ``warm()``."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._pos = jieba.posseg.POSTokenizer(self._jieba)
        self._lock = threading.Lock()
        self._ready = False
        self._pending = list(dict.fromkeys([*BASE_TERMS, *places().group_names, *terms]))

    def warm(self) -> Tokenizer:
        with self._lock:
            if not self._ready:
                self._jieba.initialize()
                for t in self._pending:
                    self._add(t)
                self._ready = True
        return self

    def _add(self, term: str) -> None:
        term = unicodedata.normalize("NFKC", term).strip().lower()
        if 2 <= len(term) <= MAX_TERM_CHARS and not any(c.isspace() for c in term):
            self._jieba.add_word(term, freq=max(TERM_FREQ_MIN, TERM_FREQ_PER_CHAR * len(term)))

    def add_terms(self, terms: Iterable[str]) -> None:
        self.warm()
        with self._lock:
            for t in terms:
                self._add(t)

    def tokens(self, text: str) -> list[str]:
        """BM25 tokens: NFKC, lower case, jieba search mode, no punctuation or stopwords."""
        self.warm()
        t = unicodedata.normalize("NFKC", text).lower()
        return [
            w for w in self._jieba.cut_for_search(t)
            if w.strip() and not _PUNCT.match(w) and w not in STOPWORDS
        ]  # fmt: skip

    def words(self, text: str) -> list[str]:
        """Whole words (precise mode), no punctuation or stopwords."""
        self.warm()
        t = unicodedata.normalize("NFKC", text).lower()
        return [
            w for w in self._jieba.cut(t)
            if w.strip() and not _PUNCT.match(w) and w not in STOPWORDS
        ]  # fmt: skip

    def cut(self, text: str) -> list[str]:
        """Precise-mode words with nothing removed: they concatenate back to the text."""
        self.warm()
        return list(self._jieba.cut(unicodedata.normalize("NFKC", text)))

    def pos(self, text: str) -> list[tuple[str, str]]:
        self.warm()
        return [(p.word, p.flag) for p in self._pos.cut(unicodedata.normalize("NFKC", text))]


def load_terms(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
