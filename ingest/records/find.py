"""Which sentences state a record, and what: instruments named in 《》 with the act done to
them, agreements described without a title, and events (founding, launching, holding) with
their name and the parties before the verb. Regular expressions over the sentence, and jieba
POS to tell a party (place, organisation) from the rest of a clause."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.records.dates import strip_date
from kb.core.places import places
from kb.core.strategy import STRATEGY_SUBJECTS, STRATEGY_VERBS
from kb.core.text import TITLE_RE

# ---------------------------------------------------------------- lengths
# Lengths in characters. They were set by judgement when the extraction was written
# (b96f397), reading the YRD corpus's sentences; tests/test_records.py holds the cases they
# must keep. No eval run tuned them.
# A short title is an abbreviation of a full one named earlier (《纲要》, 《规划》).
SHORT_TITLE_MAX = 4
# A party is a name: 2 characters (上海) to 25 (a district's park or a long body's full name).
PARTY_MIN, PARTY_MAX = 2, 25
# A piece that holds a group (a group name of kb/data/places.yaml) is kept whole up to this length,
# beyond it only the group is the party.
GROUP_PARTY_MAX = 10
# "地处/位于……的": the location phrase dropped before a party.
LOCATION_MAX = 12
# Characters of context on each side when jieba re-cuts a trigger's neighbourhood.
WORD_WINDOW = 8
# A verb after a title acts on it only close behind it ("《…》正式印发": within 6 characters,
# looked for in the next 14).
VERB_AFTER_MAX, VERB_AFTER_WINDOW = 6, 14
# A title ending this close before 签署 is what is signed ("《协议》的签署").
TITLE_BEFORE_SIGN = 3
# A described agreement's name ("……合作备忘录" with what it is about): longer is a clause.
AGREEMENT_NAME_MAX = 40
# An event's name: at least 3 characters (shorter is a bare word: "建设"), at most 80 (the
# rest of a run-on sentence is cut); a quoted name ("“……联盟”") 3 to 40.
EVENT_NAME_MIN, EVENT_NAME_MAX = 3, 80
QUOTED_NAME_MIN, QUOTED_NAME_MAX = 3, 40
# "在……上/中" closing a name: the place phrase dropped (up to 12), and "……平台/载体" opening
# one (up to 8 characters before the noun, at least 3 left after it).
LOCATIVE_MAX, LEAD_NOUN_MAX = 12, 8

# ---------------------------------------------------------------- vocabularies
_KIND_SUFFIX: list[tuple[str, tuple[str, ...]]] = [
    ("agreement", ("框架协议", "协议书", "协议", "备忘录", "合作项目", "合同", "宣言", "公约")),
    ("plan", ("规划纲要", "纲要", "规划", "行动计划", "计划", "实施方案", "方案", "细则", "路线图")),
    ("measure", ("措施", "指导意见", "意见", "办法", "政策", "条例", "决定", "通知")),
]  # fmt: skip
_SIGN = ("共同签署", "正式签署", "签署", "签订", "签约", "缔结")
# Acts that create an instrument (its date is the instrument's date); anything else that
# mentions a title ("落实", "在《…》中") is a reference and dates nothing.
_CREATE = (
    "审议通过", "正式印发", "联合发布", "研究发布", "联合编制", "联合制定", "发布", "印发",
    "颁布", "出台", "制定", "编制", "起草", "拟定", "批复", "通过", "推出", "公布", "启动",
) + _SIGN  # fmt: skip
_REFER = ("贯彻落实", "落实", "依据", "根据", "按照", "实施")
_AGREEMENT_NOUN = re.compile(r"(战略合作协议|合作协议|框架协议|协议书|协议|备忘录)")
# Events: founding, launching, holding. 建立/设立 count only with an institution.
_EVENT = re.compile(
    r"签署成立|成立并加入|正式成立|成立|设立|建立|正式开通|开通|揭牌|正式上线|上线|正式启动|启动|"
    r"举办|举行|召开|拉开帷幕|开幕|投运|开园|合作共建|正式加入|加入|"
    + "|".join(map(re.escape, STRATEGY_VERBS))  # kb/data/strategy_events.yaml
)
_INSTITUTION = re.compile(
    r"联盟|制度|机制|中心|平台|基金|园区|园|办公室|共同体|联席会议|示范区|走廊|博览会|成果展|展会|"
    r"大会|会议|论坛|活动周|拍卖会|基地|研究院|分院|集群|体系|国家战略|区域合作|项目|港|工作站"
)
# Verbs that make an event only when dated or when they found a lasting institution.
WEAK_EVENT = {
    "建立", "设立", "启动", "正式启动", "加入", "正式加入", "举办", "举行", "召开", "拉开帷幕",
    "开幕", "合作共建",
}  # fmt: skip
LASTING = re.compile(r"联盟|中心|基金|共同体|平台|联席会议|办公室|分园|分区")
_MODAL = re.compile(r"正在|将要|将|拟|计划|申请|谋划|筹备|力争|有望|准备|探索|推动|争取")
_BARE = {"建设", "运行", "实施", "工作", "运营"}
# A sentence without a date of its own takes the paragraph's last date only when it says so.
CARRY = re.compile(r"^(同时|与此同时|开幕式上|会上|其间|期间|随后|此后|其后|次日|当天|当日)")
_GENERIC_AGREEMENTS = {"战略合作协议", "合作协议", "协议", "框架协议", "协议书", "备忘录"}

_PLACES = places()  # kb/data/places.yaml: provinces, cities, counties, groups (三省一市)
# Provinces' one-character short names listed with 、 (沪、苏) name one party together
_SHORT_LIST = re.compile(rf"(?<=[{_PLACES.short_chars}])、(?=[{_PLACES.short_chars}])")
_ORG_END = re.compile(
    r"(政府|园区|园|中心|部|厅|局|委|委员会|银行|大学|学院|研究院|研究所|开发区|经开区|集团|联盟|"
    r"公司|协会|行|办公室|城市|科技部门|省|市|区|县|镇)$"
)
_ADVERBS = re.compile(
    r"(在全国率先|率先|正式|共同|联合|先后|便|又|还|已经|已|开始|着手|分别|也|均|"
    r"一致同意|同意|积极|主动|研究|合作共建|共建|合作|牵头)+$"
)
_LOCATION = re.compile(rf"^(地处|位于)[^的]{{1,{LOCATION_MAX}}}的")
_TRAILING_PLACE = re.compile(rf"(在[^在，,]{{1,{LOCATIVE_MAX}}})?(上|中|并|而|被)?$")
_LEAD_NOUN = re.compile(
    rf"^.{{0,{LEAD_NOUN_MAX}}}(平台|载体|举措|之一)(?=[A-Za-z0-9\u4e00-\u9fff]{{{EVENT_NAME_MIN},}}$)"
)
_QUOTED_NAME = re.compile(rf"“([^”]{{{QUOTED_NAME_MIN},{QUOTED_NAME_MAX}}})”")
_LEAD = re.compile(
    r"^(而且|而|并且|并|与此同时|同时|此外|另外|其中|早在|由|经|在|是|于|推进|推动|实现|促进|支持)+"
)

_CLAUSE_BREAK = re.compile(r"[,，;；:：。！？!?]")


def _mask_titles(text: str) -> str:
    """Same-length copy with 《》 titles blanked: no punctuation or verb inside a title counts."""
    return TITLE_RE.sub(lambda m: "＿" * len(m.group(0)), text)


def _clause(masked: str, pos: int) -> tuple[int, int]:
    """The clause (between commas/semicolons) around ``pos`` in a ``_mask_titles`` text, so
    that titles are never split."""
    s = max((m.end() for m in _CLAUSE_BREAK.finditer(masked, 0, pos)), default=0)
    nxt = _CLAUSE_BREAK.search(masked, pos)
    return s, (nxt.start() if nxt else len(masked))


def parties(subject: str, tok) -> list[str]:
    """Parties named in the text before the verb: groups (三省一市, 九城市), and the places and
    organisations of an "A与B、C" list."""
    subject = strip_date(TITLE_RE.sub("", subject))
    subject = _SHORT_LIST.sub("", subject)
    out: list[str] = []
    for piece in re.split(r"与|和|及|以及|会同|、|由|联合|携手|,|，", subject):
        piece = _LEAD.sub("", _ADVERBS.sub("", piece.strip(' “”"')))
        piece = _LOCATION.sub("", piece)
        if not PARTY_MIN <= len(piece) <= PARTY_MAX:
            continue
        group = _PLACES.group_in(piece)
        if group:
            out.append(piece if len(piece) <= GROUP_PARTY_MAX else group)
        elif _ORG_END.search(piece) or _PLACES.is_place(piece) or (tok and _is_named(piece, tok)):
            out.append(piece)
    return list(dict.fromkeys(out))


def _is_word(sentence: str, m: re.Match, tok) -> bool:
    """The trigger is a word of the sentence as jieba cuts it, not a chance sequence of
    characters ("线上线下" holds "上线")."""
    if tok is None:
        return True
    # the trigger's own word: the last two characters of a short one (正式开通 -> 开通),
    # the first two of a long one (上升为国家战略 -> 上升)
    core = m.group(0)[-2:] if len(m.group(0)) <= 4 else m.group(0)[:2]
    s = max(0, m.start() - WORD_WINDOW)
    pos, words = s, set()
    for w in tok.cut(sentence[s : m.end() + WORD_WINDOW]):
        if pos <= m.start() + len(m.group(0)) and pos + len(w) >= m.start():
            words.add(w)
        pos += len(w)
    return any(core in w for w in words)


def _is_named(piece: str, tok) -> bool:
    tags = tok.pos(piece)
    return (
        bool(tags)
        and all(flag.startswith(("n", "j")) or flag in ("x", "eng", "m") for _, flag in tags)
        and any(flag in ("ns", "nt", "nz", "j") for _, flag in tags)
    )


# ---------------------------------------------------------------- extraction
def title_kind(title: str) -> str | None:
    t = re.sub(r"[(（][^()（）]*[)）]$", "", title.strip())  # "(2018-2020年)" edition suffix
    for kind, suffixes in _KIND_SUFFIX:
        if t.endswith(suffixes):
            return kind
    return None


def _verb_near(
    text: str, masked: str, start: int, end: int, verbs: tuple[str, ...]
) -> tuple[str, int]:
    """The verb of ``verbs`` closest before ``start`` in its clause (or right after ``end``)."""
    cs, ce = _clause(masked, start)
    before = text[cs:start]
    best, pos = "", -1
    for v in verbs:
        i = before.rfind(v)
        if i >= 0 and cs + i > pos:
            best, pos = v, cs + i
    if best:
        return best, pos
    after = text[end : ce if ce > end else end + VERB_AFTER_WINDOW][:VERB_AFTER_WINDOW]
    for v in verbs:
        i = after.find(v)
        if 0 <= i <= VERB_AFTER_MAX:
            return v, end + i
    return "", -1


@dataclass
class Found:
    kind: str
    title: str
    name: str
    action: str
    at: int  # position of the act in the sentence (dates before it apply)
    subject: str


def find(sentence: str, doc_titles: dict[str, str], tok) -> list[Found]:
    """The records a sentence states: titled instruments, then described agreements, then
    events."""
    masked = _mask_titles(sentence)
    return (
        _instruments(sentence, masked, doc_titles)
        + _agreements(sentence, masked)
        + _events(sentence, masked, tok)
    )


def _instruments(sentence: str, masked: str, doc_titles: dict[str, str]) -> list[Found]:
    """Instruments named in 《》, with the act done to them (none when only referred to)."""
    out: list[Found] = []
    for m in TITLE_RE.finditer(sentence):
        title = m.group(1).strip()
        if len(title) <= SHORT_TITLE_MAX:
            title = doc_titles.get(title, "")  # 《纲要》 -> the full title named earlier
            if not title:
                continue
        kind = title_kind(title)
        if not kind:
            continue  # reports, journals, books
        verb, at = _verb_near(sentence, masked, m.start(), m.end(), _CREATE + _REFER)
        action = verb if verb in _CREATE else ""
        if action and at < m.start() and _MODAL.search(masked[_clause(masked, at)[0] : at]):
            action = ""  # "将出台《…》": announced, not done
        cs, _ = _clause(masked, m.start())
        subj_end = at if action and cs <= at < m.start() else m.start()
        out.append(
            Found(kind, title, title, action, at if action else m.start(), sentence[cs:subj_end])
        )
    return out


def _agreements(sentence: str, masked: str) -> list[Found]:
    """Agreements described, not named: "与……签订……协议", "签约共建……"."""
    out: list[Found] = []
    for m in re.finditer("|".join(_SIGN), masked):
        cs, ce = _clause(masked, m.start())
        obj = masked[m.end() : ce]
        if "＿" in obj or "＿" in masked[cs : m.start()][-TITLE_BEFORE_SIGN:]:
            continue  # signs a titled instrument: found above
        if sentence[m.start() : m.end() + 2].startswith("签署成立"):
            continue  # an organisation founded by signature: an event
        if _MODAL.search(masked[cs : m.start()]):
            continue  # "将签订": not signed yet
        noun = _AGREEMENT_NOUN.search(obj)
        joint = re.match(r"了?(共建|合作共建|合作)", obj)
        if not noun and not (m.group(0) == "签约" and joint):
            continue
        name = sentence[cs:ce].strip()
        name = _LEAD.sub("", strip_date(name))
        if noun and obj[: noun.end()].strip("了的") not in _GENERIC_AGREEMENTS:
            cand = obj[: noun.end()].lstrip("了")
            if cand and not cand.startswith(("共建", "的")) and len(cand) <= AGREEMENT_NAME_MAX:
                name = cand  # "<subject>合作备忘录": the agreement's own name
        out.append(Found("agreement", "", name, m.group(0), m.start(), sentence[cs : m.start()]))
    return out


def _events(sentence: str, masked: str, tok) -> list[Found]:
    """Events: founding, launching, holding; one per clause, its main verb."""
    clauses: dict[int, list[re.Match]] = {}
    for m in _EVENT.finditer(masked.replace("线上线下", "＿＿＿＿")):
        if masked[m.start() - 1 : m.start()] == "的" or not _is_word(sentence, m, tok):
            continue  # "……的设立" is a noun; "线上线下" holds no "上线"
        clauses.setdefault(_clause(masked, m.start())[0], []).append(m)
    out: list[Found] = []
    for cs, ms in clauses.items():
        main = [m for m in ms if masked[m.end() : m.end() + 1] != "的"] or ms
        found = _event(sentence, masked, cs, main[-1])
        if found is not None:
            out.append(found)
    return out


def _event(sentence: str, masked: str, cs: int, m: re.Match) -> Found | None:
    """The event of the clause starting at ``cs`` whose main verb is ``m``, if it is one."""
    verb = m.group(0)
    _, ce = _clause(masked, m.start())
    clause = sentence[cs:ce]
    if "＿" in masked[m.end() : ce]:
        return None  # "启动《规划》", "签署《协议》": the instrument is the record
    if _MODAL.search(masked[cs : m.start()]):
        return None  # planned or applied for, not done
    after = sentence[m.end() : ce].lstrip("了")
    if after.startswith(("仪式", "以来", "后", "之后")):
        return None  # "成立仪式", "自……成立以来": a reference
    subject = sentence[cs : m.start()]
    if after.startswith("的"):
        name = after[1:]  # "正式开通的<平台>": the thing launched
    elif len(after) >= EVENT_NAME_MIN and after not in _BARE:
        name = after
    else:
        name = _ADVERBS.sub("", subject.rsplit("的", 1)[-1] if "的" in subject else subject)
        subject = subject.rsplit("的", 1)[0] if "的" in subject else ""
    name = _LEAD.sub("", strip_date(name.strip()))
    name = _TRAILING_PLACE.sub("", name).strip()
    name = _LEAD_NOUN.sub("", name)
    if name.startswith("“") and name.endswith("”"):
        name = name[1:-1]
    if verb in WEAK_EVENT and not _INSTITUTION.search(name):
        return None  # "建立……人才库": an activity, not an event
    quoted = _QUOTED_NAME.findall(clause)
    if quoted and _INSTITUTION.search(quoted[-1]):
        name = quoted[-1]
    if verb in STRATEGY_VERBS:
        # one event however a text words its subject (kb/data/strategy_events.yaml)
        subject_name = next(
            (s for s, words in STRATEGY_SUBJECTS.items() if any(w in clause for w in words)), None
        )
        if subject_name:
            name = subject_name + STRATEGY_VERBS[verb]
    if len(name) < EVENT_NAME_MIN:
        return None
    return Found("event", "", name[:EVENT_NAME_MAX], verb, m.start(), subject)
