"""Document metadata: from ``corpus/manifest.yaml`` when the file has an entry, otherwise
inferred from the text (title from the first heading, date from the text)."""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.errors import where_in_yaml
from ingest.gongwen.parse import Gongwen, is_date_line, is_masthead, is_number_line
from ingest.speech import SALUTATION, speech_name, speech_opening, text_lines, with_year
from kb.core.doctypes import CODES
from kb.core.errors import KBError
from kb.core.instruments import core_title
from kb.core.zh import validation

# The version of the rules that infer a document's title, type, date and author: a store whose
# documents were described by another version re-describes them, unchanged, on the next
# ingest, without embedding them again (ingest/refresh.py). Change it with those rules.
METADATA_VERSION = "22"  # 3: 法规规章 and 通知公告 types; 4: dates as mail headers write them;
# 5: a portal page's 主送 line under the printed title; 6: every signing organ of a joint document;
# 7: a 公文 title is looked for above the body only (a speech cites 公文 on lines of their own);
# 8: a 令's number ("XX人民政府令" over "第179号"); 9: a crawler's "- **文件名称**：…" note;
# 10: a reply's 主送 may be a person ("石英代表："), never the body's "……现答复如下：";
# 11: a Markdown level-one heading, or a page's <title> its text states, is the title;
# 12: a speech "根据……的决定" delivers the report it names; 13: a ministry ("教育部：") is a 主送,
# a joint signature wins over a portal's one-organ label; 14: a file name's one year dates a
# speech nothing else dates; 15: a bare "_" in a page's title parts it from a site's name only;
# 16: a portal's 实施日期/失效日期 over a day counted from "自印发之日起"; 17: a 发文字号 and
# title below long navigation, a document's own 有效期; 18: a history line "1989年9月1日 施行";
# 19: a speech whose first sentence runs on from its salutation, or whose salutation hides a
# zero-width character; 20: the State Council's report of its work is the 政府工作报告; 21: a
# reply's 主送 may be a person by title or courtesy ("马万祺副主席："); 22: a file name's one year
# dates a speech by its salutation alone, and any text that names that year

DOC_TYPES = CODES  # kb/core/doctypes.py: the one table of types


class ManifestError(KBError, ValueError):
    pass


class ManifestEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    id: str | None = None
    title: str | None = None
    doc_type: str | None = Field(None, description=f"one of {', '.join(DOC_TYPES)}")
    date: str | None = None
    author: str | None = None
    publication: str | None = None
    region: str | None = None
    origin: str | None = None
    access: list[str] | None = Field(
        None, description="Groups that may read the document; absent: every user."
    )

    @field_validator("doc_type")
    @classmethod
    def _type(cls, v: str | None) -> str | None:
        if v is not None and v not in DOC_TYPES:
            raise ValueError(f"应为 {'、'.join(DOC_TYPES)} 之一，不能是 {v!r}")
        return v

    @field_validator("access", mode="before")
    @classmethod
    def _access(cls, v):
        if v is None:
            return None
        from kb.store.access import parse_groups

        groups = parse_groups(v if isinstance(v, list | str) else str(v))
        if not groups:
            raise ValueError("至少要写一个组（所有用户可读时不写这一项）")
        return groups

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v):
        if v is None:
            return None
        v = str(v)
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", v)
        if not m:
            raise ValueError(f"日期应写作 YYYY、YYYY-MM 或 YYYY-MM-DD，不能是 {v!r}")
        try:  # a real day: 2020-13-45 and 2021-02-29 are not
            datetime.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        except ValueError:
            raise ValueError(f"{v!r} 不是真实存在的日期") from None
        return v


class _Loader(yaml.SafeLoader):
    """YAML without timestamps: a date stays the text it was written as, checked above
    (yaml would turn 2020-13-45 into an error naming no entry, 2020-01-05 into a date)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def read_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Entries keyed by resolved file path. Errors name the manifest and the entry."""
    if not path.exists():
        return {}
    try:
        data = read_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}：不是有效的 YAML{where_in_yaml(e)}") from e
    docs = data.get("documents", []) if isinstance(data, dict) else data
    if not isinstance(docs, list):
        raise ManifestError(f"{path}：应有一个 documents: 列表")
    out: dict[str, ManifestEntry] = {}
    for i, raw in enumerate(docs):
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as e:
            first = e.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            name = raw.get("file") if isinstance(raw, dict) else None
            where = f"{name}, {loc}" if isinstance(name, str) and loc != "file" else loc
            msg = validation(first)
            raise ManifestError(f"{path}：第 {i + 1} 条（{where}）：{msg}") from e
        out[str((path.parent / entry.file).resolve())] = entry
    return out


# Lines that are never a document's title: salutations and 主送 lines (end in a colon),
# breadcrumbs, labelled fields, bylines, page furniture, a 版头, a 发文字号, a bare date.
_NOT_TITLE = re.compile(
    r"[:：]$|[>＞»›]|^(来源|作者|发布|发表|时间|日期|编辑|记者|通讯员|责任编辑|字号|浏览|点击|索引号|"
    r"主题|分类|关键词|关键字|摘\s*要|目\s*录|附\s*件|签发人|抄送|印发|打印|关闭|分享|扫一扫|"
    r"第\s*\d+\s*页|page\s*\d)|^[\d\s年月日:：/.\-]+$|^[▶►●■◆★☆※·•\-—]+",
    re.I,
)
# Titles a file's properties carry that name no document (templates, tools, scanners).
_GENERIC_HINT = re.compile(
    r"^(python-docx|untitled|无标题|新建.*文档|document\d*|文档\d*|microsoft word - .*|"
    r"scan\w*|img_?\d+|image\d*|dsc_?\d+|扫描.*|\d+)$",
    re.I,
)
_FILE_NAME = re.compile(r"\.(docx?|wps|pdf|txt|xlsx?|pptx?|html?)\b", re.I)
# The name a text gives itself: "现将《…》印发给你们", "制定本《…》", "《…》（以下简称…）".
_SELF_NAMED = re.compile(
    r"(?:现将|特制定|现印发|现予印发|现予发布)《([^《》\n]{4,60})》"
    r"|《([^《》\n]{4,60})》\s*[（(]以下简称"
    r"|^\s*《([^《》\n]{4,60})》\s*$",
    re.M,
)


# A numbered section heading ("一、", "（二）", "第三章", "1.") heads a part, not the document.
_SECTION = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节条篇部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．])"
)


# What a page's <title> adds to the document's own: the site ("- 某市人民政府门户网站",
# "-某局网站") and a capture tool's "Title: " label.
_SITE_SUFFIX = re.compile(r"\s*[-_|–—]\s*[^-_|–—]{2,30}(?:网站|门户|网|官网|政府网)\s*$")
_TITLE_LABEL = re.compile(r"^(?:title|标题)\s*[:：]\s*", re.I)
# A title wrapped onto a line of its own holds a few characters ("政府工作报" / "告").
WRAPPED_TAIL_MAX = 3


# A labelled field ("搜索热词：…", "来源：…") or a sentence cut by a comma is not a title.
_FIELD = re.compile(r"^[^：:，,]{1,6}[：:]")
PROSE_COMMA_MIN = 25  # a line this long with a comma in it is a sentence, not a headline


def is_title_line(line: str) -> bool:
    s = line.strip().lstrip("#").strip()
    return (
        4 <= len(s) <= 60
        and not _NOT_TITLE.search(s)
        and not SALUTATION.match(s)
        and not _FIELD.match(s)
        and not (len(s) >= PROSE_COMMA_MIN and re.search(r"[，,]", s))
        and not is_masthead(s)
        and not is_number_line(s)
        and not is_date_line(s)
        and not _SECTION.match(s)
        and not s.endswith(("。", "；", "，"))
    )


def _is_h1_title(line: str) -> bool:
    """A Markdown level-one heading is the document's title as its author marked it, though
    it reads as a label ("问答实录：《……》的有关情况") or runs long; not a date or a field."""
    s = line[2:].strip() if line.startswith("# ") else ""
    return 4 <= len(s) <= 120 and not _NOT_TITLE.search(s) and not is_date_line(s)


def readable_name(path: Path | None) -> str:
    """A file name as a title: extension, hash-like tokens and sequence prefixes dropped,
    separators as spaces ("000_f9feb458e1ff2375-江南市通知.txt" -> "江南市通知")."""
    if path is None:
        return ""
    stem = path.stem
    stem = re.sub(r"(?i)(?<![a-z0-9])[0-9a-f]{8,}(?![a-z0-9])", " ", stem)  # content hashes
    stem = re.sub(r"^\d{1,4}(?=[_\-\s.])", " ", stem)  # "000_" sequence prefixes
    stem = re.sub(r"[_\-.\s]+", " ", stem).strip()
    return stem


def infer_title(
    text: str,
    hint: str | None = None,
    path: Path | None = None,
    gongwen: Gongwen | None = None,
) -> str:
    """A title for a file without a manifest entry: a 公文's title; a Markdown/HTML heading;
    a 《》 name the text gives itself; the file's own title property when it names something;
    the first line that reads as a heading; the file name made readable."""
    if gongwen is not None and gongwen.title and (gongwen.is_gongwen or "title" in gongwen.quotes):
        return gongwen.title[:120]
    lines = text_lines(text)
    for s in lines[:15]:  # a web capture's "Title: …" line, a front matter's "title: '…'"
        if _TITLE_LABEL.match(s):
            own = _SITE_SUFFIX.sub("", _TITLE_LABEL.sub("", s)).strip("'\" ")
            if len(own) >= 4:
                return own[:120]
    opening = speech_opening(lines)
    if opening is not None:
        # A speech or letter: no title line. What names it is the file's own title property,
        # else what its opening says it is ("我代表国务院向大会作政府工作报告"), else its file name.
        spoken = speech_name(opening)
        return (
            _hint_title(hint, path)
            or with_year(spoken, path)
            or readable_name(path)
            or _opening(lines)
        )
    h = _hint_title(hint, path)
    if h and any(s.lstrip("#").strip() == h for s in lines[:40]):
        return h  # the page's <title> that its text also states as a line of its own
    for s in lines[:40]:
        if s.startswith("#") and (is_title_line(s) or _is_h1_title(s)):
            return s.lstrip("#").strip()[:120]
    lead = leading_title(lines)
    if lead:
        return lead
    m = _SELF_NAMED.search(text[:800])
    if m:
        return next(g for g in m.groups() if g)
    h = _hint_title(hint, path)
    if h:
        return h
    for s in lines[:20]:
        if is_title_line(s):
            return s[:120]
    name = readable_name(path)
    if name:
        return name
    return _opening(lines)


def _opening(lines: list[str]) -> str:
    """Nothing names the document: the opening words of its first line that is not a
    salutation or page furniture."""
    first = next((s for s in lines if not _NOT_TITLE.search(s)), "")
    return (first[:30] + "…" if len(first) > 30 else first) or "未命名文档"


# What parts a page's title from its site's name: " - ", " | " and the like; a bare "_" only
# before a site's name ("标题_中国政府网"), as a saved page may also write "_" for the quotes
# its title holds ("长三角_短中之短_如何振兴？").
_PAGE_SEPARATOR = re.compile(
    r"\s+[-_|–—]\s+|_(?=[^_]*(?:网|网站|门户|官网|频道|日报|在线|人民政府|政府)\s*$)"
)


def _hint_title(hint: str | None, path: Path | None) -> str:
    """The file's own title property (an HTML <title>, a Word title) when it names something."""
    hint = _SITE_SUFFIX.sub("", _TITLE_LABEL.sub("", hint.strip())) if hint else hint
    if hint and not _GENERIC_HINT.match(hint.strip()) and not _FILE_NAME.search(hint):
        h = _PAGE_SEPARATOR.split(hint.strip())[0].strip()  # "标题 - 某市人民政府网站"
        if len(h) >= 4 and not _GENERIC_HINT.match(h) and not (path and h == path.stem):
            return h[:120]
    return ""


def leading_title(lines: list[str]) -> str:
    """The title a text opens with: its first line when that line reads as a title and is
    followed by a date, a 发文字号 or a "——…在…会议上" line before any sentence (a speech,
    a report, a 公文 pasted as text), a wrapped last few characters joined back."""
    if len(lines) < 2 or not is_title_line(lines[0]):
        return ""
    title, rest = lines[0], lines[1:]
    if len(rest[0]) <= WRAPPED_TAIL_MAX and not re.search(r"[\W\d]", rest[0]):
        title, rest = title + rest[0], rest[1:]
    nxt = rest[0] if rest else ""
    if (
        is_date_line(nxt)
        or is_number_line(nxt)
        or re.match(r"^[—–-]{1,2}|^[（(]?\s*(?:19|20)\d{2}\s*年", nxt)
    ):
        return title[:120]
    return ""


# What a title ends with says what an official document is (GB/T 9704 kinds, and the names
# of the instruments a notice issues).
_REGULATION_END = re.compile(r"(?:(?<![方做看说想用手])法|条例|办法|规定|细则|规则|规章)$")
_NOTICE_END = re.compile(r"(?:通知|通告|公告|决定|批复|复函|函|命令|公报)$")


def infer_type(title: str, text: str) -> str:
    """A document's type from its title: an issuing notice ("关于印发《X办法》的通知") is typed
    by what it issues; then agreements, regulations, plans and notices by their names."""
    t = title
    core = core_title(title)
    if re.search(r"协议|备忘录|协定", t):
        return "agreement"
    if _REGULATION_END.search(core):
        return "regulation"
    if re.search(r"规划|纲要|行动计划|方案|意见|措施", core):
        return "plan"
    if _NOTICE_END.search(core):
        return "notice"
    if re.search(r"规划|纲要|行动计划|方案|意见|措施", t):
        return "plan"
    if re.search(r"指数|报告|白皮书|年鉴", t):
        return "index_report"
    if re.search(r"软件园|产业园|科技园|园区|开发区", t):
        return "park_profile"
    if re.search(r"本报(记者|讯)|记者|通讯员|新华社", text[:800]):
        return "news"
    return "research"


def make_doc_id(path: Path, taken: set[str]) -> str:
    stem = re.sub(r"[^\w-]+", "-", path.stem.strip().lower()).strip("-") or "doc"
    if stem not in taken:
        return stem
    return f"{stem}-{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"
