"""Each reader on real files: PDF with Chinese text, GBK/UTF-16 text, Word, HTML; bad input."""

from __future__ import annotations

import pytest

from ingest.errors import ReadError
from ingest.read.file import read_file
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


def test_html_cells_wrapped_in_one_paragraph_are_a_table_and_a_page_laid_out_by_one_is_not(
    tmp_path,
):
    # an editor wraps each cell's datum in <p>: still a table (header first), its rows kept
    cell = '<td style="border:1px solid"><p style="text-align:center">{}</p></td>'
    rows = [("学历层次", "年龄要求"), ("博士研究生", "50周岁以下"), ("硕士研究生", "45周岁以下")]
    grid = "".join("<tr>" + "".join(cell.format(c) for c in r) + "</tr>" for r in rows)
    # a portal lays the page out with a table: the body is paragraphs in one cell
    body = "<p>第一条 为了规范人才引进，制定本指南。</p><p>第二条 本指南自发布之日起施行。</p>"
    html = f"<html><body><table><tr><td>{body}</td></tr></table><table>{grid}</table></body></html>"
    (tmp_path / "guide.html").write_text(html, encoding="utf-8")
    text = read_file(tmp_path / "guide.html", **LIMITS).text
    assert "| 学历层次 | 年龄要求 |" in text
    assert "| 博士研究生 | 50周岁以下 |" in text
    assert "第一条 为了规范人才引进，制定本指南。\n" in text and "| 第一条" not in text


def test_html_cells_spanning_rows_stay_in_their_column(tmp_path):
    html = """<table>
    <tr><td rowspan="2">维度</td><td rowspan="2">指标</td><td colspan="2">权重</td></tr>
    <tr><td>2022年</td><td>2023年</td></tr>
    <tr><td colspan="4">一、城市指标</td></tr>
    <tr><td rowspan="2">创新发展</td><td>万人发明专利数</td><td>0.1</td><td>0.2</td></tr>
    <tr><td>服务业占比</td><td>0.3</td><td>0.4</td></tr>
    </table>"""
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    text = read_file(tmp_path / "index.html", **LIMITS).text
    # the rows under a rowspan keep their cells under their own headers
    assert "| 维度 | 指标 | 2022年 | 2023年 |" in text
    assert "| 创新发展 | 服务业占比 | 0.3 | 0.4 |" in text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "空文件"),
        ("binary.txt", b"\x00\x01\x02\xff" * 200, "二进制"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
        ("old.docx", b"PK not really a zip", "不是有效的 .docx 文件"),
        ("image.png", b"\x89PNG\r\n", "不是可读取的图片"),
        ("sheet.xlsx", b"PK\x03\x04", "不支持的文件类型 .xlsx"),
    ],
)
def test_bad_files_give_a_reason(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_file(tmp_path / name, **LIMITS)


def test_encrypted_pdf_is_refused(tmp_path):
    p = chinese_pdf(tmp_path / "secret.pdf", [["机密文件内容。"]], encrypt="pw")
    with pytest.raises(ReadError, match="PDF 已加密"):
        read_file(p, **LIMITS)


def test_size_and_page_limits(tmp_path):
    p = chinese_pdf(tmp_path / "long.pdf", [[f"第{i}页。"] for i in range(5)])
    with pytest.raises(ReadError, match="PDF 共 5 页"):
        read_file(p, max_bytes=10**8, max_pages=3)
    (tmp_path / "big.txt").write_text("长三角" * 1000, encoding="utf-8")
    with pytest.raises(ReadError, match="超过 0.0001 MB 的上限"):
        read_file(tmp_path / "big.txt", max_bytes=100, max_pages=3)


# ---------------------------------------------------------------- web clippings and Word
CLIPPING = """# 东湖区推进“智慧社区”建设

<p><font color="#333333" face="微软雅黑">东湖区已建成智慧社区&nbsp;42个，覆盖居民&ldquo;一网通办&rdquo;事项。</font></p>
<img src="http://www.donghu.gov.cn/uploads/2024/banner_a1b2.jpg" width="600">
![](https://img.donghu.gov.cn/news/2024/0815/photo.png)
<!-- 统计代码开始 --><script>var _hmt = _hmt || [];</script><style>.x{color:red}</style>
<div>详见[区政府网站](http://www.donghu.gov.cn/zwgk/index.html)。</div>
<table><tr><th>街道</th><th>智慧社区数</th></tr><tr><td>东湖街道</td><td>12</td></tr>
<tr><td colspan="2">合计 42</td></tr></table>
"""


def test_markdown_web_clipping_is_reduced_to_text(tmp_path):
    (tmp_path / "clip.md").write_text(CLIPPING, encoding="utf-8")
    doc = read_file(tmp_path / "clip.md", **LIMITS)
    text = doc.text
    for debris in ("<", ">", "http", "font", "&nbsp;", "&ldquo;", "_hmt", "color:red", "统计代码"):
        assert debris not in text, debris
    assert "# 东湖区推进“智慧社区”建设" in text
    assert "东湖区已建成智慧社区 42个，覆盖居民“一网通办”事项。" in text
    assert "详见区政府网站。" in text  # link text kept, target dropped
    assert "| 街道 | 智慧社区数 |\n|---|---|\n| 东湖街道 | 12 |\n| 合计 42 | 合计 42 |" in text


def test_text_with_html_is_reduced_but_plain_text_is_left_alone(tmp_path):
    (tmp_path / "page.txt").write_text(
        "<div><p>第一段。</p><p>第二段<br>换行。</p><span>附注</span></div>", encoding="utf-8"
    )
    assert read_file(tmp_path / "page.txt", **LIMITS).text == "第一段。\n\n第二段\n换行。\n附注"
    plain = "若 a < b 且 b > c，则比较结果见表 <1>。\n第二行。"
    (tmp_path / "plain.txt").write_text(plain, encoding="utf-8")
    assert read_file(tmp_path / "plain.txt", **LIMITS).text == plain


def _add_footnote(path, text: str) -> None:
    """Give a python-docx file a footnotes part and a reference to note 1 in its second
    paragraph (python-docx cannot write footnotes)."""
    import zipfile

    src = zipfile.ZipFile(path)
    files = {n: src.read(n) for n in src.namelist()}
    src.close()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    files["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    ).encode()
    rels = files["word/_rels/document.xml.rels"].decode()
    files["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    ).encode()
    ct = files["[Content_Types].xml"].decode()
    files["[Content_Types].xml"] = ct.replace(
        "</Types>",
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    ).encode()
    body = files["word/document.xml"].decode()
    body = body.replace(
        "财政资金。</w:t></w:r>",
        '财政资金。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>',
        1,
    )
    files["word/document.xml"] = body.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)


def test_docx_lists_tables_footnotes_and_no_headers_or_footers(tmp_path):
    import docx

    d = docx.Document()  # python-docx's template: author "python-docx", created 2013
    d.sections[0].header.paragraphs[0].text = "内部资料 注意保存"
    d.sections[0].footer.paragraphs[0].text = "第 1 页 共 3 页"
    d.add_paragraph("关于做好年度申报工作的通知")
    d.add_paragraph("申报项目须使用财政资金。")
    for item in ("提交申报书", "提交预算表", "提交承诺书"):
        d.add_paragraph(item, style="List Number")
    for item in ("电子版", "纸质版"):
        d.add_paragraph(item, style="List Bullet")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "项目类别"
    t.cell(0, 2).text = "补助上限"
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "研发", "重点", "200万元"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "研发", "一般", "50万元"
    d.save(tmp_path / "n.docx")
    _add_footnote(tmp_path / "n.docx", "财政资金指市级及以上财政安排的资金。")
    doc = read_file(tmp_path / "n.docx", **LIMITS)
    text = doc.text
    assert "内部资料" not in text and "共 3 页" not in text
    assert "1. 提交申报书" in text and "2. 提交预算表" in text and "3. 提交承诺书" in text
    assert "• 电子版" in text and "• 纸质版" in text
    assert "| 项目类别 | 项目类别 | 补助上限 |\n|---|---|---|\n| 研发 | 重点 | 200万元 |" in text
    assert "申报项目须使用财政资金。[注1]" in text
    assert "[注1] 财政资金指市级及以上财政安排的资金。" in text
    assert "author" not in doc.hints and "date" not in doc.hints  # template properties


def test_a_clippings_front_matter_date_as_a_feed_writes_it_dates_the_document(tmp_path):
    from ingest.dates import infer_date

    (tmp_path / "news.md").write_text(
        "---\ntitle: '皖北振兴观察'\nauthor: 新浪财经\ndate: Fri, 12 Nov 2021 00:23:54 GMT\n---\n\n"
        "今年9月24日，安徽同天召开两场大会，部署推动皖北振兴。\n",
        encoding="utf-8",
    )
    doc = read_file(tmp_path / "news.md", **LIMITS)
    assert "date:" not in doc.text  # the front matter is no sentence of the page
    assert infer_date(doc.text, doc.hints.get("date")) == "2021-11-12"


def test_a_pages_title_keeps_the_underscores_that_stand_for_its_quotes(tmp_path):
    from ingest.clean import clean
    from ingest.prepare import describe

    body = "今年前三季度，江南GDP同比增长10.2%。\n"
    for saved, title in (
        ("江南北部_短中之短_如何补齐？", "江南北部_短中之短_如何补齐？"),  # quotes saved as "_"
        ("江南北部如何补齐短板_新浪财经网", "江南北部如何补齐短板"),  # the site's name parted off
    ):
        path = tmp_path / "news.md"
        path.write_text(f"---\ntitle: '{saved}'\n---\n\n{body}", encoding="utf-8")
        doc = read_file(path, **LIMITS)
        fields, _ = describe(path, None, doc, clean(doc.text))
        assert fields["title"] == title, fields["title"]


def test_a_text_nothing_else_dates_takes_its_file_names_year_when_it_names_it_or_is_a_speech(
    tmp_path,
):
    from ingest.clean import clean
    from ingest.prepare import describe

    text = (
        "各位代表：\n我受国务院的委托，向大会作关于一九五六年到一九六七年农业发展纲要的执行情况的报告。\n"
        "纲要提出，粮食每亩平均年产量分别达到四百斤、五百斤和八百斤。\n"
    )
    path = tmp_path / "work-report-1960.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_file(path, **LIMITS)
    fields, _ = describe(path, None, doc, clean(doc.text))
    assert fields["date"] == "1960" and fields["year"] == 1960
    # two years in the name ("2021-2025"): neither dates it
    fields, _ = describe(tmp_path / "plan-2021-2025.txt", None, doc, clean(doc.text))
    assert fields["date"] is None
    # a salutation alone makes a speech, though its opening names no report
    bare = "各位代表：\n刚刚过去的一年，是取得伟大成就的一年。\n粮食产量增长百分之五。\n"
    fields, _ = describe(tmp_path / "report-1985.txt", None, doc, clean(bare))
    assert fields["date"] == "1985"
    # not a speech: a number in its name may be an id
    other = read_file(path, **LIMITS)
    plain = "纲要提出，粮食每亩平均年产量分别达到四百斤、五百斤和八百斤。\n"
    fields, _ = describe(tmp_path / "DEV_2001.txt", None, other, clean(plain))
    assert fields["date"] is None
    # ... unless the text names that year itself: a summary of the year's report
    summary = "周总理说，一九六四年全国工业总产值预计比一九六三年增长百分之十五。\n"
    fields, _ = describe(tmp_path / "work-report-1964.txt", None, other, clean(summary))
    assert fields["date"] == "1964" and fields["year"] == 1964
    fields, _ = describe(tmp_path / "work-report-1962.txt", None, other, clean(summary))
    assert fields["date"] is None


def test_a_work_report_is_named_and_dated_however_its_salutation_is_written(tmp_path):
    from ingest.clean import clean
    from ingest.prepare import describe

    cited = "在科技方面，制定了《\n江南市中长期科学和技术发展规划纲要\n》。\n"
    texts = {
        # the first sentence runs on from the salutation; a 《》 name broken over three lines
        # further down is no title line
        "run-on": "各位代表，现在，我代表国务院，作政府工作报告，请予审议。\n一、去年工作回顾\n"
        + cited,
        # the salutation line ends in an invisible joiner, as a saved page may leave it
        "joiner": "各位代表：\u200d\n现在，我代表国务院，向大会报告政府工作，请予审议。\n" + cited,
        # the opening names no report ("向大会作报告"): still a speech, dated by its file name
        "bare": "各位代表：\n现在，我代表国务院向大会作报告，请予审议。\n" + cited,
        # the State Council reporting its work delivers the 政府工作报告
        "five-years": "各位代表：\n现在，我代表国务院，向大会报告过去五年的工作，请予审议。\n"
        + cited,
    }
    for name, text in texts.items():
        path = tmp_path / f"gov-work-report-2006-{name}.txt"
        path.write_text(text, encoding="utf-8")
        doc = read_file(path, **LIMITS)
        fields, _ = describe(path, None, doc, clean(doc.text))
        assert fields["date"] == "2006", (name, fields)
        if name != "bare":
            assert fields["title"] == "政府工作报告（2006年）", (name, fields)
    # an ordinary text's first clause is no salutation: its year is not read off its file name
    path = tmp_path / "notice-2006.txt"
    path.write_text("近年来，全市科技创新取得积极进展。\n" + cited, encoding="utf-8")
    doc = read_file(path, **LIMITS)
    assert describe(path, None, doc, clean(doc.text))[0]["date"] is None
