"""`kb` command line, grouped by noun: kb ingest, kb ask, kb docs list/show."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from kb.catalog import StoreError
from kb.embeddings import EmbeddingError
from kb.settings import Settings
from kb.vectors import Filters


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as e:
        first = e.errors()[0]
        raise click.ClickException(
            f"bad setting KB_{'__'.join(map(str, first['loc'])).upper()}: {first['msg']}"
        ) from e


def _print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def ensure_ingested(settings: Settings, quiet: bool = False) -> None:
    """Build the store from the corpus on a fresh checkout."""
    from kb.store import Store

    if not Store(settings).is_empty():
        return
    from ingest.pipeline import ingest, summary_line

    if not quiet:
        click.echo(f"首次使用：正在导入 {settings.corpus_dir}/ …", err=True)
    report = ingest(None, settings)
    for f in report.failed:
        click.echo(summary_line(f), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """长三角政策知识库 — ingest documents, ask cited questions."""


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@click.option("--rebuild", is_flag=True, help="Delete the store and ingest from scratch.")
def ingest_cmd(paths: tuple[Path, ...], as_json: bool, rebuild: bool) -> None:
    """Ingest files or folders (default: the corpus folder). Unchanged files are skipped."""
    from ingest.metadata import ManifestError
    from ingest.pipeline import ingest, report_json, summary_line

    settings = _settings()
    try:
        report = ingest(list(paths) or None, settings, rebuild=rebuild)
    except (StoreError, ManifestError, EmbeddingError) as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        click.echo(report_json(report))
    else:
        for f in report.files:
            if f.status != "unchanged":
                click.echo(summary_line(f), err=f.status == "failed")
        click.echo(
            f"完成：新增 {report.count('added')}，更新 {report.count('updated')}，未变 {report.count('unchanged')}，"
            f"移除 {report.count('removed')}，失败 {report.count('failed')}；"
            f"共 {report.documents} 篇文档、{report.chunks} 个段落块，用时 {report.timings_s.get('total', 0):.1f}s",
            err=True,
        )
    if report.failed:
        sys.exit(1)


@main.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (see GUIDE §4).")
@click.option("--k", type=click.IntRange(1, 50), default=None, help="Passages to retrieve.")
@click.option(
    "--type", "doc_types", multiple=True, help="Only documents of this type (repeatable)."
)
@click.option("--year", type=int, default=None, help="Only documents dated this year.")
@click.option("--from-year", type=int, default=None, help="Only documents dated from this year.")
@click.option("--to-year", type=int, default=None, help="Only documents dated up to this year.")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
def ask_cmd(question, as_json, k, doc_types, year, from_year, to_year, doc_ids) -> None:
    """Ask a question; the answer cites the passages it came from."""
    from kb.knowledge import KnowledgeBase

    settings = _settings()
    filters = Filters(
        doc_types=list(doc_types) or None,
        year_from=year if year is not None else from_year,
        year_to=year if year is not None else to_year,
        doc_ids=list(doc_ids) or None,
    )
    try:
        ensure_ingested(settings, quiet=False)
        kb = KnowledgeBase.open(settings)
        result = kb.ask(question, k=k, filters=filters)
    except (StoreError, EmbeddingError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        _print_json(result.to_dict())
        return
    click.echo(result.answer.text)
    if result.answer.citations:
        click.echo("\n来源：" if result.status == "answered" else "\n相关但不足以回答：")
        for c in result.answer.citations:
            click.echo(f"[{c.n}] 《{c.title}》 {c.locator}\n    “{c.quote}”\n    {c.source}")


@main.group("docs")
def docs() -> None:
    """The documents in the knowledge base."""


@docs.command("list")
@click.option("--json", "as_json", is_flag=True)
def docs_list(as_json: bool) -> None:
    from kb.store import Store

    rows = [
        {
            k: getattr(d, k)
            for k in (
                "doc_id",
                "title",
                "doc_type",
                "date",
                "author",
                "publication",
                "region",
                "source",
                "n_chunks",
                "ingested_at",
            )
        }
        for d in Store(_settings()).catalog.documents()
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("知识库为空：运行 `kb ingest` 导入语料。")
    for r in rows:
        click.echo(
            f"{r['doc_id']}\t{r['doc_type']}\t{r['date'] or '-'}\t{r['n_chunks']} 段\t{r['title']}"
        )


@docs.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
def docs_show(doc_id: str, as_json: bool) -> None:
    from kb.store import Store

    store = Store(_settings())
    d = store.catalog.document(doc_id)
    if d is None:
        raise click.ClickException(f"no document {doc_id!r}; see `kb docs list`")
    chunks = store.catalog.chunks(doc_id)
    if as_json:
        meta = {k: v for k, v in d.__dict__.items() if k not in ("text", "extra")}
        meta["chunks"] = [
            {
                "chunk_id": c.chunk_id,
                "section": c.section,
                "page": c.page,
                "paragraphs": [c.para_start, c.para_end],
                "text": c.text,
            }
            for c in chunks
        ]
        _print_json(meta)
        return
    click.echo(
        f"{d.title}\n类型：{d.doc_type}  日期：{d.date or '-'}  作者/发布：{d.author or '-'}  来源：{d.source}"
    )
    click.echo(f"{d.n_chunks} 个段落块，{d.n_chars} 字\n")
    for c in chunks:
        click.echo(f"--- [{c.position}] {c.section or ''} ¶{c.para_start}\n{c.text}")


if __name__ == "__main__":
    main()
