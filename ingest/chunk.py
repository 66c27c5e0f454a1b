"""Structure and chunking.

Structure: headings (``#``, 一、, (一), 1., 第X章/节/条), paragraphs, Markdown tables and PDF
pages. Chunking: sentences (kb.core.text.split_sentences: never inside a number or a 《》 title)
are packed into chunks of at most ``max_tokens`` cl100k_base tokens with a small sentence
overlap; a major heading starts a new chunk; a table is chunked by rows with its header
repeated, so every table chunk can be read on its own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.clean import CleanDoc
from ingest.gongwen.parse import is_date_line, is_number_line
from kb.core.settings import ChunkSettings
from kb.core.text import count_tokens, split_sentences

_CN_NUM = "一二三四五六七八九十百零〇"
_HEADINGS: list[tuple[re.Pattern, int]] = [
    (re.compile(r"^(#{1,6})\s+\S"), 0),  # level = number of #
    (re.compile(rf"^第[{_CN_NUM}\d]+[章篇]"), 1),
    (re.compile(rf"^第[{_CN_NUM}\d]+节"), 2),
    (re.compile(rf"^[{_CN_NUM}]+、"), 2),
    (re.compile(rf"^[(（][{_CN_NUM}]+[)）]"), 3),
    (re.compile(rf"^第[{_CN_NUM}\d]+条"), 4),
    (re.compile(r"^\d{1,2}[.、．](?!\d)"), 4),
]
_RUN_IN = re.compile(r"[。！？；][^\s”’）)]")
_MAJOR = 4  # headings at this level or above start a new chunk
_END_PUNCT = tuple("。！？；，,.!?;：:、")


def heading_level(line: str) -> int | None:
    """Level of a heading line (1 = top), or None for body text."""
    if len(line) > 60:
        return None
    for pat, level in _HEADINGS:
        m = pat.match(line)
        if m:
            if level == 0:
                return len(m.group(1))
            # "1.组织协调机制。G60科创走廊……" is a paragraph with a numbered lead, not a heading.
            if level == 4 and (len(line) > 30 or "。" in line):
                return None
            # So is "一、支持龙头企业发展。对新认定的……" (a 公文's run-in headings): a sentence
            # ends inside the line and more text follows.
            if _RUN_IN.search(line) or (len(line) > 30 and line.endswith(_END_PUNCT[:4])):
                return None
            return level
    # A short line without closing punctuation between paragraphs ("推进“走出去”战略 加强产业联动").
    if (
        len(line) <= 30
        and not line.endswith(_END_PUNCT)
        and not line.startswith(("图", "表", "注", "|", "•"))
    ):
        return 6
    return None


@dataclass
class Paragraph:
    index: int  # 1-based paragraph number (¶)
    text: str
    section: str
    page: int | None
    start: int  # offsets in cleaned text
    end: int
    kind: str = "text"  # text | table | heading


@dataclass
class Chunk:
    position: int
    text: str
    section: str
    page: int | None
    para_start: int
    para_end: int
    start: int  # offsets in cleaned text
    end: int
    n_tokens: int
    kind: str = "text"
    sentences: list[tuple[int, int]] = field(default_factory=list)
    ocr_conf: float | None = None  # set by the pipeline for text that OCR recognised


def structure(doc: CleanDoc, page_starts: list[int]) -> list[Paragraph]:
    """Split cleaned text into headings, paragraphs and tables, with section paths."""
    text = doc.text
    paras: list[Paragraph] = []
    path: list[tuple[int, str]] = []
    n = 0
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1

    def page_of(clean_off: int) -> int | None:
        if not page_starts:
            return None
        raw = doc.offsets[clean_off] if clean_off < len(doc.offsets) else 0
        return bisect.bisect_right(page_starts, raw)

    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        if not line.strip():
            i += 1
            continue
        section = " / ".join(t for _, t in path)
        if line.startswith("|"):
            j = i
            while j + 1 < len(lines) and text[lines[j + 1][0] : lines[j + 1][1]].startswith("|"):
                j += 1
            n += 1
            end = lines[j][1]
            paras.append(Paragraph(n, text[s:end], section, page_of(s), s, end, "table"))
            i = j + 1
            continue
        level = heading_level(line)
        if level is not None and (is_date_line(line) or is_number_line(line)):
            # a 公文's 成文日期 or 发文字号 line stands alone but heads nothing
            paras.append(Paragraph(0, line, section, page_of(s), s, e, "heading"))
            i += 1
            continue
        if level is not None:
            title = line.lstrip("#").strip()
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, title))
            paras.append(
                Paragraph(0, line, " / ".join(t for _, t in path), page_of(s), s, e, "heading")
            )
        else:
            n += 1
            paras.append(Paragraph(n, line, section, page_of(s), s, e))
        i += 1
    return paras


# A unit waiting to be packed: (start, end, tokens, para_index, page, section, is_heading)
_Unit = tuple[int, int, int, int, int | None, str, bool]


class _Packer:
    """Packs sentence units into chunks: a chunk closes when the next unit would overflow it
    (keeping a small sentence overlap), at a new page, or at a major heading."""

    def __init__(self, text: str, cfg: ChunkSettings) -> None:
        self.text, self.cfg = text, cfg
        self.chunks: list[Chunk] = []
        self.cur: list[_Unit] = []

    def flush(self, keep_overlap: bool, alone: bool = False) -> None:
        """``alone``: headings with no text after them close a chunk of their own."""
        cur, text = self.cur, self.text
        body = [u for u in cur if not u[6]]
        if not body and not (alone and cur):
            return  # a heading alone waits for its text
        body = body or cur
        s, e = cur[0][0], cur[-1][1]
        paras_in = [u[3] for u in cur if u[3]]
        self.chunks.append(
            Chunk(
                position=len(self.chunks),
                text=text[s:e],
                section=body[0][5],
                page=cur[0][4],
                para_start=min(paras_in) if paras_in else 0,
                para_end=max(paras_in) if paras_in else 0,
                start=s,
                end=e,
                n_tokens=count_tokens(text[s:e]),
                sentences=[(u[0], u[1]) for u in body],
            )
        )
        self.cur = self._overlap(body) if keep_overlap and self.cfg.overlap_tokens else []

    def _overlap(self, body: list[_Unit]) -> list[_Unit]:
        """The last sentences of a chunk, up to the overlap budget, to start the next one."""
        tail: list[_Unit] = []
        tok = 0
        for u in reversed(body):
            if tok + u[2] > self.cfg.overlap_tokens or len(tail) >= len(body) - 1:
                break
            tail.insert(0, u)
            tok += u[2]
        return tail

    def fits(self, unit: _Unit) -> bool:
        # Count the real span (separators and token merges included), not a sum of parts.
        cur = self.cur
        return not cur or count_tokens(self.text[cur[0][0] : unit[1]]) <= self.cfg.max_tokens

    def add(self, unit: _Unit) -> None:
        if self.cur and unit[4] != self.cur[-1][4]:
            # a new page starts a new chunk, so every citation names the page its quote is on
            self.flush(keep_overlap=False)
        if not self.fits(unit):
            self.flush(keep_overlap=True)
            if self.cur and all(u[6] for u in self.cur) and not self.fits(unit):
                # lines that stand alone and fill a chunk (a joint document's signatures,
                # its date, 发文字号) are kept as a chunk, not dropped to make room
                self.flush(keep_overlap=False, alone=True)
            # the overlap may itself leave no room: drop it rather than overflow
            while self.cur and not self.fits(unit):
                self.cur.pop(0)
        self.cur.append(unit)


def chunk(doc: CleanDoc, paras: list[Paragraph], cfg: ChunkSettings) -> list[Chunk]:
    text = doc.text
    packer = _Packer(text, cfg)
    for p in paras:
        if p.kind == "heading":
            level = heading_level(p.text) or 6
            if level <= _MAJOR:
                packer.flush(keep_overlap=False)
            packer.add((p.start, p.end, count_tokens(p.text), 0, p.page, p.section, True))
            continue
        if p.kind == "table":
            packer.flush(keep_overlap=False)
            packer.cur = []  # a pending heading is already in the table's section path
            packer.chunks.extend(_table_chunks(text, p, cfg, len(packer.chunks)))
            continue
        for s, e in split_sentences(p.text):
            for ss, ee in _fit(p.text, s, e, cfg.max_tokens):
                unit = (p.start + ss, p.start + ee, count_tokens(p.text[ss:ee]), p.index)
                packer.add((*unit, p.page, p.section, False))
    packer.flush(keep_overlap=False, alone=True)  # lines left at the end are text too
    chunks = packer.chunks
    for i, c in enumerate(chunks):
        c.position = i
    return chunks


def _fit(text: str, s: int, e: int, max_tokens: int) -> list[tuple[int, int]]:
    """Split an over-long sentence at commas (then at fixed width) so it fits a chunk."""
    if count_tokens(text[s:e]) <= max_tokens:
        return [(s, e)]
    cuts = [m.end() for m in re.finditer(r"[，,、：:]", text[s:e])]
    pieces: list[tuple[int, int]] = []
    start = s
    last = s
    for c in [s + c for c in cuts] + [e]:
        if count_tokens(text[start:c]) > max_tokens and last > start:
            pieces.append((start, last))
            start = last
        last = c
    pieces.append((start, e))
    out: list[tuple[int, int]] = []
    for a, b in pieces:  # still too long (no commas): fixed width by characters
        while count_tokens(text[a:b]) > max_tokens:
            step = max(1, int((b - a) * max_tokens / count_tokens(text[a:b])) - 1)
            out.append((a, a + step))
            a += step
        out.append((a, b))
    return out


def _table_chunks(text: str, p: Paragraph, cfg: ChunkSettings, base: int) -> list[Chunk]:
    rows: list[tuple[int, int]] = []
    pos = p.start
    for line in p.text.split("\n"):
        rows.append((pos, pos + len(line)))
        pos += len(line) + 1
    header = rows[:1]
    body = rows[1:]
    if body and re.fullmatch(r"\|?[\s:|-]+\|?", text[body[0][0] : body[0][1]]):
        header.append(body.pop(0))  # the |---| separator belongs to the header
    head_text = "\n".join(text[a:b] for a, b in header)
    head_tok = count_tokens(head_text)
    out: list[Chunk] = []
    group: list[tuple[int, int]] = []
    tok = head_tok
    for r in body or header:
        t = count_tokens(text[r[0] : r[1]])
        if group and (len(group) >= cfg.table_rows or tok + t > max(cfg.max_tokens * 2, 400)):
            out.append(_table_chunk(text, p, head_text, head_tok, group, base + len(out)))
            group, tok = [], head_tok
        group.append(r)
        tok += t
    if group:
        out.append(_table_chunk(text, p, head_text, head_tok, group, base + len(out)))
    return out


def _table_chunk(
    text: str,
    p: Paragraph,
    head_text: str,
    head_tok: int,
    group: list[tuple[int, int]],
    position: int,
) -> Chunk:
    """One table chunk: the header rows, then a group of body rows."""
    rows_text = "\n".join(text[a:b] for a, b in group)
    return Chunk(
        position=position,
        text=head_text + "\n" + rows_text,
        section=p.section,
        page=p.page,
        para_start=p.index,
        para_end=p.index,
        start=group[0][0],
        end=group[-1][1],
        n_tokens=head_tok + count_tokens(rows_text),
        kind="table",
        sentences=list(group),
    )
