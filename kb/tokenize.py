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

jieba.setLogLevel(logging.WARNING)

TOKENIZER_NAME = "jieba-search-v1"

# Terms every corpus about the region needs whole, whatever was ingested.
BASE_TERMS = [
    "长三角", "长江三角洲", "三省一市", "沪苏浙皖", "一体化", "G60科创走廊", "G60", "G42",
    "科创走廊", "联席会议", "科创飞地", "双创券", "创新券", "一网通办", "协同创新",
    "嘉昆太", "协同创新指数", "软件园", "产业联盟", "九城市", "战略合作协议",
]  # fmt: skip

STOPWORDS = set(
    """的 了 和 与 及 或 在 是 为 对 等 将 把 被 从 向 以 于 之 其 这 那 该 各 个 中 上 下 里 也 都 就
    而 并 且 又 则 但 如 若 即 由 至 到 着 过 呢 吗 吧 啊 么 什么 哪些 哪个 哪 多少 几 如何 怎样 怎么
    为什么 是否 有没有 有 没有 请 问 一下 我们 你们 他们 它们 主要 相关 方面 情况 进行 通过 哪一年
    何时 什么时候 是什么 有哪些 分别 呢 吗 年 月 日
    the a an of in on at to for and or is are was were be been by with what which who how when
    where why did do does from that this these those as it its into about than then any all
    """.split()
)

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


class Tokenizer:
    """A jieba tokenizer of our own (not the global one), so domain terms of one store do not
    leak into another and tests stay independent. Thread-safe after ``warm()``."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._pos = jieba.posseg.POSTokenizer(self._jieba)
        self._lock = threading.Lock()
        self._ready = False
        self._pending = list(dict.fromkeys([*BASE_TERMS, *terms]))

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
        if 2 <= len(term) <= 30 and not any(c.isspace() for c in term):
            self._jieba.add_word(term, freq=max(2000, 500 * len(term)))

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
