"""What a question asks for: the kind of answer (an amount, a date, an organisation, a list…)
and the words of the asked attribute (its "slot": 罚款 in "罚款是多少", 建成通航 in "应在哪一年
建成通航", "deadline" in "what is the deadline"). The rest of its key words are its subject.

An answer must hold the slot of the subject: a sentence about the subject that gives another
figure, or a figure about another subject, does not answer. The answerer weighs both (its
features ``slot`` and ``fit_subject``, kb/answer/candidates.py)."""

from __future__ import annotations

import re
from pathlib import Path

from kb.core.text import asked_in_english, has_cjk

# Units always written with their figure ("5000万吨"); a count's measure word may be dropped
# ("150万（人）"). 担 is the weight older reports give harvests in ("棉花……多少万担").
PHYSICAL_UNITS = frozenset(
    "课时 学时 学分 公里 千米 公顷 平方公里 平方米 立方米 厘米 毫米 米 公斤 千克 克 吨 斤 亩 "
    "小时 分钟 千瓦时 千瓦 兆瓦 美元 元 担".split()
)
# Measure words and units a count or quantity question puts after 多少/几 ("多少家", "几路",
# "多少万吨", "多少厘米", "多少枚"); general Chinese (枚 to 幅 added on policy dev3: one near
# miss more refused, no answer changed on the other sets, CMRC train included). A unit with
# its magnitude is neither the slot nor the subject: "粮食总产量要达到多少万吨" asks for 总产量,
# in 吨.
UNITS = "|".join(sorted(PHYSICAL_UNITS | {"工作日"}, key=lambda u: (-len(u), u))) + (
    r"|[个名位家所项倍次种条座件台辆人岁届年天日月路批类级户处期班艘架只头匹张本册部篇份间栋层支队场轮笔宗起例株棵周枚套颗块根片对双门盏粒趟首幅]"
)
# Sums of money paid or charged, by their names' ends (奖励金, 抚恤金, 津贴, 保健费, 工资).
_MONEY = r"(?:[励助恤老证押约问偿资]金|津贴|补贴|奖金|工资|薪酬|[^率免]费(?!率|用))"
# ...named right after 多少, not after what is counted and what it does ("多少企业享受了补贴").
_ACTS = r"享受|获得|得到|领取|申请|发放|参加|可以|能够|了|有|是"
# A time of day asked ("每天几点到几点限行", "at what time"); not "几点意见" (points counted).
_CLOCK = (
    r"几点(?:钟)?(?!意见|建议|要求|做法|经验|体会|原因|内容|理由|考虑|措施|希望|看法|想法|问题|工作|任务)"
    r"|\bwhat time\b"
)
# "多大", "多长", "多远" ask how big, long or far (here and in kb.retrieve.split); "许多", "最大" not.
HOW_BIG = r"(?<![许很诸众较最更])多[大高长远重宽深]"
# English quantities asked in a unit ("in tonnes", "how many mu", "in trillions of yuan"): a
# number (ASKED), in the Chinese unit a figure of it is written in (kind_unit; general usage,
# its magnitude left to the text: "3.57万亿元" answers "in trillions of yuan").
_EN_UNIT = re.compile(
    r"\b(?:in|how many)\s+(?:(?:tens of |hundreds of )?(?:thousands|millions|billions|trillions)"
    r"\s+of\s+)?(yuan|rmb|tonnes|tons|kilomet(?:re|er)s|hectares|mu|square (?:metre|meter)s|"
    r"kilowatt-hours)\b",
    re.I,
)
# Question phrasings per kind of answer, most specific first (the first that matches wins).
# General Chinese and English interrogatives; nothing here names a topic ("在哪些情形下": not where).
ASKED: tuple[tuple[str, re.Pattern], ...] = (
    ("definition", re.compile(
        r"是指什么|指的是什么|(?:分别|各)指什么|是什么意思|什么是|含义|定义|如何界定|所称.{0,20}(?:是|指)|"
        r"\bwhat (?:does|do) .{1,40} mean\b|\bdefin(?:e|ed|ition)\b|\bwhat is meant by\b", re.I)),
    # a telephone number: any figure does not answer "拨打哪个电话" ("12345" does, "2019年" not)
    ("phone", re.compile(
        r"(?:电话|热线)(?:号码)?(?:是|为)?(?:多少|什么(?!时候|时间)|哪个)|(?:拨打|打)(?:哪个|什么)(?:电话|号码|热线)|"
        r"哪个[^，,。？?、]{0,6}?(?:电话|热线)(?:号码)?(?=[？?，,。]|$)|哪个(?:电话|热线)|\b(?:tele)?phone numbers?\b|\b(?:which|what) hotline\b|\bhotline numbers?\b",
        re.I)),
    ("amount", re.compile(
        r"多少钱|多少元|金额|费用(?:标准)?(?:是|为)?多少|罚款(?:是)?多少|多少(?:的)?罚款|补贴(?:标准)?(?:是)?多少|多少(?:万|亿)?元|"
        rf"多少(?!{UNITS}|个)(?:(?!{_ACTS})[^，,。？?]){{0,8}}?{_MONEY}|{_MONEY}(?:标准)?(?:是|为)?多少|"
        r"\bhow much\b.{0,60}?\b(?:money|funding|fines?|fees?|penalty|award|bonus|subsid(?:y|ies)|"
        r"compensation|cost|price|salary|pay|allowances?|pensions?|wages?)\b|\bamount\b|\bfine of\b|"
        r"\bwhat (?!kinds?\b|types?\b|sorts?\b)(?:[\w-]+ ){0,5}?(?:fines?|fees?|deficits?|allowances?|subsid(?:y|ies)|pensions?|"
        r"wages?|salar(?:y|ies)|revenues?|incomes?|prices?|costs?|budgets?|loss(?:es)?)\b",
        re.I)),
    ("percent", re.compile(
        r"百分之几|几成|百分比|比例|比重|占比|增长率|税率|费率|(?:多大|多少)的?(?:权重|份额)|(?:权重|份额)(?:是|为|有)?多[少大]|\bpercent(?:age)?\b|\bshare[s]?\b|\brate\b",
        re.I)),
    ("duration", re.compile(
        r"多长时间|多久|几天|(?<!月)几日|(?<!几)几年|多少天|多少日|几个月|多少个月|多少个工作日|几个工作日|"
        # "期限从什么时候起算", "期限到哪天为止": when it starts or ends, a day
        r"(?:期限|时限)(?![^，,。？?；;]{0,3}?(?:什么时候|何时|哪天|哪一天|哪日|几月)|之?前)|"
        # a period asked how long ("有效期是多长", "任期多长", "留了多长的缓冲期")
        r"(?:期|期限|时限|时长)(?:是|为|有)?多长|多长的[^，,。？?；;]{0,6}期|"
        r"\bhow long\b|\bhow (?:often|frequently)\b|\bwithin how many\b|\bhow many (?:days|months|years|working days)\b|"
        r"\bwhat (?:is|was|are|were) the (?:\w+ ){0,3}?(?:term|period|time limit)s?\b", re.I)),
    ("year", re.compile(
        r"哪一年|哪年|何年|几几年|\bwhat year\b|\bwhich year\b|\bin what year\b", re.I)),
    ("date", re.compile(
        r"什么时候|何时|哪一?天|几月|几号|什么时间|哪个时期|哪个月|日期|(?:期限|时限)之?前|"
        rf"{_CLOCK}|\bwhen\b|\bwhat date\b|\bwhich date\b",
        re.I)),
    ("number", re.compile(
        rf"多少|几[十百千万亿]*(?:{UNITS})|{HOW_BIG}(?![型学家量数多])|"  # not 许多大型, 科罗拉多大学
        r"\bhow (?:many|much|big|large|far|old|high)\b|\bwhat (?:[\w-]+ ){0,2}?(?:number|size|mileage)\b|"
        r"\bwhat (?:is|was|are|were) the\b.{0,60}?\b(?:score|total|value|output|volume|level|"
        rf"figure|count|population|size|length|area)s?\b|{_EN_UNIT.pattern}", re.I)),
    ("org", re.compile(
        r"哪[个家所些]?(?:部门|机构|单位|公司|组织|机关|主体)|由谁|谁(?:负责|主管|组织|审批|制定|发布)|"
        r"\bwhich (?:department|agency|authority|body|bodies|organi[sz]ation|office)\b|"
        r"\bwho is responsible\b|\bwho (?:issues|approves|organi[sz]es)\b", re.I)),
    ("person", re.compile(r"谁|哪位|哪个人|什么人|\bwho\b|\bwhom\b", re.I)),
    ("place", re.compile(
        r"哪里|哪儿|在哪(?!些?(?:情形|情况|方面|环节|领域|条件|阶段|时期))|何地|何处|什么地方|"
        r"哪[个座]?(?:城市|国家|省|地区|区县)|\bwhere\b|"
        r"\b(?:which|what) (?:city|cities|country|countries|province|region|county|district)s?\b",
        re.I)),
    ("yesno", re.compile(r"是否|能否|可否|可不可以|有没有|^(?:is|are|can|does|do|may|must) ", re.I)),
)  # fmt: skip
# 多少/几 before a unit, "个" kept with the units that take it ("几个工作日", "多少个月").
_HOW_MANY = r"(?:多少|几)(?:个(?=工作日|月))?"
MEASURE = re.compile(rf"{_HOW_MANY}([十百千万亿]*)({UNITS})")
# Chinese question words: the slot sits around them.
QWORD_ZH = re.compile(
    rf"[是为有]?{_HOW_MANY}(?:[十百千万亿]*(?:{UNITS}))?|百分之几|"
    r"哪一年|哪年|哪一?天|什么时候|何时|哪些|哪几[个项类种]?|哪[个家所位类种]|什么|谁|如何|怎样|怎么|哪里|多长时间|多久"
)
# The document a question asks by ("按劳动争议调解仲裁法最晚多长时间", "《……办法》规定多少"):
# its words are no slot ("仲裁法" is not what lasts how long).
ASKED_BY = "(?:按照?|根据|依照|依据)"
NAMED_DOC = re.compile(
    rf"《[^《》]*》|{ASKED_BY}[^，,。；;？?、《》]*"
    r"(?:法|条例|办法|规定|细则|意见|通知|方案|规划|纲要|决定|报告)"
)
_ANOTHER = re.compile(rf"{QWORD_ZH.pattern}|(?P<v>.)不(?P=v)|是否|能否|可否|有无")
_EN_WH = re.compile(
    r"\b(how many|how much|how long|how large|how big|how high|what|which|when|who|where)\b", re.I
)
# Words around a question word that say nothing of the slot: copulas, particles, measure-like
# fillers ("是", "的", "有", "规定", "要求"…).
SLOT_FILLER = frozenset(
    "是 的 了 有 为 在 应 应当 需要 要 可以 能 会 将 由 对 按 按照 根据 规定 要求 提出 明确 "
    "分别 一共 共 总共 大约 大概 具体 主要 其中 包括 哪些 以及 和 与 及 或 吗 呢 这 那 该 其 "
    "达到 以上 以下 左右 以内 "
    # pronouns ("要提前几天告诉大家"): whom a rule speaks to, never what is asked of it
    "大家 我们 你们 他们 我 你 他 她 自己 别人 人家".split()
)


def _word_lines(name: str) -> list[list[str]]:
    """The words of each line of a kb/data word list, its comments and blank lines left out."""
    return [
        line.split()
        for line in (Path(__file__).parents[1] / "data" / name)
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


# Words that name a quantity in general rather than what it is of (金额, 标准, 目标…).
MEASURE_NOUNS = frozenset(w for line in _word_lines("measure_nouns.txt") for w in line)
# Verbs of change: "能耗比上年降低多少" asks the change of 能耗.
_CHANGE = _word_lines("change_verbs.txt")
# ... of which those that move it (增加, 下降), not hold it at a level (控制在).
MOVE_VERBS = frozenset(_CHANGE[0])
CHANGE_VERBS = MOVE_VERBS | frozenset(_CHANGE[2])
# Words written between the quantity and its verb of change ("生产总值*实际*增长").
CHANGE_QUALIFIERS = frozenset(_CHANGE[1])
# Units written two ways for one measure (课时/学时).
_UNIT_GROUPS = _word_lines("unit_synonyms.txt")
# The individual classifiers a count asked with 个 may be written in.
_CLASSIFIERS = [w for line in _word_lines("classifiers.txt") for w in line]


def unit_forms(unit: str) -> str:
    """A pattern for ``unit`` as a text may write it: "课时|学时" for 课时; the general 个 as
    any individual classifier ("五人" for "几个代表")."""
    group = _CLASSIFIERS if unit == "个" else next((g for g in _UNIT_GROUPS if unit in g), [unit])
    return "|".join(map(re.escape, sorted(group, key=len, reverse=True)))


# How many words on each side of the question word may name the slot.
SLOT_SPAN = 2


# Question words as the segmenter returns them: they are neither subject nor slot.
QUESTION_TERM = re.compile(
    r"^(?:百分之几|几[个项家所位名条种倍天日年月次届类级]*|几\w|多少\w?|多久|多长\w{0,2}|多[大远高宽深]|哪\w{0,2}"
    r"|哪些\w{1,2}|哪年哪月|什么\w{0,2}|何时|谁|为何|怎么\w?|怎样|如何)$"
)


def measure_of(text: str, joined=frozenset()) -> str:
    """The unit a count or quantity question names, as written: "万吨" of "多少万吨", "家" of
    "多少家"; '' when none, or when the unit's character begins a word ("多少人口": 人口 is
    what is asked). ``joined``: ``joined_at``'s positions of ``text``."""
    m = MEASURE.search(text)
    if not m or (
        len(m.group(2)) == 1 and m.start(2) in joined and not _PART_OF_MONTH.match(text, m.start(2))
    ):
        return ""
    return m.group(1) + m.group(2)


def bare_unit(unit: str) -> str:
    """A unit without its magnitude ("吨" of "万吨", "千瓦时" of "亿千瓦时")."""
    m = re.fullmatch(rf"[十百千万亿]*?({UNITS})", unit)  # 千米, not 米
    return m.group(1) if m else unit.lstrip("十百千万亿")


# English spans asked in a unit ("within how many working days"), in the units Chinese
# questions name them in (measure_of's: "几个工作日", "多少天", "几年").
_EN_SPAN = re.compile(r"\bhow many (working days|days|weeks|months|years|hours)\b", re.I)
_EN_SPAN_UNITS = dict(zip(["working days", "days", "weeks", "months", "years", "hours"],
                          ["工作日", "天", "周", "月", "年", "小时"], strict=True))  # fmt: skip
CLOCK_UNIT = "点"  # of a time of day: a clock time answers ("7时至20时", "10:00")


_EN_UNITS = {"yuan": "元", "rmb": "元", "tonnes": "吨", "tons": "吨", "kilometres": "公里",
             "kilometers": "公里", "hectares": "公顷", "mu": "亩", "square metres": "平方米",
             "square meters": "平方米", "kilowatt-hours": "千瓦时"}  # fmt: skip


def kind_unit(kind: str, text: str) -> str:
    """The unit a question asks in besides the measure word after 多少/几 (measure_of): 次 for
    how often, an English span's unit ("how many working days": 工作日) or quantity's ("in
    tonnes": 吨), 点 for a time of day; '' when none."""
    m = _EN_SPAN.search(text) if kind == "duration" else None
    u = _EN_UNIT.search(text) if kind in ("number", "amount") else None
    clock = CLOCK_UNIT if kind == "date" and re.search(_CLOCK, text, re.I) else ""
    return (
        frequency_unit(kind, text)
        or (_EN_SPAN_UNITS[m.group(1).lower()] if m else "")
        or (_EN_UNITS[u.group(1).lower()] if u else clock)
    )


# "多久要演练一次": how often, answered by a span ("每两年") or a period alone ("每月").
HOW_OFTEN = re.compile(
    r"(?:多久|多长时间)[^，,。；;？?]{0,12}?一次|\bhow (?:often|frequently)\b", re.I
)
FREQUENCY_UNIT = "次"


def frequency_unit(kind: str, text: str) -> str:
    """The unit of a duration question that asks how often (FREQUENCY_UNIT), else ''."""
    return FREQUENCY_UNIT if kind == "duration" and HOW_OFTEN.search(text) else ""


# "几月底", "几月份": the month is asked, though 月底 is one word.
_PART_OF_MONTH = re.compile(r"月(?:底|末|份|初|中旬|上旬|下旬)")


def joined_at(text: str, pieces: list[str], freq) -> set[int]:
    """Where a character and the next are one word: the segmenter keeps them together
    (``pieces``: its reading of ``text``, in order) and its dictionary has the pair ("人口";
    not "条幼" of 条幼蛇, which the segmenter guesses, nor "人参" of "多少人参加", which it
    splits). ``freq``: a word's frequency in the dictionary (0: no word)."""
    out, start = set(), 0
    for w in pieces:
        out.update(i for i in range(start, start + len(w) - 1) if freq(text[i : i + 2]) > 0)
        start += len(w)
    return out


# Tags that end the noun phrase a count counts: verbs (not verbal nouns, "减灾"), prepositions,
# particles, conjunctions, pronouns, locatives ("以上"), numerals; its words are nouns.
_NP_END = ("v", "p", "u", "c", "r", "f", "m", "q")
NOUN_TAGS = ("n", "vn", "j")


def counted(text: str, tagged: list[tuple[str, str]]) -> list[str]:
    """What a count question counts ("新增多少个*全国综合减灾示范县*"): the noun phrase right
    after "多少个/几名", up to a verb or punctuation; its last two nouns, the head and the word
    before it (示范县, not 全国), as a Chinese noun phrase ends in its head. ``tagged``: the
    tagger's reading of ``text``. [] for a physical unit ("多少厘米") or when the measure word
    ends inside a word ("个众")."""
    m = MEASURE.search(text)
    if not m or m.group(2) in PHYSICAL_UNITS:
        return []
    at, phrase = 0, []
    for w, flag in tagged:
        if at >= m.end():
            if (flag.startswith(_NP_END) and flag != "vn") or (flag == "x" and w not in '“”"「」'):
                break
            if flag.startswith(NOUN_TAGS) and len(w) >= 2:
                phrase.append(w)
        elif at + len(w) > m.end():
            return []
        at += len(w)
    return phrase[-2:]


def nouns_of(text: str, pos) -> set[str]:
    """The nouns of a question (lower case, two characters or more), as the tagger ``pos``
    reads it; and a term the corpus coined, which the segmenter knows untagged ("x"), when it is
    counted after the question word ("多少种“三新食品”"): before it, such a term names whose
    figure is asked ("江南科创走廊总规划面积约多少")."""
    nouns = {
        w.lower() for w, flag in pos(text) if flag.startswith(("n", "eng", "b")) and len(w) >= 2
    }
    m = QWORD_ZH.search(text)
    if m:
        tail = pos(text[m.end() :])
        nouns |= {w.lower() for w, flag in tail if flag == "x" and len(w) >= 2 and has_cjk(w)}
    return nouns


def is_measure(word: str) -> bool:
    """A measure noun, or one written with a qualifier or verb of change before it (计划指标,
    预期目标, 增长目标), not one with the thing measured (贸易总额)."""
    head, tail = word[:-2], word[-2:]
    return word in MEASURE_NOUNS or (
        tail in MEASURE_NOUNS and (head in CHANGE_QUALIFIERS or head in CHANGE_VERBS)
    )


# An English question asks with its first wh-word; a later one (or "that") opens a relative
# clause: "what fine applies to an operator *that* forces visitors … *when* it has made no
# illegal income" asks for a fine, not a date.
_EN_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|when|where)\b", re.I)
# …unless it asks a second question: "…, and to which body was it addressed?"
_EN_AND = re.compile(r"\b(?:and|or)\s+(?:\w+\s+)?$", re.I)


def _main_clause(text: str) -> str:
    """An English question from its first wh-word's clause ("…, within how many") to the
    relative clause after it; the whole text when it has no wh-word ("Is …")."""
    m = _EN_WH.search(text)
    if not m:
        return text
    start = max(text.rfind(p, 0, m.start()) for p in ",;") + 1
    end = len(text)
    for r in _EN_RELATIVE.finditer(text, m.end()):
        if not _EN_AND.search(text, 0, r.start()):
            end = r.start()
            break
    return text[start:end]


def asked_kind(text: str) -> str:
    text = _main_clause(text) if asked_in_english(text) else text
    for kind, pat in ASKED:
        if pat.search(text):
            return kind
    return ""


def slot_words(
    text: str, words_of, quantity: bool = False, joined=frozenset(), known=None, listed=False
) -> list[str]:
    """What is asked of the subject: the content words after the question word, within its
    clause ("哪一年*建成通航*", "哪个*部门负责*"), else the word before it ("*面额*是多少").
    ``words_of`` segments Chinese text into words; ``quantity``: a figure is asked; ``joined``:
    measure_of's; ``known``: whether the dictionary has a word (the segmenter's guesses at
    words it lacks, "内得" of "多长时间内得提出来", name no slot); ``listed``: a list is asked
    ("哪几个要扎实推动的区域重大战略" lists the 战略; what is said of them is the slot)."""
    m = QWORD_ZH.search(text)
    if not m:
        return []
    end = m.end()
    if m.group(0)[-1] not in "少几" and end - 1 in joined:
        end -= 1  # "有多少人口": the question word is 有多少, 人口 what is asked
    clause_start = max(text.rfind(p, 0, m.start()) for p in "，,。；;？?") + 1
    ends = [text.find(p, end) for p in "，,。；;？?"]
    clause_end = min([e for e in ends if e >= 0] or [len(text)])
    # "多少年、超出的部分算不算数": a "、" before another question ends this one's clause;
    # "多少工业产值、钢和财政收入" lists what is asked.
    comma = text.find("、", end, clause_end)
    if comma >= 0 and _ANOTHER.search(text, comma, clause_end):
        clause_end = comma
    head = NAMED_DOC.sub(" ", text[clause_start : m.start()])
    before = [w for w in words_of(head) if _content(w, known)]
    asked = text[end:clause_end]
    after = [w for w in words_of(asked) if _content(w, known)]
    # "几家一出疫情就能转成定点医院的医疗机构": a figure counts the noun its clause ends in
    if quantity and not listed and "的" in asked:
        after = [w for w in words_of(asked.rpartition("的")[2]) if _content(w, known)] or after
    # "要等多少个工作日才能领卡": "only then" before a verb, not 才能 (talent, "有什么才能")
    tail = asked.rstrip("？?。！! ")
    after = [w for w in after if w not in _ONLY_THEN or tail.endswith(w)]
    # A figure's general attribute ("增长目标", "最高额度") is asked of the words before it:
    # they are the quantity ("进出口贸易总额增长目标是多少").
    span = SLOT_SPAN + 1 if quantity and before and is_measure(before[-1]) else 1
    return list(dict.fromkeys(after[:SLOT_SPAN] or before[-span:]))


_ONLY_THEN = frozenset("才能 才可以 才可 方可".split())
_PER = re.compile(r"(?:每[\u4e00-\u9fff])+")


def _content(w: str, known=None) -> bool:
    return (
        len(w) >= 2
        and w not in SLOT_FILLER
        and not _PER.fullmatch(w)  # "每人每月多少元": what the figure is per, not what it is of
        and not w.isdigit()
        and (known is None or not has_cjk(w) or known(w))
    )


def english_slot(text: str, content_words) -> list[str]:
    """English: the content words right after the wh-word ("how many *urban jobs*", "what is
    the *deadline*"); a phrase of the glossary is asked when a word of it is ("how large … is
    the *fiscal deficit*")."""
    m = _EN_WH.search(text)
    if not m:
        return []
    # the unit it is asked in ("in trillions of yuan") is no part of what is asked
    tail = content_words(_EN_UNIT.sub(" ", text[m.end() :]))
    return tail[:EN_SLOT_SPAN]


EN_SLOT_SPAN = 3  # "how many *new urban jobs*": English puts adjectives before the noun
