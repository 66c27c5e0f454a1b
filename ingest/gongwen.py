"""公文 (official document) parts, after the GB/T 9704 layout and its web reposts.

A notice printed as a 红头文件 reads, top to bottom: 版头 ("XX市人民政府办公室文件"),
发文字号 ("沪府办规〔2025〕15号"), title ("XX关于印发……的通知", possibly over two or three
lines), 主送机关 ("各区人民政府，市政府各委、办、局："), body, 附件 list, 发文机关 signature,
成文日期 ("2025年11月20日"), then the 版记. Within the body, a closing article says when it
takes effect and for how long ("本措施自2026年1月1日起施行，有效期至2030年12月31日").
Government portals repost the same parts as labelled fields ("发文字号：…", "成文日期：…").

``parse`` finds each part from these layout rules (never from phrases of any one document)
and keeps, for each, the line or sentence of the text that states it, so that answers can
cite it verbatim. Scans come through OCR, where 〔〕 may be read as [], 【】 or ().
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from kb.core.text import split_sentences

# ---------------------------------------------------------------- patterns
_OPEN = re.escape("〔[［(（【{｛")
_CLOSE = re.escape("〕]］)）】}｝")
DOC_NUMBER = re.compile(
    rf"(?P<org>[\u4e00-\u9fff]{{1,14}}?)\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]"
    r"\s*第?\s*(?P<seq>\d{1,5})\s*号"
)
# Kinds of 公文 and the documents they issue, as the last word of a title (GB/T 9704 and
# the 党政机关公文处理工作条例 list, plus the names of the documents a notice issues).
TITLE_SUFFIX = (
    "通知", "通告", "公告", "意见", "实施意见", "指导意见", "方案", "规划", "纲要", "办法", "措施",
    "决定", "决议", "批复", "函", "复函", "通报", "报告", "请示", "细则", "规定", "条例", "规则",
    "指引", "指南", "计划", "要点", "命令", "议案", "纪要", "公报", "清单", "标准", "政策",
)  # fmt: skip
_EDITION = r"(?:[（(][^（()）]{1,20}[)）])?"  # (试行), （2025—2027年）, （征求意见稿）
TITLE_END = re.compile(rf"(?:{'|'.join(sorted(TITLE_SUFFIX, key=len, reverse=True))}){_EDITION}$")
_ORGAN = (
    r"(?:人民政府|政府|办公厅|办公室|委员会|人大常委会|常委会|局|厅|部|署|院|委|会|办|中心|集团|公司|"
    r"管委会|管理委员会|党委|党组|联合会|协会|法院|检察院|银行|分行|支行|大学|学院)"
)
_MASTHEAD = re.compile(rf"^(?P<org>.{{2,40}}?{_ORGAN}(?:[、\s].{{2,30}}?{_ORGAN})*)\s*文件$")
_ORGAN_LINE = re.compile(rf"^[\u4e00-\u9fff（）()、\s]{{2,40}}{_ORGAN}(?:[（(][^（()）]*[)）])?$")
# OCR reads the 〇 of "二〇二五年" as ○, O or 0 as often as not.
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0, "０": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_NUM = "〇零○ＯOo0０一二三四五六七八九十"
DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    rf"|(?P<cy>[{_CN_NUM}]{{4}})\s*年\s*(?P<cm>[{_CN_NUM}]{{1,3}})\s*月\s*(?P<cd>[{_CN_NUM}]{{1,3}})\s*日"
    r"|(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})(?!\d)"
)
_DATE_LINE = re.compile(rf"^[（(]?\s*(?:{DATE.pattern})\s*[)）]?$")
_LABEL = {
    "title": "标题|文件名称|题名",
    "doc_number": "发文字号|文号|发文号",
    "issuer": "发文机关|发布机构|发文单位|发布单位|制发机关|发文机构|发布机关|制发单位",
    "signed_date": "成文日期|发文日期|印发日期|签发日期|成文时间",
    "published": "发布日期|公布日期|发布时间|公开日期|发文时间",
    "effective_date": "施行日期|实施日期|生效日期|生效时间|实施时间|施行时间",
    "expiry_date": "失效日期|有效期至|废止日期|有效期|截止日期|失效时间",
}
_ANY_LABEL = "|".join(
    sorted({w for v in _LABEL.values() for w in v.split("|")}, key=len, reverse=True)
)
_OTHER_LABEL = (
    "索引号|主题分类|主题词|体裁分类|公文种类|组配分类|所属主题|信息来源|来源|浏览次数|分类"
)
_FIELD = re.compile(
    rf"(?P<label>{_ANY_LABEL}|{_OTHER_LABEL})\s*[:：]\s*(?P<value>.*?)(?=\s{{2,}}|\s*(?:{_ANY_LABEL}|{_OTHER_LABEL})\s*[:：]|$)"
)
_EFFECTIVE = re.compile(
    rf"自\s*(?:(?P<date>{DATE.pattern})|(?P<event>印发|发布|公布|颁布|签发|下发|批准|通过)之日)\s*起?"
    r"\s*(?:开始|正式)?(?:施行|实施|执行|生效)"
)
_EXPIRES = re.compile(
    rf"有效期(?:限)?(?:为|至|到|截至|截止到?)?\s*(?:(?P<date>{DATE.pattern})|(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,2}})\s*年)"
)
_VALID_RANGE = re.compile(
    rf"有效期(?:限)?(?:为|是)?\s*[:：]?\s*(?:自|从)?\s*(?P<a>{DATE.pattern.replace('?P<', '?P<a_')})\s*(?:起)?\s*"
    rf"(?:至|到|—|–|-|~|～)\s*(?P<b>{DATE.pattern.replace('?P<', '?P<b_')})"
)
_NUMBERED_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．])"
)
_ATTACH_HEAD = re.compile(r"^附\s*件\s*(?P<n>\d{1,2})?\s*[:：]?\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})\s*[.．、]\s*(?P<name>\S.*)$")
_RECIPIENT_ORGAN = re.compile(
    r"政府|委|办|局|厅|院|部门|单位|机关|公司|集团|学校|高校|会|中心|银行|各|处|室"
)
_HEAD_LINES = 40  # 版头, 发文字号, title and 主送 sit in the first lines of a document
_CN_COUNT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}  # fmt: skip


@dataclass
class Gongwen:
    """The formal parts of an official document; ``quotes`` holds, per part, the line or
    sentence of the document that states it (verbatim, for citations)."""

    title: str | None = None
    doc_number: str | None = None  # brackets normalised to 〔〕
    issuer: str | None = None  # 发文机关 (joint issuers joined by 、)
    recipients: str | None = None  # 主送机关
    signed_date: str | None = None  # 成文日期, YYYY-MM-DD
    published_date: str | None = None  # a repost's 发布日期
    effective_date: str | None = None  # 施行日期
    expiry_date: str | None = None  # 有效期至 (last day in force)
    attachments: list[str] = field(default_factory=list)
    quotes: dict[str, str] = field(default_factory=dict)

    @property
    def is_gongwen(self) -> bool:
        """Enough parts to be an official document rather than an article that cites one."""
        parts = [self.doc_number, self.recipients, self.signed_date, self.effective_date]
        return bool(self.title and TITLE_END.search(self.title)) and sum(map(bool, parts)) >= 1

    def fields(self) -> dict:
        """The stored metadata (what the catalog keeps as columns)."""
        return {k: v for k, v in asdict(self).items() if k != "quotes"}


# ---------------------------------------------------------------- dates
def _cn_int(s: str) -> int:
    """'二〇二五' -> 2025 (digit by digit); '十一' -> 11, '二十' -> 20, '三十一' -> 31."""
    if "十" not in s:
        return int("".join(str(_CN_DIGIT.get(c, 0)) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def parse_date(m: re.Match) -> str | None:
    """YYYY-MM-DD from a DATE match (Arabic, Chinese-numeral or ISO form), or None."""
    if m.group("y"):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    elif m.group("cy"):
        y, mo, d = _cn_int(m.group("cy")), _cn_int(m.group("cm")), _cn_int(m.group("cd"))
    else:
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def first_date(text: str) -> str | None:
    m = DATE.search(text)
    return parse_date(m) if m else None


def _plus_years(start: str, years: int) -> str:
    """The last day of a period of ``years`` years beginning on ``start``."""
    d = date.fromisoformat(start)
    try:
        end = d.replace(year=d.year + years)
    except ValueError:  # 29 February
        end = d.replace(year=d.year + years, day=28)
    return (end - timedelta(days=1)).isoformat()


def normalise_number(m: re.Match) -> str:
    return f"{m.group('org')}〔{m.group('year')}〕{int(m.group('seq'))}号"


# ---------------------------------------------------------------- line classes
def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(line.strip()))


def is_number_line(line: str) -> bool:
    """A line that is a 发文字号 (perhaps with 签发人 beside it), not a sentence citing one."""
    s = line.strip()
    m = DOC_NUMBER.search(s)
    if not m or "。" in s or "《" in s:
        return False
    rest = (s[: m.start()] + s[m.end() :]).strip()
    return not rest or bool(re.match(r"^签\s*发\s*人", rest)) or len(rest) <= 4


def is_masthead(line: str) -> bool:
    s = re.sub(r"\s+", "", line)
    return bool(_MASTHEAD.match(s)) and len(s) <= 60


def is_title_end(line: str) -> bool:
    s = line.strip().lstrip("#").strip()
    return (
        6 <= len(s) <= 90
        and bool(TITLE_END.search(s))
        and not _NUMBERED_HEADING.match(s)
        and not re.search(r"[。；;，,：:！？]", s)
        and not is_masthead(s)
    )


def is_part_line(line: str) -> bool:
    """A line that stands alone in a 公文's layout (版头, 发文字号, title end, date): a PDF
    line joiner must not run it into its neighbours."""
    return is_date_line(line) or is_number_line(line) or is_masthead(line) or is_title_end(line)


# ---------------------------------------------------------------- parsing
def _labelled(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Labelled fields of a repost ("发文字号：…", or label | value table cells):
    field -> (value, line)."""
    out: dict[str, tuple[str, str]] = {}
    for line in lines:
        pairs: list[tuple[str, str]] = []
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            for i in range(len(cells) - 1):
                label = cells[i].rstrip(":：").strip()
                if re.fullmatch(_ANY_LABEL, label):
                    pairs.append((label, cells[i + 1]))
        else:
            pairs = [(m.group("label"), m.group("value").strip()) for m in _FIELD.finditer(line)]
        for label, value in pairs:
            value = value.strip(" ：:|")
            for name, words in _LABEL.items():
                if re.fullmatch(words, label) and _valid(name, value) and name not in out:
                    out[name] = (value, line)
    return out


def _valid(name: str, value: str) -> bool:
    """A labelled value that is what its label says (portals also label font sizes and
    view counts)."""
    if name == "doc_number":
        return bool(DOC_NUMBER.search(value))
    if name.endswith("date") or name == "published":
        return bool(first_date(value)) or (
            name == "expiry_date" and bool(_EXPIRES.search("有效期" + value))
        )
    return 2 <= len(value) <= 120


def _quote_sentence(text: str, pos: int) -> str:
    """The sentence of ``text`` around offset ``pos``."""
    for s, e in split_sentences(text):
        if s <= pos < e:
            return text[s:e]
    return ""


def parse(text: str) -> Gongwen:
    """The 公文 parts found in a document's (cleaned) text; empty fields where none is."""
    g = Gongwen()
    all_lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in all_lines if ln]
    head = lines[:_HEAD_LINES]
    labelled = _labelled(lines[:60])

    # 发文字号: a labelled field, or a line of its own near the top
    if "doc_number" in labelled:
        value, line = labelled["doc_number"]
        m = DOC_NUMBER.search(value)
        g.doc_number = normalise_number(m) if m else value
        g.quotes["doc_number"] = line
    else:
        for line in head:
            if is_number_line(line):
                g.doc_number = normalise_number(DOC_NUMBER.search(line))
                g.quotes["doc_number"] = line
                break

    # title: a labelled field, or the line ending in a document kind (with the lines above
    # it that begin the same title: "……关于印发" / "……的通知")
    title_at = -1
    if "title" in labelled:
        g.title, g.quotes["title"] = labelled["title"][0], labelled["title"][1]
        title_at = next((i for i, ln in enumerate(lines) if ln == labelled["title"][1]), -1)
    else:
        for i, line in enumerate(head):
            if is_title_end(line) and not is_number_line(line):
                start = i
                while (
                    start > 0
                    and i - start < 2
                    and "关于" not in "".join(head[start : i + 1])
                    and _continues_title(head[start - 1])
                ):
                    start -= 1
                g.title = "".join(ln.lstrip("#").strip() for ln in head[start : i + 1])
                g.quotes["title"] = "\n".join(head[start : i + 1])
                title_at = i
                break

    # 主送机关: the line after the title that ends in a colon and names organisations
    if title_at >= 0:
        for line in lines[title_at + 1 : title_at + 4]:
            body = line.rstrip(":：")
            if (
                line.endswith(("：", ":"))
                and len(body) <= 150
                and _RECIPIENT_ORGAN.search(body)
                and not re.match(_ANY_LABEL, body)
                and not re.search(r"[。]", body)
            ):
                g.recipients, g.quotes["recipients"] = body.strip(), line
                break

    # 成文日期: labelled; else the first date standing alone on its line after the title
    # (the signature's date, not the 版记's "……印发"); else a dated line under the title
    date_line = -1
    for i, line in enumerate(lines):
        if i > title_at and is_date_line(line):
            date_line = i
            break
    if "signed_date" in labelled and first_date(labelled["signed_date"][0]):
        g.signed_date = first_date(labelled["signed_date"][0])
        g.quotes["signed_date"] = labelled["signed_date"][1]
    elif date_line >= 0:
        g.signed_date = first_date(lines[date_line])
        g.quotes["signed_date"] = lines[date_line]
    elif title_at >= 0:
        for line in lines[title_at + 1 : title_at + 3]:
            if re.match(r"^[（(].*(?:通过|发布|印发|批准)[)）]$", line) and first_date(line):
                g.signed_date, g.quotes["signed_date"] = first_date(line), line
                break
    if "published" in labelled and first_date(labelled["published"][0]):
        g.published_date = first_date(labelled["published"][0])

    # 发文机关: labelled; else the signature above the date; else the 版头; else the title's
    # own subject ("XX市人民政府办公室关于……")
    if "issuer" in labelled:
        g.issuer, g.quotes["issuer"] = labelled["issuer"][0], labelled["issuer"][1]
    else:
        sig = []
        if date_line > 0:
            j = date_line - 1
            while j > title_at and len(sig) < 4 and _ORGAN_LINE.match(lines[j]):
                sig.insert(0, lines[j])
                j -= 1
        if sig:
            names = [re.sub(r"[（(][^（()）]*[)）]$", "", s).strip() for s in sig]
            g.issuer = "、".join(n for part in names for n in part.split())
            g.quotes["issuer"] = "\n".join(sig)
        else:
            mast = next((ln for ln in head if is_masthead(ln)), None)
            if mast:
                g.issuer = _MASTHEAD.match(re.sub(r"\s+", "", mast)).group("org")
                g.quotes["issuer"] = mast
            elif g.title and "关于" in g.title:
                subject = g.title.split("关于", 1)[0]
                if re.search(f"{_ORGAN}$", subject):
                    g.issuer, g.quotes["issuer"] = subject, g.quotes.get("title", "")

    # 施行日期 and 有效期: the sentences that say so
    m = _EFFECTIVE.search(text)
    if m:
        if m.group("date"):
            g.effective_date = first_date(m.group("date"))
        elif m.group("event") in ("发布", "公布", "颁布"):
            g.effective_date = g.published_date or g.signed_date
        else:  # 印发, 签发, 下发, 批准, 通过: the day it was signed
            g.effective_date = g.signed_date or g.published_date
        if g.effective_date:
            g.quotes["effective_date"] = _quote_sentence(text, m.start())
    elif "effective_date" in labelled and first_date(labelled["effective_date"][0]):
        g.effective_date = first_date(labelled["effective_date"][0])
        g.quotes["effective_date"] = labelled["effective_date"][1]
    r = _VALID_RANGE.search(text)
    m = _EXPIRES.search(text)
    if r:
        g.expiry_date = first_date(r.group("b"))
        if not g.effective_date:
            g.effective_date = first_date(r.group("a"))
            g.quotes["effective_date"] = _quote_sentence(text, r.start())
        g.quotes["expiry_date"] = _quote_sentence(text, r.start())
    elif m:
        if m.group("date"):
            g.expiry_date = first_date(m.group("date"))
        elif g.effective_date:
            n = m.group("n")
            years = int(n) if n.isdigit() else _CN_COUNT.get(n, 0) or _cn_int(n)
            g.expiry_date = _plus_years(g.effective_date, years)
        if g.expiry_date:
            g.quotes["expiry_date"] = _quote_sentence(text, m.start())
    elif "expiry_date" in labelled and first_date(labelled["expiry_date"][0]):
        g.expiry_date = first_date(labelled["expiry_date"][0])
        g.quotes["expiry_date"] = labelled["expiry_date"][1]

    g.attachments, quote = _attachments(lines)
    if quote:
        g.quotes["attachments"] = quote
    return g


def _continues_title(line: str) -> bool:
    """A line above a title's last line that belongs to the same title."""
    s = line.strip().lstrip("#").strip()
    return (
        2 <= len(s) <= 40
        and not re.search(r"[。；;，,：:！？]", s)
        and not is_masthead(s)
        and not is_number_line(s)
        and not is_date_line(s)
        and not re.match(_ANY_LABEL, s)
        and ("关于" in s or s.endswith(("印发", "转发", "的", "和", "及", "与", "进一步")))
    )


def _attachments(lines: list[str]) -> tuple[list[str], str]:
    """The 附件 list ("附件：1．……  2．……") or, failing that, the names under standalone
    "附件1" headings; and the line(s) that state it."""
    for i, line in enumerate(lines):
        m = _ATTACH_HEAD.match(line)
        if not m or not m.group("rest") or m.group("n"):
            continue
        items, quoted = [], [line]
        rest = m.group("rest")
        first = _ITEM.match(rest)
        items.append((first.group("name") if first else rest).strip())
        if first:
            for nxt in lines[i + 1 : i + 30]:
                mi = _ITEM.match(nxt)
                if not mi:
                    break
                items.append(mi.group("name").strip())
                quoted.append(nxt)
        items = [re.sub(r"[。；;]$", "", x) for x in items if x]
        if items and all(len(x) <= 80 for x in items):
            return items, "\n".join(quoted)
    # attachment sections: "附件1" (or "附件") alone on a line, the attachment's title next
    found = []
    for i, line in enumerate(lines[:-1]):
        if re.fullmatch(r"附\s*件\s*\d{0,2}", line) and is_title_end(lines[i + 1]):
            found.append(lines[i + 1].lstrip("#").strip())
    return list(dict.fromkeys(found)), ""
