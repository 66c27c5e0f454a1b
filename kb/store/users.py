"""Users and sign-in, stored in the catalog (so a move to a server database carries them).

Passwords are hashed with scrypt (memory-hard, in the standard library: no native wheel to
install); only the hash is stored, and no message or log carries a password. Sign-in failures
are counted per user and per address: after MAX_FAILURES within WINDOW_S further attempts are
refused until the window has passed, even with the right password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

from kb.core.errors import AuthError, LockedOut
from kb.store.access import Principal, parse_groups
from kb.store.catalog import Catalog

# scrypt cost: 2^14 x 8 x 128 B = 16 MiB and ~50 ms per check (OWASP's minimum for scrypt).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5
WINDOW_S = 15 * 60
MIN_PASSWORD = 8
TOKEN_PREFIX = "kb-"  # recognisable in a leaked config file or a secret scanner
_NAME = re.compile(r"[\w.\-@\u4e00-\u9fff]{1,64}")


@dataclass
class User:
    name: str
    groups: list[str]
    admin: bool
    created_at: str

    def principal(self) -> Principal:
        return Principal(self.name, frozenset(self.groups), self.admin)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    h = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(h).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, want = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 2**20,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(want))


# Checked against when the user does not exist, so a wrong name costs as long as a wrong
# password (names cannot be probed by timing): the same scrypt parameters, a random salt and a
# random digest no password produces. Made without hashing (60 ms every process start).
_DUMMY = "$".join(
    ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P)]
    + [base64.b64encode(secrets.token_bytes(n)).decode() for n in (16, 64)]
)


class Users:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

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
            raise AuthError(f"no user named {name!r} (see `kb users list`)")
        return u.principal()

    # ---- changing
    def add(
        self, name: str, password: str, groups: list[str] | str | None = None, admin: bool = False
    ) -> User:
        if not _NAME.fullmatch(name or ""):
            raise AuthError(
                f"invalid user name {name!r}: 1-64 letters, digits, Chinese characters or ._-@"
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
        return User(name, gs, admin, time.strftime("%Y-%m-%dT%H:%M:%S"))

    def remove(self, name: str) -> None:
        with self.catalog.connect() as con:
            if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AuthError(f"no user named {name!r}")

    def passwd(self, name: str, password: str) -> None:
        _check_strength(password)
        with self.catalog.connect() as con:
            n = con.execute(
                "UPDATE users SET password = ? WHERE name = ?", (hash_password(password), name)
            ).rowcount
            if not n:
                raise AuthError(f"no user named {name!r}")
            con.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name}",))

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
            return con.execute("DELETE FROM api_tokens WHERE user = ?", (name,)).rowcount

    def token_principal(self, token: str) -> Principal | None:
        """The Principal a bearer token stands for (groups read now), or None."""
        if not token or len(token) > 200:
            return None
        with self.catalog.connect() as con:
            row = con.execute(
                "SELECT u.name, u.groups, u.admin FROM api_tokens t "
                "JOIN users u ON u.name = t.user WHERE t.token_hash = ?",
                (_token_hash(token),),
            ).fetchone()
        if row is None:
            return None
        return Principal(row["name"], frozenset(json.loads(row["groups"])), bool(row["admin"]))

    # ---- signing in
    def authenticate(self, name: str, password: str, address: str = "") -> Principal:
        """The user's Principal, or AuthError (wrong name or password: one message for both)
        or LockedOut (too many recent failures for this user or this address)."""
        keys = [f"user:{name}"] + ([f"addr:{address}"] if address else [])
        now = time.time()
        with self.catalog.connect() as con:
            con.execute("DELETE FROM login_failures WHERE ts < ?", (now - WINDOW_S,))
            for key in keys:
                rows = con.execute(
                    "SELECT ts FROM login_failures WHERE key = ? ORDER BY ts", (key,)
                ).fetchall()
                if len(rows) >= MAX_FAILURES:
                    wait = int(rows[-MAX_FAILURES]["ts"] + WINDOW_S - now) // 60 + 1
                    raise LockedOut(f"登录失败次数过多，请 {wait} 分钟后再试。")
            row = con.execute(
                "SELECT password, groups, admin FROM users WHERE name = ?", (name,)
            ).fetchone()
        ok = check_password(password, row["password"] if row else _DUMMY) and row is not None
        with self.catalog.connect() as con:
            if not ok:
                con.executemany(
                    "INSERT INTO login_failures VALUES (?, ?)", [(k, now) for k in keys]
                )
            else:
                con.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name}",))
        if not ok:
            raise AuthError("用户名或密码错误。")
        return Principal(name, frozenset(json.loads(row["groups"])), bool(row["admin"]))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"password too short: at least {MIN_PASSWORD} characters")
