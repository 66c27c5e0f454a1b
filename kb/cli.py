"""`kb` command line, grouped by noun: kb ingest, kb ask, kb records, kb docs list/show."""

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


def user_option(f):
    return click.option(
        "--user",
        "user_name",
        default=None,
        metavar="NAME",
        help="See only what this user may read (default: the operator sees every document).",
    )(f)


def _principal(catalog, name: str | None):
    """The named user's access, or None (the operator) when no name is given."""
    if not name:
        return None
    from kb.users import AuthError, Users

    try:
        return Users(catalog).principal(name)
    except AuthError as e:
        raise click.ClickException(str(e)) from e


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
                click.echo(summary_line(f), err=f.status in ("failed", "skipped"))
        click.echo(
            f"完成：新增 {report.count('added')}，更新 {report.count('updated')}，未变 {report.count('unchanged')}，"
            f"移除 {report.count('removed')}，失败 {report.count('failed')}，"
            f"跳过 {report.count('skipped')}；"
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
    """Ask a question; the answer cites the passages it came from."""
    from kb.knowledge import KnowledgeBase

    settings = _settings()
    filters = Filters(
        doc_types=list(doc_types) or None,
        year_from=year if year is not None else from_year,
        year_to=year if year is not None else to_year,
        doc_ids=list(doc_ids) or None,
        issuer=issuer or None,
        in_force_on=in_force_on.date().isoformat() if in_force_on else None,
    )
    try:
        ensure_ingested(settings, quiet=False)
        kb = KnowledgeBase.open(settings)
        result = kb.ask(
            question, k=k, filters=filters, user=_principal(kb.store.catalog, user_name)
        )
    except (StoreError, EmbeddingError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        _print_json(result.to_dict())
        return
    click.echo(result.answer.text)
    if result.answer.citations:
        click.echo("\n来源：" if result.status == "answered" else "\n相关但不足以回答：")
        for c in result.answer.citations:
            ocr = (
                f"（OCR识别，置信度 {c.ocr_confidence:.2f}）"
                if c.ocr_confidence is not None
                else ""
            )
            click.echo(f"[{c.n}] 《{c.title}》 {c.locator}{ocr}\n    “{c.quote}”\n    {c.source}")


@main.command("brief")
@click.argument("questions", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["docx", "md", "pdf"]), default="docx", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--title", default="长三角政策问答简报", show_default=True)
@user_option
def brief_cmd(
    questions: tuple[str, ...], fmt: str, output: Path, title: str, user_name: str | None
) -> None:
    """Ask each question and write a citation-backed brief (Word, Markdown or PDF)."""
    from kb.brief import build_brief, render
    from kb.knowledge import KnowledgeBase

    settings = _settings()
    try:
        ensure_ingested(settings)
        kb = KnowledgeBase.open(settings)
        who = _principal(kb.store.catalog, user_name)
        entries = [kb.ask(q, user=who).to_dict() for q in questions]
    except (StoreError, EmbeddingError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    output.write_bytes(render(build_brief(entries, kb.status(who), title), fmt))
    click.echo(f"简报已写入 {output}（{len(entries)} 个问题）", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve_cmd(host: str, port: int) -> None:
    """Serve the HTTP API (/v1/ask, OpenAI-compatible /v1/chat/completions; docs at /docs)."""
    import uvicorn

    from kb.api import create_app

    settings = _settings()
    try:
        ensure_ingested(settings)
        app = create_app(settings)
    except (StoreError, EmbeddingError) as e:
        raise click.ClickException(str(e)) from e
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"注意：API 监听 {host}，本机以外也可访问。", err=True)
    if not app.state.auth_required():
        click.echo("还没有用户：API 对所有人开放（`kb users add` 后需要令牌）。", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


@main.command("doctor")
@click.option(
    "--repair", is_flag=True, help="Fix what is found (orphan vectors, missing vectors, BM25)."
)
@click.option("--json", "as_json", is_flag=True)
def doctor_cmd(repair: bool, as_json: bool) -> None:
    """Check that catalog, Chroma and BM25 hold the same chunks; exit 1 if not (after --repair: if still not)."""
    from kb.doctor import diagnose
    from kb.doctor import repair as do_repair
    from kb.store import Store

    settings = _settings()
    try:
        report = do_repair(settings) if repair else diagnose(Store(settings))
    except (StoreError, EmbeddingError) as e:
        raise click.ClickException(str(e)) from e
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(
            f"目录 {report.catalog_chunks} 段 · Chroma {report.vector_ids} 个向量 · BM25 {report.bm25_ids} 行"
        )
        for line in report.repaired:
            click.echo(f"已修复：{line}")
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


@main.group("docs")
def docs() -> None:
    """The documents in the knowledge base."""


_DOC_FIELDS = (
    "doc_id", "title", "doc_type", "date", "author", "publication", "region", "source",
    "n_chunks", "ingested_at", "doc_number", "issuer", "recipients", "signed_date",
    "effective_date", "expiry_date", "attachments", "access",
)  # fmt: skip


def _doc_row(d) -> dict:
    row = {k: getattr(d, k) for k in _DOC_FIELDS}
    row["ocr"] = d.ocr or None  # {"pages": {page: confidence}, "confidence": mean}
    return row


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
@click.option("--json", "as_json", is_flag=True)
@user_option
def docs_list(issuer, year, in_force_on, as_json: bool, user_name: str | None) -> None:
    from kb.access import can_read
    from kb.store import Store

    catalog = Store(_settings()).catalog
    who = _principal(catalog, user_name)
    filters = Filters(
        year_from=year,
        year_to=year,
        issuer=issuer or None,
        in_force_on=in_force_on.date().isoformat() if in_force_on else None,
    )
    rows = [
        _doc_row(d)
        for d in catalog.documents()
        if can_read(who, d.access) and filters.admits_doc(d)
    ]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo(
            "没有符合条件的文档。"
            if not filters.empty()
            else "知识库为空：运行 `kb ingest` 导入语料。"
        )
    for r in rows:
        marks = "".join(
            [f"\t{r['doc_number']}" if r["doc_number"] else "", "\tOCR" if r["ocr"] else ""]
        )
        groups = "仅 " + ",".join(r["access"]) if r["access"] is not None else "所有用户"
        click.echo(
            f"{r['doc_id']}\t{r['doc_type']}\t{r['date'] or '-'}\t{r['n_chunks']} 段\t"
            f"{groups}\t{r['title']}{marks}"
        )


@docs.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
@user_option
def docs_show(doc_id: str, as_json: bool, user_name: str | None) -> None:
    from kb.access import can_read
    from kb.store import Store

    store = Store(_settings())
    d = store.catalog.document(doc_id)
    if d is None or not can_read(_principal(store.catalog, user_name), d.access):
        raise click.ClickException(f"no document {doc_id!r}; see `kb docs list`")
    chunks = store.catalog.chunks(doc_id)
    if as_json:
        meta = {k: v for k, v in d.__dict__.items() if k not in ("text", "extra")}
        meta["ocr"] = d.ocr or None
        meta["chunks"] = [
            {
                "chunk_id": c.chunk_id,
                "section": c.section,
                "page": c.page,
                "paragraphs": [c.para_start, c.para_end],
                "ocr_confidence": c.ocr_conf,
                "text": c.text,
            }
            for c in chunks
        ]
        _print_json(meta)
        return
    from kb.gongwen import describe

    click.echo(
        f"{d.title}\n类型：{d.doc_type}  日期：{d.date or '-'}  作者/发布：{d.author or '-'}  来源：{d.source}"
    )
    for label, value in describe(d):
        click.echo(f"{label}：{value}")
    click.echo(f"{d.n_chunks} 个段落块，{d.n_chars} 字\n")
    for c in chunks:
        ocr = f" OCR {c.ocr_conf:.2f}" if c.ocr_conf is not None else ""
        click.echo(f"--- [{c.position}] {c.section or ''} ¶{c.para_start}{ocr}\n{c.text}")


@main.command("records")
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
    from kb.access import can_read
    from kb.records import KINDS, date_zh, merge, select, statement, with_sources
    from kb.store import Store

    store = Store(_settings())
    who = _principal(store.catalog, user_name)
    docs = {d.doc_id: d for d in store.catalog.documents() if can_read(who, d.access)}
    found = select(
        # merged from the readable documents only: a hidden one adds no party, date or record
        merge([m for m in store.catalog.mentions() if m.doc_id in docs]),
        kind=list(kinds) or None,
        year=year,
        party=party,
        text=text,
        dated=dated,
    )
    if as_json:
        _print_json(with_sources(found, docs))
        return
    if not docs:
        click.echo("知识库为空：运行 `kb ingest` 导入语料。")
        return
    for r in found:
        click.echo(f"{date_zh(r.date)}\t{KINDS[r.kind]}\t{statement(r)}\t[{', '.join(r.doc_ids)}]")
    click.echo(f"共 {len(found)} 条记录。", err=True)


@main.group("eval")
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
    from evals.dataset import DatasetError
    from evals.report import fmt
    from evals.runner import METRIC_GROUPS, check_gates, evaluate, make_backend, parse_gates

    settings = _settings()
    if user_name and preset == "naive":
        raise click.ClickException("--user applies to the default and llm presets")
    from kb.store import Store

    # Users live in the configured store; a dataset's own corpus is read with their access.
    who = _principal(Store(settings).catalog, user_name) if user_name else None

    def backend(s: Settings):  # s: the configured KB, or the dataset's own corpus
        if preset in ("default", "llm"):
            ensure_ingested(s)
        return make_backend(preset, s, k, user=who)

    try:
        floors = parse_gates(gates)
        results, out_dir = evaluate(
            dataset, settings, backend, preset=preset, k=k, corpus=corpus, out_dir=out_dir
        )
    except (DatasetError, StoreError, EmbeddingError, ValueError) as e:
        raise click.ClickException(str(e)) from e
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
    try:
        failed = check_gates(m, floors)
    except ValueError as e:
        raise click.ClickException(str(e)) from e
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
    from evals.history import RunError, load_run
    from evals.report import compare, compare_html, compare_text

    try:
        c = compare(load_run(run_a), load_run(run_b))
    except RunError as e:
        raise click.ClickException(str(e)) from e
    click.echo(compare_text(c, run_a.name, run_b.name))
    if html_out:
        html_out.write_text(compare_html(c, run_a.name, run_b.name), encoding="utf-8")
        click.echo(f"HTML：{html_out}")


# ---------------------------------------------------------------- users, access, audit
def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise click.ClickException("no password on standard input")
        return pw
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


def _users():
    from kb.audit import AuditLog
    from kb.store import Store
    from kb.users import Users

    settings = _settings()
    catalog = Store(settings).catalog
    return Users(catalog), AuditLog(catalog, settings.audit_retention_days)


@main.group("users")
def users_group() -> None:
    """Users and their groups. Once a user exists, the app asks everyone to sign in."""


@users_group.command("add")
@click.argument("name")
@click.option("--groups", default="", help="Comma-separated groups, e.g. finance,office.")
@click.option("--admin", is_flag=True, help="May manage users and document access.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(name: str, groups: str, admin: bool, password_stdin: bool) -> None:
    from kb.users import AuthError

    users, audit = _users()
    try:
        u = users.add(name, _read_password(password_stdin), groups, admin)
    except (AuthError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    audit.append("operator", "user_add", name, groups=u.groups, admin=u.admin)
    click.echo(
        f"已添加用户 {name}（组：{', '.join(u.groups) or '无'}{'，管理员' if admin else ''}）"
    )


@users_group.command("token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke all of NAME's tokens instead.")
def users_token(name: str, revoke: bool) -> None:
    """Issue a bearer token for the HTTP API (printed once; only its hash is kept)."""
    from kb.users import AuthError

    users, audit = _users()
    try:
        if revoke:
            n = users.revoke_tokens(name)
            audit.append("operator", "token_revoke", name, count=n)
            click.echo(f"已撤销 {name} 的 {n} 个令牌", err=True)
            return
        token = users.issue_token(name)
    except AuthError as e:
        raise click.ClickException(str(e)) from e
    audit.append("operator", "token_issue", name)
    click.echo(token)  # stdout carries only the token: TOKEN=$(kb users token NAME)
    click.echo(f"{name} 的 API 令牌（只显示这一次）：Authorization: Bearer <令牌>", err=True)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    users, _ = _users()
    rows = [u.__dict__ for u in users.list_users()]
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("还没有用户：应用对所有人开放。用 `kb users add NAME` 添加。")
    for r in rows:
        admin = "管理员" if r["admin"] else ""
        click.echo(f"{r['name']}\t{','.join(r['groups']) or '-'}\t{admin}\t{r['created_at']}")


@users_group.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    from kb.users import AuthError

    users, audit = _users()
    try:
        users.remove(name)
    except AuthError as e:
        raise click.ClickException(str(e)) from e
    audit.append("operator", "user_remove", name)
    click.echo(f"已删除用户 {name}")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_passwd(name: str, password_stdin: bool) -> None:
    from kb.users import AuthError

    users, audit = _users()
    try:
        users.passwd(name, _read_password(password_stdin))
    except AuthError as e:
        raise click.ClickException(str(e)) from e
    audit.append("operator", "passwd", name)
    click.echo(f"已更新 {name} 的密码")


@users_group.command("groups")
@click.argument("name")
@click.argument("groups")
@click.option("--admin/--no-admin", default=None, help="Also grant or withdraw admin rights.")
def users_groups(name: str, groups: str, admin: bool | None) -> None:
    """Set a user's groups (comma-separated; "" for none)."""
    from kb.users import AuthError

    users, audit = _users()
    try:
        u = users.set_groups(name, groups, admin)
    except (AuthError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    audit.append("operator", "user_groups", name, groups=u.groups, admin=u.admin)
    click.echo(f"{name} 的组：{', '.join(u.groups) or '无'}{'（管理员）' if u.admin else ''}")


@docs.command("access")
@click.argument("doc_id")
@click.option("--groups", default=None, help="Comma-separated groups that may read it.")
@click.option("--public", is_flag=True, help="Every signed-in user may read it.")
def docs_access(doc_id: str, groups: str | None, public: bool) -> None:
    """Change who may read a document (no re-embedding)."""
    from kb.access import change_access, parse_groups

    if public == (groups is not None):
        raise click.ClickException("give either --groups G1,G2 or --public")
    try:
        wanted = None if public else parse_groups(groups)
        if wanted == []:
            raise ValueError("--groups needs at least one group (or use --public)")
        users, audit = _users()
        changed = change_access(users.catalog, audit, doc_id, wanted, None)
    except (KeyError, PermissionError, ValueError, StoreError) as e:
        raise click.ClickException(str(e).strip("'\"")) from e
    who = "所有用户" if wanted is None else "组 " + ", ".join(wanted)
    click.echo(f"{doc_id}：{'已改为' if changed else '已是'}{who}可读")


@main.command("audit")
@click.option("--user", "user_name", default=None, help="Only this user's entries.")
@click.option("--since", default=None, help="Only entries from this date (YYYY-MM-DD) on.")
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="At most this many, newest first."
)
@click.option("--json", "as_json", is_flag=True)
def audit_cmd(user_name: str | None, since: str | None, limit: int | None, as_json: bool) -> None:
    """Who asked what and which documents were cited; uploads, access and user changes."""
    _, audit = _users()
    entries = audit.entries(user_name, since, limit)
    if as_json:
        _print_json([e.to_dict() for e in entries])
        return
    for e in entries:
        detail = json.dumps(e.detail, ensure_ascii=False)
        click.echo(f"{e.ts}\t{e.user}\t{e.action}\t{e.target or '-'}\t{detail}")
    click.echo(f"共 {len(entries)} 条。", err=True)


if __name__ == "__main__":
    main()
