"""The size limits of the code (tests aside): no module over 400 lines, no function over 80.
A long module or function is where several things got mixed; `make test` runs this.

    .venv/bin/python tests/sizes.py        # exit 1 and a list of offenders, if any
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kb", "ingest", "app", "evals", "benchmarks")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def offenders(root: Path = ROOT) -> list[str]:
    out = []
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            src = path.read_text(encoding="utf-8")
            rel = path.relative_to(root)
            n = len(src.splitlines())
            if n > MAX_MODULE_LINES:
                out.append(f"{rel}: {n} lines (limit {MAX_MODULE_LINES})")
            for node in ast.walk(ast.parse(src, str(rel))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        out.append(
                            f"{rel}:{node.lineno}: {node.name}() is {length} lines "
                            f"(limit {MAX_FUNCTION_LINES})"
                        )
    return out


if __name__ == "__main__":
    found = offenders()
    for line in found:
        print(line, file=sys.stderr)
    sys.exit(1 if found else 0)
