"""Fault injection for the crash-safety tests: a named point where the process kills itself
with SIGKILL when KB_CRASH_AT names it. Costs one dictionary lookup otherwise."""

from __future__ import annotations

import os
import signal


def checkpoint(name: str) -> None:
    if os.environ.get("KB_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
