"""公文 (official document) parts, after the GB/T 9704 layout and its web reposts.

A notice printed as a 红头文件 reads, top to bottom: 版头 ("XX市人民政府办公室文件"),
发文字号 ("沪府办规〔2025〕15号"), title ("XX关于印发……的通知", possibly over two or three
lines), 主送机关 ("各区人民政府，市政府各委、办、局："), body, 附件 list, 发文机关 signature,
成文日期 ("2025年11月20日"), then the 版记. Within the body, a closing article says when it
takes effect and for how long ("本措施自2026年1月1日起施行，有效期至2030年12月31日").
Government portals repost the same parts as labelled fields ("发文字号：…", "成文日期：…").

``parse`` finds each part by these layout rules (never by one document's phrases), keeping
the line stating it for answers to cite verbatim; OCR may read 〔〕 as [], 【】 or ().
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ingest.gongwen.attachments import attachments
from ingest.gongwen.lines import (
    DATE,
    DOC_NUMBER,
    MASTHEAD,
    ORGAN,
    ORGAN_LINE,
    RECIPIENT_ORGAN,
    TITLE_END,
    first_date,
    is_date_line,
    is_masthead,
    is_number_line,
    is_part_line,
    is_title_end,
    normalise_number,
)
from ingest.gongwen.validity import EXPIRES, effective_date, expiry_date
from kb.core.gongwen import FIELD_LABELS
from kb.core.text import ABBREVIATION_GAP, in_order

# The line classes and date patterns live in ingest/gongwen/lines.py; importers use either.
__all__ = [
    "DATE",
    "DOC_NUMBER",
    "TITLE_END",
    "Gongwen",
    "first_date",
    "is_date_line",
    "is_masthead",
    "is_number_line",
    "is_part_line",
    "is_title_end",
    "normalise_number",
    "parse",
]

# ---------------------------------------------------------------- patterns
_ANY_LABEL = "|".join(
    sorted({w for v in FIELD_LABELS.values() for w in v.split("|")}, key=len, reverse=True)
)
_OTHER_LABEL = (
    "索引号|主题分类|主题词|体裁分类|公文种类|组配分类|所属主题|信息来源|来源|浏览次数|分类"
)
_FIELD = re.compile(
    rf"(?P<label>{_ANY_LABEL}|{_OTHER_LABEL})\s*[:：]\s*(?P<value>.*?)(?=\s{{2,}}|\s*(?:{_ANY_LABEL}|{_OTHER_LABEL})\s*[:：]|$)"
)
# A joint document is signed by every organ that issues it, one line each: six or more.
SIGNATURE_LINES = 12
_HEAD_LINES = 40  # 版头, 发文字号, title and 主送 sit in the first lines of a document


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


# ---------------------------------------------------------------- parsing
# A label spaced out to align a portal's grid ("文 号：", "索 引 号：").
_LABEL_SPACES = re.compile(r"^((?:[\u4e00-\u9fff][ \t\u3000]*){2,6}?)([:：])")
# Portals put their metadata grid after long navigation: labelled fields are looked for this
# far down (a 公文's own 版头 parts stay within the first 60 lines).
LABELLED_LINES = 200


# Markdown around a label ("- **文件名称**：…"): a list item's marker, bold marks.
_MARKDOWN = re.compile(r"^\s*[-*+]\s+|\*\*|__")


def _labelled(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Labelled fields of a repost ("发文字号：…", or label | value table cells):
    field -> (value, line)."""
    out: dict[str, tuple[str, str]] = {}
    for quoted in lines:
        line = _MARKDOWN.sub("", quoted)
        noted = line != quoted  # a crawler's note: its 文件名称 only (its 发布机构 may be "暂无")
        pairs: list[tuple[str, str]] = []
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            for i in range(len(cells) - 1):
                label = re.sub(r"\s+", "", cells[i].rstrip(":："))  # "文　号" as "文号"
                if re.fullmatch(_ANY_LABEL, label):
                    pairs.append((label, cells[i + 1]))
        else:
            line = _LABEL_SPACES.sub(lambda m: re.sub(r"\s+", "", m.group(1)) + m.group(2), line)
            pairs = [(m.group("label"), m.group("value").strip()) for m in _FIELD.finditer(line)]
        for label, value in pairs:
            value = value.strip(" ：:|")
            for name, words in FIELD_LABELS.items():
                ok = name not in out and (not noted or name == "title")
                if ok and re.fullmatch(words, label) and _valid(name, value):
                    out[name] = (value, quoted)
    return out


def _valid(name: str, value: str) -> bool:
    """A labelled value that is what its label says (portals also label font sizes and
    view counts)."""
    if name == "doc_number":
        return bool(DOC_NUMBER.search(value))
    if name.endswith("date") or name == "published":
        return bool(first_date(value)) or (
            name == "expiry_date" and bool(EXPIRES.search("有效期" + value))
        )
    return 2 <= len(value) <= 120


def parse(text: str) -> Gongwen:
    """The 公文 parts found in a document's (cleaned) text; empty fields where none is."""
    g = Gongwen()
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    # a portal's navigation may push the 版头 down: the head runs on to where the body begins
    body = next((i for i, ln in enumerate(lines[:LABELLED_LINES]) if _BODY.search(ln)), 0)
    head = lines[: max(_HEAD_LINES, body)]
    labelled = _labelled(lines[:LABELLED_LINES])
    _doc_number(g, head, labelled, lines[:LABELLED_LINES])
    title_at = _title(g, lines, head, labelled)
    # The 主送 line follows the title; on a portal page whose metadata grid states the title,
    # it follows the printed document's title and 发文字号 lines further down.
    for at in [title_at] + [
        i for i, ln in enumerate(head) if i > title_at and (is_number_line(ln) or is_title_end(ln))
    ]:
        if at >= 0 and _recipients(g, lines[at + 1 : at + 4]):
            break
    date_line = _signed_date(g, lines, title_at, labelled)
    _issuer(g, lines, head, labelled, title_at, date_line)
    effective_date(g, text, labelled)
    expiry_date(g, text, labelled)
    g.attachments, quote = attachments(lines)
    if quote:
        g.quotes["attachments"] = quote
    return g


# A 命令（令）'s number (GB/T 9704): "第179号" on the line under the organ's "……令".
_DECREE = re.compile(r"^第\s*(?:\d+|[一二三四五六七八九十百零〇]+)\s*号$")
DECREE_ORGAN_CHARS = 20
# A law or regulation printed without its 令 names it in the 题注 under its title: the day, the
# organ's 令 and its number, then 公布/发布, and nothing else (a 题注 listing revisions names
# the first 令, not this text's).
_DECREE_NOTE = re.compile(
    r"^[（(]\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*"
    rf"([\u4e00-\u9fff]{{2,{DECREE_ORGAN_CHARS}}}?令)\s*(第\s*\d+\s*号)\s*(?:公布|发布)\s*[)）]$"
)


def _doc_number(
    g: Gongwen, head: list[str], labelled: dict[str, tuple[str, str]], top: list[str]
) -> None:
    """发文字号: a labelled field, or a line of its own near the top; a 令's number within
    ``top`` (a portal prints the 令 under its navigation)."""
    if "doc_number" in labelled:
        value, line = labelled["doc_number"]
        m = DOC_NUMBER.search(value)
        g.doc_number = normalise_number(m) if m else value
        g.quotes["doc_number"] = line
        return
    for line in head:
        if is_number_line(line):
            g.doc_number = normalise_number(DOC_NUMBER.search(line))
            g.quotes["doc_number"] = line
            return
    for organ, line in zip(top, top[1:], strict=False):  # "XX人民政府令" over "第179号"
        if _DECREE.match(line) and organ.endswith("令") and len(organ) <= DECREE_ORGAN_CHARS:
            g.doc_number = organ + re.sub(r"\s+", "", line)
            g.quotes["doc_number"] = f"{organ}\n{line}"
            return
    for line in top:  # a 题注 under the title: "（2021年7月27日中华人民共和国国务院令第746号公布）"
        if m := _DECREE_NOTE.match(line):
            g.doc_number = m.group(1) + re.sub(r"\s+", "", m.group(2))
            g.quotes["doc_number"] = line
            return


def _title(
    g: Gongwen, lines: list[str], head: list[str], labelled: dict[str, tuple[str, str]]
) -> int:
    """The title: a labelled field, or the line ending in a document kind (with the lines
    above it that begin the same title: "……关于印发" / "……的通知"). Returns the index of
    its (last) line, or -1."""
    if "title" in labelled:
        g.title, g.quotes["title"] = labelled["title"][0], labelled["title"][1]
        return next((i for i, ln in enumerate(lines) if ln == labelled["title"][1]), -1)
    # the title printed under the 发文字号 (GB/T 9704), before a portal's own heading above it
    number = next((i for i, ln in enumerate(head) if ln == g.quotes.get("doc_number")), -1)
    under = list(range(number + 1, min(number + 5, len(head)))) if number >= 0 else []
    for i in under + list(range(len(head))):
        line = head[i]
        if i in under and (_BODY.search(line) or i + 1 < len(head) and is_title_end(head[i + 1])):
            continue  # a title's last line is the one the 主送 follows ("……管理办法" / "实施细则的通知")
        if _BODY.search(line):
            break  # the body has begun: a title line below it is a document it cites
        if is_title_end(line) and not is_number_line(line):
            start = i
            while (
                start > 0
                and i - start < 2
                and "关于" not in "".join(head[start : i + 1])
                and _continues_title(head[start - 1])
            ):
                start -= 1
            # the issuing organs on a line of their own over "关于……" ("广州市人力资源和社会
            # 保障局 广州市公安局")
            if start > 0 and head[start].startswith("关于") and _organs_line(head[start - 1]):
                start -= 1
            g.title = "".join(ln.lstrip("#").strip() for ln in head[start : i + 1])
            g.quotes["title"] = "\n".join(head[start : i + 1])
            return i
    return -1


# An issuing organ ("广州市公安局"); a line of them is parted by spaces or 、 (_organs_line).
_ORGAN_NAME = re.compile(rf"[\u4e00-\u9fff（）()]{{2,40}}{ORGAN}")


def _organs_line(line: str) -> bool:
    """A line of issuing organs only. Each part is matched on its own: one pattern for the
    whole line would backtrack exponentially on a long line of organ characters."""
    parts = [p for p in re.split(r"[\s、]+", line) if p]
    return 0 < len(parts) <= SIGNATURE_LINES and all(_ORGAN_NAME.fullmatch(p) for p in parts)


# A sentence of the body: a line this long that ends one ("我代表国务院向大会作政府工作报告，请
# 予审议。"); a 公文's title comes before any.
_BODY = re.compile(r"^.{15,}[。！？]$")


def _recipients(g: Gongwen, after_title: list[str]) -> bool:
    """主送机关: the line after the title that ends in a colon and names organisations, or a
    person by role (a reply to a deputy's proposal: "石英代表："). Whether one was found."""
    for line in after_title:
        body = line.rstrip(":：")
        if (
            line.endswith(("：", ":"))
            and len(body) <= 150
            and RECIPIENT_ORGAN.search(body)
            and not re.match(_ANY_LABEL, body)
            and not re.search(r"[。]|如下$", body)  # "……收悉，现答复如下：" opens the body
        ):
            g.recipients, g.quotes["recipients"] = body.strip(), line
            return True
    return False


def _signed_date(
    g: Gongwen, lines: list[str], title_at: int, labelled: dict[str, tuple[str, str]]
) -> int:
    """成文日期: labelled; else the first date standing alone on its line after the title
    (the signature's date, not the 版记's "……印发"); else a dated line under the title.
    Also a repost's 发布日期. Returns the index of that first date line, or -1."""
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
            if re.match(r"^[（(].*(?:通过|发布|公布|印发|批准)[)）]$", line) and first_date(line):
                g.signed_date, g.quotes["signed_date"] = first_date(line), line
                break
    if "published" in labelled and first_date(labelled["published"][0]):
        g.published_date = first_date(labelled["published"][0])
    return date_line


def _issuer(
    g: Gongwen,
    lines: list[str],
    head: list[str],
    labelled: dict[str, tuple[str, str]],
    title_at: int,
    date_line: int,
) -> None:
    """发文机关: labelled (but a portal may label a joint document's lead organ alone, cut
    short: then its signature); else the signature above the date; else the 版头; else the
    title's own subject ("XX市人民政府办公室关于……")."""
    sig = []
    if date_line > 0:
        j = date_line - 1
        while j > title_at and len(sig) < SIGNATURE_LINES and ORGAN_LINE.match(lines[j]):
            sig.insert(0, lines[j])
            j -= 1
    names = [re.sub(r"[（(][^（()）]*[)）]$", "", s).strip() for s in sig]
    label = labelled.get("issuer")
    lead = in_order(re.sub(r"\s+", "", label[0]), ABBREVIATION_GAP) if label else None
    if lead and (len(names) < 2 or not any(lead.search(n) for n in names)):
        g.issuer, g.quotes["issuer"] = label
        return
    if sig:
        g.issuer = "、".join(n for part in names for n in part.split())
        g.quotes["issuer"] = "\n".join(sig)
        return
    mast = next((ln for ln in head if is_masthead(ln)), None)
    if mast:
        g.issuer = MASTHEAD.match(re.sub(r"\s+", "", mast)).group("org")
        g.quotes["issuer"] = mast
    elif g.title and "关于" in g.title:
        subject = g.title.split("关于", 1)[0]
        if re.search(f"{ORGAN}$", subject):
            g.issuer, g.quotes["issuer"] = subject, g.quotes.get("title", "")


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
