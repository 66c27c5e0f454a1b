"""List answers read from the document's structure: the items of an enumeration ("一是……。二是……",
"（一）……；（二）……", "1. … 2. …", "第一，……第二，……") around the sentence that best answers,
or the paragraphs under a heading that names what the question lists ("第三节 战略定位" for
"哪五个战略定位"). Each item is cited on its own; the list is as long as the document's."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit, units_of
from kb.answer.collective import collective
from kb.answer.evidence import bigram_share, outside_title, question_core
from kb.answer.filler import is_filler
from kb.answer.list_lines import CLAUSE_END, from_line, numbered, unmarked
from kb.answer.markers import asked_count, marker
from kb.core.text import bigram_cover, find_loose, norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot

# An item's follow-on sentences between two markers; more than this and the list has ended.
MAX_GAP_UNITS = 6
# A sentence that announces a list: it ends in a colon, or says "下列/以下/如下" or how many.
_INTRO = re.compile(r"[：:]$|下列|以下|如下|[两二三四五六七八九十\d]+(?:个方面|类|项|种|条)")
# …of which "下列/以下/如下" point ahead: the list may begin a few sentences on ("符合以下3个
# 条件之一，可申请……。补贴对象应于……提出申请。（1）……").
_AHEAD = re.compile(r"下列|以下|如下")


def doc_units(doc_id: str, snap: Snapshot) -> list[Unit]:
    """The document's units in reading order, each once (chunks overlap)."""
    chunks = snap.doc_chunks(doc_id)
    doc = snap.docs[doc_id]
    out, seen = [], set()
    for c in chunks:
        for u in units_of(Passage(c, doc, 0.0), 99):
            key = norm(u.quote)
            if key not in seen:
                seen.add(key)
                out.append(u)
    return out


def introduced(units: list[Unit], items: list[Unit]) -> bool:
    """The enumeration is announced ("有下列情形之一的：", "表现在四个方面：一是……"): a list
    the text itself presents, not a run of numbered headings."""
    first = items[0]
    if "：" in first.text and marker(first.text.split("：", 1)[1]) is not None:
        return True
    at = _index_of(units, first)
    if at > 0 and _INTRO.search(units[at - 1].text):
        return True
    # the line before the first item, which is no unit when it only announces ("第三十八条 下
    # 列船舶可以优先过闸："); by its words, not a colon alone: a 公文's salutation ("河北省人民
    # 政府，国家发展改革委：") announces no list of the numbered paragraphs after it
    before = first.passage.text[: first.offset].rstrip().rsplit("\n", 1)[-1].strip()
    if before and marker(before) is None and _AHEAD.search(before):
        return True
    for u in reversed(units[max(0, at - MAX_GAP_UNITS) : at]):
        if marker(u.text) is not None:
            return False
        if _AHEAD.search(u.text):
            return True
    return False


def enumeration(units: list[Unit], at: int) -> list[Unit]:
    """The items of the enumeration the unit at ``at`` belongs to or announces (each item's
    first sentence), in order; [] when it is in none."""
    start = at
    mk = marker(units[at].text)
    if mk is None:
        if not _INTRO.search(units[at].text):
            return []
        start = at + 1
        # the announcement may run on past a "；" ("有下列情形的，不能申领；若申领后出现下列
        # 情形的，应……：")
        ahead = bool(_AHEAD.search(units[at].text))
        while (
            start < len(units)
            and start - at <= MAX_GAP_UNITS
            and marker(units[start].text) is None
            and (ahead or _INTRO.search(units[start].text))
        ):
            start += 1
        mk = marker(units[start].text) if start < len(units) else None
        if mk is None or mk[1] != 1:
            return []
    fam, n = mk
    # back to the first item
    i, cur = start, n
    while cur > 1:
        j = next((k for k in range(i - 1, max(i - 1 - MAX_GAP_UNITS, -1), -1)
                  if marker(units[k].text) == (fam, cur - 1)), None)  # fmt: skip
        if j is None:
            return []  # the list's start is out of reach: not a list we can give whole
        i, cur = j, cur - 1
    items = [units[i]]
    while True:
        j = next((k for k in range(i + 1, min(i + 1 + MAX_GAP_UNITS, len(units)))
                  if marker(units[k].text) == (fam, cur + 1)), None)  # fmt: skip
        if j is None:
            break
        items.append(units[j])
        i, cur = j, cur + 1
    return items if len(items) >= 2 else []


def inline(units: list[Unit], at: int) -> list[Unit]:
    """The clauses of a list run into one sentence ("主要预期目标是：国内生产总值增长8%左右；
    城镇新增就业900万人以上；……；国际收支状况继续改善。") that the unit at ``at`` opens:
    from the clause with the colon to the one that ends the sentence; [] for fewer than three."""
    first = units[at].text.rstrip()
    if not re.search(r"[：:].", first) or not first.endswith(CLAUSE_END):
        return []
    out = [units[at]]
    for u in units[at + 1 :]:
        out.append(u)
        if not u.text.rstrip().endswith(CLAUSE_END):
            break
    else:
        return []
    return out if len(out) >= 3 and out[-1].text.rstrip().endswith(("。", ".")) else []


# A sentence that announces a list names what the list is once its announcing words are taken
# out ("有下列情况之一的，为无效承包合同：" -> 情况，为无效承包合同): this share of those
# characters' bigrams in the question says the question asks for that list.
INTRO_NAMES = 0.6
_ANNOUNCING = re.compile(
    r"^第[一二三四五六七八九十百零〇\d]+条|有?(?:下列|以下|如下)|之一的?|[：:]\s*$"
)


def announced(
    q: Question, doc_id: str, snap: Snapshot, units: list[Unit]
) -> tuple[list[Unit], float]:
    """The enumeration after the line of the document that announces a list and best names
    what the question lists ("第二十一条 有下列情况之一的，为无效承包合同："), and how well
    that line names it (names_list); ([], 0.0) when none does. Lines, not units: such a line
    is often read as a heading and is in no unit."""
    best, found = 0.0, None
    asked = outside_title(question_core(q.text), norm(snap.docs[doc_id].title))
    for c in snap.doc_chunks(doc_id):
        for m in re.finditer(r"(?m)^[ \t]*(\S[^\n]*?[：:])[ \t]*$", c.text):
            if not _INTRO.search(m.group(1)):
                continue
            cover = max(names_list(q, m.group(1)), _asked_in(asked, m.group(1)))
            if cover >= INTRO_NAMES and cover > best:
                best, found = cover, (c, m)
    if found is None:
        return [], 0.0
    c, m = found
    # lines without numbers right after it first: a numbered list further on is another
    doc = snap.docs[doc_id]
    # numbered lines last: items too short to be units leave the units' enumeration a gap
    items = (
        unmarked(m, c, doc) or enumeration(from_line(m, c, doc, units), 0) or numbered(m, c, doc)
    )
    return items, best if items else 0.0


def names_list(q: Question, line: str) -> float:
    """The share of an announcing line's bigrams, its announcing words out, the question has."""
    core = norm(_ANNOUNCING.sub("", line))
    return bigram_cover(core, norm(q.text)) if len(core) >= 4 else 0.0


def _asked_in(asked: list[str], line: str) -> float:
    """The share of the question's bigrams outside its document's title (``asked``: the pieces
    outside_title leaves) that an announcing line holds: "……每年发布的标准化工作白皮书公布哪些
    内容" is named by "……应当会同有关行政管理部门每年发布本市标准化工作白皮书，公布下列内容："
    though the line says much the question leaves out."""
    grams = {p[i : i + 2] for p in asked for i in range(len(p) - 1)}
    return bigram_share(grams, norm(line)) if len(grams) >= MIN_ASKED_GRAMS else 0.0


# A question that says this few bigrams of its own besides its document's title names no list.
MIN_ASKED_GRAMS = 6


def _intro_names(q: Question, units: list[Unit], items: list[Unit]) -> float:
    """names_list of the sentence that announces ``items`` (the one before the first), 0.0
    when none does (a title or a sentence before an article announces nothing)."""
    at = _index_of(units, items[0])
    intro = units[at - 1].text if at > 0 else ""
    return names_list(q, intro) if _INTRO.search(intro) else 0.0


def _index_of(units: list[Unit], u: Unit) -> int:
    """Where ``u`` is in ``units`` (itself, or the unit quoting the same; 0 if none)."""
    for i, x in enumerate(units):
        if x is u:
            return i
    key = norm(u.quote)
    return next((i for i, x in enumerate(units) if norm(x.quote) == key), 0)


# After what a heading lists: its end, punctuation, or another thing joined to it.
_HEADING_END = r"(?![^和与及、\W])"


def section_items(q: Question, passages: list[Passage], snap: Snapshot) -> list[Unit]:
    """The first sentence of each paragraph under the heading that names what the question
    lists, in the best-ranked document that has such a heading."""
    phrase = norm(q.list_phrase)
    if len(phrase) < 2:
        return []
    for p in passages:
        last = norm(p.chunk.section.split(" / ")[-1]) if p.chunk.section else ""
        # the heading ends with what is listed ("第三节 战略定位", "三、主要任务和保障措施"), not
        # puts it before what it is about ("2.重点人群签约服务覆盖率" lists no 人群)
        ends = re.search(f"{re.escape(phrase)}{_HEADING_END}", last)
        if not ends or last == norm(p.doc.title):
            continue  # the title names the document's subject, not a list of its own
        section = p.chunk.section
        out = []
        for u in doc_units(p.doc.doc_id, snap):
            c = u.passage.chunk
            if c.section != section:
                continue
            text = c.text
            if u.offset == 0 or text[u.offset - 1] == "\n":  # a paragraph's first sentence
                out.append(u)
        if len(out) >= 2:
            return out
    return []


def heading_children(doc_id: str, snap: Snapshot, n: int) -> list[Unit]:
    """Headings of the document that share a parent and number exactly ``n`` (its "四个部分"),
    each as a citable unit of the chunk that opens with it; the shallowest such group."""
    chunks = snap.doc_chunks(doc_id)
    children: dict[tuple[str, ...], list[str]] = {}
    opened: dict[str, object] = {}
    for c in chunks:
        path = [p.strip() for p in c.section.split(" / ") if p.strip()] if c.section else []
        for depth in range(1, len(path)):
            kids = children.setdefault(tuple(path[:depth]), [])
            if path[depth] not in kids:
                kids.append(path[depth])
            opened.setdefault(path[depth], c)
    doc = snap.docs[doc_id]
    for parent in sorted(children, key=len):
        kids = _numbered_run(children[parent]) or children[parent]
        if len(kids) != n:
            continue
        out = []
        for h in kids:
            c = opened[h]
            span = find_loose(c.text, h)
            if not span:
                break
            quote = c.text[span[0] : span[1]]
            out.append(Unit(quote, quote, " / ".join(parent), Passage(c, doc, 0.0), 99, span[0]))
        if len(out) == n:
            return out
    return []


def _numbered_run(headings: list[str]) -> list[str]:
    """The headings numbered 1, 2, 3… in one marker family ("一、… 二、…"), in order; others
    under the same parent (a bold line, a rule) left out."""
    by_family: dict[str, list[str]] = {}
    for h in headings:
        mk = marker(h)
        if mk is not None:
            fam, num = mk
            run = by_family.setdefault(fam, [])
            if num == len(run) + 1:
                run.append(h)
    return max(by_family.values(), key=len, default=[])


# What a question calls a document's own parts ("分为哪四个部分"): any headings can be them.
_PARTS = re.compile(r"^(?:部分|方面|章|篇|节|板块|阶段|层面)")


def _heads_named(q: Question, heads: list[Unit]) -> bool:
    """Headings counted out for a list question are its answer only when they, or the heading
    above them, share a word (a character bigram) with what it lists: "哪三个区县" is not
    answered by 第一节 发展基础, 第二节 机遇挑战, 第三节 重大意义."""
    phrase = norm(q.list_phrase)
    if not phrase or _PARTS.match(phrase):
        return True
    text = norm(" ".join([heads[0].context, *(u.quote for u in heads)]))
    return bigram_cover(phrase, text) > 0


# An enumeration this long is a catalogue (130 典型经验做法): the items a question names by a
# word of its own are the answer, not all of them.
CATALOGUE_ITEMS = 10


def _about(q: Question, items: list[Unit]) -> list[Unit]:
    """Of a long enumeration, the items that carry a word of the question some items lack
    ("重庆市的典型经验做法" from a list of every province's)."""
    if len(items) <= CATALOGUE_ITEMS:
        return items
    keys = [t for t in q.subject if len(t) >= 2]
    texts = [norm(u.text) for u in items]
    telling = [t for t in keys if 0 < sum(norm(t) in x for x in texts) < len(items)]
    if not telling:
        return items
    kept = [u for u, x in zip(items, texts, strict=True) if any(norm(t) in x for t in telling)]
    return kept or items


def structured_list(q: Question, ranked: list[Unit], passages: list[Passage], snap: Snapshot,
                    limit: int) -> list[Unit]:  # fmt: skip
    """The items a list question asks for as the document lays them out, or []: a heading
    that names them, an enumeration around the best-scoring units, or (when the question says
    how many) the headings that number that many; first, the items a collective name the
    question uses stands for (kb.answer.collective). A count the question gives must match."""
    n = asked_count(q.text)
    named = collective(q, list(dict.fromkeys(u.passage.doc.doc_id for u in ranked[:3])), snap)
    if named and (not n or len(named) == n):
        return named[:limit]
    found: list[list[Unit]] = []
    # only headings of the best units' documents ("六、关于人员安置" elsewhere lists no 人员)
    best_docs = {u.passage.doc.doc_id for u in ranked[:3]}
    sections = section_items(q, [p for p in passages if p.doc.doc_id in best_docs], snap)
    if sections:
        found.append(sections)
    by_doc: dict[str, list[Unit]] = {}  # the best units are mostly of one document
    for u in ranked[:3]:
        doc_id = u.passage.doc.doc_id
        units = by_doc.get(doc_id) or by_doc.setdefault(doc_id, doc_units(doc_id, snap))
        at = next((i for i, x in enumerate(units) if norm(x.quote) == norm(u.quote)), None)
        if u.text.rstrip().endswith(("：", ":")) and not is_filler(u.text, q):
            # it enumerates what is asked before announcing something else ("发挥A中心、B中心
            # 的作用，并承担以下工作："): the items after it are not the list asked
            found.append([u])
            continue
        items = enumeration(units, at) if at is not None else []
        listed = bool(items) and bool(n or introduced(units, items))
        # "（三）要素保障方面3项：A；B；C。": a numbered heading's own items after its colon,
        # before the headings around it when they are as many as the question counts
        run = inline(units, at) if at is not None and (n or not listed) else []
        if run and (not listed or len(run) == n):
            found.append(run)
        if listed:
            found.append(items if n else _about(q, items))
    # Read line by line: a line that names the list asked ("以下人员可按规定参加……：" for "哪
    # 些人员可以按规定参加……") better than the lists above are announced wins over them.
    for doc_id in by_doc:
        items, names = announced(q, doc_id, snap, by_doc[doc_id])
        if not items:
            continue
        answers = [f for f in found if not n or len(f) == n]
        if not answers:
            found.append(items if n else _about(q, items))
            break
        if not sections and names > max(
            _intro_names(q, by_doc.get(f[0].passage.doc.doc_id, []), f) for f in answers
        ):
            found.insert(0, items if n else _about(q, items))
            break
    if n:
        for doc_id in list(dict.fromkeys(u.passage.doc.doc_id for u in ranked[:3]))[:2]:
            items = heading_children(doc_id, snap, n)
            if items and _heads_named(q, items):
                found.append(items)
        found = [f for f in found if len(f) == n]
    return found[0][:limit] if found else []
