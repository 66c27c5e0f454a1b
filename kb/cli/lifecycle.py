"""What the CLI shows of which rule is in force: the --as-of option, a document's status and
relations under `kb docs show`, and `kb diff`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kb.cli.common import get_settings, principal, print_json, user_option
from kb.store.lifecycle import KIND_LABELS, Lifecycle

as_of_option = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Status on this date (YYYY-MM-DD; default: today).",
)


def as_of_date(value: dt.datetime | None) -> str:
    return (value.date() if value else dt.date.today()).isoformat()


def lifecycle_for(kb, who) -> Lifecycle:
    """The relations among the documents this user may read."""
    return Lifecycle(kb.documents(who), kb.store.catalog.relations())


def show_lifecycle(life: Lifecycle, d, as_of: str) -> None:
    st = life.status(d.doc_id, as_of)
    click.echo(f"状态（{as_of}）：{st.label}。{st.sentence(d)}")
    for note in st.notes:
        click.echo(f"注意：{note}")
    for link in life.outgoing(d.doc_id):
        r = link.relation
        where = "（库中）" if link.target else "（不在库中）"
        click.echo(f"本文件{KIND_LABELS[r.kind]} {r.target}{where}：「{r.quote}」")
    for link in life.incoming(d.doc_id):
        r = link.relation
        click.echo(f"《{link.source.title}》{KIND_LABELS[r.kind]}本文件：「{r.quote}」")


@click.command("diff")
@click.argument("old_id")
@click.argument("new_id")
@click.option("--json", "as_json", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["md", "docx"]), default=None,
              help="Write the comparison as a brief (with -o).")  # fmt: skip
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@user_option
def diff_cmd(old_id, new_id, as_json: bool, fmt, out, user_name: str | None) -> None:
    """What changed from OLD_ID to NEW_ID: articles aligned (renumbered, inserted, deleted,
    modified), each change as old → new with the changed words marked [-…-]{+…+}; with
    --format and -o, as a brief (Word: deleted words struck in red, inserted in green)."""
    from kb.core.diff import diff
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(get_settings())
    who = principal(kb.store.catalog, user_name)
    docs = []
    for doc_id in (old_id, new_id):
        d = kb.document(doc_id, who)
        if d is None:
            raise click.ClickException(f"没有文档 {doc_id!r}；可用 `kb docs list` 查看")
        docs.append(d)
    result = diff(docs[0].text, docs[1].text)
    if fmt or out:
        from kb.diff_brief import render

        fmt = fmt or (out.suffix.lstrip(".") if out and out.suffix in (".md", ".docx") else "md")
        data = render(result, docs[0], docs[1], fmt)
        if out is None:
            raise click.UsageError("--format 需要同时用 -o 给出输出文件")
        out.write_bytes(data)
        click.echo(f"已写入 {out}（{result.summary()}）", err=True)
        return
    if as_json:
        print_json(result.to_json(docs[0], docs[1]))
        return
    click.echo(f"《{docs[0].title}》 → 《{docs[1].title}》\n{result.summary()}\n")
    for c in result.changes:
        click.echo(_change_line(c))


def _change_line(c) -> str:
    if c.kind == "renumbered":
        return f"{c.heading()}（内容未变）\n"
    text = c.marked() if c.kind == "modified" else (c.new or c.old).text
    return f"{c.heading()}：{text}\n"
