"""Eval reports: Markdown, a self-contained HTML page (inline SVG charts, no scripts), and the
comparison of two runs. All corpus and answer text is escaped."""

from __future__ import annotations

import html

from evals.scoring import LOWER_IS_BETTER, METRIC_GROUPS, NEUTRAL, UNBOUNDED
from kb.core import zh_eval as zh


def fmt(v, name: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.1f}" if name.startswith(UNBOUNDED) or v > 1.0 else f"{v:.3f}"
    return str(v)


def _title(results: dict) -> str:
    c = results["config"]
    return f"评测报告 · {c.get('dataset', '')} · 预设：{zh.preset(c.get('preset', 'default'))}"


def _own_corpus(results: dict) -> str:
    """'语料目录 DIR（KB_HOME HOME）' for a dataset asked of its own corpus, else ''."""
    c = results["config"]
    return (
        f"语料目录 {c['corpus_dir']}（KB_HOME {c['corpus_home']}）" if c.get("corpus_dir") else ""
    )


def render_markdown(results: dict) -> str:
    lines = [f"# {_title(results)}", "", f"生成时间 {results['created']}；{results['questions_total']} 题；"
             f"语料 {results['corpus'].get('documents', '?')} 篇 / {results['corpus'].get('chunks', '?')} 段", ""]  # fmt: skip
    if _own_corpus(results):
        lines[-1:-1] = ["", _own_corpus(results)]
    for group, names in METRIC_GROUPS.items():
        lines += [f"## {group}", "", "| metric | value |", "|---|---|"]
        lines += [f"| {n} | {fmt(results['metrics'].get(n), n)} |" for n in names]
        lines.append("")
    failed = [q for q in results["questions"] if q["reasons"]]
    lines += [f"## 未通过的问题 ({len(failed)})", ""]
    for q in failed:
        lines.append(f"- **{q['id']}** {q['question']} — " + "; ".join(q["reasons"]))
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f3f3f3}.fail{background:#fff1f0}.pass{background:#f6ffed}.small{font-size:.85em;color:#555}
.charts{display:flex;flex-wrap:wrap;gap:2em}details{margin:.2em 0}.up{color:#237804}.down{color:#a8071a}
"""


def _bars(title: str, items: list[tuple[str, float | None]], scale: float | None = None) -> str:
    vals = [v for _, v in items if v is not None]
    top = scale or (max(vals) if vals else 1.0) or 1.0
    width, row = 420, 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 30}" role="img">',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{html.escape(title)}</text>']  # fmt: skip
    for i, (name, v) in enumerate(items):
        y = 28 + i * row
        w = 0 if v is None else max(1, int(220 * v / top))
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(name)}</text>')
        parts.append(f'<rect x="150" y="{y + 3}" width="{w}" height="14" fill="#4c8bf5"/>')
        parts.append(f'<text x="{155 + w}" y="{y + 14}" font-size="12">{fmt(v, name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(results: dict) -> str:
    m = results["metrics"]
    e = html.escape
    out = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{e(_title(results))}</title>",
           f"<style>{_CSS}</style></head><body><h1>{e(_title(results))}</h1>",
           f"<p class='small'>生成时间 {e(results['created'])} · {results['questions_total']} 题 · "
           f"语料 {e(str(results['corpus'].get('documents', '?')))} 篇 / {e(str(results['corpus'].get('chunks', '?')))} 段 · "
           f"用时 {results['seconds']} 秒</p>"]  # fmt: skip
    if _own_corpus(results):
        out.append(f"<p class='small'>{e(_own_corpus(results))}</p>")
    out.append("<h2>指标</h2><table><tr><th>组</th><th>指标</th><th>值</th><th>说明</th></tr>")
    for group, names in METRIC_GROUPS.items():
        for n in names:
            out.append(f"<tr><td>{e(zh.group(group))}</td><td>{_metric(n)}</td>"
                       f"<td>{fmt(m.get(n), n)}</td><td class='small'>{e(zh.metric_help(n))}</td></tr>")  # fmt: skip
    out.append("</table><div class='charts'>")
    for group, names in METRIC_GROUPS.items():
        scale = None if any(n.startswith(UNBOUNDED) for n in names) else 1.0
        out.append(_bars(zh.group(group), [(zh.metric(n), m.get(n)) for n in names], scale))
    out.append(
        "</div><h2>逐题结果</h2><table><tr><th>id</th><th>问题</th><th>状态</th><th>回答与引用</th><th>原因</th></tr>"
    )
    for q in results["questions"]:
        cls = "pass" if not q["reasons"] else "fail"
        cites = "".join(
            f"<details><summary>[{c['n']}] {e(c['title'])} · {e(c['locator'])}</summary>"
            f"<p>“{e(c['quote'])}”</p></details>"  # no file path: results.json has it
            for c in q["citations"]
        )
        out.append(
            f"<tr class='{cls}'><td>{e(q['id'])}</td><td>{e(q['question'])}<div class='small'>{e(', '.join(q['tags']))}</div></td>"
            f"<td>{e(zh.status(q['status']))}</td><td><div style='white-space:pre-wrap'>{e(q['answer'])}</div>{cites}</td>"
            f"<td>{e(_reasons(q)) or '通过'}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)


# ---------------------------------------------------------------- comparison
def compare(a: dict, b: dict) -> dict:
    names = [n for ns in METRIC_GROUPS.values() for n in ns]
    deltas = []
    for n in names:
        va, vb = a["metrics"].get(n), b["metrics"].get(n)
        deltas.append(
            {
                "metric": n,
                "a": va,
                "b": vb,
                "delta": (vb - va) if va is not None and vb is not None else None,
            }
        )
    qa = {q["id"]: q for q in a["questions"]}
    qb = {q["id"]: q for q in b["questions"]}
    common = [i for i in qa if i in qb]
    broke = [i for i in common if qa[i]["fully_correct"] and not qb[i]["fully_correct"]]
    fixed = [i for i in common if not qa[i]["fully_correct"] and qb[i]["fully_correct"]]
    return {"deltas": deltas, "pass_to_fail": broke, "fail_to_pass": fixed, "a": a, "b": b}


def compare_text(c: dict, name_a: str, name_b: str) -> str:
    lines = [f"{'metric':28} {name_a[:14]:>14} {name_b[:14]:>14} {'delta':>9}"]
    for d in c["deltas"]:
        delta = "" if d["delta"] is None else f"{d['delta']:+.3f}"
        lines.append(
            f"{d['metric']:28} {fmt(d['a'], d['metric']):>14} {fmt(d['b'], d['metric']):>14} {delta:>9}"
        )
    qb = {q["id"]: q for q in c["b"]["questions"]}
    qa = {q["id"]: q for q in c["a"]["questions"]}
    lines.append(f"\npass → fail ({len(c['pass_to_fail'])}):")
    lines += [
        f"  {i} {qb[i]['question']} — {'; '.join(qb[i]['reasons'])}" for i in c["pass_to_fail"]
    ]
    lines.append(f"fail → pass ({len(c['fail_to_pass'])}):")
    lines += [f"  {i} {qa[i]['question']}" for i in c["fail_to_pass"]]
    return "\n".join(lines)


def compare_html(c: dict, name_a: str, name_b: str) -> str:
    e = html.escape
    out = [f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>对比 {e(name_a)} → {e(name_b)}</title>",
           f"<style>{_CSS}</style></head><body><h1>对比：{e(name_a)} → {e(name_b)}</h1>",
           f"<table><tr><th>指标</th><th>{e(name_a)}</th><th>{e(name_b)}</th><th>变化</th></tr>"]  # fmt: skip
    for d in c["deltas"]:
        cls = "" if not d["delta"] else ("up" if d["delta"] > 0 else "down")
        if d["metric"].startswith(LOWER_IS_BETTER) and d["delta"]:
            cls = "down" if d["delta"] > 0 else "up"
        if d["metric"].startswith(NEUTRAL):
            cls = ""
        delta = "" if d["delta"] is None else f"{d['delta']:+.3f}"
        out.append(
            f"<tr><td>{_metric(d['metric'])}</td><td>{fmt(d['a'], d['metric'])}</td><td>{fmt(d['b'], d['metric'])}</td><td class='{cls}'>{delta}</td></tr>"
        )
    qb = {q["id"]: q for q in c["b"]["questions"]}
    for title, ids in (("通过 → 未通过", c["pass_to_fail"]), ("未通过 → 通过", c["fail_to_pass"])):
        out.append(
            f"</table><h2>{title} ({len(ids)})</h2><table><tr><th>id</th><th>问题</th><th>原因（{e(name_b)}）</th></tr>"
        )
        for i in ids:
            out.append(
                f"<tr><td>{e(i)}</td><td>{e(qb[i]['question'])}</td><td>{e(_reasons(qb[i]))}</td></tr>"
            )
    out.append("</table></body></html>")
    return "\n".join(out)


def _metric(key: str) -> str:
    """A metric's Chinese name, what it measures on hover (HTML, escaped)."""
    return f"<span title='{html.escape(zh.metric_help(key))}'>{html.escape(zh.metric(key))}</span>"


def _reasons(q: dict) -> str:
    return "；".join(zh.reason(r) for r in q["reasons"])
