"""The parts of a 公文 that stand on a line of their own (版头, 发文字号, title end, date), and
the patterns for its dates and document numbers, in Arabic, Chinese-numeral or ISO form.
The PDF line joiner and the chunker use these too, so that such lines are never merged."""

from __future__ import annotations

import re
from datetime import date

from kb.core.instruments import DOC_NUMBER, normalise_number  # noqa: F401  (re-exported)

# DOC_NUMBER: the one rule for a 发文字号 is in kb/core/instruments.py

# What a 主送 line names: organs ("各区人民政府", "教育部", "武警总部"), units, a deputy, a
# person by title or courtesy (a reply's "马万祺副主席：").
RECIPIENT_ORGAN = re.compile(
    r"政府|委|办|局|厅|院|部门|部(?=$|[、，,和])|单位|机关|公司|集团|学校|高校|会|中心|银行|各|处|室|代表|同志"
    r"|主席|先生|女士"
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
ORGAN = (
    r"(?:人民政府|政府|办公厅|办公室|委员会|人大常委会|常委会|局|厅|部|署|院|委|会|办|中心|集团|公司|"
    r"管委会|管理委员会|党委|党组|联合会|协会|法院|检察院|银行|分行|支行|大学|学院)"
)
MASTHEAD = re.compile(rf"^(?P<org>.{{2,40}}?{ORGAN}(?:[、\s].{{2,30}}?{ORGAN})*)\s*文件$")
ORGAN_LINE = re.compile(rf"^[\u4e00-\u9fff（）()、\s]{{2,40}}{ORGAN}(?:[（(][^（()）]*[)）])?$")
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
_NUMBERED_HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[章节条部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．])"
)


# ---------------------------------------------------------------- dates
def cn_int(s: str) -> int:
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
        y, mo, d = cn_int(m.group("cy")), cn_int(m.group("cm")), cn_int(m.group("cd"))
    else:
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def first_date(text: str) -> str | None:
    m = DATE.search(text)
    return parse_date(m) if m else None


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
    return bool(MASTHEAD.match(s)) and len(s) <= 60


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
