"""`kb ingest`, `kb serve`, `kb doctor`: building, serving and checking the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb.cli.common import ensure_ingested, get_settings, print_json
from kb.core.settings import redact_url


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@click.option("--rebuild", is_flag=True, help="Delete the store and ingest from scratch.")
@click.option(
    "--queue-only",
    is_flag=True,
    help="Shared store (KB_DATABASE_URL): only queue the files, for `kb worker` processes.",
)
@click.option("--status", "status", is_flag=True, help="Show the ingest queue and exit.")
def ingest_cmd(
    paths: tuple[Path, ...], as_json: bool, rebuild: bool, queue_only: bool, status: bool
) -> None:
    """Ingest files or folders (default: the corpus folder). Unchanged files are skipped.
    On a shared store (KB_DATABASE_URL) the files are queued and processed by this command
    together with any `kb worker` running elsewhere."""
    from ingest.pipeline import extra_lines, ingest, report_json, summary_line

    settings = get_settings()
    if status:
        return _queue_status(settings, as_json)
    if settings.database_url:
        report = _ingest_queued(settings, list(paths) or None, rebuild, queue_only)
    else:
        report = ingest(list(paths) or None, settings, rebuild=rebuild)
    if as_json:
        click.echo(report_json(report))
    else:
        for f in report.files:
            if f.status != "unchanged":
                click.echo(summary_line(f), err=f.status in ("failed", "skipped"))
        click.echo(
            f"完成：新增 {report.count('added')}，更新 {report.count('updated')}，未变 {report.count('unchanged')}，"
            f"移除 {report.count('removed')}，失败 {report.count('failed')}，"
            + (f"排队 {report.count('queued')}，" if report.count("queued") else "")
            + f"跳过 {report.count('skipped')}；"
            f"共 {report.documents} 篇文档、{report.chunks} 个段落块，用时 {report.timings_s.get('total', 0):.1f}s",
            err=True,
        )
        for line in extra_lines(report):
            click.echo(line, err=True)
    if report.failed:
        sys.exit(1)


def _ingest_queued(settings, paths, rebuild: bool, queue_only: bool):
    from ingest.queue import enqueue, outcomes, wait
    from ingest.worker import work

    report = enqueue(paths, settings, rebuild=rebuild)
    queued = report.count("queued")
    if queued and not queue_only:
        work(settings, once=True, on_result=lambda r: None)  # beside workers elsewhere
        wait(settings, queued)  # for the jobs they still hold
        outcomes(settings, report)
    return report


def _queue_status(settings, as_json: bool) -> None:
    from kb.core.zh import when
    from kb.store.jobs import Jobs
    from kb.store.store import Store

    jobs = Jobs(Store(settings).catalog)
    counts, recent, stale = jobs.counts(), jobs.recent(20), jobs.expired_running()
    if as_json:
        print_json({"counts": counts, "expired_leases": stale, "recent": recent})
        return
    click.echo(
        f"导入队列：排队 {counts['queued']}，处理中 {counts['running']}，"
        f"完成 {counts['done']}，失败 {counts['failed']}"
        + (f"；其中 {stale} 个处理进程已中断，将由其他 kb worker 接手" if stale else "")
    )
    for j in recent:
        state = {"queued": "排队", "running": "处理中", "done": "完成", "failed": "失败"}[
            j["state"]
        ]
        worker = f" · {j['worker']}" if j["worker"] else ""
        why = f" · {j['reason']}" if j["reason"] else ""
        click.echo(f"  {state}  {j['source']}{worker} · {when(j['queued_at'])}{why}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Exit when the queue is empty.")
@click.option(
    "--lease", "lease_s", type=click.FloatRange(5, 3600), default=120, show_default=True,
    help="Seconds a claimed job stays this worker's without renewal (renewed while it lives).",
)  # fmt: skip
def worker_cmd(once: bool, lease_s: float) -> None:
    """Process ingest jobs from the shared store (KB_DATABASE_URL), one document at a time;
    run any number, on any machine that reaches the database."""
    from ingest.worker import work

    settings = get_settings()
    if not settings.database_url:
        raise click.UsageError("kb worker 需要共享存储：请设置 KB_DATABASE_URL")
    click.echo(
        f"kb worker：处理 {redact_url(settings.database_url)} 的导入队列（Ctrl+C 退出）", err=True
    )
    try:
        n = work(settings, once=once, lease_s=lease_s)
    except KeyboardInterrupt:
        return
    click.echo(f"处理了 {n} 个文件", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve_cmd(host: str, port: int) -> None:
    """Serve the HTTP API (/v1/ask, OpenAI-compatible /v1/chat/completions; docs at /docs)."""
    import uvicorn

    from kb.api import create_app

    settings = get_settings()
    ensure_ingested(settings)
    app = create_app(settings)
    _ = app.state.kb.retriever  # the model and the tokenizer load now, not on the first question
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"注意：API 监听 {host}，本机以外也可访问。", err=True)
    if not app.state.auth_required():
        click.echo("还没有用户：API 对所有人开放（`kb users add` 后需要令牌）。", err=True)
    # proxy_headers off: X-Forwarded-For is believed only from KB_AUTH__TRUSTED_PROXIES
    # (kb.api.deps.client_of), not from whoever connects over loopback.
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


@click.command("doctor")
@click.option(
    "--repair", is_flag=True, help="Fix what is found (orphan vectors, missing vectors, BM25)."
)
@click.option("--json", "as_json", is_flag=True)
def doctor_cmd(repair: bool, as_json: bool) -> None:
    """Check that catalog, Chroma and BM25 hold the same chunks; exit 1 if not (after --repair: if still not)."""
    from kb.doctor import diagnose
    from kb.doctor import repair as do_repair
    from kb.store.store import Store

    settings = get_settings()
    report = do_repair(settings) if repair else diagnose(Store(settings))
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(
            f"目录 {report.catalog_chunks} 段 · 向量库 {report.vector_ids} 个向量 · BM25 {report.bm25_ids} 行"
        )
        for line in report.repaired:
            click.echo(f"已修复：{line}")
        if report.unembedded:
            click.echo(
                f"{len(report.unembedded)} 篇文档已可按关键词检索、尚未向量化："
                "导入仍在进行，或已中断（运行 `kb ingest` 完成）"
            )
        if report.ok:
            click.echo("一致 ✓")
        else:
            click.echo(
                f"不一致：孤立向量 {len(report.orphan_vectors)}，缺失向量 {len(report.missing_vectors)}，"
                f"BM25 {'不一致' if report.bm25_mismatch else '一致'}，临时目录 {len(report.stale_temp)}，"
                f"政策记录{'需重新抽取' if report.records_stale else '已是最新'}；"
                "运行 `kb doctor --repair` 修复",
                err=True,
            )
    if not report.ok:
        sys.exit(1)
