"""Each reader on real files: PDF with Chinese text, GBK/UTF-16 text, Word, HTML; bad input."""

from __future__ import annotations

import pytest

from ingest.readers import ReadError, read_file
from tests.pdfs import chinese_pdf

LIMITS = dict(max_bytes=10**8, max_pages=50)


def test_pdf_chinese_text_pages_and_wrapped_numbers(tmp_path):
    p = chinese_pdf(
        tmp_path / "plan.pdf",
        [
            [
                "第一章 总则",
                "2018年，三省一市签署《长三角地区加快构建区域",
                "创新共同体战略合作协议》，专利转移数量达到355",
                "04件。",
            ],
            ["第二章 措施", "建立联席会议制度。"],
        ],
    )
    doc = read_file(p, **LIMITS)
    assert doc.kind == "pdf"
    assert len(doc.pages) == 2
    # a line wrapped inside a 《》 title and inside a number comes back whole
    assert "《长三角地区加快构建区域创新共同体战略合作协议》" in doc.text
    assert "35504件" in doc.text
    assert doc.text.index("第二章") >= doc.pages[1]


def test_gbk_and_utf16_text(tmp_path):
    text = "长三角G60科创走廊以联席会议制度为主。\n第二段：九城市协同。"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))  # with BOM
    (tmp_path / "gb18030.txt").write_bytes(("㐀" + text).encode("gb18030"))
    assert read_file(tmp_path / "gbk.txt", **LIMITS).text == text
    assert read_file(tmp_path / "u16.txt", **LIMITS).text == text
    assert read_file(tmp_path / "gb18030.txt", **LIMITS).text == "㐀" + text


def test_docx_headings_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "合作协议汇编"
    d.add_heading("一、合作机制", level=1)
    d.add_paragraph("三省一市建立联席会议制度。")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "时间", "事件"
    t.cell(1, 0).text, t.cell(1, 1).text = "2018年", "签署战略合作协议"
    d.save(tmp_path / "a.docx")
    doc = read_file(tmp_path / "a.docx", **LIMITS)
    assert doc.hints["title"] == "合作协议汇编"
    assert "## 一、合作机制" in doc.text
    assert "| 2018年 | 签署战略合作协议 |" in doc.text
    assert "| 时间 | 事件 |" in doc.text


def test_html_drops_scripts_and_navigation_keeps_body(tmp_path):
    html = """<html><head><title>长三角动态</title><script>var x='不该出现';</script></head>
    <body><nav>首页 > 新闻</nav><h1>G60科创走廊</h1><p>联席会议由九城市主要领导参与。</p>
    <table><tr><th>年份</th><th>事件</th></tr><tr><td>2016年</td><td>正式启动建设</td></tr></table>
    <footer>版权所有</footer></body></html>"""
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    doc = read_file(tmp_path / "a.html", **LIMITS)
    assert doc.hints["title"] == "长三角动态"
    assert "# G60科创走廊" in doc.text
    assert "联席会议由九城市主要领导参与。" in doc.text
    assert "| 2016年 | 正式启动建设 |" in doc.text
    assert "不该出现" not in doc.text and "版权所有" not in doc.text and "首页" not in doc.text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x00\x01\x02\xff" * 200, "binary"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
        ("old.docx", b"PK not really a zip", "not a valid .docx"),
        ("image.png", b"\x89PNG\r\n", "not a readable image"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_give_a_reason(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_file(tmp_path / name, **LIMITS)


def test_encrypted_pdf_is_refused(tmp_path):
    p = chinese_pdf(tmp_path / "secret.pdf", [["机密文件内容。"]], encrypt="pw")
    with pytest.raises(ReadError, match="encrypted"):
        read_file(p, **LIMITS)


def test_size_and_page_limits(tmp_path):
    p = chinese_pdf(tmp_path / "long.pdf", [[f"第{i}页。"] for i in range(5)])
    with pytest.raises(ReadError, match="5 pages"):
        read_file(p, max_bytes=10**8, max_pages=3)
    (tmp_path / "big.txt").write_text("长三角" * 1000, encoding="utf-8")
    with pytest.raises(ReadError, match="limit"):
        read_file(tmp_path / "big.txt", max_bytes=100, max_pages=3)
