"""What changed between two versions of a document: articles (第X条) aligned by their text, so
a renumbered article is matched with its old self, and each change shown as old → new with
the changed characters marked. Documents without articles are compared paragraph by
paragraph.

Alignment is a monotone best match (like ``diff`` over lines) where two articles may pair
when their character bigrams overlap by at least ``SAME_ARTICLE`` (Dice coefficient); the
pairs that differ are diffed character by character with difflib.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kb.core.text import char_grams

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
       "八": 8, "九": 9}  # fmt: skip
_ARTICLE = re.compile(
    r"^[ \t\u3000]*第([一二三四五六七八九十百千零〇两\d]{1,8})条(?=[\s\u3000]|[^\s，。、])", re.M
)
_CHAPTER = re.compile(r"^[ \t\u3000]*第[一二三四五六七八九十百零〇\d]{1,5}[章节编][^\n]*$", re.M)
# Two articles whose character bigrams overlap this much (Dice) may be one article in two
# versions. Measured on the 85 regulations of ../shared/datasets/policy-corpus: two different
# articles of one regulation overlap 0.08 (median) and 0.31 (99th percentile) of 206,782
# pairs; an article's most similar other article 0.24 (median), 0.38 (90th), and 4% reach
# 0.5, which the in-order alignment then must also favour. An amended article that keeps
# half its wording stays above it; one rewritten more is shown deleted and inserted.
SAME_ARTICLE = 0.5


def article_number(label: str) -> int:
    """'一百零五' -> 105, '二十' -> 20, '12' -> 12."""
    if label.isdigit():
        return int(label)
    total, cur = 0, 0
    for ch in label:
        if ch in _CN:
            cur = _CN[ch]
        elif ch in "十百千":
            total += (cur or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            cur = 0
    return total + cur


@dataclass
class Part:
    label: str  # 第五条, or 第3段 for a document without articles
    number: int | None  # the article's number
    text: str  # the article's body, without its label


def parts(text: str) -> list[Part]:
    """The articles of a text (chapter headings dropped), or its paragraphs if it has none."""
    text = _CHAPTER.sub("", text)
    marks = list(_ARTICLE.finditer(text))
    if len(marks) >= 2:
        out = []
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            body = re.sub(r"\s+", " ", text[m.end() : end]).strip()
            out.append(Part(f"第{m.group(1)}条", article_number(m.group(1)), body))
        return out
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    return [Part(f"第{i}段", None, p) for i, p in enumerate(paras, 1)]


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"\s+", "", s)
    return char_grams(s, 2) or {s}


KIND_LABELS = {"modified": "修改", "inserted": "新增", "deleted": "删除", "renumbered": "重新编号"}


@dataclass
class Change:
    kind: str  # modified | inserted | deleted | renumbered (same text, another number)
    old: Part | None
    new: Part | None
    segments: list[tuple[str, str]]  # (equal | delete | insert, text) for a modified article

    def heading(self) -> str:
        """'【修改】第四条 → 第五条', '【新增】第三条': what every rendering puts first."""
        labels = [p.label for p in (self.old, self.new) if p is not None]
        where = labels[0] if len(set(labels)) == 1 else " → ".join(labels)
        return f"【{KIND_LABELS[self.kind]}】{where}"

    def runs(self) -> list[tuple[str, str]]:
        """The change's text as (equal | delete | insert, text) runs."""
        if self.kind == "inserted":
            return [("insert", self.new.text)]
        if self.kind == "deleted":
            return [("delete", self.old.text)]
        if self.kind == "renumbered":
            return [("equal", "（内容未变）")]
        return self.segments

    def marked(self) -> str:
        """'…[-旧-]{+新+}…' for the CLI and briefs."""
        out = []
        for op, t in self.segments:
            out.append(t if op == "equal" else f"[-{t}-]" if op == "delete" else f"{{+{t}+}}")
        return "".join(out)


@dataclass
class Diff:
    changes: list[Change]
    unchanged: int  # articles the same in number and text
    by_articles: bool  # False: compared by paragraphs

    def to_json(self, old, new) -> dict:
        """The contract's Diff; ``old`` and ``new`` are the documents compared."""

        def part(p: Part | None) -> dict | None:
            return {"label": p.label, "number": p.number, "text": p.text} if p else None

        return {
            "old": {"doc_id": old.doc_id, "title": old.title},
            "new": {"doc_id": new.doc_id, "title": new.title},
            "by_articles": self.by_articles,
            "summary": self.summary(),
            "counts": {k: self.count(k) for k in KIND_LABELS} | {"unchanged": self.unchanged},
            "changes": [
                {
                    "kind": c.kind,
                    "label": KIND_LABELS[c.kind],
                    "old": part(c.old),
                    "new": part(c.new),
                    "segments": [{"op": o, "text": t} for o, t in c.segments],
                }
                for c in self.changes
            ],  # fmt: skip
        }

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def summary(self) -> str:
        unit = "条款" if self.by_articles else "段落"
        renum = self.count("renumbered") + sum(
            1 for c in self.changes if c.kind == "modified" and c.old.number != c.new.number
        )
        return (
            f"{unit}增加 {self.count('inserted')}，删除 {self.count('deleted')}，"
            f"修改 {self.count('modified')}，未变 {self.unchanged}"
            + (f"（其中重新编号 {renum}）" if renum and self.by_articles else "")
        )


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character bigrams (0: nothing shared, 1: the same)."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y))


def _align(a: list[Part], b: list[Part]) -> list[tuple[int | None, int | None]]:
    """Pairs (i, j) in order, None where an article has no counterpart."""
    n, m = len(a), len(b)
    grams_a, grams_b = [_bigrams(p.text) for p in a], [_bigrams(p.text) for p in b]
    sim = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            x, y = grams_a[i], grams_b[j]
            sim[i][j] = 2 * len(x & y) / (len(x) + len(y))
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            if sim[i][j] >= SAME_ARTICLE:
                best = max(best, score[i + 1][j + 1] + sim[i][j])
            score[i][j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= SAME_ARTICLE and score[i][j] == score[i + 1][j + 1] + sim[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return _same_place(pairs, a, b)


def _same_place(pairs: list, a: list[Part], b: list[Part]) -> list:
    """An article deleted and one inserted in its place under the same label is that article
    rewritten (第六条 施行 gaining a 废止 sentence): shown as modified, not as two changes."""
    out = []
    for p in pairs:
        if out and p[0] is None and out[-1][1] is None and a[out[-1][0]].label == b[p[1]].label:
            out[-1] = (out[-1][0], p[1])
        elif out and p[1] is None and out[-1][0] is None and b[out[-1][1]].label == a[p[0]].label:
            out[-1] = (p[0], out[-1][1])
        else:
            out.append(p)
    return out


def diff(old_text: str, new_text: str) -> Diff:
    a, b = parts(old_text), parts(new_text)
    changes, unchanged = [], 0
    for i, j in _align(a, b):
        if j is None:
            changes.append(Change("deleted", a[i], None, []))
        elif i is None:
            changes.append(Change("inserted", None, b[j], []))
        elif a[i].text == b[j].text:
            if a[i].number != b[j].number:
                changes.append(Change("renumbered", a[i], b[j], []))
            else:
                unchanged += 1
        else:
            sm = difflib.SequenceMatcher(None, a[i].text, b[j].text, autojunk=False)
            segs: list[tuple[str, str]] = []
            for op, i1, i2, j1, j2 in sm.get_opcodes():
                if op == "equal":
                    segs.append(("equal", a[i].text[i1:i2]))
                    continue
                if i2 > i1:
                    segs.append(("delete", a[i].text[i1:i2]))
                if j2 > j1:
                    segs.append(("insert", b[j].text[j1:j2]))
            changes.append(Change("modified", a[i], b[j], segs))
    by_articles = bool(a and a[0].number is not None and b and b[0].number is not None)
    return Diff(changes, unchanged, by_articles)
