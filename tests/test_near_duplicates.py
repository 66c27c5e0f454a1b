"""Texts that copy one another (issue 26's haystack): a county's report beside briefs that repeat
its sentences for other years with other figures. The question names the report by its year;
the answer is the report's figure, cited to the report, however many copies rank above it.

The real embedding model: what is judged is which passages reach the answerer."""

from __future__ import annotations

import pytest
from conftest import written_kb

# Written for the test: a report whose figures sit in long paragraphs, as a real one's do.
REPORT = """江南县政府工作报告（2009年）

各位代表：现在，我代表县人民政府，向大会报告工作，请予审议。

一、过去一年的工作

过去一年，我们坚持稳中求进，全县经济社会保持平稳较快发展。地区生产总值达到386亿元，增长11.2%。\
财政一般预算收入31.5亿元，增长18.4%。城镇居民人均可支配收入21860元，农民人均纯收入9870元。\
全年新增城镇就业1.2万人，城镇登记失业率控制在3.1%。

农业农村工作扎实推进。全年县财政用于三农的投入12.6亿元，比上年增加2.1亿元。\
2008年全县粮食总产量52.6万吨，连续五年增产，创历史最高水平。新建高标准农田8.5万亩，\
改造中低产田3.2万亩，农业机械化水平达到76%。

社会事业全面进步。新建改建中小学校舍12万平方米，县人民医院门诊楼投入使用，\
新型农村合作医疗参合率达到98.6%。

二、今年的主要任务

今年经济社会发展的主要预期目标是：地区生产总值增长10%左右，财政一般预算收入增长12%，\
城镇登记失业率控制在3.5%以内。
"""

# Briefs of other years' reports: the report's paragraphs, another year, other figures.
BRIEF = """江南县政府工作报告（{year}年）（简报）

{prev}年，农业农村工作扎实推进。全年县财政用于三农的投入{a}亿元，比上年增加{b}亿元。\
{prev}年全县粮食总产量{c}万吨，连续五年增产，创历史最高水平。新建高标准农田{b}万亩。
"""
YEARS = [y for y in range(1996, 2016) if y not in (2008, 2009)]


def _briefs() -> dict[str, str]:
    return {
        f"brief-{year}.txt": BRIEF.format(
            year=year, prev=year - 1, a=f"{year - 1990:.1f}", b=f"{(year - 1990) / 10:.1f}",
            c=f"{year - 1960:.1f}",
        )
        for year in YEARS
    }  # fmt: skip


@pytest.fixture(scope="module")
def copies_kb(tmp_path_factory):
    files = {"jiangnan-report-2009.txt": REPORT, **_briefs()}
    return written_kb(tmp_path_factory.mktemp("copies"), files)


def test_a_report_named_by_its_year_answers_among_its_copies(copies_kb):
    r = copies_kb.ask("2009年的江南县政府工作报告里说，2008年全县粮食总产量是多少？")
    assert r.status == "answered", r.answer.text
    assert "52.6万吨" in r.answer.text, r.answer.text
    cited = {c.source.rsplit("/", 1)[-1] for c in r.answer.citations}
    assert "jiangnan-report-2009.txt" in cited, cited
    # the copies' figures are another year's, not this report's
    assert not any(f"{year - 1960:.1f}万吨" in r.answer.text for year in YEARS), r.answer.text


def test_passages_of_the_named_report_reach_the_answerer(copies_kb):
    hits = copies_kb.retriever.search(
        "2009年的江南县政府工作报告里说，2008年全县粮食总产量是多少？"
    )
    own = [p for p in hits.passages if p.doc.title.startswith("江南县政府工作报告（2009年）")]
    assert any("52.6万吨" in p.text for p in own), [p.doc.title for p in hits.passages]


def test_the_same_sentence_of_another_year_is_no_rival_source(copies_kb):
    # the briefs say "2007年全县粮食总产量……": another year's figure, not a disagreement
    r = copies_kb.ask("江南县2008年粮食总产量是多少？")
    assert r.status == "answered", r.answer.text
    assert "52.6万吨" in r.answer.text, r.answer.text
    assert "来源说法不一" not in r.answer.text, r.answer.text
    assert not any(f"{year - 1960:.1f}万吨" in r.answer.text for year in YEARS), r.answer.text


def test_a_list_of_disagreeing_sources_two_parts_give_is_listed_once():
    # both parts of a question were answered with one list of copies that disagree; the merged
    # answer lists each source once, whatever number each part's list gave it
    from kb.answer.citations import Answer, Citation
    from kb.answer.compound import merge

    def cite(n, quote, doc):
        return Citation(n, doc, doc, f"docs/{doc}.txt", "¶1", quote, quote, chunk_id=f"{doc}-0")

    a = cite(1, "审核期限为5个工作日。", "original")
    b = cite(2, "审核期限为8个工作日。", "brief")
    first = Answer(
        "answered",
        "来源说法不一：\n1. 审核期限为5个工作日。[1]（《原文》）\n2. 审核期限为8个工作日。[2]（《简报》）",
        [a, b],
    )
    second = Answer(
        "answered",
        "来源说法不一：\n1. 审核期限为8个工作日。[1]（《简报》）\n2. 审核期限为5个工作日。[2]（《原文》）",
        [cite(1, b.quote, "brief"), cite(2, a.quote, "original")],
    )
    merged = merge(["审核期限是几个工作日？", "有效期是多长？"], [first, second])
    assert merged.text.count("审核期限为8个工作日") == 1, merged.text
    assert merged.text.count("审核期限为5个工作日") == 1, merged.text
    assert len(merged.citations) == 2


def test_a_copy_with_other_figures_does_not_complete_the_answer_its_original_leads():
    # the plan leads; the brief copies the plan's next sentence with its figure changed. The
    # answer goes on with the plan's own sentence, not the brief's (haystack hc-policy-013-q2)
    from types import SimpleNamespace

    from kb.answer.candidates import Unit
    from kb.answer.disagree import from_lead_source

    def unit(text, doc):
        passage = SimpleNamespace(doc=SimpleNamespace(doc_id=doc))
        return Unit(text, text, "", passage, 0, 0)

    lead = unit("示范区总规划面积约60平方公里，分为四个功能区。", "plan")
    own = unit("产业承载区以滨江等重点区域为核心，面积约30平方公里。", "plan")
    copied = unit("产业承载区以滨江等重点区域为核心，面积约45平方公里。", "brief")
    other = unit("生态融合区面积约13平方公里。", "brief")
    chosen = from_lead_source([lead, copied, other], [lead, copied, own, other])
    assert [u.quote for u in chosen] == [lead.quote, own.quote, other.quote]
    # the plan's sentence is not repeated where the answer already holds it
    assert from_lead_source([lead, own, copied], [lead, own, copied]) == [lead, own]
