"""The access tests of ``test_access.py``, unchanged, with every store in PostgreSQL: who may
see what, sign-in limits, tokens and the audit trail hold on the shared backend too."""

from __future__ import annotations

import psycopg
import pytest

from tests.test_access import *  # noqa: F403 - the same tests, collected again here
from tests.test_access import store  # noqa: F401 - its fixture


@pytest.fixture(autouse=True)
def _postgres(on_postgres, request):
    """Before the ``store`` fixture builds: every store of the test is in PostgreSQL."""
    yield
    if "store" in request.fixturenames:  # it really was there, not in a SQLite file
        s = request.node.funcargs["store"]
        assert s.database_url and not (s.home / "catalog.sqlite").exists()
        with psycopg.connect(s.database_url) as con:
            assert con.execute("SELECT COUNT(*) FROM users").fetchone()[0] >= 2
            assert con.execute("SELECT COUNT(*) FROM chunk_vectors").fetchone()[0] > 0
