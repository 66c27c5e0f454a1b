"""The catalog's database: SQLite in the store folder (the default), or PostgreSQL when
``KB_DATABASE_URL`` names one, so several replicas and ingest workers share one store.

Both speak the same SQL: the store modules write portable statements (``?`` parameters,
``INSERT … ON CONFLICT``, ``"user"`` quoted) and a PostgreSQL connection here turns the
parameters into psycopg's and returns rows that read by name and by position, as
``sqlite3.Row`` does. Each operation opens a short-lived connection in one transaction."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from kb.core.errors import StoreError
from kb.core.settings import redact_url

_STORE_DIRS = ("chroma", "bm25")  # beside the catalog (Settings.chroma_path, .bm25_path)


def _private(path: Path) -> None:
    """Only the owner may read the store (password and token hashes, the audit's questions):
    folders 0700, the database and its -wal/-shm 0600 (SQLite gives those the database's
    mode, so it is made 0600 first); a store made by an older version is tightened."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
    dirs = [path.parent, *(path.parent / d for d in _STORE_DIRS)]
    for p in dirs + [path.with_name(path.name + end) for end in ("", "-wal", "-shm", "-journal")]:
        with suppress(OSError):  # missing, or not ours to change
            if (st := p.stat()).st_uid == os.geteuid():
                p.chmod(stat.S_IMODE(st.st_mode) & (0o700 if p in dirs else 0o600))


def _wal(con: sqlite3.Connection, wait: float = 30.0) -> None:
    """Put the file in WAL mode (it stays so). Changing the mode needs the file to itself and
    SQLite answers "locked" at once, without waiting, while another connection reads it (a
    new store opened by several processes together): so it is tried again, briefly."""
    deadline = time.monotonic() + wait
    while con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            con.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Database:
    """Where the catalog lives; ``connect()`` yields a connection in one transaction
    (committed on leaving, rolled back on an exception)."""

    dialect = "sqlite"
    errors: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        _private(path)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per operation: safe across threads and processes.
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        _wal(con)
        try:
            with con:
                yield con
        finally:
            con.close()

    def columns(self, con, table: str) -> set[str]:
        return {r[1] for r in con.execute(f"PRAGMA table_info({table})")}

    def has_table(self, con, table: str) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return con.execute(sql, (table,)).fetchone() is not None

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Held while the schema is created or upgraded: two processes opening a new store
        together would both add its columns (SQLite's scripts commit as they go)."""
        from filelock import FileLock

        with FileLock(f"{self.path}.lock", timeout=60, mode=0o600):
            yield

    def lock_schema(self, con) -> None:
        """The same, inside the upgrade's transaction where the database offers it."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every operation of this thread in the block commits together, where the database
        can: on PostgreSQL a document's chunks, vectors and terms; SQLite's short connections
        commit one by one (the write order keeps a crash harmless there)."""
        yield


class Row(tuple):
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor):
    names = tuple(c.name for c in cursor.description or ())
    kind = type("Row", (Row,), {"_names": names})
    return lambda values: kind(values)


_PARAM = re.compile(r"\?")


def _pg_sql(sql: str) -> str:
    # The store's statements hold no '?' inside a quoted literal; a '%' is escaped.
    return _PARAM.sub("%s", sql.replace("%", "%%"))


class PgConnection:
    """A psycopg connection that takes the SQLite-style statements the store modules write."""

    dialect = "postgresql"

    def __init__(self, con) -> None:
        self.con = con

    def execute(self, sql: str, params=None):
        cur = self.con.cursor(row_factory=_rows)
        if params is None:
            cur.execute(sql)
        else:
            cur.execute(_pg_sql(sql), tuple(params))
        return cur

    def executemany(self, sql: str, seq):
        cur = self.con.cursor()
        rows = [tuple(r) for r in seq]
        if rows:
            cur.executemany(_pg_sql(sql), rows)
        return cur

    def executescript(self, script: str) -> None:
        self.con.execute(script)


_local = threading.local()


def _idle() -> dict:
    """This thread's idle connections by URL (none inherited across a fork)."""
    if getattr(_local, "pid", None) != os.getpid():
        _local.pid, _local.cons, _local.pinned = os.getpid(), {}, {}
    return _local.cons


def _pinned() -> dict:
    """This thread's connection by URL while a ``transaction()`` block holds it."""
    _idle()
    return _local.pinned


class PgDatabase(Database):
    """A PostgreSQL database (with pgvector for the vectors, ``kb.store.pgvectors``)."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as e:  # pragma: no cover - a dependency of the project
            raise StoreError("KB_DATABASE_URL needs psycopg (pip install psycopg)") from e
        self.url = url
        self.where = redact_url(url)
        self.errors = (psycopg.Error,)
        self._psycopg = psycopg

    @contextmanager
    def connect(self) -> Iterator[PgConnection]:
        pinned = _pinned().get(self.url)
        if pinned is not None:  # inside transaction(): a savepoint of the one transaction
            with pinned.transaction():
                yield PgConnection(pinned)
            return
        # Each thread keeps one idle connection per database: a connection costs a few
        # milliseconds and the library makes several short operations per question.
        idle = _idle()
        con = idle.pop(self.url, None)
        if con is None or con.closed or con.broken:
            try:
                con = self._psycopg.connect(self.url, connect_timeout=30, autocommit=True)
            except self._psycopg.OperationalError as e:
                raise StoreError(f"cannot connect to the database {self.where}: {e}") from e
        try:
            with con.transaction():  # commits on leaving, rolls back on an exception
                yield PgConnection(con)
        finally:
            if con.closed or con.broken or self.url in idle:  # or nested: one is kept
                con.close()
            else:
                idle[self.url] = con

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connect() as con:
            _pinned()[self.url] = con.con
            try:
                yield
            finally:
                del _pinned()[self.url]

    def columns(self, con, table: str) -> set[str]:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return {r[0] for r in rows}

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        yield  # lock_schema's advisory lock serialises the upgrade's one transaction

    def has_table(self, con, table: str) -> bool:
        return con.execute("SELECT to_regclass(?)", (table,)).fetchone()[0] is not None

    def lock_schema(self, con) -> None:
        # Replicas starting together: one creates or upgrades the schema, the others wait.
        con.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))


SCHEMA_LOCK = 0x6B62_0001  # advisory lock ids ("kb" 1: schema, 2: ingest)
INGEST_LOCK = 0x6B62_0002


def app_role_sql(role: str) -> str:
    """What the database owner runs so that ``role`` (the login of the app, API and worker
    processes) may read and write the store but never change or remove audit entries: no
    UPDATE, DELETE or TRUNCATE on ``audit``, and, not owning it, no ALTER or DROP either.
    Retention pruning is then the owner's: `kb audit --prune` with the owner's URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise StoreError(f"not a database role name: {role!r} (lower-case letters, digits, _)")
    return f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
            CREATE ROLE {role} LOGIN;
          END IF;
        END $$;
        GRANT USAGE, CREATE ON SCHEMA public TO {role};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
          GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
        REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit FROM {role};
    """


def with_database(url: str, name: str) -> str:
    """``url`` (a PostgreSQL URL) naming database ``name`` instead: the same server, user
    and options (a socket folder in ``?host=`` included)."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def open_database(settings) -> Database:
    if settings.database_url:
        return PgDatabase(settings.database_url)
    return Database(settings.catalog_path)


@contextmanager
def ingest_lock(settings) -> Iterator[None]:
    """One ingest (or repair) at a time per store; a second waits KB_LOCK_TIMEOUT seconds,
    then fails. A file lock under KB_HOME, or for a shared database an advisory lock that
    holds across machines and is released when its holder dies."""
    if settings.database_url:
        with _pg_lock(PgDatabase(settings.database_url), INGEST_LOCK, settings.lock_timeout):
            yield
        return
    from filelock import FileLock, Timeout

    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.home / "ingest.lock"))
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as e:
        raise StoreError(
            f"another ingest holds {settings.home / 'ingest.lock'}; try again later"
        ) from e
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _pg_lock(db: PgDatabase, key: int, timeout: float) -> Iterator[None]:
    import time

    con = db._psycopg.connect(db.url, autocommit=True)
    try:
        deadline = time.monotonic() + timeout
        while not con.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
            if time.monotonic() > deadline:
                raise StoreError(f"another ingest holds the store {db.where}; try again later")
            time.sleep(0.2)
        yield
    finally:
        con.close()  # the session's lock goes with it


__all__ = ["Database", "PgDatabase", "open_database"]
