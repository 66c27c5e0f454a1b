"""Users and sign-in, stored in the catalog (so a move to a server database carries them).

Passwords are hashed with scrypt (memory-hard, in the standard library: no native wheel to
install); only the hash is stored, and no message or log carries a password. A user name is
1-64 (``auth.max_username_chars``) letters, digits, Chinese characters or ._-@: a name
outside that is refused at sign-in before anything is looked up, and the audit trail keeps
only a short printable prefix of it (``shown_name``).

Failed sign-ins are rows (key, time) in ``login_failures``, forgotten after the window
(``auth.window_minutes``); the limits are ``kb.core.settings.AuthSettings``. Guessing must be
slow, yet nobody may lock real users out by trying names that do not exist, e.g. from a
proxy that every user shares:

- ``user:NAME`` counts every failure under a well-formed name, existing or not (so a locked
  name tells nothing about whether it exists). ``max_failures`` lock the name: even its right
  password waits.
- ``addr:IP NAME`` counts failures under existing names from an address. An address that has
  failed for ``max_failures`` different existing names (password spraying) waits, whoever
  signs in from it; one user mistyping their own password locks only their name.
- ``unknown:IP`` counts failures from an address under names that do not exist (or are
  malformed), apart from ``addr:``: it never locks the address. Once an address has
  ``max_failures`` of them, its wrong guesses are answered "wait" and those under unknown
  names are no longer stored (the counter stays bounded, and one address cannot fill the
  global counter), while an existing user's right password still signs in from it.
- ``global`` counts every stored failure; ``global_failures_per_minute`` of them in the last
  minute make every sign-in wait (checked before the password) until the minute has passed:
  guessing spread over many names and addresses is throttled, and the table stays bounded.

Only stored failures are audited (``sign_in_failed``, with the address and what it locked),
so the audit trail grows no faster than the limits allow. The address is the client's as
``kb.core.proxies.client_address`` finds it behind ``auth.trusted_proxies``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass

from kb.core.errors import AuthError, LockedOut
from kb.core.settings import AuthSettings
from kb.store.access import Principal, parse_groups
from kb.store.audit import AuditLog
from kb.store.catalog import Catalog
from kb.store.passwords import DUMMY_HASH, check_password, hash_password

MIN_PASSWORD = 8
TOKEN_PREFIX = "kb-"  # recognisable in a leaked config file or a secret scanner
_NAME_CHARS = re.compile(r"[\w.\-@\u4e00-\u9fff]+")


@dataclass
class User:
    name: str
    groups: list[str]
    admin: bool
    created_at: str

    def principal(self) -> Principal:
        return Principal(self.name, frozenset(self.groups), self.admin)


def shown_name(name: str, limit: int = 64) -> str:
    """``name`` fit to store or show: at most ``limit`` characters, each printable (others,
    NUL and lone surrogates included, become U+FFFD), and "…" when it was cut."""
    kept = "".join(c if c.isprintable() else "\ufffd" for c in (name or "")[:limit])
    return kept + ("…" if len(name or "") > limit else "")


class Users:
    def __init__(self, catalog: Catalog, auth: AuthSettings | None = None) -> None:
        self.catalog = catalog
        self.auth = auth or AuthSettings()

    def valid_name(self, name: str) -> bool:
        n = self.auth.max_username_chars
        return bool(name) and len(name) <= n and _NAME_CHARS.fullmatch(name) is not None

    # ---- reading
    def exist(self) -> bool:
        with self.catalog.connect() as con:
            return con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def list_users(self) -> list[User]:
        with self.catalog.connect() as con:
            rows = con.execute(
                "SELECT name, groups, admin, created_at FROM users ORDER BY name"
            ).fetchall()
        return [
            User(r["name"], json.loads(r["groups"]), bool(r["admin"]), r["created_at"])
            for r in rows
        ]

    def get(self, name: str) -> User | None:
        return next((u for u in self.list_users() if u.name == name), None)

    def principal(self, name: str) -> Principal:
        """The access of a named user (for the operator's ``--user NAME``)."""
        u = self.get(name)
        if u is None:
            raise AuthError(f"no user named {shown_name(name)!r} (see `kb users list`)")
        return u.principal()

    # ---- changing
    def add(
        self, name: str, password: str, groups: list[str] | str | None = None, admin: bool = False
    ) -> User:
        if not self.valid_name(name):
            raise AuthError(
                f"invalid user name {shown_name(name)!r}: 1-{self.auth.max_username_chars} "
                "letters, digits, Chinese characters or ._-@"
            )
        _check_strength(password)
        gs = parse_groups(groups)
        with self.catalog.connect() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AuthError(f"user {name!r} already exists")
            con.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                (name, hash_password(password), json.dumps(gs, ensure_ascii=False), int(admin),
                 time.strftime("%Y-%m-%dT%H:%M:%S")),
            )  # fmt: skip
            # failures under the name before it existed were a stranger's, not the user's
            con.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name}",))
        return User(name, gs, admin, time.strftime("%Y-%m-%dT%H:%M:%S"))

    def remove(self, name: str) -> None:
        with self.catalog.connect() as con:
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AuthError(f"no user named {name!r}")
            # their conversations go with them (feedback stays: it feeds the evals)
            con.execute('DELETE FROM conversations WHERE "user" = ?', (name,))

    def passwd(self, name: str, password: str) -> None:
        _check_strength(password)
        with self.catalog.connect() as con:
            n = con.execute(
                "UPDATE users SET password = ? WHERE name = ?", (hash_password(password), name)
            ).rowcount
            if not n:
                raise AuthError(f"no user named {name!r}")
            con.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name}",))
            # a new password signs the user out everywhere (the old one may have leaked)
            con.execute('DELETE FROM sessions WHERE "user" = ?', (name,))

    def set_groups(self, name: str, groups: list[str] | str, admin: bool | None = None) -> User:
        gs = parse_groups(groups)
        with self.catalog.connect() as con:
            n = con.execute(
                "UPDATE users SET groups = ? WHERE name = ?",
                (json.dumps(gs, ensure_ascii=False), name),
            ).rowcount
            if not n:
                raise AuthError(f"no user named {name!r}")
            if admin is not None:
                con.execute("UPDATE users SET admin = ? WHERE name = ?", (int(admin), name))
        u = self.get(name)
        assert u is not None
        return u

    # ---- API bearer tokens (only their SHA-256 is stored)
    def issue_token(self, name: str) -> str:
        """A new random bearer token for ``name``; shown once, never stored in clear."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.catalog.connect() as con:
            if not con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AuthError(f"no user named {name!r}")
            con.execute(
                "INSERT INTO api_tokens VALUES (?, ?, ?)",
                (_token_hash(token), name, time.strftime("%Y-%m-%dT%H:%M:%S")),
            )
        return token

    def revoke_tokens(self, name: str) -> int:
        """Revoke every token of ``name``; how many there were."""
        with self.catalog.connect() as con:
            if not con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AuthError(f"no user named {name!r}")
            return con.execute('DELETE FROM api_tokens WHERE "user" = ?', (name,)).rowcount

    def token_principal(self, token: str) -> Principal | None:
        """The Principal a bearer token stands for (groups read now), or None."""
        if not token or len(token) > 200:
            return None
        with self.catalog.connect() as con:
            row = con.execute(
                "SELECT u.name, u.groups, u.admin FROM api_tokens t "
                'JOIN users u ON u.name = t."user" WHERE t.token_hash = ?',
                (_token_hash(token),),
            ).fetchone()
        if row is None:
            return None
        return Principal(row["name"], frozenset(json.loads(row["groups"])), bool(row["admin"]))

    # ---- app sessions (the browser keeps the token in a cookie; only its hash is stored)
    def start_session(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        expires = time.time() + self.auth.session_hours * 3600
        with self.catalog.connect() as con:
            con.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)",
                (_token_hash(token), name, time.strftime("%Y-%m-%dT%H:%M:%S"), expires),
            )
        return token

    def session_user(self, token: str | None) -> User | None:
        """The user of an unexpired session, or None."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return None
        with self.catalog.connect() as con:
            row = con.execute(
                'SELECT "user" FROM sessions WHERE token_hash = ? AND expires > ?',
                (_token_hash(token), time.time()),
            ).fetchone()
        return self.get(row[0]) if row else None

    def end_session(self, token: str | None) -> None:
        if token:
            with self.catalog.connect() as con:
                con.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))

    def token_failed(self, address: str, per_minute: int) -> float:
        """Count an invalid bearer token from ``address`` where every replica sees it (a
        shared store): seconds to wait, 0 while under ``per_minute`` in the last minute."""
        now, key = time.time(), f"token:{_address_key(address)}"
        with self.catalog.connect() as con:
            con.execute("DELETE FROM login_failures WHERE key = ? AND ts < ?", (key, now - 60))
            times = _times(con, key, now - 60)
            if len(times) >= per_minute:
                return times[0] + 60 - now
            con.execute("INSERT INTO login_failures VALUES (?, ?)", (key, now))
        return 0.0

    # ---- signing in (how failures are counted: the module docstring)
    def authenticate(
        self, name: str, password: str, address: str = "", audit: AuditLog | None = None
    ) -> Principal:
        """The user's Principal, or AuthError (a malformed name says so; a wrong name or
        password: one message for both) or LockedOut (too many failures: wait). ``address``:
        the client's (``client_address``), "" when unknown; ``audit`` is told of each sign-in
        and of each failure that is counted."""
        now, well_formed, address = time.time(), self.valid_name(name), _address_key(address)
        win, most = self.auth.window_minutes * 60, self.auth.max_failures
        with self.catalog.connect() as con:
            con.execute("DELETE FROM login_failures WHERE ts < ?", (now - max(win, 60),))
            wait = self._wait(con, now, name if well_formed else None, address)
            find = "SELECT password, groups, admin FROM users WHERE name = ?"
            row = con.execute(find, (name,)).fetchone() if well_formed and not wait else None
            unknown = _times(con, f"unknown:{address}", now - win) if address else []
        if wait:
            raise LockedOut(wait)
        # a name that does not exist costs a check too (names cannot be probed by timing)
        ok = well_formed and check_password(password, row["password"] if row else DUMMY_HASH)
        if ok and row is not None:
            with self.catalog.connect() as con:
                con.execute(
                    "DELETE FROM login_failures WHERE key IN (?, ?)",
                    (f"user:{name}", f"addr:{address} {name}"),
                )
            if audit:
                audit.append(name, "sign_in", address=address)
            return Principal(name, frozenset(json.loads(row["groups"])), bool(row["admin"]))
        flooded = len(unknown) >= most  # this address tried too many invented names
        if row is not None or not flooded:
            self._fail(now, name, well_formed, address, row is not None, audit)
        if not well_formed:
            n = self.auth.max_username_chars
            raise AuthError(f"用户名无效：应为 1-{n} 个字母、数字、汉字或 ._-@ 字符。")
        if flooded:
            raise LockedOut(_wait_message(_until(unknown, most, win, now)))
        raise AuthError("用户名或密码错误。")

    def _wait(self, con, now: float, name: str | None, address: str) -> str:
        """Why this attempt must wait (checked before the password), or ""."""
        a, win = self.auth, self.auth.window_minutes * 60
        wait = _until(_times(con, "global", now - 60), a.global_failures_per_minute, 60, now)
        if wait > 0:
            return f"登录失败过于频繁，请 {int(wait) + 1} 秒后再试。"
        if name is not None:
            wait = _until(_times(con, f"user:{name}", now - win), a.max_failures, win, now)
        if address:
            names = _sprayed(con, address, now - win)
            wait = max(wait, _until(names, a.max_failures, win, now))
        return _wait_message(wait) if wait > 0 else ""

    def _fail(
        self,
        now: float,
        name: str,
        well_formed: bool,
        address: str,
        exists: bool,
        audit: AuditLog | None,
    ) -> None:
        """Count a failure, and audit it with the counters it brought to their limit."""
        a, win = self.auth, self.auth.window_minutes * 60
        keys = ["global"] + ([f"user:{name}"] if well_formed else [])
        if address:
            keys.append(f"addr:{address} {name}" if exists else f"unknown:{address}")
        with self.catalog.connect() as con:
            con.executemany("INSERT INTO login_failures VALUES (?, ?)", [(k, now) for k in keys])
            counts = {
                "all": (_times(con, "global", now - 60), a.global_failures_per_minute),
                "user": (_times(con, f"user:{name}", now - win) if well_formed else [], a.max_failures),
                "address": (_sprayed(con, address, now - win) if exists else [], a.max_failures),
                "unknown_names": (
                    _times(con, f"unknown:{address}", now - win) if address and not exists else [],
                    a.max_failures,
                ),
            }  # fmt: skip
        if audit:
            detail: dict = {"address": address}
            if not exists:
                detail["name"] = "unknown" if well_formed else "malformed"
            if locked := [k for k, (times, limit) in counts.items() if len(times) >= limit]:
                detail["locked"] = locked
            shown = shown_name(name, self.auth.max_username_chars) or "-"
            audit.append(shown, "sign_in_failed", **detail)


def _times(con, key: str, since: float) -> list[float]:
    """When ``key`` failed since ``since``, oldest first."""
    rows = con.execute(
        "SELECT ts FROM login_failures WHERE key = ? AND ts >= ? ORDER BY ts", (key, since)
    )
    return [r[0] for r in rows]


def _sprayed(con, address: str, since: float) -> list[float]:
    """The latest failure from ``address`` under each existing name it failed for, oldest
    first (names hold no space; a prefix test, not a range: PostgreSQL's collations may
    ignore spaces when they compare)."""
    prefix = f"addr:{address} "
    rows = con.execute(
        "SELECT MAX(ts) FROM login_failures WHERE substr(key, 1, ?) = ? AND ts >= ? "
        "GROUP BY key ORDER BY 1",
        (len(prefix), prefix, since),
    )
    return [r[0] for r in rows]


def _until(times: list[float], n: int, span: float, now: float) -> float:
    """Seconds until fewer than ``n`` of ``times`` (ascending) lie within ``span`` of now."""
    return times[-n] + span - now if len(times) >= n else 0.0


def _wait_message(seconds: float) -> str:
    return f"登录失败次数过多，请 {int(seconds) // 60 + 1} 分钟后再试。"


def _address_key(address: str) -> str:
    """``address`` as part of a counter key: printable, no spaces, at most 64 characters."""
    return re.sub(r"\s", "_", shown_name((address or "").strip()))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"password too short: at least {MIN_PASSWORD} characters")
