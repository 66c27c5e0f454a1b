"""`kb users ...` and `kb audit`: who may read what, and who asked what."""

from __future__ import annotations

import sys

import click

from kb.cli.common import get_settings, print_json
from kb.core import zh


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise click.ClickException("标准输入中没有密码")
        return pw
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


def open_users():
    from kb.store.audit import AuditLog
    from kb.store.store import Store
    from kb.store.users import Users

    settings = get_settings()
    catalog = Store(settings).catalog
    return Users(catalog, settings.auth), AuditLog(catalog, settings.audit_retention_days)


@click.group("users")
def users_group() -> None:
    """Users and their groups. Once a user exists, the app asks everyone to sign in."""


@users_group.command("add")
@click.argument("name")
@click.option("--groups", default="", help="Comma-separated groups, e.g. finance,office.")
@click.option("--admin", is_flag=True, help="May manage users and document access.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(name: str, groups: str, admin: bool, password_stdin: bool) -> None:
    users, audit = open_users()
    u = users.add(name, _read_password(password_stdin), groups, admin)
    audit.append("operator", "user_add", name, groups=u.groups, admin=u.admin)
    click.echo(
        f"已添加用户 {name}（组：{', '.join(u.groups) or '无'}{'，管理员' if admin else ''}）"
    )


@users_group.command("token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Revoke all of NAME's tokens instead.")
def users_token(name: str, revoke: bool) -> None:
    """Issue a bearer token for the HTTP API (printed once; only its hash is kept)."""
    users, audit = open_users()
    if revoke:
        n = users.revoke_tokens(name)
        audit.append("operator", "token_revoke", name, count=n)
        click.echo(f"已撤销 {name} 的 {n} 个令牌", err=True)
        return
    token = users.issue_token(name)
    audit.append("operator", "token_issue", name)
    click.echo(token)  # stdout carries only the token: TOKEN=$(kb users token NAME)
    click.echo(f"{name} 的 API 令牌（只显示这一次）：Authorization: Bearer <令牌>", err=True)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    users, _ = open_users()
    rows = [u.__dict__ for u in users.list_users()]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("还没有用户：应用对所有人开放。用 `kb users add NAME` 添加。")
    for r in rows:
        admin = "管理员" if r["admin"] else ""
        click.echo(f"{r['name']}\t{','.join(r['groups']) or '-'}\t{admin}\t{r['created_at']}")


@users_group.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    users, audit = open_users()
    users.remove(name)
    audit.append("operator", "user_remove", name)
    click.echo(f"已删除用户 {name}")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_passwd(name: str, password_stdin: bool) -> None:
    users, audit = open_users()
    users.passwd(name, _read_password(password_stdin))
    audit.append("operator", "passwd", name)
    click.echo(f"已更新 {name} 的密码")


@users_group.command("groups")
@click.argument("name")
@click.argument("groups")
@click.option("--admin/--no-admin", default=None, help="Also grant or withdraw admin rights.")
def users_groups(name: str, groups: str, admin: bool | None) -> None:
    """Set a user's groups (comma-separated; "" for none)."""
    users, audit = open_users()
    u = users.set_groups(name, groups, admin)
    audit.append("operator", "user_groups", name, groups=u.groups, admin=u.admin)
    click.echo(f"{name} 的组：{', '.join(u.groups) or '无'}{'（管理员）' if u.admin else ''}")


@click.command("audit")
@click.option("--user", "user_name", default=None, help="Only this user's entries.")
@click.option("--since", default=None, help="Only entries from this date (YYYY-MM-DD) on.")
@click.option(
    "--limit", type=click.IntRange(1), default=None, help="At most this many, newest first."
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete the entries older than KB_AUDIT_RETENTION_DAYS and exit (on PostgreSQL: as "
    "the database owner, since the app's role may not delete them).",
)
def audit_cmd(
    user_name: str | None, since: str | None, limit: int | None, as_json: bool, prune: bool
) -> None:
    """Who asked what and which documents were cited; uploads, access and user changes."""
    _, audit = open_users()
    if prune:
        click.echo(f"删除了 {audit.prune()} 条超过保留期的审计记录", err=True)
        return
    entries = audit.entries(user_name, since, limit)
    if as_json:
        print_json([e.to_dict() for e in entries])
        return
    for e in entries:
        click.echo(
            f"{zh.when(e.ts)}\t{e.user}\t{zh.action(e.action)}\t{e.target or '-'}\t"
            f"{zh.detail(e.detail)}"
        )
    click.echo(f"共 {len(entries)} 条。", err=True)
