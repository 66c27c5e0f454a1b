"""The Streamlit pages driven headless with AppTest against real stores."""

from __future__ import annotations

import io
import re

import docx
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from ingest.pipeline import ingest
from kb.cli import main
from kb.core.text import norm
from tests.conftest import ROOT, settings_env
from tests.evalruns import private_home
from tests.pdfs import chinese_pdf

PAGES = ROOT / "app"


def _unescape(md: str) -> str:
    return md.replace("\\", "")


def _answer_text(at, i: int) -> str:
    return " ".join(_unescape(m.value) for m in at.chat_message[i].markdown)


def test_chat_answers_with_citations(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(PAGES / "chat.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert "2018年签署了哪些协议" in at.info[0].value  # starter questions on an empty chat
    at.chat_input[0].set_value("G60科创走廊是如何治理的？").run()
    assert not at.exception
    assert len(at.chat_message) == 2
    answer = _answer_text(at, 1)
    assert "联席会议" in answer and "[1]" in answer
    labels = [e.label for e in at.expander]
    assert labels and re.match(r"\[1\](\[\d+\])* 吴江区融入长三角区域协同创新的实践策略", labels[0])
    assert "2023年2月16日" in labels[0] and "¶" in labels[0]
    # one source per passage, each number in exactly one of them, as many as the answer cites
    numbers = [int(n) for label in labels for n in re.findall(r"\[(\d+)\]", label.split(" ")[0])]
    assert sorted(numbers) == sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer)})
    # expanding a source shows the chunk with the quoted sentence highlighted, and a link to it
    body = " ".join(m.value for m in at.expander[0].markdown)
    assert (
        ":orange-background[" in body
        and "/文档库?doc=wujiang-collaborative-innovation-2023" in body
    )

    at.chat_input[0].set_value("2030年签署了哪些协议？").run()
    assert not at.exception
    # the refusal says once what the documents lack, with no internal score
    assert any("语料中没有关于2030年的记载" in w.value for w in at.warning)
    assert not any("可信度" in w.value for w in at.warning)
    assert any("相关但不足以回答" in c.value for c in at.caption)


def test_starter_button_and_filters_change_results(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(PAGES / "chat.py"), default_timeout=120)
    at.run()
    at.button[0].click().run()  # "2018年签署了哪些协议？"
    assert not at.exception
    all_docs = {e.label.split("（")[0] for e in at.expander}
    assert len(all_docs) >= 3
    # only park profiles
    at.sidebar.multiselect[0].set_value(["park_profile"]).run()
    at.chat_input[0].set_value("2018年签署了哪些协议？").run()
    assert not at.exception
    # the second answer's sources: every one from the only park profile
    second = [e.label for e in at.chat_message[3].expander if e.label.startswith("[")]
    assert second and all("上海软件园" in lab for lab in second), second
    answer = _answer_text(at, 3)
    assert "嘉昆太" not in answer and "浦东软件园" in answer


def test_document_library_opens_a_cited_paragraph(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(PAGES / "views" / "1_文档库.py"), default_timeout=120)
    at.query_params["doc"] = "wujiang-collaborative-innovation-2023"
    at.query_params["p"] = "3"
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 5
    assert at.subheader[0].value == "吴江区融入长三角区域协同创新的实践策略"
    cited = _unescape(at.info[0].value)
    assert "¶3" in cited and "联席会议制度为主" in cited
    assert "联席会议制度为主" in _unescape(at.success[0].value)


def test_eval_page_runs_the_bundled_dataset(corpus_settings, monkeypatch, tmp_path):
    s = private_home(corpus_settings, tmp_path / "kb")  # its run is saved under KB_HOME
    settings_env(monkeypatch, s)
    at = AppTest.from_file(str(PAGES / "views" / "2_评测.py"), default_timeout=300)
    at.run()
    assert not at.exception
    assert at.selectbox(key="eval_dataset").value.endswith("yrd.yaml")
    at.button[0].click().run()
    assert not at.exception
    assert any("完全正确率" in h.value for h in at.subheader)
    metrics = next(d.value for d in at.dataframe if "组" in d.value.columns)
    assert set(metrics["指标"]) >= {"前5命中率", "完全正确率", "引文有效率"}
    assert any(e.label == "查看 HTML 报告" for e in at.expander)
    (run,) = (s.home / "eval-runs").iterdir()
    assert (run / "report.html").is_file() and run.name.startswith("yrd-default-")


def test_upload_good_and_bad_files(hash_settings, monkeypatch, tmp_path):
    ingest(None, hash_settings)
    settings_env(monkeypatch, hash_settings)
    pdf = chinese_pdf(
        tmp_path / "x.pdf", [["长三角氢能走廊建设方案", "2026年，沪苏浙皖共建加氢站58座。"]]
    )
    at = AppTest.from_file(str(PAGES / "views" / "3_上传.py"), default_timeout=120)
    at.run()
    at.file_uploader[0].set_value(
        [
            ("../../氢能方案.pdf", pdf.read_bytes(), "application/pdf"),
            ("fake.pdf", b"this is not a pdf at all", "application/pdf"),
        ]
    ).run()
    at.text_input[0].set_value("长三角氢能走廊建设方案").run()
    at.button[0].click().run()
    assert not at.exception
    rows = at.dataframe[0].value
    result = dict(zip(rows["文件"], rows["结果"], strict=True))
    assert result == {"../../氢能方案.pdf": "已导入", "fake.pdf": "失败"}
    assert "不是 PDF 文件（内容不以 %PDF 开头）" in " ".join(rows["说明"])
    # kept with the store, not in the corpus folder (two stores never share an upload)
    saved = hash_settings.home / "uploads" / "氢能方案.pdf"
    assert saved.exists() and not (hash_settings.corpus_dir.parent / "氢能方案.pdf").exists()
    assert not (hash_settings.corpus_dir / "uploads").exists()
    # the upload is searchable, with its metadata, and the original corpus is intact
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(hash_settings)
    titles = {d.title for d in kb.store.catalog.documents()}
    assert "长三角氢能走廊建设方案" in titles and len(titles) == 6
    assert "58座" in kb.ask("沪苏浙皖共建了多少座加氢站？").answer.text


def test_brief_docx_footnotes_quote_the_corpus(corpus_settings, monkeypatch, tmp_path):
    settings_env(monkeypatch, corpus_settings)
    out = tmp_path / "brief.docx"
    r = CliRunner().invoke(
        main,
        [
            "brief",
            "2018年签署了哪些协议？",
            "G60科创走廊是如何治理的？",
            "2030年签署了哪些协议？",
            "--include-refused",  # left out by default (tests/test_chinese.py)
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    d = docx.Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in d.paragraphs]
    assert "长三角政策问答简报" in texts[0] and any("语料快照" in t for t in texts)
    assert any(t.startswith("2. G60科创走廊是如何治理的") for t in texts)
    notes_at = texts.index("注释")
    notes = texts[notes_at + 1 :]
    assert len(notes) >= 5
    corpus = "".join(norm(p.read_text(encoding="utf-8")) for p in (ROOT / "corpus").glob("*.txt"))
    for para in d.paragraphs[notes_at + 1 :]:
        quote_run = next(r for r in para.runs if r.italic)  # the quoted excerpt, set in italics
        assert norm(quote_run.text.strip("“”")) in corpus, para.text
    # answer markers are renumbered across the whole brief and each resolves to a note
    body = "\n".join(texts[:notes_at])
    for i in range(1, len(notes) + 1):
        assert f"[{i}]" in body and notes[i - 1].startswith(f"[{i}] 《")
    assert any("语料未覆盖该问题" in t for t in texts)
    md = tmp_path / "brief.md"
    CliRunner().invoke(
        main, ["brief", "G60科创走廊是如何治理的？", "--format", "md", "-o", str(md)]
    )
    text = md.read_text(encoding="utf-8")
    assert "[^1]" in text and "[^1]: 《吴江区融入长三角区域协同创新的实践策略》" in text
    pdf = tmp_path / "brief.pdf"
    CliRunner().invoke(
        main, ["brief", "G60科创走廊是如何治理的？", "--format", "pdf", "-o", str(pdf)]
    )
    from pypdf import PdfReader

    assert "联席会议" in "".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_chat_says_the_knowledge_base_is_unavailable_without_details(hash_settings, monkeypatch):
    from ingest.pipeline import ingest

    s = hash_settings.model_copy(update={"embed_model": "py:embedders:QueryDown"})
    assert not ingest(None, s).failed
    settings_env(monkeypatch, s)
    at = AppTest.from_file(str(PAGES / "chat.py"), default_timeout=120)
    at.run()
    at.chat_input[0].set_value("长三角一体化发展的目标是什么？").run()
    assert not at.exception  # no traceback on the page
    assert any("知识库暂时无法回答" in e.value for e in at.error)
    assert not any("10.1.2.3" in e.value for e in at.error)


def test_a_table_passage_is_shown_as_a_table(corpus_settings, monkeypatch):
    """Issue 20: table chunks were shown as raw Markdown (| 时间 | 主要事件 |…|-------|)."""
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(PAGES / "chat.py"), default_timeout=120)
    at.run()
    at.chat_input[0].set_value("2003年沪苏浙签署了什么协议？").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    table = next(f for f in frames if "主要事件" in f.columns)
    assert "时间" in table.columns and any("2003" in str(v) for v in table["时间"])
    shown = " ".join(m.value for m in at.markdown)
    assert "\\|\\-\\-\\-" not in shown and "|---" not in shown
    # and in the 文档库, where the document is read paragraph by paragraph
    lib = AppTest.from_file(str(PAGES / "views" / "1_文档库.py"), default_timeout=120)
    lib.query_params["doc"] = "innovation-flow-feature-2019"
    lib.run()
    assert not lib.exception
    assert any("主要事件" in d.value.columns for d in lib.dataframe[1:])


def _sources_script(show_paths: bool) -> None:
    from app.render import render_answer

    cite = {"n": 1, "doc_id": "d", "title": "某通知", "source": "corpus/notice.txt",
            "locator": "¶2", "quote": "补贴标准为每人每月500元。", "paragraph": 2,
            "chunk_text": "二、补贴标准为每人每月500元。"}  # fmt: skip
    render_answer(
        {"question": "补贴标准是多少？", "answer": "每人每月500元[1]", "status": "answered",
         "citations": [cite]},
        show_paths=show_paths,
    )  # fmt: skip


def test_file_paths_are_shown_to_admins_only():
    """Issue 20: `corpus/…txt` file paths were shown to every user in the sources."""
    for admin in (True, False):
        at = AppTest.from_function(_sources_script, args=(admin,), default_timeout=30)
        at.run()
        assert not at.exception
        shown = " ".join(c.value for c in at.caption)
        assert ("corpus/notice.txt" in shown) is admin
