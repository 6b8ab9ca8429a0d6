"""A real ShadowVault install for end-to-end tests: its own database and data folder,
migrated and bootstrapped by the product's own commands, served by a real process.

On the PostgreSQL run the install gets a fresh PostgreSQL database; otherwise an SQLite file.
One install can serve many test modules: `keep_baseline()` after installing, then `reset()`
at the start of each module puts the database back and starts a fresh origin process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from django.conf import settings

from tests.support.services import REPO, free_port, http_ok, need_binary, stop, wait_until

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo password for the tests 7"


@contextmanager
def scratch_database(data_dir: Path):
    """A database URL of the same kind as the suite's, created for this install alone."""
    default = settings.DATABASES["default"]
    if "postgresql" not in default["ENGINE"]:
        yield f"sqlite:///{data_dir / 'site.sqlite3'}"
        return
    name = f"shadowvault_e2e_{uuid.uuid4().hex[:10]}"
    server = _postgres_server()
    _postgres(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres(f'DROP DATABASE IF EXISTS "{name}_baseline" WITH (FORCE)')


def _postgres_server() -> dict:
    default = settings.DATABASES["default"]
    return {
        "host": default["HOST"] or "127.0.0.1",
        "port": default["PORT"] or 5432,
        "user": default["USER"] or "postgres",
        "password": default["PASSWORD"] or None,
    }


def _postgres(*statements: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **_postgres_server()) as conn:
        for statement in statements:
            conn.execute(statement)


def _sqlite_copy(source: str, target: str) -> None:
    # SQLite's backup API, not a file copy: it folds in a write-ahead log the stopped
    # origin may have left behind, and replaces every page of the target.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@dataclass
class LiveSite:
    data_dir: Path
    database_url: str
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)
    origin: subprocess.Popen | None = None
    origin_command: tuple[str, ...] = ()
    has_baseline: bool = False
    untouched: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)  # settings of this install's own

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATA_DIR": str(self.data_dir),
            "MEDIA_ROOT": str(self.data_dir / "media"),
            "DATABASE_URL": self.database_url,
            "DEMO_ADMIN_USERNAME": DEMO_USERNAME,
            "DEMO_ADMIN_PASSWORD": DEMO_PASSWORD,
            **self.extra_env,
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell_json(self, script: str) -> dict:
        """Run `script` in the install's `manage.py shell`; its last printed line is JSON."""
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])

    def install(self, sample: bool = False) -> None:
        """Migrate and bootstrap; `sample` also publishes the 10-second sample film (ffmpeg)."""
        self.manage("migrate", "--noinput")
        # --url as `make run` passes it: the address the tests browse is the primary hostname
        # (another one's pages redirect to the primary).
        self.manage("bootstrap", "--url", self.url, *([] if sample else ["--no-sample"]))

    def start(
        self, *command: str, ready_path: str = "/healthz", program: str = sys.executable
    ) -> subprocess.Popen:
        """Start `program command...` (Python by default) and wait until `url` answers."""
        log = open(self.data_dir / f"process-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [program, *command], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        wait_until(
            lambda: http_ok(self.url + ready_path) or process.poll() is not None,
            60,
            f"{command} to answer {ready_path}",
        )
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited:\n{self.logs()}")
        return process

    def serve(self) -> subprocess.Popen:
        return self.start(*self._uvicorn())

    def _uvicorn(self) -> tuple[str, ...]:
        return (
            "-m",
            "uvicorn",
            "shadowvault.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--lifespan",
            "off",
            "--no-access-log",
        )

    def serve_behind_gateway(self, *origin: str) -> None:
        """The production shape: the origin (uvicorn) behind the nginx gateway that the
        product's own `gateway_config` renders; from here on `url` is the gateway's, so
        pages, static files and signed media links all go through nginx (media bytes of
        local files are sent by nginx itself after the origin's auth_request answer).
        `origin`: another origin command for `python` (e.g. `-m gunicorn ...`) on `port`."""
        self.origin_command = origin or self._uvicorn()
        self.origin = self.start(*self.origin_command)
        origin = f"127.0.0.1:{self.port}"
        self.port = free_port()
        run_dir = self.data_dir / "gateway"
        config = run_dir / "nginx.conf"
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage(
            "gateway_config",
            *("--listen", f"127.0.0.1:{self.port}", "--run-dir", str(run_dir)),
            *("--site-upstream", origin, "--stream-upstream", origin, "--workers", "1"),
            *("--user", "root" if os.geteuid() == 0 else "", "--output", str(config)),
            *("--access-log", str(self.data_dir / "gateway-access.log")),
        )
        self.start(
            *("-p", str(run_dir), "-c", str(config), "-g", "daemon off;"),
            program=need_binary("nginx"),
        )

    def keep_baseline(self) -> None:
        """Remember the database as it is now, for `reset()`. Call it before serving."""
        if self.database_url.startswith("sqlite"):
            _sqlite_copy(self._sqlite_path, self._sqlite_path + ".baseline")
        else:
            name = self._postgres_name
            _postgres(f'CREATE DATABASE "{name}_baseline" TEMPLATE "{name}"')
        self.has_baseline = self.untouched = True

    def reset(self) -> None:
        """Back to the baseline: rows a module made (and sessions, login failures) are gone,
        and a fresh origin process holds no cache, memo or connection from before. nginx
        keeps running; the origin listens on the same port again."""
        if not self.has_baseline or self.origin is None:
            raise RuntimeError("reset() needs keep_baseline() and then serve_behind_gateway()")
        if self.untouched:  # nothing served since the baseline was kept
            self.untouched = False
            return
        stop(self.origin)
        self.processes.remove(self.origin)
        if self.database_url.startswith("sqlite"):
            _sqlite_copy(self._sqlite_path + ".baseline", self._sqlite_path)
        else:
            name = self._postgres_name
            _postgres(
                f'DROP DATABASE "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}" TEMPLATE "{name}_baseline"',
            )
        self.origin = self.start(*self.origin_command)

    @property
    def _sqlite_path(self) -> str:
        return urlsplit(self.database_url).path.removeprefix("/")  # sqlite:////abs → /abs

    @property
    def _postgres_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.data_dir.glob("process-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            stop(process)


@contextmanager
def live_site(tmp_dir: Path, sample: bool = False, env: dict[str, str] | None = None):
    with scratch_database(tmp_dir) as database_url:
        site = LiveSite(tmp_dir, database_url, extra_env=env or {})
        site.install(sample=sample)
        try:
            yield site
        finally:
            site.stop()
