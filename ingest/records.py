"""Rule-based record extraction: agreements, plans, measures and dated events, found in a
document's chunks (sentences and timeline-table rows) with their dates, parties and the exact
sentence that says so.

Works offline on Chinese text: regular expressions over sentences, and jieba POS to tell a
party (place, organisation) from the rest of a clause. Dates are resolved against the
document's own context: "今年3月" in a 2019 article is 2019-03, "当年/同年" is the year the
paragraph last named, a table row's time cell dates the event cells after it. Years inside
《》 titles and ranges such as "2018-2020年" are never taken as the date of an act.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.core import tables
from kb.core.places import places
from kb.core.text import TITLE_RE, find_loose, split_sentences
from kb.store.catalog import ChunkRecord, DocumentRecord
from kb.store.records import Mention

if TYPE_CHECKING:
    from kb.store.store import Store

# Bump when extraction changes: stored documents are then re-extracted from the catalog.
# 2: a 公文's 印发, 施行 and 失效 dates; 3: parties from the place table (kb/data/places.yaml)
RECORDS_VERSION = "3"

# ---------------------------------------------------------------- lengths
# Lengths in characters. They were set by judgement when the extraction was written
# (b96f397), reading the YRD corpus's sentences; tests/test_records.py holds the cases they
# must keep. No eval run tuned them.
# A short title is an abbreviation of a full one named earlier (《纲要》, 《规划》).
SHORT_TITLE_MAX = 4
# A party is a name: 2 characters (上海) to 25 (上海市闵行区中环科技园 and longer bodies).
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
# A described agreement's name ("长三角一体化示范区信用合作备忘录"): longer is a clause.
AGREEMENT_NAME_MAX = 40
# An event's name: at least 3 characters (shorter is a bare word: "建设"), at most 80 (the
# rest of a run-on sentence is cut); a quoted name ("“长三角科技发展战略研究联盟”") 3 to 40.
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
    r"举办|举行|召开|拉开帷幕|开幕|投运|开园|合作共建|正式加入|加入|上升为国家战略|提升到国家战略"
)
_INSTITUTION = re.compile(
    r"联盟|制度|机制|中心|平台|基金|园区|园|办公室|共同体|联席会议|示范区|走廊|博览会|成果展|展会|"
    r"大会|会议|论坛|活动周|拍卖会|基地|研究院|分院|集群|体系|国家战略|区域合作|项目|港|工作站"
)
# Verbs that make an event only when dated or when they found a lasting institution.
_WEAK_EVENT = {
    "建立", "设立", "启动", "正式启动", "加入", "正式加入", "举办", "举行", "召开", "拉开帷幕",
    "开幕", "合作共建",
}  # fmt: skip
_LASTING = re.compile(r"联盟|中心|基金|共同体|平台|联席会议|办公室|分园|分区")
_MODAL = re.compile(r"正在|将要|将|拟|计划|申请|谋划|筹备|力争|有望|准备|探索|推动|争取")
_BARE = {"建设", "运行", "实施", "工作", "运营"}
# A sentence without a date of its own takes the paragraph's last date only when it says so.
_CARRY = re.compile(r"^(同时|与此同时|开幕式上|会上|其间|期间|随后|此后|其后|次日|当天|当日)")
_GENERIC_AGREEMENTS = {"战略合作协议", "合作协议", "协议", "框架协议", "协议书", "备忘录"}

_PLACES = places()  # kb/data/places.yaml: provinces, cities, counties, groups (三省一市)
# 沪、苏、浙三省一市: the provinces' short names listed with 、 are one party
_SHORT_LIST = re.compile(rf"(?<=[{_PLACES.short_chars}])、(?=[{_PLACES.short_chars}])")
_ORG_END = re.compile(
    r"(政府|园区|园|中心|部|厅|局|委|委员会|银行|大学|学院|研究院|研究所|开发区|经开区|集团|联盟|"
    r"公司|协会|行|办公室|城市|科技部门|省|市|区|县|镇)$"
)
_ADVERBS = re.compile(
    r"(便在全国率先|在全国率先|率先|正式|共同|联合|先后|便|又|还|已经|已|开始|着手|分别|也|均|"
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

# ---------------------------------------------------------------- dates
_RANGE = re.compile(
    r"(?:19|20)\d{2}\s*(?:年\s*)?[-–—~～至到]\s*(?:(?:19|20)\d{2}|\d{2})\s*年?(?:度)?"
)
_NOT_A_DATE = re.compile(
    r"(?:到|至|截至|截止|力争到|预计到|计划到|目标到)\s*(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|末)?"
    r"|自\s*(?:19|20)\d{2}\s*年(?:起)?"
    r"|(?:19|20)\d{2}\s*年(?:以来|起|前后|之前|以前|底前|之后|以后)"
)
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
    r"|(?P<rel>今年|去年|前年|明年)(?:\s*(?P<rm>\d{1,2})\s*月(?:\s*(?P<rd>\d{1,2})\s*[日号])?)?"
    r"|(?P<ctx>当年|同年|次年|翌年)"
    r"|(?<![\d年])(?P<bm>\d{1,2})\s*月\s*(?P<bd>\d{1,2})\s*[日号]"
)
_REL_OFFSET = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


@dataclass
class _When:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    source: str = ""  # explicit | relative | context | table

    def text(self) -> str | None:
        if not self.year:
            return None
        out = f"{self.year:04d}"
        if self.month and 1 <= self.month <= 12:
            out += f"-{self.month:02d}"
            if self.day and 1 <= self.day <= 31:
                out += f"-{self.day:02d}"
        return out


@dataclass
class _Context:
    """Date context of the paragraph being read (reset at each new paragraph)."""

    doc_year: int | None
    last: _When = field(default_factory=_When)


def _mask(text: str) -> str:
    """Same-length copy of ``text`` with titles, year ranges and non-dates blanked, so that
    date patterns only see dates of acts."""
    out = list(text)
    for rx in (TITLE_RE, _RANGE, _NOT_A_DATE):
        for m in rx.finditer("".join(out)):
            for i in range(m.start(), m.end()):
                out[i] = "＿"
    return "".join(out)


def _dates(masked: str, ctx: _Context) -> list[tuple[int, _When]]:
    """(position, date) for each date expression, resolved left to right; updates ctx."""
    found: list[tuple[int, _When]] = []
    for m in _DATE.finditer(masked):
        if m.group("y"):
            w = _When(
                int(m.group("y")),
                int(m.group("m")) if m.group("m") else None,
                int(m.group("d")) if m.group("d") else None,
                "explicit",
            )
        elif m.group("rel"):
            if not ctx.doc_year:
                continue  # "今年" in an undated document says nothing
            w = _When(
                ctx.doc_year + _REL_OFFSET[m.group("rel")],
                int(m.group("rm")) if m.group("rm") else None,
                int(m.group("rd")) if m.group("rd") else None,
                "relative",
            )
        elif m.group("ctx"):
            if not ctx.last.year:
                continue
            step = 1 if m.group("ctx") in ("次年", "翌年") else 0
            w = _When(ctx.last.year + step, source="context")
        else:
            year = ctx.last.year or ctx.doc_year
            if not year:
                continue
            w = _When(year, int(m.group("bm")), int(m.group("bd")), "context")
        found.append((m.start(), w))
        ctx.last = w
    return found


# ---------------------------------------------------------------- clauses and parties
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


def _strip_date(text: str) -> str:
    t = _DATE.sub("", _NOT_A_DATE.sub("", text))
    return t.strip(" ,，、:：")


def _parties(subject: str, tok) -> list[str]:
    """Parties named in the text before the verb: groups (三省一市, 九城市), and the places and
    organisations of an "A与B、C" list."""
    subject = _strip_date(TITLE_RE.sub("", subject))
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
class _Found:
    kind: str
    title: str
    name: str
    action: str
    at: int  # position of the act in the sentence (dates before it apply)
    subject: str


def _find(sentence: str, doc_titles: dict[str, str], tok) -> list[_Found]:
    masked_titles = _mask_titles(sentence)
    out: list[_Found] = []
    # 1. instruments named in 《》
    for m in TITLE_RE.finditer(sentence):
        title = m.group(1).strip()
        if len(title) <= SHORT_TITLE_MAX:
            title = doc_titles.get(title, "")  # 《纲要》 -> the full title named earlier
            if not title:
                continue
        kind = title_kind(title)
        if not kind:
            continue  # reports, journals, books
        verb, at = _verb_near(sentence, masked_titles, m.start(), m.end(), _CREATE + _REFER)
        action = verb if verb in _CREATE else ""
        if (
            action
            and at < m.start()
            and _MODAL.search(masked_titles[_clause(masked_titles, at)[0] : at])
        ):
            action = ""  # "将出台《…》": announced, not done
        cs, _ = _clause(masked_titles, m.start())
        subj_end = at if action and cs <= at < m.start() else m.start()
        out.append(
            _Found(kind, title, title, action, at if action else m.start(), sentence[cs:subj_end])
        )
    # 2. agreements described, not named: "与……签订战略合作协议", "签约共建……"
    for m in re.finditer("|".join(_SIGN), masked_titles):
        cs, ce = _clause(masked_titles, m.start())
        obj = masked_titles[m.end() : ce]
        if "＿" in obj or "＿" in masked_titles[cs : m.start()][-TITLE_BEFORE_SIGN:]:
            continue  # signs a titled instrument: found above
        if sentence[m.start() : m.end() + 2].startswith("签署成立"):
            continue  # an organisation founded by signature: an event
        if _MODAL.search(masked_titles[cs : m.start()]):
            continue  # "将签订": not signed yet
        noun = _AGREEMENT_NOUN.search(obj)
        joint = re.match(r"了?(共建|合作共建|合作)", obj)
        if not noun and not (m.group(0) == "签约" and joint):
            continue
        name = sentence[cs:ce].strip()
        name = _LEAD.sub("", _strip_date(name))
        if noun and obj[: noun.end()].strip("了的") not in _GENERIC_AGREEMENTS:
            cand = obj[: noun.end()].lstrip("了")
            if cand and not cand.startswith(("共建", "的")) and len(cand) <= AGREEMENT_NAME_MAX:
                name = cand  # "长三角一体化示范区信用合作备忘录"
        out.append(_Found("agreement", "", name, m.group(0), m.start(), sentence[cs : m.start()]))
    # 3. events: founding, launching, holding; one per clause, its main verb
    clauses: dict[int, list[re.Match]] = {}
    for m in _EVENT.finditer(masked_titles.replace("线上线下", "＿＿＿＿")):
        if masked_titles[m.start() - 1 : m.start()] == "的" or not _is_word(sentence, m, tok):
            continue  # "……的设立" is a noun; "线上线下" holds no "上线"
        clauses.setdefault(_clause(masked_titles, m.start())[0], []).append(m)
    for cs, ms in clauses.items():
        main = [m for m in ms if masked_titles[m.end() : m.end() + 1] != "的"] or ms
        m = main[-1]
        verb = m.group(0)
        _, ce = _clause(masked_titles, m.start())
        clause = sentence[cs:ce]
        if "＿" in masked_titles[m.end() : ce]:
            continue  # "启动《规划》", "签署《协议》": the instrument is the record
        if _MODAL.search(masked_titles[cs : m.start()]):
            continue  # planned or applied for, not done
        after = sentence[m.end() : ce].lstrip("了")
        if after.startswith(("仪式", "以来", "后", "之后")):
            continue  # "成立仪式", "自……上升为国家战略以来": a reference
        subject = sentence[cs : m.start()]
        if after.startswith("的"):
            name = after[1:]  # "正式开通的长三角科技资源共享服务平台"
        elif len(after) >= EVENT_NAME_MIN and after not in _BARE:
            name = after
        else:
            name = _ADVERBS.sub("", subject.rsplit("的", 1)[-1] if "的" in subject else subject)
            subject = subject.rsplit("的", 1)[0] if "的" in subject else ""
        name = _LEAD.sub("", _strip_date(name.strip()))
        name = _TRAILING_PLACE.sub("", name).strip()
        name = _LEAD_NOUN.sub("", name)
        if name.startswith("“") and name.endswith("”"):
            name = name[1:-1]
        if verb in _WEAK_EVENT and not _INSTITUTION.search(name):
            continue  # "建立……人才库": an activity, not an event
        quoted = _QUOTED_NAME.findall(clause)
        if quoted and _INSTITUTION.search(quoted[-1]):
            name = quoted[-1]
        if "国家战略" in verb and re.search("长三角|长江三角洲", clause):
            # one event however it is phrased
            name = "长三角一体化" + (
                "上升为国家战略" if verb.startswith("上升") else "提升到国家战略层面"
            )
        if len(name) < EVENT_NAME_MIN:
            continue
        out.append(_Found("event", "", name[:EVENT_NAME_MAX], verb, m.start(), subject))
    return out


def _doc_titles(chunks: list[ChunkRecord]) -> dict[str, str]:
    """Short titles (《纲要》) -> the full title they abbreviate, from the document itself."""
    full: list[str] = []
    for c in chunks:
        full += [t for t in TITLE_RE.findall(c.text) if len(t) > SHORT_TITLE_MAX]
    out: dict[str, str] = {}
    for short in {t for c in chunks for t in TITLE_RE.findall(c.text) if len(t) <= SHORT_TITLE_MAX}:
        match = [t for t in full if t.endswith(short)]
        if match:
            out[short] = match[0]
    return out


def _units(c: ChunkRecord) -> list[tuple[int, int, str | None, bool]]:
    """(start, end, table time cell, new paragraph) of each sentence or table cell in a chunk."""
    text = c.text
    out: list[tuple[int, int, str | None, bool]] = []
    if c.kind == "table":
        for row in tables.parse(text).rows:
            # a time cell dates the cells after it; it is no record itself
            for cell, label in zip(row.cells, tables.time_labels(row.values), strict=True):
                if not tables.has_value(cell.value) or tables.is_time_cell(cell.value):
                    continue
                for ss, se in split_sentences(cell.value):
                    out.append((cell.start + ss, cell.start + se, label, True))
        return out
    for block in re.finditer(
        r"[^\n]+(?:\n(?!\n)[^\n]+)*", text
    ):  # paragraphs: blank-line separated
        for i, (s, e) in enumerate(split_sentences(block.group(0))):
            out.append((block.start() + s, block.start() + e, None, i == 0))
    return out


# A 公文's own dates, as the timeline shows them: issued (成文日期), in force (施行日期),
# lapses (有效期至).
_GONGWEN_ACTS = (("signed_date", "印发"), ("effective_date", "施行"), ("expiry_date", "失效"))


def gongwen_mentions(doc: DocumentRecord, chunks: list[ChunkRecord]) -> list[Mention]:
    """Records of an official document's own dates, each citing the line or sentence of the
    document that states it."""
    quotes = doc.extra.get("gongwen_quotes") or {}
    kind = title_kind(doc.title) or "measure"
    out = []
    for name, action in _GONGWEN_ACTS:
        when, quote = getattr(doc, name, None), quotes.get(name)
        if not when or not quote:
            continue
        for c in sorted(chunks, key=lambda c: c.position):
            span = find_loose(c.text, quote)
            if span is None:
                continue
            issued = action == "印发"
            out.append(
                Mention(
                    kind=kind,
                    # the issuing is the instrument's own record; taking effect and lapsing
                    # are records of their own, so the timeline shows all three
                    title=doc.title if issued else "",
                    name=doc.title if issued else f"《{doc.title}》{action}",
                    date=when,
                    date_source="explicit",
                    action=action,
                    parties=[doc.issuer] if issued and doc.issuer else [],
                    doc_id=doc.doc_id,
                    chunk_id=c.chunk_id,
                    start=span[0],
                    end=span[1],
                    quote=c.text[span[0] : span[1]],
                )
            )
            break
    return out


def reextract(store: Store, tok=None, skip: set[str] = frozenset()) -> None:
    """Re-run extraction on stored documents (their text and chunks are in the catalog, so
    no file is read and nothing is embedded) and record this extraction version."""
    by_doc = {
        d.doc_id: extract(d, store.catalog.chunks(d.doc_id), tok)
        for d in store.catalog.documents()
        if d.doc_id not in skip
    }
    store.catalog.set_mentions(by_doc, records_version=RECORDS_VERSION)


def extract(doc: DocumentRecord, chunks: list[ChunkRecord], tok=None) -> list[Mention]:
    """Every record mention in a document, in document order, one per (sentence, record);
    then a 公文's own 印发, 施行 and 失效 dates."""
    doc_titles = _doc_titles(chunks)
    seen: set[tuple[str, str]] = set()
    out: list[Mention] = []
    ctx = _Context(doc.year)
    prev: ChunkRecord | None = None
    for c in sorted(chunks, key=lambda c: c.position):
        continues = prev is not None and c.para_start == prev.para_end and c.kind == prev.kind
        for i, (s, e, label, new_para) in enumerate(_units(c)):
            sentence = c.text[s:e]
            if new_para and not (i == 0 and continues):
                ctx.last = _When()
            table_when = None
            if label is not None:
                m = _DATE.search(label)
                table_when = (
                    _When(int(m.group("y")), source="table") if m and m.group("y") else None
                )
                ctx.last = table_when or _When()
            masked = _mask(sentence)
            carried = ctx.last if (table_when or _CARRY.match(sentence)) else _When()
            dates = _dates(masked, ctx)
            for f in _find(sentence, doc_titles, tok):
                when = next((w for pos, w in reversed(dates) if pos < f.at), None)
                if when is None:
                    when = dates[0][1] if dates else carried
                if f.kind != "event" and not f.action and not table_when:
                    when = _When()  # a reference to an instrument, not its act
                if (
                    f.kind == "event"
                    and f.action in _WEAK_EVENT
                    and not when.year
                    and not _LASTING.search(f.name)
                ):
                    continue  # undated "举办/启动……" is description, not an event
                key = (f.kind + f.title + f.name, sentence)
                if key in seen:
                    continue  # the overlap between chunks repeats sentences
                seen.add(key)
                out.append(
                    Mention(
                        kind=f.kind,
                        title=f.title,
                        name=f.name,
                        date=when.text(),
                        date_source=when.source if when.year else "",
                        action=f.action,
                        parties=[p for p in _parties(f.subject, tok) if p != f.name],
                        doc_id=doc.doc_id,
                        chunk_id=c.chunk_id,
                        start=s,
                        end=e,
                        quote=sentence,
                    )
                )
        prev = c
    return out + gongwen_mentions(doc, chunks)
