"""`kb eval run` and `kb eval compare`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.cli.common import ensure_ingested, get_settings, principal, user_option

if TYPE_CHECKING:
    from kb.core.settings import Settings


@click.group("eval")
def eval_group() -> None:
    """Evaluate answers against a dataset, and compare runs."""


@eval_group.command("run")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default evals/runs/<dataset>-<preset>-<time>).",
)
@click.option("--preset", default="default", show_default=True, help="default | naive | llm")
@click.option("--k", type=click.IntRange(1, 50), default=None, help="Passages per answer.")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Ask a knowledge base of this folder only (ingested once into KB_HOME/eval-corpora/); "
    "overrides the dataset's own corpus.",
)
@click.option(
    "--fail-under",
    "gates",
    multiple=True,
    metavar="METRIC=VALUE",
    help="Exit 1 when a metric is below VALUE (repeatable), e.g. hit@5=0.9.",
)
@user_option
def eval_run(
    dataset: Path,
    out_dir: Path | None,
    preset: str,
    k: int | None,
    corpus: Path | None,
    gates: tuple[str, ...],
    user_name: str | None,
) -> None:
    """Run every question of DATASET through `kb ask` and write results.json, report.md, report.html.

    A dataset that brings its own corpus (`corpus:` at its top level), or --corpus, is asked of
    a knowledge base of that folder alone, ingested on first use and cached by content hash."""
    from evals.report import fmt
    from evals.runner import METRIC_GROUPS, check_gates, evaluate, make_backend, parse_gates

    settings = get_settings()
    if user_name and preset == "naive":
        raise click.ClickException("--user applies to the default and llm presets")
    from kb.store.store import Store

    # Users live in the configured store; a dataset's own corpus is read with their access.
    who = principal(Store(settings).catalog, user_name) if user_name else None

    def backend(s: Settings):  # s: the configured KB, or the dataset's own corpus
        if preset in ("default", "llm"):
            ensure_ingested(s)
        return make_backend(preset, s, k, user=who)

    floors = parse_gates(gates)
    results, out_dir = evaluate(
        dataset, settings, backend, preset=preset, k=k, corpus=corpus, out_dir=out_dir
    )
    m = results["metrics"]
    if results["config"].get("corpus_home"):
        c = results["config"]
        how = (
            ""
            if preset == "naive"
            else ("（本次导入）" if c["corpus_ingested"] else "（沿用已导入）")
        )
        click.echo(f"语料 {c['corpus_dir']}{how}：{c['corpus_home']}")
    for group, names in METRIC_GROUPS.items():
        click.echo(f"{group}: " + "  ".join(f"{n} {fmt(m.get(n), n)}" for n in names))
    click.echo(f"报告：{out_dir / 'report.html'}")
    failed = check_gates(m, floors)
    if failed:
        for f in failed:
            click.echo(f"未达标：{f}", err=True)
        sys.exit(1)


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(exists=True, path_type=Path))
@click.argument("run_b", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the comparison as HTML.",
)
def eval_compare(run_a: Path, run_b: Path, html_out: Path | None) -> None:
    """Metric deltas and flipped questions between two runs (folders or results.json files)."""
    from evals.history import load_run
    from evals.report import compare, compare_html, compare_text

    c = compare(load_run(run_a), load_run(run_b))
    click.echo(compare_text(c, run_a.name, run_b.name))
    if html_out:
        html_out.write_text(compare_html(c, run_a.name, run_b.name), encoding="utf-8")
        click.echo(f"HTML：{html_out}")
