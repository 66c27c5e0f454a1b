"""What a user reads, in Chinese: audit actions and their details, and date-times as
"2026年12月1日 21:47" instead of ISO stamps. The stored forms stay as they are (machine
readable, in `--json` and the API)."""

from __future__ import annotations

import re

AUDIT_ACTIONS = {
    "ask": "提问",
    "retrieve": "检索测试",
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "user_add": "添加用户",
    "user_remove": "删除用户",
    "user_groups": "修改用户组",
    "passwd": "修改密码",
    "token_issue": "签发令牌",
    "token_revoke": "吊销令牌",
    "upload": "上传文档",
    "access": "修改访问权限",
}
DETAIL_KEYS = {
    "question": "问题",
    "status": "结果",
    "cited": "引用文档",
    "address": "地址",
    "groups": "组",
    "admin": "管理员",
    "count": "数量",
    "source": "来源",
    "access": "可读组",
    "reason": "原因",
}
_VALUES = {"answered": "已回答", "not_found": "未找到", True: "是", False: "否"}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")


def action(name: str) -> str:
    return AUDIT_ACTIONS.get(name, name)


def detail(d: dict) -> str:
    """ "问题：…；结果：已回答" — empty values left out (an unknown address is not shown)."""
    parts = []
    for k, v in d.items():
        if v in (None, "", [], {}):
            continue
        if isinstance(v, list):
            v = "、".join(map(str, v))
        v = _VALUES.get(v, v) if isinstance(v, str | bool) else v
        parts.append(f"{DETAIL_KEYS.get(k, k)}：{v}")
    return "；".join(parts)


def when(iso: str | None) -> str:
    """'2026-12-01T21:47:27' -> '2026年12月1日 21:47'; a date alone -> '2026年12月1日'."""
    m = _ISO.match(iso or "")
    if not m:  # a month or a year alone (a document's date may be no finer)
        part = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", iso or "")
        if part:
            return f"{part[1]}年" + (f"{int(part[2])}月" if part[2] else "")
        return iso or ""
    day = f"{m[1]}年{int(m[2])}月{int(m[3])}日"
    return f"{day} {m[4]}:{m[5]}" if m[4] else day


# pydantic's own messages, for the kinds a user's input meets (a manifest entry, an upload's
# metadata, a KB_* setting); the messages of our own validators are Chinese already.
_VALIDATION = {
    "extra_forbidden": "不认识的字段",
    "missing": "缺少这一项",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "json_invalid": "不是有效的 JSON",
    "url_parsing": "不是有效的网址",
}
_BOUNDS = {"greater_than": ("gt", "应大于"), "greater_than_equal": ("ge", "应不小于"),
           "less_than": ("lt", "应小于"), "less_than_equal": ("le", "应不大于")}  # fmt: skip


def validation(error: dict) -> str:
    """One pydantic validation error (an item of ``ValidationError.errors()``) as a Chinese
    message: pydantic's kind named, or our validator's own text."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in _VALIDATION:
        return _VALIDATION[kind]
    if kind in _BOUNDS and _BOUNDS[kind][0] in ctx:
        key, words = _BOUNDS[kind]
        return f"{words} {ctx[key]}"
    if kind == "literal_error" and "expected" in ctx:
        return f"应为 {ctx['expected']}"
    return str(error.get("msg", "")).removeprefix("Value error, ")
