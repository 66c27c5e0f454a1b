"""`kb feedback ...`: readers' 👍/👎 on answers, and the eval questions made of them."""

from __future__ import annotations

from pathlib import Path

import click

from kb.cli.common import get_settings, print_json
from kb.core import zh


def _log():
    from kb.store.feedback import FeedbackLog
    from kb.store.store import Store

    return FeedbackLog(Store(get_settings()).catalog)


@click.group("feedback")
def feedback_group() -> None:
    """Readers' 👍/👎 on answers (given in the app), and eval questions made of them."""


@feedback_group.command("list")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_cmd(limit: int, as_json: bool) -> None:
    """The latest feedback first."""
    entries = _log().list(limit)
    if as_json:
        print_json(
            [{"id": e.id, "user": e.user, "at": e.at, "rating": e.rating, "question": e.question,
              "answer": e.turn.get("answer", ""), "comment": e.comment,
              "eval_item": e.eval_item} for e in entries]
        )  # fmt: skip
        return
    for e in entries:
        mark = "👍" if e.rating else "👎"
        added = "\t已加入评测集" if e.eval_item else ""
        click.echo(f"{e.id}\t{zh.when(e.at)}\t{e.user}\t{mark}\t{e.question}\t{e.comment}{added}")
    click.echo(f"共 {len(entries)} 条。", err=True)


@feedback_group.command("to-eval")
@click.argument("ids", type=int, nargs=-1, required=True)
@click.option("--refuse", is_flag=True, help="The question should be refused.")
@click.option("--must", multiple=True, help="Words the right answer holds (repeatable).")
def to_eval_cmd(ids: tuple[int, ...], refuse: bool, must: tuple[str, ...]) -> None:
    """Turn feedback IDS into eval questions (as the 管理 › 反馈 tab's button does)."""
    log = _log()
    for fid in ids:
        item = log.make_eval(fid, answerable=False if refuse else None, must=list(must))
        if item is None:
            raise click.ClickException(f"没有编号为 {fid} 的反馈")
        click.echo(f"已转为评测问题 {item['id']}：{item['question']}")


@feedback_group.command("export")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_cmd(out: Path) -> None:
    """Write the eval questions made of feedback as a dataset for `kb eval run`."""
    from kb.store.feedback import dataset_yaml

    items = _log().eval_items()
    out.write_text(dataset_yaml(items), encoding="utf-8")
    click.echo(f"已导出 {len(items)} 个评测问题到 {out}；用 kb eval run {out} 运行。", err=True)
