"""Sign-in abuse by someone without an account: names of any size, guessing across many
names and addresses, spoofed X-Forwarded-For, and a proxy every user shares. What is judged
is what a user or an operator notices: the message, who can still sign in, how big the
catalog grows, what the audit trail holds."""

from __future__ import annotations

import os
import sys
import time
from types import SimpleNamespace

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from kb.api import create_app
from kb.cli import main
from kb.core.proxies import client_address
from kb.core.settings import AuthSettings, Settings
from kb.knowledge import KnowledgeBase
from kb.store.audit import AuditLog
from kb.store.catalog import Catalog
from kb.store.users import AuthError, Users
from tests.conftest import ROOT, free_port, serving, settings_env
from tests.test_access import build

PW = "correct horse battery"


def open_users(tmp_path, **limits) -> tuple[Users, AuditLog]:
    catalog = Catalog(tmp_path / "kb" / "catalog.sqlite")
    users = Users(catalog, AuthSettings(**limits))
    for name in ("alice", "bob"):
        users.add(name, PW)
    return users, AuditLog(catalog, 180)


def catalog_bytes(users: Users) -> int:
    path = users.catalog.path
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def refused(users: Users, name: str, address: str, audit=None, password="guess") -> str:
    with pytest.raises(AuthError) as e:
        users.authenticate(name, password, address, audit=audit)
    return f"{type(e.value).__name__}: {e.value}"


# ---------------------------------------------------------------- names of any size
def test_an_overlong_or_malformed_name_is_refused_clearly_and_stored_bounded(tmp_path):
    users, audit = open_users(tmp_path)
    before = catalog_bytes(users)
    megabyte = "王" * 1_000_000
    names = [megabyte, "a" * 65, "x\x00y", "bob\n", "\ud800bob", "alice" + "\x1b[31m" * 200_000]
    for name in names:
        msg = refused(users, name, "198.51.100.7", audit)
        assert msg.startswith("AuthError: 用户名无效") and "64" in msg, msg
    # six 1 MB attempts once grew the catalog by 18 MB; now they leave a few rows
    assert catalog_bytes(users) - before < 100_000
    entries = [e for e in audit.entries() if e.action == "sign_in_failed"]
    assert entries and all(len(e.user) <= 65 and e.user.isprintable() for e in entries)
    assert entries[-1].user.startswith("王" * 64) and entries[-1].detail["name"] == "malformed"
    with users.catalog.connect() as con:
        assert max(len(k) for (k,) in con.execute("SELECT key FROM login_failures")) < 100
    assert users.authenticate("bob", PW, "198.51.100.7").name == "bob"


def test_kb_users_add_refuses_an_invalid_name_clearly(tmp_path, monkeypatch):
    settings_env(monkeypatch, Settings(home=tmp_path / "kb", progress=False))
    for name in ("王" * 100_000, "tab\tname", "bell\x07name"):
        r = CliRunner().invoke(main, ["users", "add", name, "--password-stdin"], input=PW + "\n")
        assert r.exit_code != 0 and "invalid user name" in r.output, r.output
        assert "1-64 letters" in r.output and len(r.output) < 400  # the name is cut short
    r = CliRunner().invoke(main, ["users", "add", "张三", "--password-stdin"], input=PW + "\n")
    assert r.exit_code == 0, r.output
    listed = CliRunner().invoke(main, ["users", "list"])
    assert listed.exit_code == 0 and listed.output.startswith("张三"), listed.output


# ---------------------------------------------------------------- who counts as whom
def test_invented_names_from_a_shared_address_do_not_lock_out_real_users(tmp_path):
    users, audit = open_users(tmp_path)
    proxy = "10.0.0.1"  # every user arrives from the proxy's address
    messages = [refused(users, f"intruder{i}", proxy, audit) for i in range(20)]
    assert messages[:5] == ["AuthError: 用户名或密码错误。"] * 5
    assert set(messages[5:]) == {"LockedOut: 登录失败次数过多，请 15 分钟后再试。"}
    # ...yet the users behind the proxy sign in, and alice mistyping her own password five
    # times locks her name only, not the address bob shares with her
    assert users.authenticate("bob", PW, proxy).name == "bob"
    for _ in range(5):
        refused(users, "alice", proxy)
    assert refused(users, "alice", proxy, password=PW).startswith("LockedOut")
    assert users.authenticate("bob", PW, proxy).name == "bob"
    # the invented names left a bounded trail: five counted (and audited), the rest refused
    assert len([e for e in audit.entries() if e.detail.get("name") == "unknown"]) == 5
    assert [e.detail.get("locked") for e in audit.entries()][-5] == ["unknown_names"]


def test_failing_for_many_real_names_from_one_address_locks_that_address(tmp_path):
    users, _ = open_users(tmp_path)
    for name in ("carol", "dave", "erin"):
        users.add(name, PW)
    sprayer = "203.0.113.9"
    for name in ("alice", "bob", "carol", "dave", "erin"):  # one common password for each
        refused(users, name, sprayer, password="Passw0rd!")
    assert refused(users, "bob", sprayer, password=PW).startswith("LockedOut")
    assert users.authenticate("bob", PW, "203.0.113.10").name == "bob"  # elsewhere: fine


def test_a_global_limit_throttles_guessing_across_many_names_and_addresses(tmp_path, monkeypatch):
    users, _ = open_users(tmp_path, global_failures_per_minute=10)
    for i in range(10):  # each guess from a new address under a new name
        assert refused(users, f"guess{i}", f"192.0.2.{i}").startswith("AuthError: 用户名或密码")
    msg = refused(users, "bob", "192.0.2.200", password=PW)  # even a right password waits...
    assert msg.startswith("LockedOut: 登录失败过于频繁") and "秒后再试" in msg
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert users.authenticate("bob", PW, "192.0.2.200").name == "bob"  # ...for a minute
    with users.catalog.connect() as con:  # what was stored is bounded by the limits
        assert con.execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] <= 30


def test_x_forwarded_for_is_believed_only_from_trusted_proxies():
    trusted = ["10.0.0.0/8", "2001:db8:ff::1"]
    xff = ["6.6.6.6, 198.51.100.7", "10.0.0.9"]  # two headers; the left part is the client's
    assert client_address("203.0.113.5", xff, []) == "203.0.113.5"
    assert client_address("203.0.113.5", xff, trusted) == "203.0.113.5"  # not a proxy
    assert client_address("10.0.0.5", xff, trusted) == "198.51.100.7"  # skips 10.0.0.9
    assert client_address("2001:db8:ff::1", ["[2001:db8::7]:443"], trusted) == "2001:db8::7"
    assert client_address("10.0.0.5", ["198.51.100.7:8080"], trusted) == "198.51.100.7"
    assert client_address("10.0.0.5", [], trusted) == "10.0.0.5"
    assert client_address("::ffff:10.0.0.5", ["192.0.2.1"], trusted) == "192.0.2.1"


# ---------------------------------------------------------------- through the API
@pytest.fixture(scope="module")
def api_store(tmp_path_factory) -> Settings:
    s = build(tmp_path_factory.mktemp("signin-api"), secret=False)
    KnowledgeBase.open(s).users.add("alice", PW)
    return s


def api(s: Settings, **auth) -> tuple:
    kb = KnowledgeBase.open(s.model_copy(update={"auth": AuthSettings(**auth)}))
    return create_app(kb.settings, kb=kb), kb.users.issue_token("alice")


def docs(client: TestClient, token: str = "kb-not-a-token", xff: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} | ({"X-Forwarded-For": xff} if xff else {})
    return client.get("/v1/docs", headers=headers).status_code


def test_the_api_counts_invalid_tokens_per_client_address(api_store):
    app, token = api(api_store, invalid_tokens_per_minute=3)
    one, other = (TestClient(app, client=(ip, 50000)) for ip in ("203.0.113.7", "198.51.100.9"))
    assert [docs(one) for _ in range(4)] == [401, 401, 401, 429]
    r = one.get("/v1/docs", headers={"Authorization": "Bearer kb-wrong"})
    assert (
        r.json()["error"]["type"] == "rate_limited" and "retry in" in r.json()["error"]["message"]
    )
    assert docs(other) == 401  # another address has its own count
    assert docs(one, token) == 200  # a valid token is never refused


def test_the_api_reads_x_forwarded_for_only_from_a_trusted_proxy(api_store):
    app, token = api(api_store, invalid_tokens_per_minute=3, trusted_proxies=["10.0.0.0/8"])
    stranger = TestClient(app, client=("203.0.113.7", 50000))
    # a new X-Forwarded-For on every request from an untrusted peer changes nothing
    assert [docs(stranger, xff=f"192.0.2.{i}") for i in range(4)] == [401, 401, 401, 429]
    proxy = TestClient(app, client=("10.0.0.5", 50000))
    # behind the proxy the client is the hop it appended: rotating the left part is no help
    codes = [docs(proxy, xff=f"192.0.2.{i}, 198.51.100.7") for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert docs(proxy, xff="198.51.100.8") == 401  # another client behind the same proxy
    assert docs(proxy, token, xff="198.51.100.7") == 200


def test_kb_serve_on_loopback_counts_the_real_peer_not_the_header(api_store):
    """The documented deployment: `kb serve` on 127.0.0.1; a header from a loopback client
    is not a proxy's and does not make each request a new address."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {
        "KB_HOME": str(api_store.home), "KB_CORPUS_DIR": str(api_store.corpus_dir),
        "KB_PROJECT_ROOT": str(api_store.project_root), "KB_EMBED_MODEL": api_store.embed_model,
        "KB_PROGRESS": "false", "KB_AUTH__INVALID_TOKENS_PER_MINUTE": "3",
    }  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "kb.cli", "serve", "--port", str(port)]
    with serving(cmd, env, f"{url}/v1/health", ROOT / "artifacts" / "serve-signin.log", "kb serve"):
        codes = [
            httpx.get(f"{url}/v1/docs", headers={"Authorization": "Bearer kb-x",
                                                 "X-Forwarded-For": f"192.0.2.{i}"}).status_code
            for i in range(4)
        ]  # fmt: skip
    assert codes == [401, 401, 401, 429]


# ---------------------------------------------------------------- through the app
def test_the_app_counts_sign_ins_under_the_loopback_address(tmp_path, monkeypatch):
    s = build(tmp_path, secret=False)
    settings_env(monkeypatch, s)
    users = Users(KnowledgeBase.open(s).store.catalog)
    users.add("bob", PW)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.run()

    def sign_in(name: str, password: str) -> list[str]:
        at.text_input[0].set_value(name)
        at.text_input[1].set_value(password)
        at.button[0].click().run()
        assert not at.exception
        return [e.value for e in at.error]

    shown = [sign_in(f"intruder{i}", "guess") for i in range(6)]
    assert shown[0] == ["用户名或密码错误。"] and "登录失败次数过多" in shown[5][0]
    assert sign_in("bob", PW) == [] and any("已登录：**bob**" in c.value for c in at.caption)
    entries = AuditLog(users.catalog, 180).entries()
    assert {e.detail["address"] for e in entries} == {"127.0.0.1"}  # not "" any more
    assert [e.action for e in entries].count("sign_in_failed") == 5


def test_the_app_believes_no_forwarded_address_its_server_took_from_a_loopback_peer(
    monkeypatch,
):
    """Streamlit's server (uvicorn) itself puts an X-Forwarded-For hop in place of a loopback
    peer; the app counts such a session under 127.0.0.1 unless that is a trusted proxy."""
    from app import state

    ctx = SimpleNamespace(ip_address="192.0.2.9", headers=SimpleNamespace(get_all=None))
    monkeypatch.setattr(state, "st", SimpleNamespace(context=ctx))
    ctx.headers.get_all = lambda key: ["192.0.2.9"] if key == "X-Forwarded-For" else []
    assert state.client_address_here([]) == "127.0.0.1"
    assert state.client_address_here(["127.0.0.1"]) == "192.0.2.9"
    ctx.headers.get_all = lambda key: []  # a direct peer on the network
    assert state.client_address_here(["127.0.0.1"]) == "192.0.2.9"
    ctx.ip_address = None  # what Streamlit reports for a loopback browser
    assert state.client_address_here([]) == "127.0.0.1"
