"""An official reads no English and no machine path: why a file could not be ingested (kb
ingest, the 上传 page), the command line's own errors, the eval metrics' names, and briefs and
chat answers that name documents by title and place, never by file."""

from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from click.testing import CliRunner

from evals.report import compare, compare_html, render_html
from evals.scoring import METRIC_GROUPS
from ingest.pipeline import ingest
from ingest.uploads import Upload, check_content, save_uploads
from kb.api.chat import chat_content
from kb.brief import build_brief, render, to_markdown
from kb.cli import main
from kb.core import zh, zh_eval
from kb.core.doctypes import CODES
from tests.conftest import ROOT, settings_env

# Latin words a Chinese message may hold: names of formats, settings and programs
NAMES = {"PDF", "HTML", "Word", "docx", "doc", "zip", "XML", "OCR", "UTF", "GB18030", "NUL",
         "PNG", "JPEG", "TIFF", "BMP", "JPG", "TIF", "YAML", "dpi", "Ctrl", "MB", "txt", "md", "xlsx",
         "xyz", "FIFO", "rapidocr", "onnxruntime", "documents", "kb", "ingest", "docs", "list",
         "user", "groups", "public", "format", "default", "llm", "worker", "KB_DATABASE_URL"}  # fmt: skip
NAMES |= set(CODES)  # the document types a manifest names (doc_type: policy)
CJK = re.compile(r"[\u4e00-\u9fff]")


def english(text: str) -> list[str]:
    """The Latin words of ``text`` that are not names (KB_* settings and the YYYY-MM-DD of
    a date's form are names) nor a value the user gave, quoted."""
    text = re.sub(r"KB_[A-Z_]*|\bY{4}(-MM(-DD)?)?\b|'[^']*'", "", text)
    words = re.findall(r"[A-Za-z][A-Za-z_]{2,}", text)
    return [w for w in words if w not in NAMES]


# ---------------------------------------------------------------- 1. ingest refusals
def _messages(path: Path, calls: set[str]) -> list[tuple[str, int, str]]:
    """(file, line, literal text) of the first argument of every call to one of ``calls``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name in calls and isinstance(node.args[0], ast.Constant | ast.JoinedStr):
            arg = node.args[0]
            parts = [arg] if isinstance(arg, ast.Constant) else arg.values
            text = "".join(p.value for p in parts if isinstance(p, ast.Constant))
            out.append((path.name, node.lineno, text))
    return out


def test_every_refusal_written_in_ingest_and_the_cli_is_chinese():
    found = [m for p in (ROOT / "ingest").rglob("*.py")
             for m in _messages(p, {"ReadError", "ManifestError", "ValueError", "Saved"})]  # fmt: skip
    found += [m for p in (ROOT / "kb" / "cli").glob("*.py")
              for m in _messages(p, {"ClickException", "UsageError", "ForbiddenError"})]  # fmt: skip
    assert len(found) > 50
    bad = [m for m in found if m[2] and (not CJK.search(m[2]) or english(m[2]))]
    assert not bad, bad


def test_uploads_are_refused_in_chinese(hash_settings):
    s = hash_settings
    saved = save_uploads(
        [Upload("假.pdf", b"MZ not a pdf"), Upload("空.txt", b""), Upload("表.xlsx", b"PK"),
         Upload("假.docx", b"not a zip"), Upload("照片.png", b"GIF89a"),
         Upload("纪要.md", "会议纪要。".encode(), date="2020-13-45"),
         Upload("纪要.md", "会议纪要。".encode(), doc_type="poem")],
        s,
    )  # fmt: skip
    reasons = [x.error for x in saved]
    assert reasons[0] == "不是 PDF 文件（内容不以 %PDF 开头）"
    assert reasons[1] == "空文件" and reasons[2] == "不支持的文件类型 .xlsx"
    assert reasons[5] == "文档信息「日期」有误：'2020-13-45' 不是真实存在的日期"
    assert reasons[6].startswith("文档信息「类型」有误：应为 ")
    assert all(r and CJK.search(r) and not english(r) for r in reasons), reasons
    big = check_content("大.pdf", b"%PDF" + b"0" * 2_000_000, 1_000_000)
    assert big == "文件大小为 2.0 MB，超过 1 MB 的上限（KB_MAX_FILE_MB）"


def test_kb_ingest_says_why_in_chinese(hash_settings, monkeypatch, tmp_path):
    s = hash_settings
    settings_env(monkeypatch, s)
    folder = s.corpus_dir
    (folder / "假.pdf").write_bytes(b"this is not a PDF at all")
    (folder / "空.txt").write_bytes(b"")
    (folder / "二进制.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    (folder / "表格.xyz").write_text("x", encoding="utf-8")
    (folder / "坏.docx").write_bytes(b"PK not really a zip")
    outside = tmp_path / "外面.txt"
    outside.write_text("机密。", encoding="utf-8")
    (folder / "链接.txt").symlink_to(outside)
    r = CliRunner().invoke(main, ["ingest", "--json"])
    files = {Path(f["source"]).name: f for f in json.loads(r.stdout)["files"]}
    refused = {n: f["reason"] for n, f in files.items() if f["status"] in ("failed", "skipped")}
    assert set(refused) == {"假.pdf", "空.txt", "二进制.txt", "表格.xyz", "坏.docx", "链接.txt"}
    assert all(CJK.search(why) and not english(why) for why in refused.values()), refused
    human = CliRunner().invoke(main, ["ingest"]).output
    assert "失败  corpus/空.txt: 空文件" in human and "指向文件夹以外的符号链接" in human


def test_the_command_line_errors_in_chinese(hash_settings, monkeypatch):
    settings_env(monkeypatch, hash_settings)
    ingest(None, hash_settings)
    r = CliRunner().invoke(main, ["docs", "show", "nope"])
    assert r.exit_code == 1 and "没有文档 'nope'；可用 `kb docs list` 查看" in r.output
    r = CliRunner().invoke(main, ["docs", "access", "x"])
    assert "请给出 --groups G1,G2 或 --public 两者之一" in r.output
    monkeypatch.setenv("KB_RETRIEVAL__K", "many")
    assert (
        "设置 KB_RETRIEVAL__K 有误：应为整数" in CliRunner().invoke(main, ["docs", "list"]).output
    )


def test_validation_messages_name_the_kind_in_chinese():
    assert zh.validation({"type": "extra_forbidden", "msg": "Extra inputs"}) == "不认识的字段"
    assert zh.validation({"type": "greater_than", "ctx": {"gt": 0}, "msg": "x"}) == "应大于 0"
    assert zh.validation({"type": "value_error", "msg": "Value error, 日期有误"}) == "日期有误"


# ---------------------------------------------------------------- 3. eval metric names
def test_every_metric_has_a_chinese_name_and_an_explanation():
    for group, names in METRIC_GROUPS.items():
        assert CJK.search(zh_eval.group(group)) and not english(zh_eval.group(group))
        for n in names:
            assert CJK.search(zh_eval.metric(n)) and zh_eval.metric_help(n), n
    for key in zh_eval.QUESTION_SCORES:
        assert CJK.search(zh_eval.score(key)) and zh_eval.score_help(key)
    assert zh_eval.status("answered") == "已回答" and zh_eval.status("not_found") == "已拒答"


@pytest.mark.parametrize(
    "reason, chinese",
    [("status not_found, expected answered", "应为已回答，实际已拒答"),
     ("no retrieved passage (top 10) contains the evidence", "前 10 个检索段落都不含参考证据"),
     ("answer lacks: 3.7亿元, 2024年", "回答缺少要点：3.7亿元, 2024年"),
     ("the answer is one a reader marked wrong", "回答与读者标记为错误的答案相同"),
     ("citation quote not in its document: [2]", "引文不在所引文档中：[2]"),
     ("no citation carries the evidence", "没有一条引文含有参考证据")],
)  # fmt: skip
def test_every_reason_a_question_fails_reads_in_chinese(reason, chinese):
    assert zh_eval.reason(reason) == chinese


def test_the_eval_report_names_metrics_in_chinese():
    cite = {"n": 1, "title": "某通知", "locator": "¶2", "quote": "原文。", "source": "corpus/a.txt"}
    q = {"id": "q1", "question": "问？", "tags": [], "status": "not_found", "answer": "未找到。",
         "citations": [cite], "reasons": ["status not_found, expected answered"],
         "fully_correct": False}  # fmt: skip
    res = {"config": {"dataset": "d.yaml", "preset": "default"}, "created": "2026-01-01",
           "questions_total": 1, "seconds": 1.0, "corpus": {}, "questions": [q],
           "metrics": {"hit@5": 0.5, "fully_correct": 0.0}}  # fmt: skip
    page = render_html(res)
    assert "前5命中率" in page and "title='前 5 个检索段落" in page and "已拒答" in page
    assert "应为已回答，实际已拒答" in page and "预设：默认（抽取式）" in page
    assert "某通知" in page and "corpus/a.txt" not in page  # no machine path
    assert not re.search(r"<th>(metric|value|delta)</th>|>hit@5<|>not_found<", page)
    diff = compare_html(compare(res, res), "A", "B")
    assert "<th>变化</th>" in diff and "完全正确率" in diff and ">fully_correct<" not in diff


# ---------------------------------------------------------------- 4. briefs and chat
CITE = {"n": 1, "doc_id": "notice", "title": "关于补贴标准的通知", "author": "市财政局",
        "date": "2025-12-01", "locator": "第二条", "quote": "补贴标准为每人每月500元。",
        "source": "corpus/notice.txt"}  # fmt: skip
ANSWERED = {"question": "补贴标准是多少？", "status": "answered",
            "answer": "每人每月500元。[1]", "citations": [CITE]}  # fmt: skip
REFUSED = {"question": "火星基地何时建成？", "status": "not_found",
           "answer": "文档中没有找到相关内容。", "citations": [{**CITE, "n": 1}]}  # fmt: skip


def test_a_brief_names_no_file_and_writes_dates_in_chinese():
    b = build_brief([ANSWERED], {"documents": 3, "last_ingest": "2026-12-01T21:47:05"})
    md = to_markdown(b)
    assert "[^1]: 《关于补贴标准的通知》，市财政局，2025年12月1日，第二条：“补贴标准" in md
    assert "最近导入 2026年12月1日 21:47" in md
    d = docx.Document(io.BytesIO(render(b, "docx")))
    text = "\n".join(p.text for p in d.paragraphs)
    pdf = render(b, "pdf")
    from pypdf import PdfReader

    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for shown in (md, text, pdf_text):
        assert "corpus/" not in shown and "notice.txt" not in shown and "2025-12-01" not in shown
        assert not re.search(r"\d{4}-\d{2}-\d{2}T?", shown)


def test_a_brief_is_authored_by_the_knowledge_base_in_a_chinese_font():
    b = build_brief([ANSWERED], {})
    d = docx.Document(io.BytesIO(render(b, "docx")))
    assert d.core_properties.author == "长三角政策知识库"
    assert "python-docx" not in d.core_properties.comments
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 2"):
        fonts = d.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体" and fonts.get(qn("w:eastAsiaTheme")) is None
    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(render(b, "pdf"))).metadata
    assert meta.author == "长三角政策知识库" and "ReportLab" not in (meta.producer or "")


def test_refused_answers_are_left_out_of_a_brief_unless_asked():
    b = build_brief([ANSWERED, REFUSED], {})
    assert [it.question for it in b.items] == ["补贴标准是多少？"] and b.omitted == 1
    md = to_markdown(b)
    assert "火星基地" not in md and "另有 1 个问题在文档中未找到答案，未列入本简报。" in md
    both = build_brief([ANSWERED, REFUSED], {}, include_refused=True)
    assert len(both.items) == 2 and both.omitted == 0
    assert "火星基地" in to_markdown(both) and "语料未覆盖该问题" in to_markdown(both)
    # positional callers (the app, the API) keep working: the title is still the third
    assert build_brief([ANSWERED], {}, "简报").title == "简报"


def test_the_cli_brief_leaves_refused_out(hash_settings, monkeypatch, tmp_path):
    settings_env(monkeypatch, hash_settings)
    out = tmp_path / "b.md"
    r = CliRunner().invoke(main, ["brief", "长三角一体化的目标是什么？", "火星基地何时建成？",
                                  "--format", "md", "-o", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "火星基地" not in text and "未列入本简报" in text and "未列入" in r.output
    assert ".txt" not in text and "corpus/" not in text


def test_chat_answers_name_sources_by_title_and_place():
    cite = SimpleNamespace(n=1, title="关于补贴标准的通知", locator="第二条",
                           source="corpus/notice.txt")  # fmt: skip
    r = SimpleNamespace(answer=SimpleNamespace(text="每人每月500元。[1]", citations=[cite]),
                        status="answered")  # fmt: skip
    content = chat_content(r)
    assert content.endswith("来源：\n- [1] 《关于补贴标准的通知》 第二条")
    assert "corpus/" not in content and ".txt" not in content


def test_a_chat_client_is_told_how_a_follow_up_was_read():
    """Issue 20: the app showed 理解为 for a follow-up; a chat client got no such line."""
    from kb.api.chat import strip_sources

    cite = SimpleNamespace(n=1, title="指数报告", locator="¶3", source="corpus/r.txt")
    r = SimpleNamespace(answer=SimpleNamespace(text="2011年为100分。[1]", citations=[cite]),
                        status="answered", asked="那2011年呢？",
                        understood=SimpleNamespace(text="2011年协同创新指数是多少？"))  # fmt: skip
    content = chat_content(r)
    assert content.startswith("（理解为：2011年协同创新指数是多少？）\n\n2011年为100分。[1]")
    # sent back as history, the client's copy is read as the answer alone
    assert strip_sources(content) == "2011年为100分。[1]"
    r.understood = SimpleNamespace(text="那2011年呢？")  # read as asked: no line
    assert chat_content(r).startswith("2011年为100分。")


def test_a_broken_manifest_says_where_in_chinese(tmp_path):
    from ingest.metadata import ManifestError, load_manifest

    bad = tmp_path / "manifest.yaml"
    bad.write_text("documents:\n  - file: [a.txt\n", encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        load_manifest(bad)
    assert str(e.value) == f"{bad}：不是有效的 YAML（第 3 行第 1 列附近）"
    bad.write_text("documents:\n  - file: a.txt\n    colour: red\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="第 1 条（a.txt, colour）：不认识的字段"):
        load_manifest(bad)


def test_a_passage_quoted_by_two_answers_is_one_note_of_the_brief():
    """Issue 20: the same passage got two note numbers in a brief."""
    other = {**CITE, "n": 2, "locator": "第三条", "quote": "自2026年1月1日起施行。"}
    second = {"question": "补贴标准是多少？何时施行？", "status": "answered",
              "answer": "每人每月500元[1]，自2026年1月1日起施行[2]。", "citations": [CITE, other]}  # fmt: skip
    b = build_brief([ANSWERED, second], {})
    assert [n.n for n in b.notes] == [1, 2] and b.notes[1].locator == "第三条"
    assert b.items[1].answer == "每人每月500元[1]，自2026年1月1日起施行[2]。"
    assert to_markdown(b).count("补贴标准为每人每月500元。") == 1
