"""Reading a question without the store: what it asks, its parts, English in Chinese terms."""

from __future__ import annotations

import pytest

from kb.answer.defined import terms_each
from kb.core.english import english_groups, translations
from kb.core.tokenize import Tokenizer
from kb.retrieve.asks import asked_kind
from kb.retrieve.question import analyze
from kb.retrieve.split import asks_article_back, split_question


@pytest.fixture(scope="module")
def tok():
    return Tokenizer().warm()


@pytest.mark.parametrize(
    "q, kind",
    [
        ("违反本条例第十条规定的，处多少罚款？", "amount"),
        ("被派遣劳动者不得超过用工总量的百分之几？", "percent"),
        ("应当在多少个工作日内作出决定？", "duration"),
        ("委员每届任期几年？", "duration"),
        ("个人最多能养几只犬？", "number"),
        ("评审组织中专家至少要占几成？", "percent"),
        ("采暖供热期是从几月几日到几月几日？", "date"),
        # a deadline asked as a day: "期限是什么时候", "在什么期限之前"
        ("管理办法改完的最晚期限是什么时候？", "date"),
        ("各部门要在什么期限之前制定实施意见？", "date"),
        ("申请的期限是多久？", "duration"),
        ("车站设站于几几年？", "year"),
        ("南通新机场应在哪一年建成通航？", "year"),
        ("本条例所称慈善组织是指什么？", "definition"),
        ("哪个部门负责全市会展业的统筹协调？", "org"),
        ("How much is the fine for felling a tree?", "amount"),
        ("What was the index score in 2022?", "number"),
        # English asks with its first wh-word; later ones open a clause about the subject
        (
            "Under the park rules, what fine applies to a vendor that sells when it is closed?",
            "amount",
        ),
        ("What is the longest trial period for a contract?", "duration"),
        ("Within how many hours must a county office report?", "duration"),
        ("What is the permit number, and to which office was it sent?", "org"),
        ("它的主要任务是什么？", ""),
        # a sum named by what is paid (奖励金, 津贴), not by 元: a sum of money
        ("独生子女父母每月能领多少计划生育奖励金？", "amount"),
        ("高温津贴标准是多少？", "amount"),
        ("有多少人领取了奖励金？", "number"),
        ("有多少企业享受了补贴？", "number"),
        ("多少学生可以免费入学？", "number"),
        ("担保费率是多少？", "percent"),
        ("How much is the monthly outpatient allowance?", "amount"),
        # "what" before a sum's name asks the sum, as "赤字是多少" does
        ("What central budget deficit did the report plan for 2003?", "amount"),
        ("What per-capita rural income target is set for 2025?", "amount"),
        ("What phone number did the office give?", "phone"),
        ("What fee waiver applies to students?", "amount"),
        ("发现险情要拨打哪个电话号码？", "phone"),
        ("咨询电话是多少？", "phone"),
        ("总理热线电话是什么时候开通的？", "date"),
        ("电话号码的隐私如何保护？", ""),
        ("Which hotline can employers call about the new policy?", "phone"),
        # "多大" asks how big, but not inside a name or a word ("科罗拉多大学", "许多大型")
        ("新建航站楼有多大？", "number"),
        # a weight asked how big is a share; a weight's method asks no figure
        ("医疗质量在考核总分里占多大权重？", "percent"),
        ("指标权重采用什么方法分配？", ""),
        ("这条隧道多长？", "number"),
        ("他从科罗拉多大学获得了什么学位？", ""),
        ("许多大型企业参加了哪个展会？", ""),
        # "在哪些情形下" asks under what circumstances, "分布在哪些地区" where
        ("必须招标的项目在哪些情形下可以邀请招标？", ""),
        ("这种鱼分布在哪些地区？", "place"),
        # a term asked when it starts or ends asks a day; asked how long, a span
        ("口岸区的土地使用期限从什么时候起算？", "date"),
        ("土地使用期限到哪天为止？", "date"),
        ("土地使用期限是多长？", "duration"),
        # a period asked how long is a span, whatever period it is
        ("入户信息卡的有效期是多长？", "duration"),
        ("委员的任期有多长？", "duration"),
        ("给摘帽的县留了多长的政策缓冲期？", "duration"),
        # an English quantity asked in a unit is a number ("what ... target, in tonnes")
        ("What meat output target, in tonnes, was set for 1981?", "number"),
        ("申请复议的期限有规定吗？", "duration"),
        # an English place asked by its kind, as "哪个省" is
        ("In which province is the planned nuclear power station to be built?", "place"),
        ("Which cities were chosen as pilot cities?", "place"),
    ],
)
def test_what_a_question_asks(q, kind):
    assert asked_kind(q) == kind


def test_question_words_are_neither_subject_nor_slot(tok):
    # "多长时间", "哪些地方", "几枚" ask; the subject is what they ask about
    for q in ("申请仲裁最晚多长时间内要提出？", "这项政策覆盖哪些地方？", "遗弃的化学武器有几枚？"):
        terms = analyze(q, tok).terms
        assert not any(t.startswith(("多长", "哪些", "几")) for t in terms), (q, terms)
    assert "仲裁" in analyze("申请仲裁最晚多长时间内要提出？", tok).terms
    # "能不能", "会不会" ask yes or no, as 能否 does: no key word ("不能自己", "证会")
    q = analyze("参加搜救的渔船能不能自己收队撤回？", tok)
    assert not any("不" in t for t in q.terms + q.search_tokens), q.terms
    assert {"渔船", "收队", "撤回"} <= set(q.terms), q.terms
    q = analyze("老渔民的捕鱼证会不会自己作废？", tok)
    assert "证会" not in q.terms and "作废" in q.terms, q.terms


def test_a_month_asked_with_its_part_is_a_month(tok):
    # "几月底" is a month though the segmenter joins 月底: a day counts, a bare rule does not
    assert analyze("年度报告每年几月底前向社会公布？", tok).unit == "月"
    assert analyze("每年几月份开始申报？", tok).unit == "月"


def test_an_english_word_the_dictionary_lacks_is_read_through_its_prefix(tok):
    assert "反恐怖主义" in translations("counterterrorism", tok.freq)
    assert "非居民" in translations("non-resident", tok.freq)
    _, names, _ = english_groups("Under the Counterterrorism Law, how often are drills held?", None)
    assert "counterterrorism" not in names


def test_steel_is_read_in_the_word_reports_write_its_output_in(tok):
    # CC-CEDICT's senses are 白钢, 钢材, 钢制, 钢铁; reports write 钢产量
    groups, _, _ = english_groups("What were the outputs of grain and steel?", None, tok.freq)
    assert any("钢" in g for g in groups), groups


def test_a_name_written_with_its_dot_is_read_and_shown_whole(tok):
    from kb.retrieve.question import dotted_name_shown

    # the segmenter cuts the name's first and last pieces short; the reason shows it whole,
    # without the words of the sentence after it
    for q, shown in (
        ("莱昂德罗·内托曾效力过哪些球队？", "莱昂德罗·内托"),
        ("韦斯·昂塞尔德是在谁之后获奖的？", "韦斯·昂塞尔德"),
    ):
        a = analyze(q, tok)
        dotted = [n for n in a.names if "·" in n]
        assert len(dotted) == 1 and dotted_name_shown(dotted[0], tok.pos(q)) == shown, a.names
    assert not [n for n in analyze("“5·13”事故死亡多少人？", tok).names if "·" in n]


def test_the_analysis_says_when_a_change_is_asked(tok):
    # a figure asked with a verb that moves it wants a change; held at a level, a level
    for q, change in (
        ("全县公路通车里程比上一年增加了多少公里？", True),
        ("2007年单位国内生产总值能耗要比上年降低多少？", True),
        ("城镇登记失业率要控制在多少以内？", False),
        ("全县公路通车里程是多少公里？", False),
    ):
        assert analyze(q, tok).analysis()["change"] is change, q


def test_the_slot_is_what_is_asked_of_the_subject(tok):
    a = analyze("《纲要》规定南通新机场应在哪一年建成通航？", tok)
    assert a.asks == "year" and a.slot == ["建成", "通航"] and "机场" in a.subject
    a = analyze("2025年上海的GDP是多少？", tok)
    assert a.slot == ["gdp"] and a.years == [2025] and "地区生产总值" in a.alternatives("gdp")
    d = analyze("三门峡市山体保护条例第二十三条是怎么规定的？", tok).analysis()
    assert d["article"] == "第二十三条" and d["language"] == "zh"
    assert analyze("《纲要》为长三角确定了哪五个战略定位？", tok).list_phrase == "战略定位"
    # a count asked of a noun its clause describes first counts that noun, not the description
    q = "每个街道至少要设几个一遇暴雨就能开放的临时避难场所？"
    assert analyze(q, tok).slot == ["临时", "避难"], analyze(q, tok).slot
    # a unit after 多少 is what the figure is counted in, neither the slot nor the subject
    for q, slot, unit in (
        ("2008年全国粮食总产量要达到多少万吨？", "总产量", "万吨"),
        ("旅行社交纳的旅游服务质量保证金是多少万元？", "保证金", "万元"),
    ):
        a = analyze(q, tok)
        assert a.slot == [slot] and a.analysis()["unit"] == unit and unit not in a.subject
    # ... but not the first character of a word ("人" of 人口); an attribute before the
    # question word widens the slot only when a figure is asked
    a = analyze("全镇有多少人口？", tok)
    assert a.slot == ["人口"] and a.unit == "", a.analysis()
    # ... where the segmenter keeps the pair together: "人参" is a word, "人参加" is 人 + 参加
    a = analyze("这次推进会一共有多少人参加？", tok)
    assert a.unit == "人" and a.slot == ["参加"], a.analysis()
    assert analyze("应当在多少天内作出决定？", tok).unit == "天"
    assert analyze("进出口贸易总额增长目标是多少？", tok).slot[0] == "贸易总额"
    assert analyze("他去世的时间是哪一年？", tok).slot == ["时间"]


def test_a_place_is_a_name_tagged_as_a_place_or_person_not_any_name(tok):
    from kb.answer.refusal import places_of

    # the tagger calls 嘉兴 a person here; 拉丁文 and 人社局 are names, not places
    assert places_of(analyze("对落户嘉兴的项目给予多少奖励？", tok), tok.pos) == ["嘉兴"]
    for q in ("皱眉肌的拉丁文意思是什么？", "按广州市人社局的问答，贷款利息能贴多少？"):
        assert "拉丁文" not in places_of(analyze(q, tok), tok.pos)
        assert "人社局" not in places_of(analyze(q, tok), tok.pos)


def test_a_common_noun_the_tagger_calls_a_place_names_no_place(tok):
    # jieba tags 城市 as a place; the dictionary knows it only as "city"
    a = analyze("规划里的国家应急指挥总部设在哪个城市？", tok)
    assert a.asks == "place" and "城市" not in a.names, a.analysis()
    assert "上海" in analyze("上海的应急指挥总部设在哪个区？", tok).names


def test_a_question_asking_several_things_is_cut_into_parts_that_keep_the_topic():
    assert split_question("《北京市农业承包合同条例》何时起施行？同时废止了哪部条例？") == [
        "《北京市农业承包合同条例》何时起施行？",
        "《北京市农业承包合同条例》同时废止了哪部条例？",
    ]
    parts = split_question("这些措施从什么时候开始实施，有效期到何时？")
    assert len(parts) == 2 and parts[1].startswith("这些措施")
    # a title that asks ("《……如何振兴？》") asks nothing of the question naming it
    q = "新浪财经转载的《江南“短板”如何补齐？》一文中，江南北部5市是指哪几个城市？"
    assert split_question(q) == [q]
    # colloquial "啥时候" and a time of day "几点" ask too: the clause is a part of its own
    parts = split_question("青岚中考啥时候网上报名、最晚几点截止？录取后哪天报到？")
    assert parts == ["青岚中考啥时候网上报名、最晚几点截止？", "青岚中考录取后哪天报到？"], parts
    # a part asking the article of what was asked before is one of its own, whatever the part
    # before it asks with ("几件" is no question word of the splitter's)
    parts = split_question("一户人家一年里，最多能申请几件节能设备？条例哪一条管这个？")
    assert parts == ["一户人家一年里，最多能申请几件节能设备？", "条例哪一条管这个？"], parts
    parts = split_question(
        "In the 2009 report, how large a deficit was planned, and how much in bonds was allowed?"
    )
    assert parts[1].startswith("In the 2009 report,") and "bonds" in parts[1]
    # a wh-word after a preposition asks too, when the opening names what both parts are about
    parts = split_question(
        "Under the Shanghai measures, what happens to a cooperative idle for two years, and "
        "within how many days must it apply for change registration?"
    )
    assert len(parts) == 2 and parts[1].startswith("Under the Shanghai measures, within how")
    # ", which regulation did they repeal": a wh-word asking with its own verb after a comma
    # asks again; the opening that asks nothing stays with the part after it
    parts = split_question(
        "In the 2021 rules, when did the rules take effect, which regulation did they repeal?"
    )
    assert parts == [
        "In the 2021 rules, when did the rules take effect",
        "In the 2021 rules, which regulation did they repeal?",
    ], parts
    q = "When did the rules take effect, which is the day they were published?"
    assert split_question(q) == [q]  # "which is …": a relative clause, one question
    # ", from what date do they …" asks again too; later parts are asked of the document the
    # first names ("the Jiangnan Regulations on …")
    parts = split_question(
        "When were the Jiangnan Regulations on Greening adopted, from what date do they take "
        "effect, and how many members should the greening committee have?"
    )
    assert parts == [
        "When were the Jiangnan Regulations on Greening adopted",
        "Under the Jiangnan Regulations on Greening, from what date do they take effect?",
        "Under the Jiangnan Regulations on Greening, how many members should the greening "
        "committee have?",
    ], parts
    q = "Which hotline can residents call, under the Jiangnan rules, on which heads take calls?"
    assert len(split_question(q)) == 1  # ", on which …": a relative clause
    # without that opening the second part's "it" needs the first: whole
    q = "What is the number of the 2004 reply letter, and to which body was it addressed?"
    assert split_question(q) == [q]
    q = "What is the number of the Jiangnan Office's 2004 reply letter, and to whom was it sent?"
    assert split_question(q) == [q]  # a reply's name goes on past "reply": whole
    # a possessive names a regulation in lower case too; ", and from what date …" asks of it
    parts = split_question(
        "When was Jiangnan's regulation on the Lakeside Pilot Zone adopted, and from what date "
        "has it been in force?"
    )
    assert parts == [
        "When was Jiangnan's regulation on the Lakeside Pilot Zone adopted",
        "Under Jiangnan's regulation on the Lakeside Pilot Zone, from what date has it been in "
        "force?",
    ], parts
    # a later part that says "it" is asked about what the first part asks about; a clause
    # after ", and into which …" that names all it asks about is a question of its own
    parts = split_question(
        "When did the Jiangnan Standing Committee adopt its decision on the one-window reform, "
        "from what date does it take effect, and into which app must all service apps be merged?"
    )
    assert parts == [
        "When did the Jiangnan Standing Committee adopt its decision on the one-window reform",
        "Regarding the Jiangnan Standing Committee adopt its decision on the one-window reform, "
        "from what date does it take effect?",
        "into which app must all service apps be merged?",
    ], parts
    q = "What is the number of the Jiangnan notice on parks, and on what date was the notice signed?"
    assert split_question(q) == [q]  # "the notice": the one asked about before
    q = "Under the rules, within how many days must a complaint be handled, and with whom?"
    assert split_question(q) == [q]  # a fragment: of the clause before it
    # "多大" asks as 多少 does; "许多大型" asks nothing
    assert len(split_question("园区要建成多大规模？入驻企业要有多少家？")) == 2
    assert len(split_question("许多大型企业入驻，园区有多少家企业？")) == 1
    # one thing asked (with two slots, or a 、 list): whole
    for q in ("研发投入强度和科技进步贡献率分别要达到多少？", "在什么时间、什么场合宣布？"):
        assert split_question(q) == [q]


def test_a_later_part_opening_with_a_clause_of_its_own_inherits_only_the_places(tok):
    # "园所移交以后，" sets the second question's own scene: the first one's words, glued on
    # ("……小区园所移交以后"), asked of something else
    q = "开发商少建配套幼儿园，整改之前新小区能不能通过竣工验收？园所移交以后，能不能办成营利性幼儿园？"
    assert split_question(q, tok.pos)[1] == "园所移交以后，能不能办成营利性幼儿园？"
    q = "在上海，区图书馆临时闭馆要提前几天公告？去收费的文化场馆，哪些人可以免费？"
    assert split_question(q, tok.pos)[1] == "上海去收费的文化场馆，哪些人可以免费？"


def test_a_later_part_inherits_the_subject_not_what_the_first_part_says_of_it(tok):
    # "一般一年碰" is the first part's own predicate; the second asks of 联席会议
    parts = split_question("市里那个联席会议一般一年碰几次头？开会前先由谁商量议题？", tok.pos)
    assert parts[1] == "市里那个联席会议开会前先由谁商量议题？", parts
    # a year stays with its subject, a verb after 的 names a thing ("提案的答复")
    parts = split_question("《江南市绿化条例》到2025年建成多少公园？新增多少绿地？", tok.pos)
    assert parts[1].startswith("《江南市绿化条例》到2025年新增"), parts
    parts = split_question("市政府对王委员提案的答复是哪天成文的？在网上是哪天发布的？", tok.pos)
    assert parts[1].startswith("市政府对王委员提案的答复在网上"), parts
    # a 公文 part the first asks (文号, 成文日期) is no subject of the later ones
    parts = split_question("《江南市绿化条例》的文号是什么？失效日期是哪天？", tok.pos)
    assert parts[1] == "《江南市绿化条例》失效日期是哪天？", parts
    q = "市政府转发市教委关于扩大招生问题请示的通知，文号和成文日期是什么？请示的落款日期是哪天？"
    parts = split_question(q, tok.pos)
    assert parts[1] == "市政府转发市教委关于扩大招生问题请示的通知，请示的落款日期是哪天？", parts
    # a clause saying only what is done ("上下半年加起来计划收") names no subject: the later
    # part is of the clause before it
    q = "2019年向企业征的排污费，上下半年加起来打算收多少？其中超标部分是多少？"
    parts = split_question(q, tok.pos)
    assert parts[1] == "2019年向企业征的排污费，其中超标部分是多少？", parts
    # a verb used as a noun (投资/vn) ends the subject as a noun does: "各增长" is what the
    # first part asks of it
    q = "江南市2019年计划安排生产总值和固定资产投资各增长多少？投资总规模定为多少？"
    parts = split_question(q, tok.pos)
    assert parts[1] == "江南市2019年计划安排生产总值和固定资产投资投资总规模定为多少？", parts


def test_a_later_part_naming_the_subject_itself_leaves_what_the_first_asks_of_it(tok):
    opening = "在江南申领电子居住证，审核期限是几个工作日？"
    for later, asked in (
        # "审核期限" is what the first part asks; the second names 电子居住证 itself and asks
        # its 有效期, so it inherits the clause before ("在江南申领……") and not 审核期限
        ("电子居住证的有效期是多长？", "在江南申领电子居住证，电子居住证的有效期是多长？"),
        # naming none of it, the later part inherits all of the subject
        ("过期了怎么办？", "在江南申领电子居住证，审核期限过期了怎么办？"),
    ):
        assert split_question(opening + later, tok.pos)[1] == asked
        # without a tagger it cannot tell, and the later part inherits the whole topic
        assert split_question(opening + later)[1].endswith("审核期限" + later)


def test_a_yes_or_no_asked_by_a_verb_and_its_negation_is_a_part_of_its_own(tok):
    # "能不能" asks as 能否 does: the later part carries the subject before it
    q = "在江南近海搞养殖，生产垃圾能不能丢进海里？被查到了怎么处理、罚多少？"
    parts = split_question(q, tok.pos)
    assert parts == [
        "在江南近海搞养殖，生产垃圾能不能丢进海里？",
        "在江南近海搞养殖，生产垃圾被查到了怎么处理、罚多少？",
    ], parts
    # a later clause asking only what the first rests on asks of the same thing: whole
    for q in (
        "外国游客在江南买了东西，走的时候能不能退税？江南的条例是怎么说的？",
        "在江南注册公司，名字里能不能带“金融”字眼？依据是什么？",
    ):
        assert split_question(q, tok.pos) == [q]


def test_a_later_part_naming_its_own_document_inherits_only_a_place(tok):
    q = "在江南，驻村的法律顾问多久要来一次？江南这部化解纠纷的条例从哪天起施行？"
    assert split_question(q, tok.pos)[1] == "江南这部化解纠纷的条例从哪天起施行？"
    q = "杭州把哪一天定为国际日？促进城市国际化的那部条例哪天开始施行？"
    assert split_question(q, tok.pos)[1] == "杭州促进城市国际化的那部条例哪天开始施行？"
    # "它" is what the first part names: the part is asked of it
    q = "江南这份通告是哪个单位发的？它依据的管理办法的文号是什么？"
    assert split_question(q, tok.pos)[1].startswith("江南这份通告它依据"), q


def test_an_english_question_quoting_a_chinese_term_is_english(tok):
    q = 'Under the rules, what is a "guidance document" (指导性技术文件), and for how long may one remain valid?'
    assert analyze(q, tok).lang == "en"
    parts = split_question(q)
    assert len(parts) == 2 and parts[1].startswith("Under the rules, for how long"), parts
    assert asked_kind(parts[1]) == "duration"
    # a Chinese question quoting an English name stays Chinese
    assert analyze("「Code Lyoko Featuring Subdigitals」共有多少首歌曲？", tok).lang == "zh"


def test_english_words_in_chinese_terms_and_names(tok):
    assert "罚款" in translations("penalty", tok.freq)
    assert "就业" in translations("employment", tok.freq)
    # a profession's words in the sense regulations use them (CC-CEDICT: 中介, and no "practise")
    groups, _, _ = english_groups("Who may practise as a patent agent?", None, tok.freq)
    words = {w for g in groups for w in g}
    assert {"执业", "代理"} <= words, groups
    groups, names, heads = english_groups(
        "According to the Shanghai regulation, how many new jobs did Zorblatt create in Tokyo "
        "in November?",
        None,
        tok.freq,
    )
    # function words ("according", "to", "the", "how", "did") are neither terms nor names;
    # a capitalised word no dictionary knows is a name; a place it knows is a term and a name
    # the corpus must mention (in Chinese), the region's own places too; a month is a term only
    assert names == ["zorblatt", "上海", "东京"] and "according" not in heads
    assert any("条例" in g for g in groups) and any("上海" in g for g in groups)
    assert any("东京" in g for g in groups) and any("十一月" in g for g in groups)
    assert (
        english_groups("Under the PRC Labour Contract Law, what is the probation?", None)[1] == []
    )


def test_school_levels_in_english_are_the_levels_chinese_notices_name(tok):
    q = "What phone number should parents ring about junior-high (Grade 7) places?"
    groups, _, _ = english_groups(q, None, tok.freq)
    assert any("中学" in g for g in groups) and any("七年级" in g for g in groups), groups
    groups, _, _ = english_groups("When is kindergarten registration?", None, tok.freq)
    assert any("幼儿园" in g for g in groups), groups


def test_a_public_notice_is_the_posting_chinese_notices_call_gongshi(tok):
    # 公示 (a list or decision posted for objections), in a third of real notices
    q = "How long is the public notice period for temporary assistance, and where is it publicized?"
    groups, _, heads = english_groups(q, None, tok.freq)
    assert "public notice" in heads and any("公示" in g for g in groups), groups


def test_known_words_joined_by_a_hyphen_are_no_name(tok):
    q = "According to China's 14th Five-Year Plan for emergency response, what is the goal?"
    groups, names, heads = english_groups(q, None, tok.freq)
    assert names == []  # "Five-Year" was taken for a name the corpus never mentions
    assert any("十四五" in g for g in groups) and any("中国" in g for g in groups)


def test_a_word_the_segmenter_guesses_names_no_slot(tok):
    # "内得" of "多长时间内得提出来" is no word: it is not what is asked
    q = analyze("按仲裁法，最晚多长时间内得提出来？", tok)
    assert q.asks == "duration" and "内得" not in q.slot


def test_a_nationality_is_no_name_the_corpus_must_mention(tok):
    # The dictionary knows "Chinese" only from capitalised senses (语文 among them): it was
    # taken for a name, and every question on "traditional Chinese medicine" refused.
    q = "Under the regulation on traditional Chinese medicine, what fine can a clinic face?"
    assert english_groups(q, None, tok.freq)[1] == []
    assert english_groups("What did the Tokyo office report?", None, tok.freq)[1] == ["东京"]


def test_english_place_names_read_through_possessives_and_province_senses(tok):
    # "Shandong's" is Shandong; the dictionary gives 河南 as "Henan province (Honan) …" and
    # 重庆 as "Chongqing city …": each is a place the question names, in Chinese.
    for question, place in (
        ("Under Shandong's regulation on factory affairs, where is the office located?", "山东"),
        (
            "Under the regulation on the nature reserve in Henan, what type of reserve is it?",
            "河南",
        ),
        ("Under Chongqing's regulation, within how many days must complaints be handled?", "重庆"),
    ):
        q = analyze(question, tok)
        assert place in q.names and place in q.terms, (question, q.names, q.terms)


def test_a_slot_ends_where_a_second_question_follows_a_comma(tok):
    # "、" before another question ("算不算") ends the first one's slot; one that lists what
    # is asked ("工业产值、财政收入") does not
    q = analyze("租期最长能签多少年、超出的部分算不算数？", tok)
    assert "部分" not in q.slot and "超出" not in q.slot, q.slot
    q = analyze("那几年少了多少工业产值、钢和财政收入？", tok)
    assert q.slot == ["工业产值", "财政收入"], q.slot


def test_a_count_asks_for_the_head_of_what_it_counts(tok):
    # a Chinese noun phrase ends in its head: 示范县 is counted, not 全国
    q = analyze("规划要新增多少个全国综合减灾示范县？", tok)
    assert "示范县" in q.slot, q.slot
    q = analyze(
        "宁波市养犬条例中，肩高多少厘米以上算大型犬？", tok
    )  # a physical unit counts nothing
    assert "以上" not in q.slot, q.slot


def test_an_english_which_asks_for_a_list_only_with_a_plural_noun(tok):
    def asks(q):
        return analyze(q, tok).analysis()["asks"]

    assert asks("Which three cities signed the agreement in 2018?") == "list"
    assert asks("Which bodies must the localities report to?") == "list"
    assert asks("What fine applies to selling such goods, and by which department?") != "list"
    assert asks("Which body interprets the regulation?") != "list"


def test_english_words_meet_the_dictionary_through_their_derivation_and_spelling(tok):
    # the dictionary has "revitalize", "industry", "favorable"; officials write
    # "revitalisation", "industrial", "favourable"
    assert "振兴" in translations("revitalisation", tok.freq)
    assert "工业" in translations("industrial", tok.freq)
    assert "有利" in translations("favourable", tok.freq)
    assert "许可证" in translations("licence", tok.freq)
    # "-ological" from "-ology": the dictionary has "seismology", not "seismological"
    assert "地震学" in translations("seismological", tok.freq)
    # a short word is no British spelling: "four" is not "for"
    assert "为了" not in translations("four", tok.freq)


def test_a_count_in_arabic_digits_asks_for_a_list_as_in_chinese_numerals(tok):
    assert analyze("开通多语种外文版的是哪3个部门的网站？", tok).analysis()["asks"] == "list"
    assert analyze("开通多语种外文版的是哪三个部门的网站？", tok).analysis()["asks"] == "list"


def test_english_words_take_their_policy_sense(tok):
    # the dictionary's first senses are an aviator, an era, a level and a school term
    q = "What is the age limit and the loan term of the pilot programme, and its monthly standard?"
    groups, _, heads = english_groups(q, None, tok.freq)
    sense = {h: g for h, g in zip(heads, groups, strict=True)}
    assert "试点" in sense["pilot"] and "年龄" in sense["age"] and "期限" in sense["term"]
    assert "标准" in sense["standard"] and "每月" in sense["monthly"]


def test_english_trade_with_other_countries_is_read_as_reports_name_it(tok):
    # "total foreign trade" is 进出口总额 in a work report, not a 交易 (a deal)
    q = analyze("What was China's total foreign trade in 2003?", tok)
    assert "进出口总额" in q.terms and "交易" not in q.terms, q.terms
    q = analyze("How much did imports and exports grow?", tok)
    assert "进出口" in q.terms, q.terms


def test_glossary_phrases_with_an_apostrophe_match(tok):
    # the question loses its apostrophe before matching ("people s congress"); the glossary's
    # "people's congress" must lose it too
    q = "When were the regulations of the Provincial People's Congress adopted?"
    groups, _, heads = english_groups(q, None, tok.freq)
    assert any("人民代表大会" in g for g in groups), groups
    assert "people s congress" in heads and "通过" in next(g for g in groups if "采用" in g)


def test_plurals_in_es_and_hyphenated_words_meet_the_dictionary(tok):
    assert "巴士" in translations("buses", tok.freq)  # "buses" meets "bus", not "buse"
    # the words both parts name (高新技术, 中外)
    assert {"高科技", "高新技术"} & set(translations("high-tech", tok.freq))
    assert "中外" in translations("Sino-foreign", tok.freq)
    assert translations("non-resident", tok.freq)[0].startswith("非")  # the prefix rule first


def test_a_regulations_operators_and_premises_are_read_as_chinese_regulations_name_them(tok):
    # the dictionary's first senses are 运营商 (a carrier) and 前提 (a premise)
    q = analyze("What fine can an operator face for changing its premises without approval?", tok)
    said = {a for t in q.terms for a in q.alternatives(t)}
    assert {"经营者", "场所", "未经批准"} <= said, said


def test_a_question_word_after_a_comma_of_enumeration_asks_another_thing(tok):
    # "哪天由……通过的、哪天起施行": each has its own verb, and the second is a 公文 part
    q = "江南市绿化条例最初是哪天由市人大通过的、哪天起施行？"
    assert split_question(q, tok.pos) == [
        "江南市绿化条例最初是哪天由市人大通过的",
        "江南市绿化条例哪天起施行？",
    ]
    # "多少颗……、多少发……" lists what one verb asks: one question
    q = "江南市航天行动计划提出，到2025年要造出多少颗商业卫星、多少发商业火箭？"
    assert split_question(q, tok.pos) == [q]


def test_only_then_is_no_slot_but_a_talent_asked_is(tok):
    # "才能" before a verb is "only then": the days are what is asked
    assert "才能" not in analyze("在网上申领江南社保卡，要等多少个工作日才能领卡？", tok).slot
    # at the end of the clause it is what is asked ("有什么才能")
    assert analyze("江南县的王某有什么才能？", tok).slot == ["才能"]


def test_an_english_quantity_asked_in_a_unit_is_asked_in_that_unit(tok):
    # "in trillions of yuan": a figure in 元 (its magnitude the text's); "how large" is a
    # question word, not 大型, and the glossary's phrase it asks is the slot
    q = analyze("How large, in trillions of yuan, is the 2021 fiscal deficit?", tok)
    assert (q.asks, q.unit) == ("number", "元"), q.analysis()
    assert q.slot == ["财政赤字"] and "大型" not in q.terms, q.analysis()
    assert analyze("How many mu of farmland does the plan protect?", tok).unit == "亩"
    # a unit after "per" is no unit asked in
    assert analyze("What is the monthly rent per square metre?", tok).unit != "平方米"


def test_a_degree_adverb_or_a_threshold_is_no_slot(tok):
    # 起码 ("at least") is tagged a noun; a 门槛 asked is of the thing before it
    assert "起码" not in analyze("江南市的社团账上起码得有多少钱？", tok).slot
    assert "基金会" in analyze("江南市基金会的门槛又是多少？", tok).slot


def test_a_later_part_inherits_the_subject_not_the_adverb_after_it(tok):
    # "总共" (a distinguishing word) ends what the first part says of its subject
    parts = split_question(
        "这五年，江南市搞基本建设总共准备花多少钱？老企业改造又给了多少？", tok.pos
    )
    assert len(parts) == 2 and "总共" not in parts[1] and "准备花" not in parts[1], parts


def test_an_english_name_of_several_words_is_read_as_a_whole(tok):
    groups, named, heads = english_groups(
        "How much did the city owe the Soviet Union in loans?", None, tok.freq
    )
    assert ["苏联"] in groups and "soviet union" in heads, groups
    assert not any("苏维埃" in g for g in groups), groups
    assert "苏联" not in named  # a name written short (苏) or long alike: not required verbatim
    # a glossary phrase that holds a name goes first
    groups, _, heads = english_groups("children of Hong Kong and Macao residents", None, tok.freq)
    assert ["港澳"] in groups and "hong kong" not in heads, groups


def test_a_part_naming_only_the_kind_of_document_asks_the_article_of_the_one_before(tok):
    # "细则是哪一条定的": no subject of its own; "按条例第几条处理" asks an article of its own
    assert asks_article_back("细则是哪一条定的？") and asks_article_back("条例哪条规定的")
    assert asks_article_back("这是第几条？")
    assert not asks_article_back("按条例第几条处理？")
    assert not asks_article_back("绿化条例哪一条讲要建设城市绿道？")


def test_two_quoted_terms_asked_each_are_a_definition_of_each(tok):
    q = analyze("江南市社团管理意见里，“业务主管部门”和“挂靠单位”分别指什么？", tok)
    assert q.asks == "definition", q.analysis()
    assert terms_each(q) == ["业务主管部门", "挂靠单位"]
    q = analyze("江南市规划纲要里的“预期性指标”和“约束性指标”分别是什么意思？", tok)
    assert terms_each(q) == ["预期性指标", "约束性指标"]


def test_an_english_list_names_what_it_lists_after_the_words_asking_for_it(tok):
    q = "Under Jiangnan's 2023 plan, what are the 2035 targets for coverage and satisfaction?"
    a = analyze(q, tok)
    assert a.is_list and a.list_noun is None, a.analysis()
    assert analyze("Which plans did the region issue in 2019?", tok).list_noun == "规划"


def test_a_part_asking_only_the_article_still_points_back_after_the_topic_it_inherits(tok):
    q = "家里有房但住得挤，人均面积小于多少才能申请江南市公租房？是哪一条规定的？"
    parts = split_question(q, tok.pos)
    assert len(parts) == 2 and asks_article_back(parts[1]), parts


def test_an_english_term_of_several_words_is_also_read_as_a_whole(tok):
    # "raw" alone is 原料 and "carbon" alone is 一模一样 ("carbon copy"): the terms are 原煤, 碳排放
    q = "How much raw coal was produced, and how far were carbon dioxide emissions cut?"
    groups, named, heads = english_groups(q, None, tok.freq)
    sense = {h: g for h, g in zip(heads, groups, strict=True)}
    assert "原煤" in sense["raw coal"] and "碳排放" in sense["carbon dioxide emissions"], sense
    assert "coal" in sense and not named  # its words keep their own senses; no name to require


def test_an_english_part_opening_with_a_hedged_question_word_is_its_own_part():
    q = (
        "In the 1982 report on the plan, below what level must the growth rate be held, "
        "and to about what figure must the 1985 population be kept?"
    )
    parts = split_question(q)
    assert len(parts) == 2 and parts[1].startswith("In the 1982 report"), parts


def test_an_irregular_english_form_is_read_through_its_base_form():
    from kb.core.english_forms import forms

    # "kept" alone is only "kept man" (娈童) and "kept woman" (姘妇) in the dictionary
    assert "保持" in translations("kept") and "娈童" not in translations("kept")
    assert "build" in forms("built") and "pay" in forms("paid")
    # a doubled consonant is undone ("planning": plan), no other ("sowing" is not "so")
    assert "plan" in forms("planning") and "so" not in forms("sowing")


def test_a_month_or_a_verb_glued_to_a_word_is_no_name_the_corpus_must_write(tok):
    # the tagger calls "二月份" a name (a text writes "２月") and glues 招 to 外区
    assert "二月份" not in analyze("江南县基建投资二月份压到了多少亿？", tok).names
    names = analyze("江南区的民办小学能不能招外区的孩子？", tok).names
    assert "招外区" not in names and "外区" in names, names


def test_a_name_of_rare_characters_is_a_name_the_corpus_must_write(tok):
    # the tagger leaves rare characters as morphemes, one by one
    assert "颊鳞雀鲷" in analyze("颊鳞雀鲷的俗名叫什么？", tok).names
    assert "雍闿" in analyze("雍闿向哪个政权投降？", tok).names
    # a time after the name, or a word its last character opens (体侧), is not part of it
    assert not [n for n in analyze("川纹笛鲷体侧的横带是怎样分布的？", tok).names if "体" in n]
    assert not [n for n in analyze("王某任司盐校尉时有什么政绩？", tok).names if "时" in n]


def test_the_things_asked_each_start_after_qi_zhong(tok):
    from kb.answer.each import asked_each

    q = analyze("新增县级投资其中重大基础设施建设和灾后恢复重建各占多大比重？", tok)
    assert asked_each(q) == [["重大基础设施建设"], ["灾后恢复重建"]], asked_each(q)
