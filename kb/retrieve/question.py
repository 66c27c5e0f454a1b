"""What a question asks: language, years, key terms (with expansions), proper names, and
whether it asks for a list ("哪些", "which")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kb.core.english import common_noun, content_words, english_groups
from kb.core.glossary import EN_LIST_NOUNS, EN_ZH, LIST_NOUNS, ZH_EXPAND
from kb.core.instruments import DOC_NUMBER
from kb.core.text import asked_in_english, is_cjk, norm, numbers_in, titles_in, years_in
from kb.core.tokenize import Tokenizer
from kb.retrieve.asks import (
    QUESTION_TERM,
    asked_kind,
    bare_unit,
    counted,
    english_slot,
    joined_at,
    kind_unit,
    measure_of,
    slot_words,
)
from kb.retrieve.change import changed, moves

# "多少个/几个" asks for a count (a number), not a list.
_LIST_ZH = re.compile(
    r"哪些|哪几|列举|列出|分别是|哪[两二三四五六七八九十\d]+[个项类种方面条大点件批]"
)
_WHEN = re.compile(r"什么时候|何时|哪一年|哪年|哪天|哪一天|几月|\bwhen\b|\bwhat year\b", re.I)
# "which" asks for several when its noun is plural ("which bodies", "which three cities"), as
# 哪些 does; "by which department" asks for one.
_LIST_EN = re.compile(
    r"\b(which (?:(?:two|three|four|five|six|seven|eight|nine|ten|\d+) )?\w+(?<!ss)(?<!us)(?<!is)s"
    r"|which of|what are|list|name the|what (?:\w+ )?(?:agreements|plans|events|alliances|measures"
    r"|platforms|parks|cities|projects))\b",
    re.I,
)
_GENERIC = set(
    """长三角 长江三角洲 一体化 区域 地区 发展 工作 内容 问题 什么 哪些 如何 怎样 是否 多少 哪个 哪年
    签署 是 有 的 了 年 月 日 怎么 主要 具体 介绍 说明 一下 目前 哪里 何时 谁 时候 发生 出现 进行""".split()
)
_PLACE_POS = {"ns", "nr", "nt", "nz"}
# A question asking "多少元" asks a sum in 元 (the policy splits' every such answer writes one).
YUAN = "元"
# The dots a transliterated name is written with ("约瑟夫·洛克", "玛丽亚・特蕾西亚").
NAME_DOTS = "·・•‧．"
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
_ANY_WORD = re.compile(r"[\w]+")


@dataclass
class Question:
    text: str
    lang: str  # zh | en
    years: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # key words (lower case, NFKC)
    expansions: dict[str, list[str]] = field(default_factory=dict)  # term -> alternatives
    names: list[str] = field(default_factory=list)  # proper names that must exist in the corpus
    rare: list[str] = field(default_factory=list)  # those of rare characters (rare_runs)
    titles: list[str] = field(default_factory=list)  # 《》 titles
    is_list: bool = False
    asks_when: bool = False  # 什么时候 / 哪一年 / when: a dated sentence answers it
    list_noun: str | None = None
    search_tokens: list[str] = field(default_factory=list)  # BM25 query tokens
    asks: str = ""  # kb.retrieve.asks: amount, percent, duration, year, date, number, org…
    unit: str = ""  # the unit after 多少/几, as written ("万吨" of "多少万吨")
    slot: list[str] = field(default_factory=list)  # terms naming what is asked of the subject
    article: str = ""  # "第十二条" when the question names an article
    list_phrase: str = ""  # what a list question lists ("战略定位" of "哪五个战略定位")
    guessed: set[str] = field(default_factory=set)  # English words' dictionary translations
    change: list[str] = field(default_factory=list)  # asked how much it changes (change.changed)
    moves: bool = False  # asked with a verb that moves the figure ("增加了多少"): change.moves
    phrases: dict[str, str] = field(default_factory=dict)  # an English question's: term -> phrase

    def alternatives(self, term: str) -> list[str]:
        return self.expansions.get(term, [term])

    def named_in(self, term: str, text: str) -> bool:
        """Whether ``text`` (in matching form, kb.core.text.norm) holds one of the term's
        alternatives."""
        return any(norm(a) in text for a in self.alternatives(term))

    @property
    def subject(self) -> list[str]:
        """Key words the question asks about (its terms that are neither the slot nor the unit
        it asks in)."""
        return [t for t in self.terms if t not in self.slot and t != self.unit]

    @property
    def bare_unit(self) -> str:
        """The unit without its magnitude ("吨" of "万吨"): what a figure must be followed by."""
        return bare_unit(self.unit)

    @property
    def count_measure(self) -> str:
        """The measure word a count or a span asked must be followed by ("几人": 人, "多少天":
        天); '' for other kinds and a bare "多少"."""
        return self.bare_unit if self.asks in ("number", "duration") else ""

    @property
    def figure_measure(self) -> str:
        """What a figure answering must be written in: count_measure's, or 元 for a sum asked
        in 元 ("多少万元"), which "工资的60%" does not give."""
        if self.asks == "amount" and self.bare_unit == YUAN:
            return YUAN
        return self.count_measure

    def analysis(self) -> dict:
        """How the question was read, for the JSON answer ("analysis"): staff see why an
        answer was chosen or refused."""
        return {
            "language": self.lang,
            "asks": "list" if self.is_list else (self.asks or "fact"),
            "slot": [self.alternatives(t)[0] for t in self.slot],
            "unit": self.unit or None,
            "subject": self.subject,
            "years": self.years,
            "titles": self.titles,
            "names": self.names,
            "article": self.article or None,
            "lists": self.list_phrase or None,
            "change": self.moves,
            "terms": {t: self.alternatives(t) for t in self.terms},
        }


def _en_list_noun(q: str) -> str | None:
    """The noun an English list question lists: with or after the words that ask for a list
    ("Under Guangzhou's 2023 plan, what are the targets …" lists no plans)."""
    tail = q[_LIST_EN.search(q).start() :]
    return next(
        (noun for en, noun in EN_LIST_NOUNS.items() if re.search(rf"\b{en}s?\b", tail, re.I)),
        None,
    )


def analyze(text: str, tok: Tokenizer, known=None) -> Question:
    """``known``: whether the corpus uses a Chinese word (an English question's dictionary
    candidates are narrowed to those)."""
    q = unicodedata.normalize("NFKC", text).strip()
    lang = "en" if asked_in_english(q) else "zh"
    # the year of a 发文字号 ("国办发〔2019〕6号") names the document, not the period asked
    qu = Question(text=q, lang=lang, years=years_in(DOC_NUMBER.sub(" ", q)), numbers=numbers_in(q))
    qu.titles = titles_in(q)
    qu.asks_when = bool(_WHEN.search(q))
    qu.asks = asked_kind(q)
    # The tagger's reading, once: units (measure_of) and names read it. An English question
    # has no 多少/几 and no Chinese names.
    tagged = tok.pos(q) if lang == "zh" else []
    joined = joined_at(q, [w for w, _ in tagged], tok.freq)
    qu.unit = measure_of(q, joined) or kind_unit(qu.asks, q)
    m = _ARTICLE.search(q)
    qu.article = m.group(0) if m else ""
    if lang == "zh":
        # "能不能", "会不会": asking yes or no, no key word ("不能自己" of "能不能自己收队")
        plain = _A_NOT_A.sub("是否", q)
        words = tok.words(plain)
        qu.terms = [
            w for w in dict.fromkeys(words)
            if w not in _GENERIC and not w.isdigit() and (len(w) > 1 or w.isascii())
            and not QUESTION_TERM.match(w)
        ]  # fmt: skip
        qu.rare = rare_runs(tagged, tok.freq)
        qu.names = _zh_names(tagged, tok) + qu.rare
        qu.is_list = bool(_LIST_ZH.search(q))
        if qu.is_list:
            tail = q[_LIST_ZH.search(q).end() :]
            qu.list_phrase = re.split(r"[？?，,。；;、和与及]", tail)[0].lstrip("个项类种方面条大")[
                :12
            ]
            for noun in sorted(LIST_NOUNS, key=len, reverse=True):
                if noun in tail:
                    qu.list_noun = noun
                    break
        search = tok.tokens(plain)
        quantity = qu.asks in ("number", "amount", "percent")
        in_dictionary = lambda w: tok.freq(w) > 0  # noqa: E731
        slot = set(slot_words(q, tok.words, quantity, joined, in_dictionary, qu.is_list))
        slot = slot if qu.asks != "definition" else set()
        if qu.asks == "number" and qu.unit and not qu.is_list:
            slot |= set(counted(q, tagged))  # the head of what is counted: 示范县
        if quantity:
            qu.change = changed(q, tagged)  # what changes: 能耗 of "能耗比上年降低多少"
            qu.moves = moves(q, tagged)
            slot |= set(qu.change)
        qu.slot = [t for t in qu.terms if t in slot]
    else:
        groups, qu.names, heads = english_groups(q, known, tok.freq)
        slot_en = set(english_slot(q, content_words))
        qu.terms = [g[0] for g in groups]
        qu.expansions.update({g[0]: g for g in groups if len(g) > 1})
        qu.phrases = {g[0]: h for g, h in zip(groups, heads, strict=True)}
        qu.slot = [t for t, h in qu.phrases.items() if slot_en & set(h.split())]
        # the dictionary's guesses (terms the glossary did not give) rank, never filter alone
        qu.guessed = {t for t, h in qu.phrases.items() if h not in EN_ZH}
        zh = [t for g in groups for t in g]
        qu.is_list = bool(_LIST_EN.search(q))
        qu.list_noun = _en_list_noun(q) if qu.is_list else None
        latin = [
            w.lower() for w in _ANY_WORD.findall(q) if re.fullmatch(r"[a-z]*\d+[a-z\d]*", w.lower())
        ]
        search = [t for z in zh for t in tok.tokens(z)] + latin
        qu.terms += [w for w in latin if not w.isdigit()]
    for t in qu.terms:
        if t in ZH_EXPAND and t not in qu.expansions:
            qu.expansions[t] = list(dict.fromkeys([t, *ZH_EXPAND[t]]))
    extra = [a for alts in qu.expansions.values() for a in alts]
    qu.search_tokens = list(
        dict.fromkeys(
            search + [t for a in extra for t in tok.tokens(a)] + [str(y) for y in qu.years]
        )
    )
    return qu


# A date the tagger may call a name ("二月份"/nz): a text writes it otherwise ("２月").
_CALENDAR_ZH = re.compile(r"^[〇零一二三四五六七八九十两\d]+(?:月份?|日|号|年代?)$")


def _zh_names(tagged: list[tuple[str, str]], tok: Tokenizer) -> list[str]:
    """The proper names of a Chinese question, as the tagger tags them, and its dotted ones."""
    names = [
        _unglued(w, tok).lower() for w, flag in tagged
        if flag in _PLACE_POS and len(w) >= 2 and w not in _GENERIC and not common_noun(w)
        and not _CALENDAR_ZH.match(w)
    ]  # fmt: skip
    return names + dotted_names([w for w, _ in tagged])


# Characters the tagger leaves alone as morphemes (g, ng, yg, ...) or does not know at all (x):
# rare ones, as in names of species and people ("颊/ng 鳞/n 雀/ng 鲷/g", "雍/nr 闿/yg", "鳑/x
# 鲏/zg"), which the dictionary lacks.
_MORPHEME = frozenset("g ng yg vg ag zg tg dg x".split())
_RUN_TAGS = _MORPHEME | {"n", "nr", "j", "nz", "ns", "a", "b"}
# A time or place after a name ("校尉时"): never part of it.
_AFTER = frozenset("时后前中里内外上下")


def rare_runs(tagged: list[tuple[str, str]], freq) -> list[str]:
    """Names written with characters the dictionary lacks, which the tagger cuts into single
    characters: a run of two or more, one of them a morpheme, with the noun right before it
    when the dictionary lacks that too ("黄鳍" + "雀鲷", not "雌性"; ``freq``: Tokenizer.freq).
    A last character that opens a word with the one after it ("鲷/g 体/ng 侧/v": 体侧, "幼/ag
    鱼体色/n": 幼鱼) is not part of the run. On CMRC dev and train, 24 such names of
    unanswerable questions are absent from the corpus, and no name of an answerable one is."""
    out, run, start = [], [], 0
    tagged = [*tagged, ("。", "x")]
    for k, (w, f) in enumerate(tagged):
        if len(w) == 1 and is_cjk(w) and f in _RUN_TAGS and w not in _AFTER:
            start = start if run else k
            run.append((w, f))
            continue
        if run and run[-1][1] in ("ng", "ag") and f.startswith(("n", "v", "a")):
            run.pop()
        if len(run) >= 2 and any(f in _MORPHEME for _, f in run):
            before, tag = tagged[start - 1] if start else ("", "")
            lead = (
                before if len(before) >= 2 and tag in ("n", "nr", "nz") and not freq(before) else ""
            )
            out.append(lead + "".join(c for c, _ in run))
        run = []
    return out


def _unglued(word: str, tok: Tokenizer) -> str:
    """A name the segmenter made up by gluing a verb to the word after it ("招" + "外区" of
    "能不能招外区的孩子"): that word; else ``word``."""
    if len(word) >= 3 and not tok.freq(word) and tok.freq(word[1:]):
        if tok.pos(word[0])[0][1] == "v":
            return word[1:]
    return word


def dotted_names(words: list[str]) -> list[str]:
    """Transliterated names written with a dot ("约瑟夫·洛克"), the dot as "·". The segmenter
    may cut the first or last piece short ("莱昂|德罗·内托", "韦斯·昂|塞尔德"): a text that
    lacks what is kept lacks the whole name too (dotted_name_shown gives the rest)."""
    return [name for name, _, _ in _dotted(words)]


def dotted_name_shown(name: str, tagged: list[tuple[str, str]]) -> str:
    """``name`` (of dotted_names) as the question writes it: with the pieces the tagger reads
    as a person's name right before and after it ("莱昂" + "德罗·内托", "韦斯·昂" + "塞尔德"),
    not one that opens with a word of the sentence ("曾效力"), less a character of the sentence
    glued to the last ("曾" of "曾效力", "以" of "海纳曼以主持")."""
    words = [w for w, _ in tagged]
    for found, start, end in _dotted(words):
        if found != name:
            continue
        head = rest = ""
        while start > 0 and tagged[start - 1][1] in _PERSON:
            start -= 1
            head = tagged[start][0] + head
        while end < len(tagged) and tagged[end][1] in _PERSON and tagged[end][0][0] not in _GLUED:
            rest += tagged[end][0]
            end += 1
        return head + name + rest.rstrip(_GLUED)
    return name


_PERSON = ("nr", "nrt", "nrfg")
# Characters the segmenter glues to a name: copulas, prepositions, particles, adverbs (曾, 已).
_GLUED = "是在的了和与及为被把将从对向以于曾已也又还都"


def _dotted(words: list[str]) -> list[tuple[str, int, int]]:
    """(name, index of its first word, index of the word after it) of each dotted name."""
    out = []
    i = 0
    while i + 2 < len(words):
        if words[i + 1] in NAME_DOTS and _HAN.fullmatch(words[i]) and _HAN.fullmatch(words[i + 2]):
            j = i + 2
            while j + 2 < len(words) and words[j + 1] in NAME_DOTS and _HAN.fullmatch(words[j + 2]):
                j += 2
            out.append(("·".join(words[i : j + 1 : 2]), i, j + 1))
            i = j + 1
        else:
            i += 1
    return out
