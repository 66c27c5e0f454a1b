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
        raise click.ClickException("--user 只适用于 default 和 llm 预设")
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
        click.echo(f"语料 {c['corpus_dir']}{how}：KB_HOME/{c['corpus_home']}")
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
@user_option
def eval_compare(run_a: Path, run_b: Path, html_out: Path | None, user_name: str | None) -> None:
    """Metric deltas and flipped questions between two runs (folders or results.json files).

    With --user, only runs that user may open (they may read every document the runs cite)."""
    from evals.report import compare, compare_html, compare_text

    c = compare(_readable_run(run_a, user_name), _readable_run(run_b, user_name))
    click.echo(compare_text(c, run_a.name, run_b.name))
    if html_out:
        html_out.write_text(compare_html(c, run_a.name, run_b.name), encoding="utf-8")
        click.echo(f"HTML：{html_out}")


def _readable_run(path: Path, user_name: str | None) -> dict:
    """The results of a run, or an error when ``user_name`` may not open it."""
    from evals.history import load_run
    from evals.run_access import MAIN, current_access, may_view
    from kb.core.errors import ForbiddenError

    results = load_run(path)
    if user_name:
        settings = get_settings()
        from kb.store.store import Store

        who = principal(Store(settings).catalog, user_name)
        record = results.get("access")
        store = record.get("store", MAIN) if isinstance(record, dict) else MAIN
        if not may_view(record, who, current_access(settings, store)):
            raise ForbiddenError(f"{path}：{user_name} 无权打开这次运行")
    return results


@eval_group.command("list")
@user_option
def eval_list(user_name: str | None) -> None:
    """The saved runs (the app's, under KB_HOME, and evals/runs), newest first; with --user,
    those the user may open."""
    from evals.history import list_runs, run_dirs
    from evals.run_access import visible

    settings = get_settings()
    who = None
    if user_name:
        from kb.store.store import Store

        who = principal(Store(settings).catalog, user_name)
    for r in visible(list_runs(run_dirs(settings)).runs, who, settings):
        click.echo(f"{r.path}\t{r.label}")


@eval_group.command("delete")
@click.argument(
    "runs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def eval_delete(runs: tuple[Path, ...]) -> None:
    """Delete run folders, with the eval store (KB_HOME/eval-corpora/...) only they used."""
    from evals.history import delete_run, list_runs, run_dirs

    settings = get_settings()
    known = list_runs([*run_dirs(settings), *{p.resolve().parent for p in runs}]).runs
    by_path = {r.path.resolve(): r for r in known}
    for p in runs:
        run = by_path.get(p.resolve())
        if run is None:
            raise click.ClickException(f"{p}：不是完整的评测运行结果")
        for gone in delete_run(run, settings):
            click.echo(f"已删除 {gone}")
