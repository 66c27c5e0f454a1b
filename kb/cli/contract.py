"""`kb schema`: the published contract (kb/core/contract.py) as JSON Schema."""

from __future__ import annotations

import click

from kb.cli.common import print_json


@click.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of every --json output and API response."""
    from kb.core.contract import schema

    print_json(schema())
