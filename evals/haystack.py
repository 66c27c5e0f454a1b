"""The near-duplicate haystack: a policy split's numeric questions asked with briefs beside its
documents that copy their passages for another place, another year and other figures.

Officials load many texts that restate one another: a city's brief repeats a province's notice
with its own figures, this year's report last year's sentences. A numeric answer must come from
the document the question names (its place, year or title), not from the closest copy.

    python -m evals.haystack run dev5 --briefs 200     # build, ingest and ask; print scores

Each brief is two to four consecutive sentences of one of the split's documents that state a
figure, with every place the tagger finds swapped for another (a fixed list of provinces,
cities and districts, not ours), every year shifted by the same one to three years, and every
other figure scaled; its first line is the document's title so changed. The briefs are written
under KB_HOME (derived from ../shared, never into this repository); the questions are the
split's answerable numeric ones (kind ``numeric``), as written.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import click

from evals.policy import DATASET_DIR, EXTRA_DEVS, HEADLINE, ROOT, SHARED, SPLITS, doc_path, doc_text

SEED = 2026
# Places a brief is moved to: provinces, cities and districts (an administrative list, not words
# of the corpus), by the suffix of the place they replace.
_PROVINCES = "河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃".split()
_CITIES = "南京 杭州 合肥 福州 南昌 济南 郑州 武汉 长沙 成都 贵阳 昆明 西安 兰州 苏州 宁波 厦门 青岛 大连 无锡".split()
_DISTRICTS = (
    "海淀 朝阳 浦东 徐汇 越秀 福田 南山 江北 雨花 鼓楼 西湖 滨江 武侯 锦江 雁塔 历下".split()
)
# The tagger's places are noisy (普及, 深度, 城市): a place is a province or an administrative
# name (上海市, 天河区), not a kind of area (城区, 大都市, 东北地区).
_ALL_PROVINCES = frozenset(
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾".split()
)
_AREAS = frozenset(
    "城区 市区 地区 社区 园区 片区 辖区 库区 景区 山区 湾区 城市 都市 政区 新区".split()
)


def _is_place(w: str) -> bool:
    return w in _ALL_PROVINCES or (len(w) >= 3 and w[-1] in "省市区县" and w[-2:] not in _AREAS)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*[年—–~～至、\-－])")
# A figure to scale: not a year, an article or item number (第3条), nor part of a date or code.
_FIGURE = re.compile(
    r"(?<![\d.第〔号月/:·\-\w])(\d+(?:\.\d+)?)(?![\d.]|\s*[年月日时点条款项号〕:/·\-—–~～至])", re.A
)
_SENTENCE = re.compile(r"[^。！？\n]+[。！？]")


def _place_for(word: str, text: str, rng: random.Random) -> str:
    """Another place of the same kind as ``word`` of ``text`` (its suffix kept; a bare name
    the text writes before 省 is a province's)."""
    suffix = word[-1] if word[-1] in "省市区县" else ""
    kind = suffix or ("省" if word + "省" in text else "")
    pool = {"省": _PROVINCES, "区": _DISTRICTS, "县": _DISTRICTS}.get(kind, _CITIES)
    choice = rng.choice([p for p in pool if not word.startswith(p)])
    return choice + suffix


def _scaled(m: re.Match, rng: random.Random) -> str:
    value = m.group(1)
    factor = rng.choice((0.6, 0.7, 0.8, 1.2, 1.3, 1.5))
    if "." in value:
        return f"{float(value) * factor:.{len(value.split('.')[1])}f}"
    n = int(value)
    return str(max(1, round(n * factor))) if n > 1 else value


def perturbed(text: str, rng: random.Random, shift: int, places: dict[str, str]) -> str:
    """``text`` moved to other places (``places``: word to replacement), ``shift`` years later or
    earlier, with its other figures scaled."""
    for word in sorted(places, key=len, reverse=True):
        text = text.replace(word, places[word])
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    return _FIGURE.sub(
        lambda m: _scaled(m, rng) if not _YEAR.fullmatch(m.group(1)) else m.group(1), text
    )


def _windows(text: str) -> list[list[str]]:
    """Runs of consecutive sentences of one paragraph, the first stating a figure."""
    out = []
    for para in text.split("\n"):
        sents = [s.strip() for s in _SENTENCE.findall(para) if len(s.strip()) >= 10]
        for i, s in enumerate(sents):
            if re.search(r"\d", s):
                out.append(sents[i : i + 4])
    return out


def briefs(docs: list[str], n: int, seed: int = SEED) -> list[tuple[str, str]]:
    """``n`` (title, text) briefs copied from ``docs`` (file names of ../shared) with their
    places, years and figures changed."""
    import jieba.posseg as pseg

    from ingest.metadata import infer_title

    rng = random.Random(seed)
    texts = {d: doc_text(d) for d in docs}
    titles = {d: infer_title(t, path=doc_path(d)).lstrip("# ") for d, t in texts.items()}
    windows = {d: _windows(t) for d, t in texts.items()}
    docs = [d for d in docs if windows[d]]
    out: list[tuple[str, str]] = []
    tries = 50 * n  # a split with few figures may not give n distinct briefs
    while len(out) < n and docs and tries:
        tries -= 1
        d = rng.choice(docs)
        window = rng.choice(windows[d])[: rng.randint(2, 4)]
        title = titles[d]
        body = "".join(window)
        found = {w for w, f in pseg.cut(title + body) if f == "ns" and _is_place(w)}
        places = {w: _place_for(w, title + body, rng) for w in sorted(found)}
        shift = rng.choice((-3, -2, -1, 1, 2))
        changed = perturbed(body, rng, shift, places)
        if changed != body and all(changed != t for _, t in out):
            out.append((perturbed(title, rng, shift, places) + "（简报）", changed))
    return out


def write_dataset(split: str, n: int, seed: int, home: Path) -> Path:
    """The haystack dataset of ``split`` under ``home``: its briefs folder and a YAML naming the
    split's corpus with the briefs, and its answerable numeric questions."""
    import yaml

    path = DATASET_DIR / f"{split}.yaml"
    ds = yaml.safe_load(path.read_text(encoding="utf-8"))
    corpus = [(path.parent / p).resolve() for p in ds["corpus"]]
    shared = SHARED.resolve()
    names = [p.name for p in corpus if p.is_file() and shared in p.parents]
    if not names:
        raise click.ClickException(f"{path.name} names no document of {SHARED}")
    folder = home / "haystack" / f"{split}-{n}-{seed}"
    brief_dir = folder / "briefs"
    brief_dir.mkdir(parents=True, exist_ok=True)
    for old in brief_dir.glob("*.txt"):
        old.unlink()
    for i, (title, text) in enumerate(briefs(names, n, seed), 1):
        (brief_dir / f"brief-{i:04d}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    questions = [
        q for q in ds["questions"] if q.get("kind") == "numeric" and q.get("answerable", True)
    ]
    out = {"corpus": [str(p) for p in corpus] + [str(brief_dir)], "questions": questions}
    target = folder / f"{split}-haystack.yaml"
    target.write_text(yaml.safe_dump(out, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@click.group()
def cli() -> None:
    """The near-duplicate haystack of a policy split."""


@cli.command("run")
@click.argument("split", type=click.Choice([*SPLITS, *EXTRA_DEVS]))
@click.option("--briefs", "n", type=int, default=200, show_default=True)
@click.option("--seed", type=int, default=SEED, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None)
def run_cmd(split: str, n: int, seed: int, out: Path | None) -> None:
    """Ask a split's numeric questions with ``--briefs`` near-duplicate briefs beside its
    documents and print the headline scores."""
    from evals.runner import evaluate
    from kb.core.settings import Settings

    base = Settings()
    base.home.mkdir(parents=True, exist_ok=True)
    path = write_dataset(split, n, seed, base.home)
    roots = [*base.eval_corpus_roots, SHARED, ROOT / "corpus", path.parent]
    settings = base.model_copy(update={"eval_corpus_roots": roots})
    results, out_dir = evaluate(path, settings, out_dir=out)
    m = results["metrics"]
    click.echo(" ".join(f"{k}={m[k]:.3f}" for k in HEADLINE if m.get(k) is not None))
    click.echo(f"run: {out_dir}")


if __name__ == "__main__":
    cli()
