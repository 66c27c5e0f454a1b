"""Sentence-level evidence scoring: features of a candidate unit (sentence or table row)
against the question, and the fitted model that turns them into "this unit answers the
question" and "the retrieved evidence answers the question at all".

The weights are not typed in: ``evals/fit_evidence.py`` fits them by logistic regression on
the CMRC 2018 train split (Wikipedia text nobody on this project wrote), chooses the refusal
threshold on the dev split, and writes ``kb/data/evidence_model.json`` with its provenance.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from kb.core.english import common_noun
from kb.core.text import norm, simplified
from kb.retrieve.asks import CLOCK_UNIT, FREQUENCY_UNIT, PHYSICAL_UNITS, unit_forms
from kb.retrieve.question import YUAN

MODEL_PATH = Path(__file__).parents[1] / "data" / "evidence_model.json"

# Per-unit features, in the order of the weight vectors. Each is cheap and general: nothing
# here names a word of a particular corpus.
UNIT_FEATURES = (
    "bias",
    "lex",  # IDF-weighted share of the question's key words in the unit itself
    "lex_ctx",  # ... in the unit plus its context (title, section, table header, previous sentence)
    "lex_gap",  # lex_ctx minus the best lex_ctx among the candidates
    "bigram",  # share of the question's character bigrams in the unit (robust to segmentation)
    "dense",  # cosine of the unit's e5 vector and the question's (cross-lingual)
    "dense_gap",  # dense minus the best dense among the candidates
    "passage",  # the passage's fused retrieval score relative to the best passage
    "rank_inv",  # 1 / (1 + passage rank)
    "type_fit",  # the question expects an answer type (number, date, person…) the unit has
    "type_miss",  # the question expects a type the unit lacks
    "filler",  # announces what follows ("……如下：") or ends in a colon
    "log_len",  # log of the unit's length
    "year_hit",  # the question's year is the unit's (stated, in context, or the document's)
    "year_other",  # the unit states another year and not the question's
    "is_table",  # a table row
    # What the question asks about its topic: the question's characters left once the words it
    # shares with the unit's document title (its topic) are taken out. A sentence that answers
    # often leaves the topic implicit ("体长可达42公分" in the article on a fish), so these
    # characters, not the topic's name, tell the sentences of one document apart.
    "rest_chars",  # share of those characters (not function characters) in the unit
    "rest_lex",  # IDF-weighted share of the key words not in the title found in the unit
    "rest_run",  # longest run of the question outside the title found verbatim in the unit
    "doc",  # the best retrieval score of the unit's document relative to the best document
    "first",  # the document's first sentence (often defines the topic)
    "chunk_pos",  # 1 / (1 + the chunk's position in its document)
    # What is asked of the subject (kb.retrieve.asks): the slot's words, the subject's, both.
    "slot",  # IDF-weighted share of the question's slot words in the unit
    "slot_ctx",  # ... in the unit plus its context
    "subj_ctx",  # IDF-weighted share of the subject's words in the unit plus its context
    "fit_slot",  # the unit holds the asked type and (it or its heading) the slot's words
    "fit_subj",  # the unit holds the asked type and (it or its heading) the subject's words
    "fit_rest",  # the unit holds the asked type and the key words outside its title (rest_lex)
    "title_in_q",  # share of the unit's document title (character bigrams) the question spells out
    # An English question meets Chinese text through the e5 vectors more than through words.
    "en_dense",  # dense, for an English question (0 for a Chinese one)
    "en_lex",  # lex_ctx, for an English question
)
# Question-level features: how good the best evidence is, in the order of the fitted weights
# (kb/data/evidence_model.json); candidates.question_features computes each by name.
QUESTION_FEATURES = (
    "bias",
    "p1",
    "p2",
    "lex1",
    "lexctx1",
    "bigram1",
    "dense1",
    "type1",
    "absent",  # IDF-weighted share of the question's key words the whole corpus never uses
    "unknown_name",  # the question names something (as tagged) no passage or title mentions
    "rest1",  # rest_chars of the best unit: what the question asks about its topic is there
    "restmax",  # the best rest_chars among the candidates
    "typed",  # the question asks for a kind of answer (a number, a date, an organisation…)
    "slotmax",  # the best slot_ctx among the candidates
    "fitslotmax",  # the best fit_slot: some unit gives the asked type with the slot's words
    "fitsubjmax",  # the best fit_subj: some unit gives the asked type of the subject
    "fitrestmax",  # the best fit_rest
    "subjmax",  # the best subj_ctx
    "en",  # an English question
    "en_dense1",  # dense1, for an English question
    # A question that names a document of the collection is about what that document says:
    # whether it answers turns on the slot, not on the topic being there at all.
    "names_doc",  # the best title_in_q is at least NAMES_DOC_SHARE
    "nd_fitrest",  # names_doc * fitrestmax
    "nd_type1",  # names_doc * type1
    "typed_nofit",  # the question asks for a kind of answer no candidate unit holds
)


@dataclass
class EvidenceModel:
    unit_weights: np.ndarray
    question_weights: np.ndarray
    threshold: float  # answerable probability below which the answer is not_found
    source: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> EvidenceModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        if (
            tuple(d["unit_features"]) != UNIT_FEATURES
            or tuple(d["question_features"]) != QUESTION_FEATURES
        ):
            raise ValueError(
                f"{path}: feature names differ from kb.answer.evidence; refit the model"
            )
        return cls(
            np.asarray(d["unit_weights"], dtype=np.float64),
            np.asarray(d["question_weights"], dtype=np.float64),
            float(d["threshold"]),
            d.get("source", {}),
        )

    def unit_probs(self, x: np.ndarray) -> np.ndarray:
        """How the answer is shared among one question's candidate units (a softmax)."""
        if not len(x):
            return np.zeros(0)
        z = x @ self.unit_weights
        p = np.exp(z - z.max())
        return p / p.sum()

    def answerable_prob(self, qx: np.ndarray) -> float:
        return float(sigmoid(qx @ self.question_weights))


@lru_cache(maxsize=1)
def default_model() -> EvidenceModel:
    return EvidenceModel.load()


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


# ---------------------------------------------------------------- answer types
# A quantity, not a year or a date: "420家", "6%", "3.1万人", "三家"; a Chinese numeral with its
# unit ("十八摄氏度", "二十米", "一万元"; not "第一条"); people counted ("不少于十人", "三至五人";
# not "千人计划" or "每万人": the numeral starts with a digit word).
_HAS_NUMBER = re.compile(
    r"\d+(?:\.\d+)?(?![\d.]|\s*[年月日号]|\s*[、—–-]\s*\d{2,4}\s*年)"
    r"|(?<![第一二三四五六七八九十百千万亿两])[一二三四五六七八九十百千万亿两]+"
    rf"(?:[个名位家所项倍次%％]|摄氏度|{'|'.join(sorted(PHYSICAL_UNITS, key=len, reverse=True))})"
    r"|(?<![第每])[一二三四五六七八九十两][一二三四五六七八九十百千万亿两]*人(?![民工])"
)
_HAS_DATE = re.compile(
    r"(?:1[5-9]|20)\d{2}\s*年|\d{1,2}\s*月|\d{4}[-/.]\d{1,2}|[一二三四五六七八九十〇]{2,4}年|世纪|年代"
)
# A time stated from an event, as rules set deadlines ("三十日前", "15日内", "届满前三十日内",
# "自公布之日起"): "什么时候" is answered by it when no calendar day is asked.
_FROM_EVENT = re.compile(
    r"(?:\d{1,3}|[一二三四五六七八九十百两半]+)\s*个?(?:工作日|日|天|周|星期|月|年|小时)(?:以?前|以?内|之内)"
    r"|之日起"
)
# A month, or a day of every month ("5月20日", "十月", "每月15日"), not a span ("提前二日",
# "六个月").
_DAY = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月|每月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
)
_PERSON_POS = {"nr", "nrfg", "nrt"}
_ORG_POS = {"nt", "nz"}
_PLACE_POS = {"ns", "nsf"}


_NUM_CH = r"[\d一二三四五六七八九十百千万亿两〇零半]"
# A sum of money, or one reckoned from a wage or an income, as benefits and overtime pay are
# ("6个月的……月平均工资", "工资的百分之三百", "人均可支配收入的20倍").
_IN_YUAN = re.compile(rf"{_NUM_CH}\s*(?:多)?(?:元|万元|亿元|千元|百元)|[¥￥]\s*\d")
_AMOUNT = re.compile(
    rf"{_NUM_CH}\s*(?:多)?(?:元|万元|亿元|千元|百元|美元|角|英镑|镑|港币)|[$¥￥€£]\s*\d"
    rf"|(?:为|按|发给|支付|计发|相当于){_NUM_CH}+\s*个月的[^，。；]{{0,20}}(?:工资|收入|薪酬)"
    rf"|(?:工资|收入|薪酬|缴费基数)的?(?:\d+(?:\.\d+)?\s*[%％]|百分之|{_NUM_CH}+倍)"
    # a fine or a charge reckoned from another sum ("违法所得一倍以上五倍以下的罚款", "按日加收
    # 万分之五的滞纳金"), as regulations set most of them
    rf"|(?:{_NUM_CH}+倍|[百千万]分之{_NUM_CH}+|\d+(?:\.\d+)?\s*[%％‰])(?:以上|以下|至|到|{_NUM_CH}|倍)*"
    r"的?(?:罚款|罚金|滞纳金|违约金|赔偿金)"
)
# A share of a whole, as votes and quorums are counted: "三分之二以上", "过半数".
_SHARE = r"[一二三四五六七八九十]分之[一二三四五六七八九十]|过半数|半数以上"
_PERCENT = re.compile(
    rf"\d\s*[%％‰]|百分之|千分之|{_NUM_CH}成(?![立为员本果])|{_NUM_CH}倍|{_SHARE}"
)
# A formula's "×100%" ("预约诊疗人次数/总诊疗人次数×100%") turns a ratio into a share: no figure.
_TIMES_100 = re.compile(r"[×*xX]\s*100\s*[%％]")
# A span of time that is not a year or a date ("五年", "30个工作日"; not "2035年", "5月").
_SPAN = re.compile(
    r"(?<![\d〇零一二三四五六七八九十])(?:\d{1,3}|[一二三四五六七八九十百两半]+)\s*"
    r"(?:个)?(?:工作日|天|周|星期|个月|年|小时|分钟|学时|课时)"
)
# A figure in 万/亿 ("150万（人）", "三千万"); not 千万 within "百千万工程", no numeral.
_BIG_COUNT = re.compile(
    r"\d\s*[万亿]|[一二三四五六七八九两十][十百千]?[万亿](?![元])|(?<![十百千])[百千][万亿](?![元])"
)
# Measures no bare figure in 万 answers: units written with their figure, and ranks, not counts
# ("几级残疾", "第几届").
_NO_BIG_COUNT = PHYSICAL_UNITS | frozenset("级 届 期".split())
_DURATION = re.compile(
    rf"{_NUM_CH}\s*(?:个)?(?:工作日|日|天|周|星期|个月|月|年|小时|分钟|学时|课时)(?:内|以内|以上|以下|之内)?"
)
# Units of a span, longest first: a span asked in one is stated in it or a shorter one ("多少
# 天": "15日", "10个工作日"; not "连续工作一年", a condition).
_SPAN_ORDER = ("年", "月", "周|星期", "天|日|工作日", "小时", "分钟")
_SPAN_UNITS = {
    u: "|".join(_SPAN_ORDER[i:]) for i, us in enumerate(_SPAN_ORDER) for u in us.split("|")
}
# A period a thing is done in, as a frequency ("每月", "每学期", "每季度").
_EVERY = re.compile(r"每(?:个)?(?:月|季度?|半年|学期|周|星期|年度?|日|天)")
_YEAR = re.compile(r"(?<![\d.])\d{3,4}\s*年|[一二三四五六七八九〇零]{4}年")  # "475年至477年" too
_ORG = re.compile(
    r"(?:部门|局|委员会|委|政府|机关|办公室|办公厅|中心|厅|部|院|会|署|处|所|站|公司|协会|机构|法院|检察院)"
    r"(?:[、，,和及或]|负责|$|应当|组织|会同|依法|主管)"
)
# An organisation as the agent of what a clause says it does: "由联席会议办公室召开联络员会议"
# (not 由于/由此: "由于部分地区……" names no 部).
_BY_ORG = re.compile(
    r"由(?![于此来])[^，。；,;、]{0,12}?(?:部门|局|委员会|委|政府|机关|办公室|办公厅|中心|厅|部|院|署|处|公司|协会|机构|法院)"
    r"(?=[\u4e00-\u9fff])"
)
_DEFINES = re.compile(r"是指|指的是|系指|所称|是.{2,40}的(?:总称|统称)|包括")
# A telephone number: five to eight digits, an area code before them, or a short number right
# after 电话/热线/拨打 ("拨打110", "服务热线12345"); not a sum, a count or a date.
_PHONE = re.compile(
    r"(?<![\d.])(?:\d{2,4}[-－—])?\d{5,8}(?![\d.％%元万亿千百个人家年月日号条项])"
    r"|(?:电话|热线|拨打)[^，。；,;]{0,6}?\d{3,}"  # not 号码: a QQ or ID number is none to call
)
# A date: its 年, 月 and 日 name a day, not a span ("自2021年4月1日起" states no "1日").
_DATE_SPAN = re.compile(
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}[日号]"
)


# A clock time: "10:00", "七时", "下午3点"; not 时间, 时期 or 小时.
_CLOCK = re.compile(
    r"\d{1,2}\s*[:：]\s*\d{2}|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[点时](?![间期代候刻])"
)
_TITLED = re.compile(r"《[^《》]*》")


def _undated(text: str) -> str:
    return _DATE_SPAN.sub("，", text)


# The finer kinds of kb.retrieve.asks and what a unit must hold to answer them.
_KIND_TEST = {
    "phone": lambda t: bool(_PHONE.search(t)),
    "amount": lambda t: bool(_AMOUNT.search(t)),
    "percent": lambda t: bool(_PERCENT.search(t)),
    "duration": lambda t: bool(_DURATION.search(_undated(t))),
    "year": lambda t: bool(_YEAR.search(t)),
    "definition": lambda t: bool(_DEFINES.search(t)),
}


# "是……非常重要的一年", "关键的一年", "这一年": a year spoken of, not a span of one year ("有效期
# 一年", "一年内" still are). dev14: one near miss refused, no other outcome changes on the policy
# splits, CMRC dev or train.
_A_YEAR = re.compile(r"(?<=[的这那])一年(?![内以之来半多])")


def has_type(kind: str, text: str, pos, measure: str = "") -> bool:
    """Whether ``text`` holds something of the answer type; ``pos`` lazily gives jieba POS;
    a count question's measure word must follow a number ("420家" for "多少家"). Read in
    simplified characters: "三百個", "十四萬多公里" are counts."""
    text = _TIMES_100.sub("", simplified(text))
    if kind in ("duration", "number"):  # "非常重要的一年": a year as a thing, no span
        text = _A_YEAR.sub("", text)
    if kind == "duration" and measure == FREQUENCY_UNIT:  # "多久一次": "每两年", "每月"
        return bool(_DURATION.search(_undated(text)) or _EVERY.search(text))
    if kind == "duration" and measure in _SPAN_UNITS:  # "多少天": "15日", not "一年"
        return bool(re.search(rf"{_NUM_CH}\s*个?(?:{_SPAN_UNITS[measure]})", _undated(text)))
    if kind in ("date", "year"):  # "《……纲要（2015—2020年）》": a title's years date no event
        text = _TITLED.sub("《》", text)
    if kind == "amount" and measure == YUAN:  # "多少元": a sum in 元, not "工资的60%"
        return bool(_IN_YUAN.search(text))
    if kind in _KIND_TEST:
        return _KIND_TEST[kind](text)
    if kind == "number":
        if measure:  # "6600余家", "1600多家", "十五路", "5000万吨", "150万（人）"
            return bool(
                re.search(
                    rf"{_NUM_CH}\s*(?:[余多来]?[万亿千百]?[余多]?个?)(?:{unit_forms(measure)})",
                    text,
                )
                or (measure not in _NO_BIG_COUNT and _BIG_COUNT.search(text))
            )
        # "多少"/"多长" without a measure word: any quantity, a share ("八成") or a span ("五年").
        return bool(_HAS_NUMBER.search(text) or _PERCENT.search(text) or _SPAN.search(text))
    if kind == "date":  # "几月几日" is answered by a day, not by a year alone
        if measure == CLOCK_UNIT:  # "几点": a time of day
            return bool(_CLOCK.search(text))
        if measure:
            return bool(_DAY.search(text))
        return bool(_HAS_DATE.search(text) or _FROM_EVENT.search(text))
    if kind == "org" and (_ORG.search(text) or _BY_ORG.search(text)):
        return True
    if kind == "place":  # "都市", "城市": the tagger's place tag on a common word names none
        return any(flag in _PLACE_POS and not common_noun(w) for w, flag in pos())
    if kind in ("person", "org"):
        want = {"person": _PERSON_POS, "org": _ORG_POS | _PLACE_POS}[kind]
        return any(flag in want for _, flag in pos())
    return False


# ---------------------------------------------------------------- lexical helpers
_QWORDS = re.compile(
    r"什么|哪些|哪个|哪一|哪里|哪儿|哪|多少|几|谁|如何|怎样|怎么|为什么|是否|何时|何地|吗|呢|请问|是|的"
)
_PUNCT = re.compile(r"[\W_]+")


def question_bigrams(question: str) -> set[str]:
    t = _PUNCT.sub(" ", _QWORDS.sub(" ", norm(question)))
    return {p[i : i + 2] for p in t.split() for i in range(len(p) - 1)}


# Characters too common to tell sentences apart ("是", "的", "在"…).
_FUNCTION_CHARS = frozenset("是的在了有于由被把和与及等之其为个一也而并或这那")


def question_core(question: str) -> str:
    """The question in matching form without question words and punctuation."""
    return _PUNCT.sub("", _QWORDS.sub(" ", norm(question)))


def outside_title(core: str, title_n: str) -> list[str]:
    """The pieces of ``core`` left once every run of two or more characters it shares with
    the title is cut out, longest run first."""
    pieces, out = [core], []
    while pieces:
        p = pieces.pop()
        best, at = 1, -1
        for i in range(len(p) - 1):
            k = best + 1
            while i + k <= len(p) and p[i : i + k] in title_n:
                best, at = k, i
                k += 1
        if at < 0:
            if p:
                out.append(p)
            continue
        pieces += [p[:at], p[at + best :]]
    return out


def content_chars(pieces: list[str], title_n: str) -> frozenset[str]:
    return frozenset(c for p in pieces for c in p if c not in title_n and c not in _FUNCTION_CHARS)


def longest_run(pieces: list[str], text_n: str) -> int:
    """Length of the longest substring of any piece that occurs in ``text_n``."""
    best = 0
    for p in pieces:
        for i in range(len(p) - best):
            k = best + 1
            while i + k <= len(p) and p[i : i + k] in text_n:
                best = k
                k += 1
    return best


def bigram_share(grams: set[str], text_n: str) -> float:
    return sum(g in text_n for g in grams) / len(grams) if grams else 0.0


def log_len(text: str) -> float:
    return math.log1p(len(text)) / 5.0
