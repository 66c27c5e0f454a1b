"""Signed-in sessions of the app (issue 20: a reload signed the user out), on both backends:
the browser's token stands for its user until it expires, is ended, or the user is removed or
given a new password; only a hash of it is stored. The browser side (a reload and a new tab
stay signed in, a sign-out ends it) is tests/test_browser.py's sign-in test."""

from __future__ import annotations

import time

import pytest

from kb.core.settings import AuthSettings
from kb.store.catalog import Catalog
from kb.store.db import open_database
from kb.store.users import Users
from tests.conftest import make_settings

PW = "correct horse battery"


@pytest.fixture(params=["sqlite", "postgresql"])
def users(request, tmp_path) -> Users:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    catalog = Catalog(open_database(make_settings(tmp_path / "kb", database_url=url)))
    u = Users(catalog, AuthSettings(session_hours=1))
    u.add("alice", PW, ["office"])
    u.add("bob", PW)
    return u


def test_a_session_stands_for_its_user_until_it_ends(users):
    a, a2, b = (
        users.start_session("alice"),
        users.start_session("alice"),
        users.start_session("bob"),
    )
    assert len({a, a2, b}) == 3 and len(a) >= 40
    assert users.session_user(a).name == "alice" and users.session_user(b).name == "bob"
    assert users.session_user("not-a-token") is None and users.session_user(None) is None
    users.end_session(a)  # signing out in one browser
    assert users.session_user(a) is None and users.session_user(a2).name == "alice"
    users.passwd("alice", "another long password")  # a new password ends all of them
    assert users.session_user(a2) is None and users.session_user(b).name == "bob"
    users.remove("bob")
    assert users.session_user(b) is None
    with users.catalog.connect() as con:  # the token itself is never stored
        stored = [r[0] for r in con.execute("SELECT token_hash FROM sessions")]
    assert a not in stored and b not in stored


def test_a_session_expires(users, monkeypatch):
    token = users.start_session("alice")
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    assert users.session_user(token) is None
