"""公文 parts from notices written for these tests in the shapes officials receive (red-header
文件 with 版头, a 批复 without one, a portal repost with breadcrumbs and labelled fields, a
regulation dated under its title, a joint notice), and titles/dates for files without a
manifest entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean
from ingest.dates import infer_date
from ingest.gongwen.parse import is_part_line, parse
from ingest.metadata import infer_title
from ingest.read.pdf_lines import join_wrapped_lines
from kb.answer.gongwen_answer import asked_parts

RED_HEADER = """松江府市经济和信息化委员会文件

松经信发〔2026〕4号

松江府市经济和信息化委员会关于印发
松江府市工业互联网创新发展三年行动方案的通知

各区经济和信息化主管部门，各有关单位：
现将《松江府市工业互联网创新发展三年行动方案》印发给你们，请认真组织实施。

附件：1．松江府市工业互联网创新发展三年行动方案
      2．重点任务分工表

松江府市经济和信息化委员会
2026年2月9日

（此件公开发布）

松江府市工业互联网创新发展三年行动方案
一、总体目标。到2028年，培育工业互联网平台30个。
六、本方案自2026年3月1日起实施，有效期三年。
"""

REPLY = """关于同意设立云岭镇农产品加工园区的批复
白河县发展和改革局
白发改函（2024）21号
云岭镇人民政府：
你镇《关于设立农产品加工园区的请示》收悉。经研究，同意设立云岭镇农产品加工园区。
此复。
白河县发展和改革局
二〇二四年五月十六日
"""

REPOST = """首页 > 信息公开 > 政策文件
索引号：11350000-2025-00031  主题分类：交通运输
发布机构：东岳省交通运输厅  发文字号：东交规[2025]2号
成文日期：2025-03-28  发布日期：2025-04-02
东岳省交通运输厅关于规范网络预约出租汽车经营服务管理的实施办法
各市交通运输局：
为规范网络预约出租汽车经营服务，制定本办法。
第三十条 本办法自发布之日起施行，有效期5年。
"""

REGULATION = """临江市城市绿化管理规定
（2025年6月12日临江市人民政府第58次常务会议通过）
第一条 为了加强城市绿化管理，制定本规定。
第二十条 本规定有效期：2025年8月1日至2030年7月31日。
"""

JOINT = """北陵市财政局 北陵市科学技术局关于调整科技创新券使用范围的通知
北财教〔2023〕88号
各区财政局、科技局：
科技创新券可用于购买检验检测服务。本通知自印发之日起执行。
北陵市财政局  北陵市科学技术局
2023年10月10日
"""

ARTICLE = """长三角科技合作观察
记者 王明
2024年，三省一市依据《关于推进科技资源共享的意见》（沪科规〔2023〕6号）开展合作。
各地科技部门积极推动仪器设备共享。
"""


def test_red_header_notice():
    g = parse(RED_HEADER)
    assert g.is_gongwen
    assert (
        g.title == "松江府市经济和信息化委员会关于印发松江府市工业互联网创新发展三年行动方案的通知"
    )
    assert g.doc_number == "松经信发〔2026〕4号"
    assert g.issuer == "松江府市经济和信息化委员会"
    assert g.recipients == "各区经济和信息化主管部门，各有关单位"
    assert g.signed_date == "2026-02-09"
    assert g.effective_date == "2026-03-01"
    assert g.expiry_date == "2029-02-28"  # 有效期三年 from 1 March 2026
    assert g.attachments == ["松江府市工业互联网创新发展三年行动方案", "重点任务分工表"]
    # each part keeps the text that states it, for citations
    assert g.quotes["effective_date"] == "六、本方案自2026年3月1日起实施，有效期三年。"
    assert g.quotes["doc_number"] == "松经信发〔2026〕4号"


def test_reply_without_masthead_round_brackets_and_chinese_numeral_date():
    g = parse(REPLY)
    assert g.is_gongwen and g.title == "关于同意设立云岭镇农产品加工园区的批复"
    assert g.doc_number == "白发改函〔2024〕21号"  # （） read as 〔〕
    assert g.issuer == "白河县发展和改革局" and g.recipients == "云岭镇人民政府"
    assert g.signed_date == "2024-05-16" and g.effective_date is None
    assert parse(REPLY.replace("〇", "O")).signed_date == "2024-05-16"  # as OCR often reads it


def test_portal_repost_with_labelled_fields_and_square_brackets():
    text = clean(REPOST).text  # the breadcrumb goes in cleaning
    g = parse(text)
    assert g.title == "东岳省交通运输厅关于规范网络预约出租汽车经营服务管理的实施办法"
    assert g.doc_number == "东交规〔2025〕2号" and g.issuer == "东岳省交通运输厅"
    assert g.signed_date == "2025-03-28" and g.published_date == "2025-04-02"
    # "自发布之日起施行，有效期5年": from the publication day, five years less a day
    assert g.effective_date == "2025-04-02" and g.expiry_date == "2030-04-01"
    assert g.recipients == "各市交通运输局"


# A regulations platform's page: its grid gives the days the notice took effect and lapses, a
# term the platform extended ("有效（延续实施）"); the text counts both from the signing day.
EXTENDED = """统一编号：GZ0220210019
文　　号：东府办规〔2021〕19号
实施日期：2021年12月06日
失效日期：2029年12月06日
发布机关：东岳市人民政府办公厅
东岳市人民政府办公厅关于印发东岳市临时救助实施细则的通知
东府办规〔2021〕19号
各区人民政府，市政府各部门：
现将《东岳市临时救助实施细则》印发给你们，请认真贯彻执行。
东岳市人民政府办公厅
2021年12月1日
第十八条 本实施细则自印发之日起施行，有效期5年。
"""


def test_a_portals_dates_win_over_days_counted_from_the_signing_day():
    g = parse(EXTENDED)
    assert g.signed_date == "2021-12-01"
    # not 2021-12-01 and 2026-11-30: the platform says when it took effect and that it still is
    assert g.effective_date == "2021-12-06" and g.expiry_date == "2029-12-06"
    assert g.quotes["expiry_date"] == "失效日期：2029年12月06日"
    assert g.quotes["expiry_span"] == "第十八条 本实施细则自印发之日起施行，有效期5年。"


# A portal page: the metadata grid states the title, then the page prints the document, its
# title broken over lines, its 发文字号 and its 主送 line.
PORTAL_PAGE = """索引号：000014349/2004-00205
发文机关：西川省人民政府办公厅
成文日期：2004年12月17日
标题：西川省人民政府办公厅关于同意以北陵市名义申办全省运动会的复函
发文字号：西政办函〔2004〕88号
发布日期：2018年12月24日
西川省人民政府办公厅关于同意以北陵市名义
申办全省运动会的复函
西政办函〔2004〕88号
北陵市人民政府，省教育厅、省体育局：
省教育厅、省体育局《关于以北陵市名义申办全省运动会的请示》收悉。现函复如下：
同意以北陵市名义申办全省运动会。
西川省人民政府办公厅
二〇〇四年十二月十七日
"""


# A portal page whose navigation runs past forty lines; its own heading and posting date come
# before the printed 公文: 发文字号, the title over three lines, 主送, signature and date.
NAVIGATION = "\n".join(["首页", "政务公开", "政务服务", "互动交流", "营商环境"] * 9)
LONG_PORTAL = f"""{NAVIGATION}
当前位置：首页 > 政务公开 > 通知公告
东州市人力资源和社会保障局 东州市公安局关于印发东州市引进人才入户管理办法实施细则的通知
发表时间： 2022-07-14 20:24 信息来源： 市人社局
2022-07-14
东人社规字〔2022〕2号
东州市人力资源和社会保障局 东州市公安局
关于印发东州市引进人才入户管理办法
实施细则的通知
各有关单位：
现将《东州市引进人才入户管理办法实施细则》印发给你们，请认真组织实施。
第五条 人才评价结果有效期三年，期满后重新评价。
第二十条 本细则自印发之日起施行，有效期5年。
东州市人力资源和社会保障局
东州市公安局
2022年7月4日
"""


def test_a_number_and_title_below_a_portals_long_navigation_are_found():
    g = parse(LONG_PORTAL)
    assert g.doc_number == "东人社规字〔2022〕2号"
    # the printed title whole, over its three lines, not its first two
    assert g.title == (
        "东州市人力资源和社会保障局 东州市公安局关于印发东州市引进人才入户管理办法实施细则的通知"
    )
    assert g.recipients == "各有关单位"
    # the signature's date, not the portal's posting date under its heading
    assert g.signed_date == "2022-07-04" and g.effective_date == "2022-07-04"
    # the rules' own term, not the rating's three years
    assert g.expiry_date == "2027-07-03"


def test_a_portal_pages_recipients_follow_the_printed_title_and_number():
    g = parse(PORTAL_PAGE)
    assert g.title == "西川省人民政府办公厅关于同意以北陵市名义申办全省运动会的复函"
    assert g.recipients == "北陵市人民政府，省教育厅、省体育局"
    assert g.quotes["recipients"] == "北陵市人民政府，省教育厅、省体育局："


def test_a_decrees_number_is_its_organ_line_and_number_line():
    # a 令 (GB/T 9704): "……令" over "第N号", here under a portal's navigation
    page = "首页 > 政务公开\n" * 45 + (
        "北陵市人民政府令\n第 57 号\n《北陵市养犬管理办法》已经市政府常务会议通过，现予公布，"
        "自2025年1月1日起施行。\n市 长：张三\n2024年11月2日\n"
    )
    g = parse(page)
    assert g.doc_number == "北陵市人民政府令第57号"
    assert g.quotes["doc_number"] == "北陵市人民政府令\n第 57 号"
    assert "doc_number" in asked_parts("《北陵市养犬管理办法》是市政府令第几号公布的？")
    # a sentence that cites a 令 is none
    assert parse("根据国务院令\n第一条 为了加强管理，制定本办法。\n").doc_number is None


def test_a_regulation_printed_without_its_decree_names_it_in_the_note_under_its_title():
    # a portal prints the regulation, not the 令: its 题注 gives the 令's number and the day
    page = "首页 > 政策法规\n" * 45 + (
        "北陵市市场主体登记管理条例\n（2021年7月27日北陵市人民政府令第46号公布）\n"
        "第一条 为了规范市场主体登记管理行为，制定本条例。\n"
        "第五十五条 本条例自2022年3月1日起施行。\n"
    )
    g = parse(page)
    assert g.doc_number == "北陵市人民政府令第46号"
    assert g.signed_date == "2021-07-27"
    assert g.quotes["doc_number"] == "（2021年7月27日北陵市人民政府令第46号公布）"
    parts = asked_parts(
        "《北陵市市场主体登记管理条例》是第几号令公布的？公布日期和施行日期各是哪天？"
    )
    assert {"doc_number", "signed_date", "effective_date"} <= set(parts)
    # a 题注 listing revisions names the first 令, not this text's number
    history = "北陵市个人所得税实施办法\n（1994年1月28日北陵市人民政府令第14号发布 根据2018年12月18日北陵市人民政府令第70号修订）\n第一条 为了……制定本办法。\n"
    assert parse(history).doc_number is None


def test_a_crawlers_note_gives_the_full_title_and_nothing_else():
    # "- **文件名称**：…" names the document with its period; its "发布机构：暂无" is no issuer
    text = (
        "# 北陵市北斗产业三年行动计划\n\n- **发布机构**：暂无\n\n"
        "- **文件名称**：北陵市北斗产业三年行动计划（2021-2023年）\n\n正文。\n"
    )
    g = parse(text)
    assert g.title == "北陵市北斗产业三年行动计划（2021-2023年）" and g.issuer is None
    assert infer_title(text, None, None, g) == "北陵市北斗产业三年行动计划（2021-2023年）"


def test_every_organ_signing_a_joint_notice_is_an_issuer():
    organs = ["北陵市科学技术局", "北陵市卫生健康委员会", "北陵市疾病预防控制局",
              "北陵市药品监督管理局", "北陵市经济和信息化委员会", "北陵市教育委员会"]  # fmt: skip
    text = JOINT.replace("北陵市财政局  北陵市科学技术局\n", "\n\n".join(organs) + "\n")
    assert parse(text).issuer == "、".join(organs)


def test_a_joint_signature_wins_over_a_portal_label_naming_its_lead_organ():
    # the crawler's label names the lead organ alone, cut short; the document is signed by three
    page = (
        "北陵市终端设备管理规定\n发布机构：北陵市互联网信息办\n"
        "关于印发《北陵市终端设备管理规定》的通知\n北网信发〔2025〕1号\n\n各区人民政府：\n\n"
        "现将《北陵市终端设备管理规定》印发给你们，请认真贯彻执行。\n\n"
        "北陵市互联网信息办公室\n北陵市公安局\n北陵市市场监督管理局\n2025年4月23日\n"
    )
    g = parse(page)
    assert g.issuer == "北陵市互联网信息办公室、北陵市公安局、北陵市市场监督管理局"
    # a label naming another organ than the signature's stays the issuer
    other = page.replace("机构：北陵市互联网信息办", "机构：北陵市人民政府")
    assert parse(other).issuer == "北陵市人民政府"


def test_a_ministry_is_a_recipient():
    g = parse(PORTAL_PAGE.replace("北陵市人民政府，省教育厅、省体育局：", "教育部："))
    assert g.recipients == "教育部"
    assert parse("第一部分：\n正文。").recipients is None


def test_regulation_dated_under_its_title_with_a_validity_range():
    g = parse(REGULATION)
    assert g.title == "临江市城市绿化管理规定"
    assert g.signed_date == "2025-06-12"
    assert (g.effective_date, g.expiry_date) == ("2025-08-01", "2030-07-31")


def test_joint_notice_effective_on_signing():
    g = parse(JOINT)
    assert g.doc_number == "北财教〔2023〕88号"
    assert g.issuer == "北陵市财政局、北陵市科学技术局"
    assert g.signed_date == g.effective_date == "2023-10-10"


def test_an_article_citing_a_notice_is_not_one():
    g = parse(ARTICLE)
    assert not g.is_gongwen
    assert g.doc_number is None  # the number cited inside a sentence is another document's


@pytest.mark.parametrize(
    "variant",
    [
        "沪府办规〔2025〕15号",
        "沪府办规[2025]15号",
        "沪府办规(2025)15号",
        "沪府办规【2025】15号",
        "沪府办规〔2025】15号",
    ],
)
def test_doc_number_bracket_variants(variant):
    g = parse(
        f"上海市人民政府办公厅文件\n{variant}\n上海市人民政府办公厅关于做好防汛工作的通知\n各区人民政府：\n请做好防汛。\n"
    )
    assert g.doc_number == "沪府办规〔2025〕15号"


def test_pdf_line_joiner_keeps_layout_parts_apart():
    # a PDF text layer has no blank lines: 版头, 字号, title and date must stay lines of their own
    raw = "\n".join(RED_HEADER.split("\n")[:9]).replace("\n\n", "\n")
    joined = join_wrapped_lines(raw).split("\n")
    assert "松经信发〔2026〕4号" in joined
    assert "松江府市经济和信息化委员会文件" in joined
    assert is_part_line("2026年2月9日") and not is_part_line("到2028年，培育工业互联网平台30个。")


# ---------------------------------------------------------------- titles and dates
def test_titles_for_files_without_a_manifest_entry():
    # a speech: never its salutation; what its opening says it delivers, with the one year
    # its file name gives; else the file name made readable instead of a hash
    speech = "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、过去一年的工作\n"
    assert infer_title(speech, None, Path("000_f9feb458e1ff2375.txt")) == "市人民政府工作报告"
    report = "各位代表：\n现在，我代表国务院，向大会作政府工作报告，请予审议。\n"
    assert infer_title(report, None, Path("gov-report-2014.txt")) == "政府工作报告（2014年）"
    assert infer_title(report, None, Path("report-2013-2014.txt")) == "政府工作报告"
    # a line below its opening that ends like a 公文's title is a document the speech cites
    cites = report + "国务院发布了\n关于进一步扩大国营工业企业自主权的暂行规定\n各地认真执行。\n"
    assert infer_title(cites, None, Path("gov-report-1984.txt"), parse(cites)) == (
        "政府工作报告（1984年）"
    )
    decided = (
        "各位代表：\n我现在根据国务院的决定，向第二届全国人民代表大会第一次会议作政府工作报告。\n"
    )
    assert infer_title(decided, None, Path("gov-report-1959.txt")) == "政府工作报告（1959年）"
    plan = "各位代表：\n我受国务院的委托，现在向大会提出关于2020年国民经济计划安排的报告。\n"
    assert infer_title(plan, None, Path("r-2020.txt")) == "关于2020年国民经济计划安排的报告"
    letter = "各位同事：\n下周一起食堂调整开放时间，请相互转告。\n"
    assert infer_title(letter, None, Path("食堂通知_9f06da7785f0a746.txt")) == "食堂通知"
    assert infer_title(letter, None, Path("000_f9feb458e1ff2375.txt")).startswith("下周一起")
    # a 公文: its title, not the 版头 or the 字号
    assert infer_title(RED_HEADER, None, None, parse(RED_HEADER)).startswith(
        "松江府市经济和信息化委员会关于印发"
    )
    # a web page: not the breadcrumb, and not the site name in <title>
    page = "首页 > 新闻中心 > 图片新闻\n苏南五市签署人才互认协议\n本报讯 苏南五市日前签署协议。\n"
    assert (
        infer_title(clean(page).text, "苏南五市签署人才互认协议 - 苏南人才网")
        == "苏南五市签署人才互认协议"
    )
    # a listing page: its <title> that the page states as a line, not the first item listed
    listing = "首页 > 政务公开 > 仲裁公告\n仲裁公告\n#### 劳动仲裁收案地址及各区联系方式 [\n2025-01-14 ]\n"
    assert infer_title(clean(listing).text, "仲裁公告-江南市人社局网站") == "仲裁公告"
    # a Markdown level-one heading is the title though it reads as a label
    qa = "# 问答实录：《关于加快发展科技服务业的若干意见》有关情况\n\n**发布日期**: 2025-05-23\n\n记者：……\n"
    assert infer_title(qa, None, Path("hc-policy-014.md")).startswith("问答实录：《关于加快")
    # the name the text gives itself
    named = "为推动园区转型，特制定《城东产业园区提质增效行动计划》（以下简称《计划》）。\n"
    assert infer_title(named) == "城东产业园区提质增效行动计划"
    # template core properties are not a title
    assert (
        infer_title("各有关单位：\n会议定于周五召开。\n", "Microsoft Word - 文档1.docx")
        == "会议定于周五召开。"
    )


def test_dates_from_signing_dateline_or_publication_line():
    assert infer_date(RED_HEADER, None, parse(RED_HEADER)) == "2026-02-09"
    page = "区域合作简讯\n发布时间：2024-08-15 09:30  来源：本站\n正文提到2019年3月1日的会议。\n"
    assert infer_date(page) == "2024-08-15"
    assert infer_date("没有日期的文本。") is None


def test_a_reply_to_a_deputys_proposal_is_addressed_to_the_deputy():
    reply = (
        "北陵市人民政府办公厅对市人大十五届三次会议第218号建议的答复\n"
        "北政办函〔2025〕31号\n"
        "王晓林代表：\n"
        "您提出的关于增设社区养老服务站点的建议收悉，现答复如下：\n"
        "我市已将社区养老服务站点建设纳入年度民生实事项目。\n"
        "北陵市人民政府办公厅\n2025年7月8日\n"
    )
    g = parse(reply)
    assert g.recipients == "王晓林代表", g.recipients
    for q in (
        "第218号建议是哪位代表提出的？",
        "这份答复是答复哪位代表的？",
        "这份答复答复的是哪几位委员？",  # a proposal made by several
    ):
        assert "recipients" in asked_parts(q), q
    # the body's opening line ("……收悉，现批复如下：") is no 主送 where the document has none
    approval = (
        "北陵市人民政府关于同意设立北陵经济开发区的批复\n"
        "北政复〔2025〕9号\n"
        "你局关于设立北陵经济开发区管理委员会的请示收悉，现批复如下：\n"
        "同意设立北陵经济开发区。\n"
        "北陵市人民政府\n2025年3月2日\n"
    )
    assert parse(approval).recipients is None


def test_a_reply_letter_to_a_person_is_addressed_to_them_by_title():
    letter = (
        "北陵市人民政府办公厅关于节约用水建议的复函\n"
        "北政办函〔2025〕12号\n"
        "李明远副主席：\n"
        "您关于节约用水的建议收悉。市长对此十分重视，批示有关部门认真研究。\n"
        "北陵市人民政府办公厅\n2025年4月3日\n"
    )
    assert parse(letter).recipients == "李明远副主席"
    assert "recipients" in asked_parts("这份复函是写给谁的？")


def test_an_english_question_asks_the_recipients_of_the_document_not_of_a_subsidy():
    for q in (
        "To which body was the reply letter addressed?",
        "Who are the recipients of this notice?",
    ):
        assert "recipients" in asked_parts(q), q
    q = "Under the Beiling rules, what happens if a recipient resells a subsidised device?"
    assert "recipients" not in asked_parts(q)


def test_a_clause_asking_how_a_term_is_set_asks_the_rules_words_not_a_part():
    # "本通知自印发之日起施行，有效期5年" answers it, not the day worked out from them
    q = "北陵市养老补贴通知的施行时间和有效期是怎么规定的？文号是什么？"
    assert asked_parts(q) == ["doc_number"]
    assert "effective_date" in asked_parts("北陵市养老补贴通知从什么时候开始施行？")


def test_a_later_part_asking_when_a_named_notice_was_sent_asks_its_signing_date():
    assert "signed_date" in asked_parts("北陵市调整委员会组成人员的那份通知，哪天发的？")
    assert "signed_date" not in asked_parts("北陵市的养老补贴每月哪天发的？")


def test_an_english_question_asking_from_when_rules_apply_asks_their_effective_date():
    for q in (
        "Under the Beiling measures on drones, from what date do the measures apply?",
        "When do these rules apply?",
    ):
        assert "effective_date" in asked_parts(q), q
    # applying for something is no start date
    assert "effective_date" not in asked_parts("When do applicants apply for the subsidy?")


def test_an_english_question_asking_when_a_letter_was_written_asks_its_signing_date():
    for q in (
        "What is the document number of the 2004 letter, and on what date was it written?",
        "When was this reply dated?",
    ):
        assert "signed_date" in asked_parts(q), q
    assert "signed_date" not in asked_parts("Who wrote the plan?")


def test_an_issuer_asked_with_another_part_before_the_verb_is_asked():
    # "由哪个机关、以什么文号印发的" asks both who issued it and its number
    parts = asked_parts("《江南市养老服务管理办法》是由哪个机关、以什么文号印发的？")
    assert "issuer" in parts and "doc_number" in parts


def test_a_regulations_history_line_gives_its_effective_date():
    text = (
        "# 江南县自治条例\n\n1989年4月15日 江南县第二届人民代表大会第四次会议通过\n\n"
        "1989年7月1日 东州省第七届人民代表大会常务委员会第十次会议批准\n\n1989年9月1日 施行\n\n"
        "第一条 根据宪法，制定本条例。\n"
    )
    assert parse(text).effective_date == "1989-09-01"


def test_a_long_line_of_organ_characters_over_a_title_is_read_at_once():
    # a pattern for the whole organs' line backtracked exponentially on such a line; each
    # part is matched on its own now. The line ends in no organ: no issuer's line of the title
    junk = "局会委" * 40 + "等"
    text = f"东政发〔2024〕1号\n{junk}\n关于加强河道管理的通知\n各区人民政府：\n现将有关事项通知如下。\n"
    assert parse(text).title == "关于加强河道管理的通知"


def test_the_number_of_a_document_this_one_rests_on_or_repeals_is_no_part_of_it():
    for q in (
        "这份通告依据的国办指导意见文号是什么？",
        "北陵市门特通知实施后，同时废止了哪几份文件（文号）？",
    ):
        assert "doc_number" not in asked_parts(q), q
    # its own number, asked beside what it repeals, is
    q = "北陵市养犬管理办法的文号是什么？它同时废止了哪个文件？"
    assert "doc_number" in asked_parts(q)


def test_when_a_document_this_one_mentions_was_issued_is_no_part_of_it():
    for q in (
        "北陵市〔2024〕12号通知提到的养犬登记办法和实施细则，是什么时候印发的？",
        "这份通告依据的国办指导意见是哪天发布的？",
    ):
        assert "signed_date" not in asked_parts(q), q
    # its own date is, and the date from which what it mentions applies
    assert "signed_date" in asked_parts("北陵市〔2024〕12号通知是什么时候印发的？")
    q = "这份通知提到的补贴政策从什么时候开始实施？"
    assert "effective_date" in asked_parts(q)
