"""`kb ask` (here, or through a running `kb serve` when KB_SERVER_URL is set) and `kb brief`."""

from __future__ import annotations

from pathlib import Path

import click

from kb.brief import FORMATS
from kb.cli.common import (
    ensure_ingested,
    get_settings,
    principal,
    print_json,
    user_option,
)
from kb.core.filters import Filters


@click.command("ask")
@click.argument("question")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the answer object as JSON (README: Contracts)."
)
@click.option("--k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve.")
@click.option(
    "--type", "doc_types", multiple=True, help="Only documents of this type (repeatable)."
)
@click.option("--year", type=int, default=None, help="Only documents dated this year.")
@click.option("--from-year", type=int, default=None, help="Only documents dated from this year.")
@click.option("--to-year", type=int, default=None, help="Only documents dated up to this year.")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
@click.option(
    "--issuer", default=None, help="Only documents whose 发文机关 (or author) contains this."
)
@click.option(
    "--in-force-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only official documents in force on this date (YYYY-MM-DD).",
)
@user_option
def ask_cmd(
    question,
    as_json,
    k,
    doc_types,
    year,
    from_year,
    to_year,
    doc_ids,
    issuer,
    in_force_on,
    user_name,
) -> None:
    """Ask a question; the answer cites the passages it came from.

    With KB_SERVER_URL set (a running `kb serve`), the question is sent there, with
    KB_API_TOKEN as the bearer token once the server has users, and nothing is loaded here."""
    settings = get_settings()
    filters = Filters(
        doc_types=list(doc_types) or None,
        year_from=year if year is not None else from_year,
        year_to=year if year is not None else to_year,
        doc_ids=list(doc_ids) or None,
        issuer=issuer or None,
        in_force_on=in_force_on.date().isoformat() if in_force_on else None,
    )
    if settings.server_url:
        if user_name:
            raise click.ClickException(
                "--user 只用于本机的知识库；设置了 KB_SERVER_URL 时，由服务器按 KB_API_TOKEN "
                "中令牌所属的用户作答"
            )
        from kb.client import ask_remote

        d = ask_remote(
            settings.server_url,
            question,
            k=k,
            filters=filters,
            token=settings.api_token.get_secret_value() or None,
        )
    else:
        d = _ask_here(settings, question, k, filters, user_name)
    if as_json:
        print_json(d)
    else:
        echo_answer(d)


def _ask_here(settings, question: str, k: int | None, filters: Filters, user_name) -> dict:
    from kb.knowledge import KnowledgeBase

    ensure_ingested(settings, quiet=False)
    kb = KnowledgeBase.open(settings)
    who = principal(kb.store.catalog, user_name)
    return kb.ask(question, k=k, filters=filters, user=who).to_dict()


def echo_answer(d: dict) -> None:
    """An answer (the `kb ask --json` object) as text, with its numbered sources."""
    click.echo(d["answer"])
    if not d["citations"]:
        return
    click.echo("\n来源：" if d["status"] == "answered" else "\n相关但不足以回答：")
    for c in d["citations"]:
        conf = c.get("ocr_confidence")
        ocr = f"（OCR识别，置信度 {conf:.2f}）" if conf is not None else ""
        click.echo(
            f"[{c['n']}] 《{c['title']}》 {c['locator']}{ocr}\n    “{c['quote']}”\n    {c['source']}"
        )


@click.command("brief")
@click.argument("questions", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=next(iter(FORMATS)),
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--title", default="长三角政策问答简报", show_default=True)
@click.option(
    "--include-refused",
    is_flag=True,
    help="Keep questions the documents do not answer, with the nearest passages "
    "(default: left out, and counted).",
)
@user_option
def brief_cmd(
    questions: tuple[str, ...],
    fmt: str,
    output: Path,
    title: str,
    include_refused: bool,
    user_name: str | None,
) -> None:
    """Ask each question and write a citation-backed brief (Word, Markdown or PDF)."""
    from kb.brief import build_brief, render
    from kb.knowledge import KnowledgeBase

    settings = get_settings()
    ensure_ingested(settings)
    kb = KnowledgeBase.open(settings)
    who = principal(kb.store.catalog, user_name)
    entries = [kb.ask(q, user=who).to_dict() for q in questions]
    brief = build_brief(entries, kb.status(who), title, include_refused=include_refused)
    output.write_bytes(render(brief, fmt))
    left_out = f"；另有 {brief.omitted} 个未找到答案，未列入" if brief.omitted else ""
    click.echo(f"简报已写入 {output}（{len(brief.items)} 个问题{left_out}）", err=True)
