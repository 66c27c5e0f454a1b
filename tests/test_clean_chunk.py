"""Cleaning, structure and chunk boundaries, on the real corpus files and small cases."""

from __future__ import annotations

from ingest.chunk import chunk, structure
from ingest.clean import clean
from ingest.read.file import read_file
from kb.core.settings import ChunkSettings
from kb.core.text import count_tokens, norm, split_sentences, years_in
from tests.conftest import CORPUS


def _load(name):
    raw = read_file(CORPUS / name, 10**8, 100)
    return raw, clean(raw.text)


def test_sentences_never_split_inside_numbers_or_titles():
    text = "G60科创走廊3.0的组织机制设计以联席会议为主。守信融资总额超1.49万亿元!签署《关于推进合作。的协议》;完成。"
    sents = [text[s:e] for s, e in split_sentences(text)]
    assert sents == [
        "G60科创走廊3.0的组织机制设计以联席会议为主。",
        "守信融资总额超1.49万亿元!",
        "签署《关于推进合作。的协议》;",
        "完成。",
    ]


def test_norm_ignores_width_space_and_thousands():
    assert norm("１ ２６２个") == norm("1262个") == norm("1,262个")
    assert years_in("2011-2022年，2018年后") == [2011, 2022, 2018]


def test_cleaning_drops_debris_and_keeps_body():
    _, c = _load("wujiang-collaborative-innovation-2023.txt")
    assert "首页 > 丝路时评" not in c.text
    assert "留下一个回复" not in c.text and "你的email不会被公开" not in c.text
    assert "我们依托《大陆桥视野》杂志" not in c.text  # site footer
    assert "邹俊" in c.text and "参考文献" in c.text  # last body paragraphs survive
    _, c = _load("shanghai-software-park-2019.txt")
    assert "content_34609.html" not in c.text and "enpproperty" not in c.text
    assert "推动长三角地区实现更高质量的一体化发展。" in c.text
    _, c = _load("yrd-innovation-index-2023.txt")
    assert "长三角区域协同创新整体进展\t01" not in c.text  # table-of-contents entry
    assert "\n01\n" not in c.text  # lone page number


def test_offset_map_points_into_the_original():
    raw, c = _load("yrd-innovation-index-2023.txt")
    for start in (0, 500, 3000, len(c.text) - 40):
        s, e = c.raw_span(start, start + 40)
        assert norm(raw.text[s:e]) == norm(c.text[start : start + 40])


def test_chunks_respect_size_sections_and_sentences():
    cfg = ChunkSettings(max_tokens=200, overlap_tokens=40)
    for f in sorted(CORPUS.glob("*.txt")):
        raw, c = _load(f.name)
        chunks = chunk(c, structure(c, raw.pages), cfg)
        assert chunks
        for ch in chunks:
            assert ch.kind == "table" or ch.n_tokens <= cfg.max_tokens
            assert ch.kind == "table" or count_tokens(ch.text) <= cfg.max_tokens + 5
            # every sentence is original text (up to whitespace) inside the recorded span
            rs, re_ = c.raw_span(ch.start, ch.end) if ch.kind == "text" else (0, len(raw.text))
            for s, e in split_sentences(ch.text):
                assert norm(ch.text[s:e]) in norm(raw.text[rs:re_])
            # and ends at a sentence boundary, never mid-number
            assert not (
                ch.text[-1].isdigit()
                and ch.kind == "text"
                and re_ < len(raw.text)
                and raw.text[re_].isdigit()
            )


def test_headings_make_section_paths():
    raw, c = _load("wujiang-collaborative-innovation-2023.txt")
    chunks = chunk(c, structure(c, raw.pages), ChunkSettings())
    g60 = next(ch for ch in chunks if "联席会议由九城市主要领导参与" in ch.text)
    assert g60.section.endswith("(一)“G60科创走廊”发展模式")
    assert g60.section.startswith("一、区域协同创新示范区的模式分析")


def test_tables_are_chunked_with_their_header():
    raw, c = _load("innovation-flow-feature-2019.txt")
    chunks = chunk(c, structure(c, raw.pages), ChunkSettings())
    tables = [ch for ch in chunks if ch.kind == "table"]
    assert len(tables) >= 2
    for t in tables:
        assert t.text.startswith("| 时间")
    assert any("《沪苏浙共同推进长三角创新体系建设协议书》" in t.text for t in tables)
    assert any("《长三角地区知识产权一体化发展合作框架协议》" in t.text for t in tables)


def test_overlap_repeats_the_previous_tail():
    text = "。".join(f"第{i}句讲述长三角区域协同创新的具体进展情况" for i in range(40)) + "。"
    c = clean(text)
    chunks = chunk(c, structure(c, []), ChunkSettings(max_tokens=100, overlap_tokens=30))
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.start < a.end  # overlapping
        last = a.text.rstrip("。").split("。")[-1]
        assert last in b.text


def test_lines_that_stand_alone_are_never_dropped_to_make_room():
    # A joint notice's signatures and date are lines of their own, read like headings; more of
    # them than a chunk holds were dropped to make room for the next sentence.
    organs = [f"北陵市第{i}委员会" for i in range(1, 13)]
    text = (
        "现将实施意见印发给你们，请认真执行。\n\n"
        + "\n\n".join(organs)
        + "\n\n2025年7月16日\n\n一、建立健全全链条科技攻关体系。"
    )
    c = clean(text)
    chunks = chunk(c, structure(c, []), ChunkSettings(max_tokens=48, overlap_tokens=0))
    held = "".join(ch.text for ch in chunks)
    for line in [*organs, "2025年7月16日", "一、建立健全全链条科技攻关体系。"]:
        assert line in held, line
