"""Build eval datasets that bring their own corpus (README "Contracts") from CMRC 2018.

    .venv/bin/python -m evals.build_cmrc [--src PATH] [--out evals/datasets/cmrc]

Every choice is a stable hash of the passage's ``context_id`` (never random state), so the same
source gives the same files, and a passage keeps its split if others are added:

- split: train 40% / dev 20% / test 40% of the passages;
- inside each split 25% of the passages are withheld: they are not written to that split's
  corpus, and their questions become unanswerable items (the right answer is not_found);
- the other passages are written verbatim to ``corpus/<split>/<context_id>.txt`` with a
  ``manifest.yaml`` (id and title) beside them, and their questions become answerable items:
  ``must`` is one group listing every distinct annotator answer that occurs in the passage,
  ``evidence`` the passage sentence holding the first answer's first occurrence (the answer
  itself when that occurrence crosses sentences), ``reference_answer`` the first answer.

Annotators sometimes added punctuation around a span ("因是一个内陆国家。") or gave a number
as a JSON number (39764.0): alternatives are stripped of surrounding punctuation and numbers
written as text; an alternative that still does not occur in the passage (matching as the
metrics do, ``kb.core.text.norm``) is left out. A question with no alternative left is dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.core.text import norm, split_sentences

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT.parent / "shared" / "datasets" / "cmrc2018" / "cmrc2018_dev.json"
DEFAULT_OUT = ROOT / "evals" / "datasets" / "cmrc"
SPLITS = (("train", 0.4), ("dev", 0.2), ("test", 0.4))  # cumulative shares below
WITHHELD_SHARE = 0.25
# Stripped from both ends of an annotator's answer; none of these starts or ends a span that
# is worth requiring verbatim.
_EDGE_PUNCT = " \t\n\u3000。，、；：！？,.;:!?"


def stable_unit(key: str, salt: str) -> float:
    """A number in [0, 1) fixed by key and salt (first 8 bytes of sha256)."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(context_id: str) -> str:
    u = stable_unit(context_id, "cmrc-split")
    edge = 0.0
    for name, share in SPLITS:
        edge += share
        if u < edge:
            return name
    return SPLITS[-1][0]


def is_withheld(context_id: str) -> bool:
    return stable_unit(context_id, "cmrc-withhold") < WITHHELD_SHARE


def doc_id_of(context_id: str) -> str:
    """A catalog id in the form ingest.metadata.make_doc_id produces: lower case, [\\w-]."""
    return "cmrc-" + (re.sub(r"[^\w-]+", "-", context_id.strip().lower()).strip("-") or "doc")


def file_name_of(context_id: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", context_id).strip("._")
    if not safe:
        raise ValueError(f"context_id {context_id!r} gives no usable file name")
    return f"{safe}.txt"


def answer_text(a) -> str:
    """An annotator's answer as text: 39764.0 -> '39764', surrounding punctuation removed."""
    if isinstance(a, float) and a.is_integer():
        a = int(a)
    return str(a).strip(_EDGE_PUNCT)


def alternatives(answers: list, passage: str) -> list[str]:
    """Distinct answers, in annotator order, that occur in the passage."""
    p = norm(passage)
    out: list[str] = []
    for a in answers:
        t = answer_text(a)
        if t and norm(t) in p and t not in out:
            out.append(t)
    return out


def evidence_of(answer: str, passage: str) -> str:
    """The sentence holding the answer's first occurrence; the answer itself when that
    occurrence crosses a sentence boundary."""
    spans = split_sentences(passage)
    start = passage.find(answer)
    if start >= 0:
        end = start + len(answer)
        for s, e in spans:
            if s <= start and end <= e:
                return passage[s:e]
        return answer
    # Only a normalised match (width, spaces, thousands separators): first sentence holding it.
    a = norm(answer)
    for s, e in spans:
        if a in norm(passage[s:e]):
            return passage[s:e]
    return answer


@dataclass
class SplitStats:
    pooled: int = 0
    withheld: int = 0
    answerable: int = 0
    unanswerable: int = 0
    dropped: list[str] = field(default_factory=list)  # questions without a usable answer


def build(src: Path, out: Path) -> dict[str, SplitStats]:
    data = _passages(src)
    corpus_root = out / "corpus"
    if corpus_root.exists():
        shutil.rmtree(corpus_root)  # stale passages from an earlier build must not linger
    stats = {name: SplitStats() for name, _ in SPLITS}
    questions: dict[str, list[dict]] = {name: [] for name, _ in SPLITS}
    manifests: dict[str, list[dict]] = {name: [] for name, _ in SPLITS}
    for p in data:
        split = split_of(str(p["context_id"]))
        _add_passage(p, corpus_root / split, stats[split], questions[split], manifests[split])
    _write_splits(out, corpus_root, questions, manifests)
    licence = src.parent / "LICENCE"
    if licence.exists():
        shutil.copyfile(licence, out / "LICENCE")
    (out / "README.md").write_text(_readme(src, out, stats), encoding="utf-8")
    return stats


def _passages(src: Path) -> list[dict]:
    """The source's passages, refused unless a list with unique context ids."""
    data = json.loads(src.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{src}: expected a JSON list of passages")
    seen: set[str] = set()
    for p in data:
        if p["context_id"] in seen:
            raise ValueError(f"{src}: duplicate context_id {p['context_id']!r}")
        seen.add(p["context_id"])
    return data


def _add_passage(
    p: dict, folder: Path, st: SplitStats, questions: list[dict], manifest: list[dict]
) -> None:
    """One passage into its split: a withheld one gives only unanswerable questions; a pooled
    one is written to ``folder`` and gives its questions with their answers and evidence."""
    cid, text = str(p["context_id"]), p["context_text"]
    if is_withheld(cid):
        st.withheld += 1
        for q in p["qas"]:
            questions.append(
                {
                    "id": str(q["query_id"]),
                    "question": q["query_text"],
                    "answerable": False,
                    "tags": ["cmrc", "withheld"],
                }
            )
            st.unanswerable += 1
        return
    st.pooled += 1
    folder.mkdir(parents=True, exist_ok=True)
    name = file_name_of(cid)
    with open(folder / name, "w", encoding="utf-8", newline="") as f:
        f.write(text)  # verbatim: no newline added, none translated
    entry = {"file": name, "id": doc_id_of(cid)}
    if str(p.get("title") or "").strip():
        entry["title"] = str(p["title"]).strip()
    manifest.append(entry)
    for q in p["qas"]:
        alts = alternatives(q["answers"], text)
        if not alts:
            st.dropped.append(str(q["query_id"]))
            continue
        questions.append(
            {
                "id": str(q["query_id"]),
                "question": q["query_text"],
                "reference_answer": alts[0],
                "must": [alts],
                "evidence": [evidence_of(alts[0], text)],
                "answerable": True,
                "tags": ["cmrc", cid],
            }
        )
        st.answerable += 1


def _write_splits(
    out: Path, corpus_root: Path, questions: dict[str, list[dict]], manifests: dict[str, list[dict]]
) -> None:
    """Each split's corpus manifest and its dataset file."""

    def dump(obj) -> str:
        return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=10_000)

    out.mkdir(parents=True, exist_ok=True)
    for split, _ in SPLITS:
        folder = corpus_root / split
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "manifest.yaml").write_text(
            "# Generated by evals/build_cmrc.py from CMRC 2018 (CC BY-SA 4.0); see ../../README.md\n"
            + dump({"documents": manifests[split]}),
            encoding="utf-8",
        )
        (out / f"{split}.yaml").write_text(
            f"# CMRC 2018 {split} split, generated by evals/build_cmrc.py (CC BY-SA 4.0); "
            "see README.md\n" + dump({"corpus": f"corpus/{split}", "questions": questions[split]}),
            encoding="utf-8",
        )


def _commit(src: Path) -> str:
    m = re.search(r"\b([0-9a-f]{40})\b", _read(src.parent / "SOURCE.md"))
    return m.group(1) if m else "(see SOURCE.md of the source)"


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except OSError:
        return ""


def _rel(p: Path) -> str:
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        try:
            return "../" + p.resolve().relative_to(ROOT.parent).as_posix()
        except ValueError:
            return p.as_posix()


def _readme(src: Path, out: Path, stats: dict[str, SplitStats]) -> str:
    rows = [
        f"| {name} | {s.pooled} | {s.withheld} | {s.answerable} | {s.unanswerable} | {len(s.dropped)} |"
        for name, s in stats.items()
    ]
    total = SplitStats(
        sum(s.pooled for s in stats.values()),
        sum(s.withheld for s in stats.values()),
        sum(s.answerable for s in stats.values()),
        sum(s.unanswerable for s in stats.values()),
        [q for s in stats.values() for q in s.dropped],
    )
    rows.append(
        f"| **all** | {total.pooled} | {total.withheld} | {total.answerable} | "
        f"{total.unanswerable} | {len(total.dropped)} |"
    )
    dropped = ", ".join(total.dropped) or "none"
    return f"""# CMRC 2018 as knowledge-base eval datasets

Generated by `evals/build_cmrc.py`; do not edit by hand. Built with

```
.venv/bin/python -m evals.build_cmrc --src {_rel(src)} --out {_rel(out)}
```

## Source and licence

- **CMRC 2018** development set (`data/cmrc2018_dev.json`) from GitHub
  [ymcui/cmrc2018](https://github.com/ymcui/cmrc2018), commit `{_commit(src)}`.
- Yiming Cui, Ting Liu, Wanxiang Che, Li Xiao, Zhipeng Chen, Wentao Ma, Shijin Wang, Guoping
  Hu: "A Span-Extraction Dataset for Chinese Machine Reading Comprehension", EMNLP-IJCNLP 2019.
- The passages are from Chinese Wikipedia. The data set and everything here derived from it
  (passage files, question files) are under the **Creative Commons Attribution-ShareAlike 4.0
  International** licence, in `LICENCE` beside this file. Changes made: passages split into
  files by passage, questions regrouped into the splits below, answers trimmed of surrounding
  punctuation, evidence sentences cut from the passages.

## What is here

- `train.yaml`, `dev.yaml`, `test.yaml`: eval datasets (`{{corpus: corpus/<split>, questions:
  [...]}}`, README "Contracts"). `kb eval run evals/datasets/cmrc/dev.yaml` ingests `corpus/dev/` into
  its own KB_HOME (cached by content hash under `<KB_HOME>/eval-corpora/`) and asks there.
- `corpus/<split>/<context_id>.txt`: one passage per file, the text exactly as in the source;
  `corpus/<split>/manifest.yaml` gives each its id (`cmrc-<context_id>`) and the article title.

## How it was built

Every choice is a stable hash (sha256) of the passage's `context_id`, not random state:
passages go to train 40% / dev 20% / test 40%; inside each split 25% of the passages are
withheld. A withheld passage is not in its split's corpus, and its questions are unanswerable
items (`answerable: false`, tags `[cmrc, withheld]`): the right answer is not_found. A pooled
passage's questions are answerable items: `must` is one group of alternatives, the distinct
annotator answers that occur in the passage (stripped of surrounding punctuation; numbers
given as JSON numbers written as text); `evidence` is the sentence (`kb.core.text.split_sentences`)
holding the first occurrence of the first answer, or that answer itself when the occurrence
crosses sentences; `reference_answer` is the first answer; tags `[cmrc, <context_id>]`.
A question none of whose answers occurs in its passage would be dropped.

| split | passages pooled | passages withheld | answerable questions | unanswerable questions | dropped questions |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Dropped questions: {dropped}.

Caveats: the split shares are those of the hash, so counts are near, not exactly, 40/20/40 and
25%. An unanswerable question is judged so because its own passage is absent; another pooled
passage could in rare cases still state the answer. The first occurrence of an answer is taken
as the annotated one (the source gives no offsets).
"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="cmrc2018_dev.json")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = ap.parse_args(argv)
    stats = build(args.src, args.out)
    for name, s in stats.items():
        print(
            f"{name}: {s.pooled} passages pooled, {s.withheld} withheld; "
            f"{s.answerable} answerable, {s.unanswerable} unanswerable questions"
            + (f", {len(s.dropped)} dropped" if s.dropped else "")
        )


if __name__ == "__main__":
    main()
