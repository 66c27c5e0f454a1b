"""What the commands share: settings read once at the edge, JSON output, the --user option.

Nothing heavy is imported here or at the top of any command module: `kb --help` loads click
and these few lines; a command imports what it needs when it runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kb.core.settings import Settings


def get_settings() -> Settings:
    from pydantic import ValidationError

    from kb.core.settings import Settings
    from kb.core.zh import validation

    try:
        return Settings()
    except ValidationError as e:
        first = e.errors()[0]
        raise click.ClickException(
            f"设置 KB_{'__'.join(map(str, first['loc'])).upper()} 有误：{validation(first)}"
        ) from e


def print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def user_option(f):
    return click.option(
        "--user",
        "user_name",
        default=None,
        metavar="NAME",
        help="See only what this user may read (default: the operator sees every document).",
    )(f)


def principal(catalog, name: str | None):
    """The named user's access, or None (the operator) when no name is given."""
    if not name:
        return None
    from kb.store.users import Users

    return Users(catalog).principal(name)


def ensure_ingested(settings: Settings, quiet: bool = False) -> None:
    """Build the store from the corpus on a fresh checkout (imported here, when it runs)."""
    from ingest.pipeline import ensure_ingested as build

    build(settings, quiet)
