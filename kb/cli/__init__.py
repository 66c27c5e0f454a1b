"""`kb` command line, grouped by noun: kb ingest, kb ask, kb records, kb docs list/show, ...

One module per group of commands; each imports what it needs (models, stores, llama-index,
fastapi) inside the command that runs, so `kb --help` loads click and nothing heavy
(tests/test_fast_cli.py checks which modules it loads; benchmarks/cli_start.py times it).
"""

from __future__ import annotations

import functools

import click

from kb.cli.ask import ask_cmd, brief_cmd
from kb.cli.contract import schema_cmd
from kb.cli.docs import docs, records_cmd
from kb.cli.evals import eval_group
from kb.cli.feedback import feedback_group
from kb.cli.lifecycle import diff_cmd
from kb.cli.store import doctor_cmd, ingest_cmd, serve_cmd, worker_cmd
from kb.cli.users import audit_cmd, users_group
from kb.core.errors import KBError


class _Commands(click.Group):
    """The one error handler: a ``KBError`` from any command (or sub-command) becomes click's
    one-line "Error: ..." on stderr and exit status 1, instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KBError as e:
            raise click.ClickException(str(e)) from e


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """长三角政策知识库 — ingest documents, ask cited questions."""


def _checked(cmd: click.Command) -> click.Command:
    """Every text argument and option of ``cmd`` (and its sub-commands) is checked before the
    command runs: a byte string that is not UTF-8 arrives as lone surrogates, which cannot be
    stored or printed. Paths are left alone (a file name need not be UTF-8)."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _checked(sub)
        return cmd
    texts = [p.name for p in cmd.params if not isinstance(p.type, (click.Path, click.File))]
    callback = cmd.callback

    @functools.wraps(callback)
    def run(**kwargs):
        from kb.core.input_text import check_text

        for name in texts:
            values = kwargs.get(name)
            for v in values if isinstance(values, (list, tuple)) else [values]:
                if isinstance(v, str):
                    check_text(v, name)
        return callback(**kwargs)

    cmd.callback = run
    return cmd


for _command in (
    ingest_cmd,
    worker_cmd,
    ask_cmd,
    brief_cmd,
    serve_cmd,
    doctor_cmd,
    docs,
    records_cmd,
    diff_cmd,
    eval_group,
    feedback_group,
    users_group,
    audit_cmd,
    schema_cmd,
):
    main.add_command(_checked(_command))

__all__ = ["main"]
