"""`kb docs list/show/access` and `kb records`: the documents and what they state."""

from __future__ import annotations

import click

from kb.cli.common import get_settings, principal, print_json, user_option
from kb.cli.lifecycle import as_of_date, as_of_option, lifecycle_for, show_lifecycle
from kb.store.lifecycle import LABELS


@click.group("docs")
def docs() -> None:
    """The documents in the knowledge base."""


def _open(user_name: str | None):
    """The knowledge base (listing loads no model) and the user whose access applies."""
    from kb.knowledge import KnowledgeBase

    kb = KnowledgeBase.open(get_settings())
    return kb, principal(kb.store.catalog, user_name)


@docs.command("list")
@click.option(
    "--issuer", default=None, help="Only documents whose 发文机关 (or author) contains this."
)
@click.option("--year", type=int, default=None, help="Only documents dated this year.")
@click.option(
    "--in-force-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only official documents in force on this date (YYYY-MM-DD).",
)
@click.option(
    "--status",
    type=click.Choice(["all", *LABELS]),
    is_flag=False,
    flag_value="all",
    default=None,
    help="Show each document's status (现行有效/尚未施行/已失效/已废止); with a value, only those.",
)
@as_of_option
@click.option("--json", "as_json", is_flag=True)
@user_option
def docs_list(issuer, year, in_force_on, status, as_of, as_json: bool, user_name) -> None:
    from kb.core.filters import Filters

    kb, who = _open(user_name)
    on = as_of_date(as_of)
    life = lifecycle_for(kb, who) if status or as_of else None
    filters = Filters(
        year_from=year,
        year_to=year,
        issuer=issuer or None,
        in_force_on=in_force_on.date().isoformat() if in_force_on else None,
    )
    from kb.core.contract import document_json

    rows = [document_json(d) for d in kb.documents(who) if filters.admits_doc(d)]
    if life is not None:
        for r in rows:
            r["status"] = life.status_json(r["doc_id"], on)
        if status and status != "all":
            rows = [r for r in rows if r["status"]["state"] == status]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(
            "没有符合条件的文档。"
            if not filters.empty() or status
            else "知识库为空：运行 `kb ingest` 导入语料。"
        )
    for r in rows:
        marks = "".join(
            [
                f"\t{r['doc_number']}" if r["doc_number"] else "",
                "\tOCR" if r["ocr"] else "",
                "\t已读取（向量化中）" if r["state"] == "read" else "",
                f"\t{r['status']['label']}" if "status" in r else "",
            ]
        )
        groups = "仅 " + ",".join(r["access"]) if r["access"] is not None else "所有用户"
        click.echo(
            f"{r['doc_id']}\t{r['doc_type']}\t{r['date'] or '-'}\t{r['n_chunks']} 段\t"
            f"{groups}\t{r['title']}{marks}"
        )
    failed = kb.store.catalog.failures() if who is None or who.admin else []
    if failed:  # file names: for whoever runs the store, not for every reader
        click.echo(f"\n未能导入的文件（{len(failed)}）：", err=True)
        for source, reason, at in failed:
            click.echo(f"失败\t{source}\t{reason}\t{at.replace('T', ' ')}", err=True)


@docs.command("show")
@click.argument("doc_id")
@as_of_option
@click.option("--json", "as_json", is_flag=True)
@user_option
def docs_show(doc_id: str, as_of, as_json: bool, user_name: str | None) -> None:
    kb, who = _open(user_name)
    d = kb.document(doc_id, who)
    if d is None:
        raise click.ClickException(f"没有文档 {doc_id!r}；可用 `kb docs list` 查看")
    chunks = kb.chunks(doc_id, who)
    if as_json:
        from kb.core.contract import chunk_json, document_json

        meta = document_json(d) | {"chunks": [chunk_json(c) for c in chunks]}
        meta["lifecycle"] = lifecycle_for(kb, who).to_json(doc_id, as_of_date(as_of))
        print_json(meta)
        return
    from kb.core.gongwen import describe

    click.echo(
        f"{d.title}\n类型：{d.doc_type}  日期：{d.date or '-'}  作者/发布：{d.author or '-'}  来源：{d.source}"
    )
    for label, value in describe(d):
        click.echo(f"{label}：{value}")
    show_lifecycle(lifecycle_for(kb, who), d, as_of_date(as_of))
    click.echo(f"{d.n_chunks} 个段落块，{d.n_chars} 字\n")
    for c in chunks:
        ocr = f" OCR {c.ocr_conf:.2f}" if c.ocr_conf is not None else ""
        click.echo(f"--- [{c.position}] {c.section or ''} ¶{c.para_start}{ocr}\n{c.text}")


@docs.command("access")
@click.argument("doc_id")
@click.option("--groups", default=None, help="Comma-separated groups that may read it.")
@click.option("--public", is_flag=True, help="Every signed-in user may read it.")
def docs_access(doc_id: str, groups: str | None, public: bool) -> None:
    """Change who may read a document (no re-embedding)."""
    from kb.cli.users import open_users
    from kb.store.access import change_access, parse_groups

    if public == (groups is not None):
        raise click.ClickException("请给出 --groups G1,G2 或 --public 两者之一")
    wanted = None if public else parse_groups(groups)
    if wanted == []:
        raise click.ClickException("--groups 至少要写一个组（所有用户可读请用 --public）")
    users, audit = open_users()
    changed = change_access(users.catalog, audit, doc_id, wanted, None)
    who = "所有用户" if wanted is None else "组 " + ", ".join(wanted)
    click.echo(f"{doc_id}：{'已改为' if changed else '已是'}{who}可读")


@click.command("records")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["agreement", "plan", "measure", "event"]),
    help="Only this kind (repeatable): agreement 协议, plan 规划/计划, measure 措施/意见, event 事件.",
)
@click.option("--year", type=int, default=None, help="Only records dated this year.")
@click.option(
    "--party", default=None, help="Only records with this party (上海 also finds 三省一市)."
)
@click.option(
    "--text", default=None, help="Only records whose title, description or source says this."
)
@click.option("--dated", is_flag=True, help="Only records with a date.")
@click.option("--json", "as_json", is_flag=True, help="Print records with their sources as JSON.")
@user_option
def records_cmd(kinds, year, party, text, dated, as_json, user_name) -> None:
    """Agreements, plans, measures and events extracted from the documents."""
    from kb.core.record_words import KINDS
    from kb.store.records import date_zh, statement, with_sources

    kb, who = _open(user_name)
    docs = {d.doc_id: d for d in kb.documents(who)}
    # merged from the readable documents only: a hidden one adds no party, date or record
    found = kb.records(
        who,
        kind=list(kinds) or None,
        year=year,
        party=party,
        text=text,
        dated=dated,
    )
    if as_json:
        print_json(with_sources(found, docs))
        return
    if not docs:
        click.echo("知识库为空：运行 `kb ingest` 导入语料。")
        return
    for r in found:
        click.echo(f"{date_zh(r.date)}\t{KINDS[r.kind]}\t{statement(r)}\t[{', '.join(r.doc_ids)}]")
    click.echo(f"共 {len(found)} 条记录。", err=True)
