"""The chat page driven headless with Streamlit's AppTest against the session's real store."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, settings_env


def test_chat_answers_with_citations(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(ROOT / "app" / "Home.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert "2018年签署了哪些协议" in at.info[0].value  # starter questions on an empty chat
    at.chat_input[0].set_value("G60科创走廊是如何治理的？").run()
    assert not at.exception
    assert len(at.chat_message) == 2
    answer = " ".join(t.value for t in at.chat_message[1].text)
    assert "联席会议" in answer and "[1]" in answer
    titles = [e.label for e in at.expander]
    assert titles and titles[0].startswith("[1] 吴江区融入长三角区域协同创新的实践策略")

    at.chat_input[0].set_value("2030年签署了哪些协议？").run()
    assert not at.exception
    assert any("语料未覆盖" in w.value for w in at.warning)


def test_eval_page_runs_the_bundled_dataset(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(ROOT / "app" / "pages" / "2_评测.py"), default_timeout=300)
    at.run()
    assert not at.exception
    assert at.selectbox[0].value.endswith("yrd.yaml")
    at.button[0].click().run()
    assert not at.exception
    assert "完全正确率" in at.subheader[0].value
    metrics = at.dataframe[0].value
    assert set(metrics["指标"]) >= {"hit@5", "fully_correct", "citation_validity"}
    assert any(e.label == "查看 HTML 报告" for e in at.expander)
