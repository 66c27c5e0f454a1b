"""jieba tokenisation for BM25 and term matching, with the corpus's domain terms.

llama-index's BM25 tokenizer turns a run of Han characters into one token; we segment with
jieba (search mode, so "长三角一体化" also yields "长三角" and "一体化") and keep our own
dictionary of domain terms so names like 《…》 titles and "G60科创走廊" stay whole.
"""

from __future__ import annotations

import array
import hashlib
import importlib
import io
import logging
import marshal
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba
import yaml

from kb.core.places import places
from kb.core.text import simplified

jieba.setLogLevel(logging.WARNING)

TOKENIZER_NAME = "jieba-search-v1"

_DATA = Path(__file__).parents[1] / "data"

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


# jieba's default dictionary, loaded once per process: its prefix frequencies, their total and
# each word's part of speech. jieba's own cache (a marshalled dict) takes ~0.9 s to read on
# these cores, and posseg re-parses dict.txt (~0.3 s) for every POSTokenizer. Ours holds the
# words as one string (tagged words first, so the tag table reuses their hashed strings), the
# counts as a packed array and the tags as one byte each: ~0.3 s (`kb ask` cold start, issue 14).
_CACHE_FORMAT = 2
_base: tuple[dict[str, int], int, dict[str, str]] | None = None
_base_lock = threading.Lock()


def _cache_file() -> Path:
    src = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    st = src.stat()
    key = f"{_CACHE_FORMAT}:{jieba.__version__}:{src}:{st.st_size}:{st.st_mtime_ns}"
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "yrd-kb"
    return folder / f"jieba-{hashlib.sha256(key.encode()).hexdigest()[:16]}.bin"


def _read_cache(path: Path) -> tuple[dict[str, int], int, dict[str, str]] | None:
    try:
        with open(path, "rb") as f:
            fmt, words, counts, total, tag_names, tags = marshal.load(f)
        if fmt != _CACHE_FORMAT:
            return None
        keys = words.split("\n")
        freq_of = array.array("q")
        freq_of.frombytes(counts)
        freq = dict(zip(keys, freq_of.tolist(), strict=True))
        names = tag_names.split("\n")
        tag_tab = dict(zip(keys[: len(tags)], map(names.__getitem__, tags), strict=True))
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        return None  # missing, truncated or foreign: rebuilt from jieba's dictionary
    return freq, total, tag_tab


def _write_cache(path: Path, freq: dict[str, int], total: int, tag_tab: dict[str, str]) -> None:
    names = sorted(set(tag_tab.values()))
    words = [*tag_tab, *(w for w in freq if w not in tag_tab)]
    if (
        len(names) > 256
        or len(words) != len(freq)  # a tagged word jieba does not count
        or any("\n" in w for w in [*words, *names])
    ):
        return  # not representable: jieba's own loading is used every time instead
    index = {n: i for i, n in enumerate(names)}
    data = (
        _CACHE_FORMAT,
        "\n".join(words),
        array.array("q", [freq[w] for w in words]).tobytes(),
        total,
        "\n".join(names),
        bytes(index[t] for t in tag_tab.values()),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-")
        with os.fdopen(fd, "wb") as f:
            marshal.dump(data, f)
        os.replace(tmp, path)
        for old in path.parent.glob("jieba-*.bin"):  # of another jieba or cache format
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: the next process loads through jieba again


def _base_dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """(prefix frequencies, total, word -> POS tag) of jieba's default dictionary; callers
    copy what they change."""
    global _base
    with _base_lock:
        if _base is None:
            path = _cache_file()
            _base = _read_cache(path)
            if _base is None:
                j = jieba.Tokenizer()
                j.initialize()
                tags = importlib.import_module("jieba.posseg").POSTokenizer(j).word_tag_tab
                _base = (j.FREQ, j.total, tags)
                _write_cache(path, *_base)
    return _base


def _posseg():
    """``jieba.posseg``, imported without re-reading dict.txt when our cache has its table.

    Its import builds a default tagger, ``dt = POSTokenizer(jieba.dt)``, by parsing all of
    dict.txt (~0.35 s of `kb ask`'s start); here the import sees an empty file and the tagger
    then gets the very table that parse yields (tests/test_fast_cli.py compares them)."""
    if "jieba.posseg" not in sys.modules:
        tags = _base_dictionary()[2]  # on a cache miss this imports jieba.posseg as usual
        if "jieba.posseg" not in sys.modules:
            jieba.dt.get_dict_file = io.BytesIO  # an instance attribute, removed below
            try:
                posseg = importlib.import_module("jieba.posseg")
            finally:
                del jieba.dt.get_dict_file
            posseg.dt.word_tag_tab = dict(tags)
    return importlib.import_module("jieba.posseg")


def _pos_tokenizer(tokenizer: jieba.Tokenizer, word_tag_tab: dict[str, str]):
    """jieba's POS tagger over ``tokenizer`` with a word-tag table given, not re-read."""
    cls = _posseg().POSTokenizer
    pos = cls.__new__(cls)
    pos.tokenizer, pos.word_tag_tab = tokenizer, word_tag_tab
    return pos


class Tokenizer:
    """A jieba tokenizer of our own (not the global one), so domain terms of one store do not
    leak into another and tests stay independent. Thread-safe after ``warm()``."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._pos = None  # jieba.posseg.POSTokenizer, made in warm()
        self._lock = threading.Lock()
        self._ready = False
        self._pending = list(dict.fromkeys([*BASE_TERMS, *places().group_names, *terms]))

    def warm(self) -> Tokenizer:
        with self._lock:
            if not self._ready:
                freq, total, tags = _base_dictionary()
                # Our own copies: the domain terms added below must not reach other tokenizers.
                self._jieba.FREQ, self._jieba.total = dict(freq), total
                self._jieba.initialized = True
                self._pos = _pos_tokenizer(self._jieba, dict(tags))
                for t in self._pending:
                    self._add(t)
                self._ready = True
        return self

    def _add(self, term: str) -> None:
        term = _form(term).strip().lower()
        if 2 <= len(term) <= MAX_TERM_CHARS and not any(c.isspace() for c in term):
            self._jieba.add_word(term, freq=max(TERM_FREQ_MIN, TERM_FREQ_PER_CHAR * len(term)))

    def add_terms(self, terms: Iterable[str]) -> None:
        self.warm()
        with self._lock:
            for t in terms:
                self._add(t)

    def tokens(self, text: str) -> list[str]:
        """BM25 tokens: NFKC, simplified, lower case, jieba search mode, no punctuation or
        stopwords."""
        self.warm()
        t = _form(text).lower()
        return [
            w for w in self._jieba.cut_for_search(t)
            if w.strip() and not _PUNCT.match(w) and w not in STOPWORDS
        ]  # fmt: skip

    def words(self, text: str) -> list[str]:
        """Whole words (precise mode), no punctuation or stopwords."""
        self.warm()
        t = _form(text).lower()
        return [
            w for w in self._jieba.cut(t)
            if w.strip() and not _PUNCT.match(w) and w not in STOPWORDS
        ]  # fmt: skip

    def cut(self, text: str) -> list[str]:
        """Precise-mode words with nothing removed: they concatenate back to the text."""
        self.warm()
        return list(self._jieba.cut(_form(text)))

    def freq(self, word: str) -> int:
        """How common a word is in jieba's dictionary (0: not a word it knows)."""
        self.warm()
        return self._jieba.FREQ.get(word, 0)

    def pos(self, text: str) -> list[tuple[str, str]]:
        self.warm()
        assert self._pos is not None
        return [(p.word, p.flag) for p in self._pos.cut(_form(text))]


def _form(text: str) -> str:
    """What the segmenter reads: NFKC, simplified characters (kb.core.text.simplified)."""
    return simplified(unicodedata.normalize("NFKC", text))


def load_terms(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
