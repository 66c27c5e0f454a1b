"""An enumerated item's marker ("一是", "（二）", "3.", "第四，", "⑤") and the number it gives;
the number of items a question says a list has ("哪五个", "6项是哪些")."""

from __future__ import annotations

import re

from kb.answer.refusal import CLAUSE
from kb.core.english import is_place
from kb.core.text import char_grams, is_cjk

_CN = "一二三四五六七八九十"
# Marker families: the pattern of an item's start and how to read its number.
_FAMILIES: tuple[tuple[str, re.Pattern], ...] = (
    ("shi", re.compile(rf"^(?:其)?([{_CN}]+)是")),
    ("di", re.compile(rf"^第([{_CN}]+)[，,、：:]")),
    ("paren_cn", re.compile(rf"^[（(]([{_CN}]+)[）)]")),
    ("cn_dun", re.compile(rf"^([{_CN}]+)、")),
    ("arabic", re.compile(r"^(\d{1,2})[.、．](?!\d)")),
    ("paren_ar", re.compile(r"^[（(](\d{1,2})[）)]")),
    ("circled", re.compile(r"^([①-⑳])")),
)


def item_number(token: str) -> int:
    """The number a marker's token reads as ("十二": 12, "③": 3), 0 when none."""
    if token.isdecimal():  # not "①": a digit to str.isdigit, yet no int()
        return int(token)
    if len(token) == 1 and token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    if token == "十":
        return 10
    tens, ten, ones = token.partition("十")
    if any(c not in _CN for c in tens + ones) or len(tens) > 1 or len(ones) > 1:
        return 0
    if ten:  # "十二", "二十", "二十三"
        return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)
    return _CN.index(token) + 1 if len(token) == 1 else 0


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def marker(text: str) -> tuple[str, int] | None:
    """(family, number) of an item's marker at the start of ``text``, or after a colon inside
    it ("……表现在四个方面：一是……")."""
    for t in (text, text.split("：", 1)[1] if "：" in text else ""):
        t = t.strip()
        for fam, pat in _FAMILIES:
            m = pat.match(t)
            if m:
                n = item_number(m.group(1))
                if n:
                    return fam, n
    return None


_COUNT = re.compile(
    r"哪(\d{1,2}|[两二三四五六七八九十]+)(?:个(?!字)|项|类|种|条|大|部分|方面|点|件|批)"
    r"|([两二三四五六七八九十]+)(?:大|个方面|个部分)"
    r"|(\d{1,2}|[两二三四五六七八九十]+)(?:项|个方面|个部分)(?:分别|具体|都|主要)?(?:是|有|包括)?(?:哪些|什么)"
)


def asked_count(text: str) -> int:
    """How many items the question says there are ("哪五个", "八大领域", "四个方面"), or 0."""
    m = _COUNT.search(text)
    if not m:
        return 0
    token = (m.group(1) or m.group(2) or m.group(3)).replace("两", "二")
    return item_number(token)


# A list of this many items is laid out (numbered, one per clause, or run together with 、);
# two are often written as one phrase ("进行安全评估和安全加固").
LAID_OUT = 3
# Items run into one clause: "选择北京、天津、上海、重庆和沈阳……11个城市".
_ITEM_SEP = re.compile(r"、|(?<=[^\s、])(?:和|及|与|以及)(?=[^\s、])")


# A name ending in the noun of its kind (国家开发银行): the noun after a character that is no
# function word ("政策性银行和商业性银行" names two).
_NOT_A_NAME_END = frozenset("的和与及、是为有在，。；")


def _named_by(noun: str, text: str) -> int:
    """How many times ``text`` names something by ``noun`` (a character before it that is
    Chinese and no function word)."""
    at = [m.start() for m in re.finditer(re.escape(noun), text)]
    return sum(1 for i in at if i and is_cjk(text[i - 1]) and text[i - 1] not in _NOT_A_NAME_END)


# A list phrase this short is what is listed ("家银行"); a longer one says more of it ("人被规定
# 必须去上防火安全课" ends in no noun of the things listed).
NOUN_PHRASE_CHARS = 5


def runs_named(phrase: str, text: str) -> bool:
    """Whether a clause of ``text`` runs together at least LAID_OUT items that are of the kind
    ``phrase`` (a list question's list_phrase, normalised) names: the items end in one of its
    characters ("政治关、法律关、政策关" for "关口"), 等 after the last names it ("大型集装箱船、
    液化气船、邮轮等船舶" for "船"), or words of it lead the run ("扎实推动京津冀协同发展、长江
    经济带发展……" for "要扎实推动的区域重大战略"). Or the sentence names as many things by the
    noun the phrase ends in, across its clauses ("组建国家开发银行外，还要组建……中国进出口银行，
    以及……中国农业发展银行" for "家银行")."""
    if not phrase:
        return False
    head = phrase[-2:]  # of a short phrase, its noun ("家银行"); a long one says more
    if 2 <= len(phrase) <= NOUN_PHRASE_CHARS and _named_by(head, text) >= LAID_OUT:
        return True
    grams = char_grams(phrase, 2) or {phrase}
    for c in CLAUSE.split(text):
        items = [i for i in _ITEM_SEP.split(c) if i]
        if len(items) < LAID_OUT:
            continue
        last, _, tail = items[-1].partition("等")
        items[-1] = last
        ends = {i[-1] for i in items if i}
        if len(ends) == 1 and ends <= set(phrase):
            return True
        if tail and any(g in tail for g in grams):
            return True
        lead = items[0][:-2]  # what comes before the first item (of two characters or more)
        if any(g in lead for g in grams if len(g) == 2):
            return True
    return False


def unlisted(question: str, best: list[str]) -> str:
    """Why a list the question counts ("哪3个部门", "6项是哪些") and the document does not lay
    out is not answered; '' when it is uncounted, shorter than LAID_OUT, or one of the ``best``
    sentences lays it out in a clause (``lays_out``). A count naming nothing ("分为哪三种",
    "6项是哪些") is matched in the best sentence alone."""
    n = asked_count(question)
    if n < LAID_OUT:
        return ""
    if any(lays_out(question, text, rank == 0) for rank, text in enumerate(best)):
        return ""
    return f"检索到的段落没有逐项列出问题所说的{n}项。"


def lays_out(question: str, text: str, alone: bool = True) -> bool:
    """Whether a clause of ``text`` runs together as many items as the question counts, at
    least LAID_OUT (parted by 、, 和/及 before the last), where it, or the clause announcing it
    ("有三条支流："), holds the first character of what the question counts (城 of "哪11个城
    市", 时 of "哪三个时间" for "七时、九时及十一时"): a run of as many other things is a
    coincidence. A count naming nothing ("分为哪三种") counts only when ``alone``."""
    n = asked_count(question)
    if n < LAID_OUT:
        return False
    m = _COUNT.search(question)
    named = re.match(r"[\u4e00-\u9fff]", question[m.end() :]) if not m.group(3) else None
    clauses = [c for c in CLAUSE.split(text) if c]
    for i, c in enumerate(clauses):
        around = c + (clauses[i - 1] if i else "")
        if len(_ITEM_SEP.split(c)) == n and (named.group(0) in around if named else alone):
            return True
    return False


# A list of places asked by their kind ("哪些省份和城市", "哪几个岛上"), and place words that name
# no place of their own ("各省", "大中城市", "国内").
_PLACE_LIST = re.compile(r"省份|省区|省市|城市|区县|县市|地区|国家|岛屿?|港口|口岸|乡镇|城镇")
_GENERIC_PLACE = re.compile(r"^(?:各|全|本|我国|国内|境内|大中|中小|沿海|内地|城乡)")


def unnamed_places(q, texts: list[str], pos) -> str:
    """Why a list of places (``q.list_phrase`` names a kind of place) is not answered by
    ``texts`` when none of them names a place (tagged a place, or one the dictionary knows):
    "重点监视防御区……向各省、自治区、直辖市……通报" lists no 省份; '' otherwise. Places the
    question names count too: "欧盟－拉美首脑会议是哪两个地区……" is answered by "欧盟与拉美"."""
    kind = _PLACE_LIST.match(q.list_phrase or "")  # what is listed, not a word after it
    if not kind:
        return ""
    for text in texts:
        for w, f in pos(text):
            place = f == "ns" or is_place(w)  # the tagger calls 嘉兴 a name, 南通 a noun
            if place and not _GENERIC_PLACE.match(w):
                return ""
    return f"检索到的段落没有列出问题所问的{kind.group(0)}名称。"
