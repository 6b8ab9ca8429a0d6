"""What several benchmarks share: percentiles, the database server's own name, and a
throwaway install (data folder and database) for a benchmark's measuring child process, or
for the benchmark's own process.

The scripts run as `python bench/<name>.py`, so this folder is on their import path.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent


def percentile(values: list[float], pct: int) -> float:
    """The pct-th percentile (inclusive method); NaN for no values."""
    if len(values) < 2:
        return values[0] if values else math.nan
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def server_version(connection) -> str:
    """'PostgreSQL 15.x (...)' or 'SQLite 3.x' for a Django connection."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        return cursor.fetchone()[0].split(" on ")[0]


def with_database(url: str, name: str) -> str:
    """`url` (a PostgreSQL server, with or without a database) naming database `name`."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def install_here(bench: str, **settings: str) -> Path:
    """Make this process a throwaway install before it sets Django up: a temp folder (returned;
    the caller removes it) whose data/ is DATA_DIR, fresh secrets, no free-space floor for
    jobs, the repository importable; `settings` adds environment variables or overrides."""
    sys.path.insert(0, str(REPO))
    work = Path(tempfile.mkdtemp(prefix=f"shadowvault-bench-{bench}-"))
    (work / "data").mkdir()  # SQLite, media and job folders
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shadowvault.settings",
        DATA_DIR=str(work / "data"),
        SECRET_KEY=secrets.token_urlsafe(48),
        LINK_SECRET=secrets.token_urlsafe(48),
        INGEST_MIN_FREE_BYTES="0",
    )
    os.environ.update(settings)
    return work


def run_on_scratch_install(bench: str, script: str, child_args: list[str], postgres: str) -> dict:
    """Run `script --child child_args` on a throwaway install and return the JSON object its
    last line prints. The install has its own data folder and database: an SQLite file, or,
    with `postgres` (a server URL), a new database there. Both are removed afterwards,
    whatever happens."""
    import psycopg

    data_dir = tempfile.mkdtemp(prefix=f"shadowvault-bench-{bench}-")
    (Path(data_dir) / "media" / "public").mkdir(parents=True)
    (Path(data_dir) / "staticfiles").mkdir()  # else every child warns that it is missing
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="shadowvault.settings", DATA_DIR=data_dir)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # The local-memory cache: a scratch install must not share a Redis with a real one.
    env.pop("REDIS_URL", None)
    for name in ("SECRET_KEY", "LINK_SECRET"):
        env.setdefault(name, secrets.token_urlsafe(48))
    scratch = f"shadowvault_bench_{bench}_{os.getpid()}_{secrets.token_hex(3)}" if postgres else ""
    if scratch:
        env["DATABASE_URL"] = with_database(postgres, scratch)
        with psycopg.connect(with_database(postgres, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"')
    else:
        env["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    command = [sys.executable, script, "--child", *child_args]
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if scratch:
            with psycopg.connect(with_database(postgres, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
