"""Rules with one home each: the 《》 title (kb.core.text), the region's places
(kb/data/places.yaml through kb.core.places), and the Markdown table rows chunks carry
(kb.core.tables)."""

from __future__ import annotations

import pytest
import yaml

from kb.core import tables
from kb.core.glossary import EN_ZH
from kb.core.places import Places, places
from kb.core.text import titles_in
from kb.core.tokenize import Tokenizer
from kb.core.units import split_units
from kb.store.records import Mention, Record, party_matches


# ---------------------------------------------------------------- 《》 titles
def test_titles():
    text = "三省一市签署《长三角协议》和《纲要》，杂志《瞄》；《》空；《未闭合，《下一个》"
    assert titles_in(text) == ["长三角协议", "纲要", "瞄", "下一个"]
    assert titles_in("《" + "长" * 81 + "》") == []  # prose between brackets, not a name
    assert titles_in("《长三角\n协议》") == []
    assert titles_in("《长三角区域协同创新网络建设三年行动计划》", max_len=10) == []


# ---------------------------------------------------------------- places
def test_place_table_levels_and_groups():
    t = places()
    # the province and its short name, then every division of the levels the file lists:
    # Shanghai's 16 districts; Jiangsu's 13 cities and 95 counties (鼓楼区 twice: 南京, 徐州)
    assert len(t.province_names["上海"]) == 2 + 16
    assert len(t.province_names["江苏"]) == 2 + 13 + 95 - 1
    for name in ("宿迁", "丽水", "亳州", "连云港", "昆山市", "婺城区", "德清县", "泾县"):
        assert t.is_place(name), name
    assert t.is_place("江苏省") and t.is_place("三省一市") and t.is_place("嘉昆太")
    # a county whose bare name is a lake or a word is a place only with its suffix
    assert t.is_place("太湖县") and not t.is_place("太湖") and not t.is_place("西湖")
    assert t.provinces_in("嘉兴经开区") == ["浙江"]
    assert t.provinces_in("苏") == ["江苏"] and t.provinces_in("苏大") == []
    assert t.group_re.findall("沪苏浙皖与沪苏浙") == ["沪苏浙皖", "沪苏浙"]
    assert t.group_in("沪、苏、浙三省一市共同") == "三省一市"  # hence 、 is joined first
    assert t.group_in("沪苏浙三省一市共同签署") == "沪苏浙三省一市" and t.group_in("两地") == "两地"


def test_places_serve_parties_tokens_and_english():
    def rec(*parties: str) -> Record:
        m = Mention("agreement", "", "x", None, "", "", list(parties), "d", "c", 0, 1, "q")
        return Record("r", "agreement", "", "x", None, "", list(parties), [m])

    assert party_matches(rec("嘉兴经开区"), "浙江") and not party_matches(rec("昆山"), "浙江")
    assert party_matches(rec("三省一市"), "安徽") and party_matches(rec("九城市"), "芜湖")
    assert party_matches(rec("嘉昆太"), "太仓")
    tok = Tokenizer()
    assert "三省一市" in tok.tokens("三省一市签署协议") and "沪苏浙" in tok.words("沪苏浙签署")
    assert EN_ZH["anhui"] == ["安徽"] and EN_ZH["suzhou"] == ["苏州", "宿州"]
    assert EN_ZH["three provinces and one city"][0] == "三省一市"
    assert EN_ZH["jia-kun-tai"][0] == "嘉昆太" and EN_ZH["agreement"] == ["协议"]


@pytest.mark.parametrize(
    "broken, message",
    [
        ("provinces: {上海: {short: 沪, en: shanghai, cities: {黄浦: 2024}}}", "黄浦"),
        ("provinces: {上海: {short: 沪, en: shanghai, cities: {}}}\n"
         "groups: {两地: {members: [上海, 江苏]}}", "members not in the table"),
    ],
)  # fmt: skip
def test_place_table_is_checked_when_loaded(broken, message):
    with pytest.raises(ValueError, match=message):
        Places(yaml.safe_load(broken))


# ---------------------------------------------------------------- table rows
TIMELINE = (
    "| 时间 | 主要事件 | 时间 | 主要事件 |\n"
    "|--|--|--|--|\n"
    "| 2003年 | 沪苏浙签署协议书。 | 2014年 | 三省一市成立联盟。 |\n"
    "|  园区 | - | 1992年 | 揭牌 |"
)


def test_table_rows_and_cells_at_their_offsets():
    t = tables.parse(TIMELINE)
    assert t.header == ["时间", "主要事件", "时间", "主要事件"]
    assert [r.values for r in t.rows] == [
        ["2003年", "沪苏浙签署协议书。", "2014年", "三省一市成立联盟。"],
        ["园区", "-", "1992年", "揭牌"],
    ]
    for r in t.rows:
        assert TIMELINE[r.start : r.end].startswith("|")
        assert all(TIMELINE[c.start : c.end] == c.value for c in r.cells)
    assert not tables.has_value("-") and not tables.has_value(" ")


def test_the_two_cell_labels():
    first, second = (r.values for r in tables.parse(TIMELINE).rows)
    # records: each event dated by the time cell before it
    assert tables.time_labels(first) == ["2003年", "2003年", "2014年", "2014年"]
    assert tables.time_labels(second) == [None, None, "1992年", "1992年"]
    # answers: a timeline row shows each event under its own time, another row under its name
    assert [tables.row_label(first, i) for i in (1, 3)] == ["2003年", "2014年"]
    assert tables.row_label(second, 3) == "园区"


def test_units_and_records_read_the_same_rows():
    from ingest.records.extract import _units
    from kb.store.catalog import ChunkRecord

    units = split_units(TIMELINE, "table")
    assert [TIMELINE[u.start : u.end] for u in units] == [ln for ln in TIMELINE.split("\n")[2:]]
    chunk = ChunkRecord("c", "d", 0, TIMELINE, kind="table")
    cells = [(TIMELINE[s:e], label) for s, e, label, _ in _units(chunk)]
    assert cells == [
        ("沪苏浙签署协议书。", "2003年"),
        ("三省一市成立联盟。", "2014年"),
        ("园区", None),
        ("揭牌", "1992年"),
    ]
    # every record cell lies inside a row the answerer cites
    for s, e, *_ in _units(chunk):
        assert any(u.start <= s and e <= u.end for u in units)
