"""The items a collective name stands for, as 公文 introduce one: "行政执法公示制度、执法全过程
记录制度、重大执法决定法制审核制度（以下统称“三项制度”）" answers "“三项制度”是哪三项"."""

from __future__ import annotations

import re

from kb.answer.candidates import Unit
from kb.core.text import norm
from kb.retrieve.question import Question
from kb.retrieve.retrieve import Passage, Snapshot

# A collective name a document gives a run of items ("行政执法公示制度、执法全过程记录制度、重大
# 执法决定法制审核制度（以下统称“三项制度”）"), as 公文 write it.
_NAMED_AS = re.compile(r"[（(]以下(?:简称|统称|合称)[“\"「]([^”\"」（）()]{2,12})[”\"」][）)]")


def collective(q: Question, doc_ids: list[str], snap: Snapshot) -> list[Unit]:
    """The items a document names collectively by a name the question uses ("“三项制度”是哪
    三项"), each as the text before the name writes it; [] when none."""
    text, phrase = norm(q.text), norm(q.list_phrase)
    for doc_id in doc_ids:
        doc = snap.docs[doc_id]
        for c in snap.doc_chunks(doc_id):
            for m in _NAMED_AS.finditer(c.text):
                name = norm(m.group(1))
                if name not in text or (phrase and phrase not in name):
                    continue  # not named, or named with another thing asked of it (其行为)
                start = max(c.text.rfind(p, 0, m.start()) for p in "。；：，,;:\n") + 1
                parts = c.text[start : m.start()].split("、")
                if len(parts) < 2:
                    continue
                # the first item runs back to the sentence's start ("《…》对全面推行行政执法公
                # 示制度"): no longer than the longest other item, after any closing bracket
                longest = max(len(p) for p in parts[1:])
                first = parts[0][-longest:]
                first = first[max(first.rfind(b) for b in "》）)") + 1 :]
                items = [t for t in (first, *parts[1:]) if t.strip()]
                if len(items) < 2:
                    continue
                out, at = [], m.start()
                for t in reversed(items):
                    at = c.text.rindex(t, 0, at)
                    out.append(Unit(t, t, "", Passage(c, doc, 0.0), 0, at))
                return out[::-1]
    return []
