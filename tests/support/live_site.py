"""A real ShadowVault install for end-to-end tests: its own database and data folder,
migrated and bootstrapped by the product's own commands, served by a real process.

On the PostgreSQL run the install gets a fresh PostgreSQL database; otherwise an SQLite file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
    server = {
        "host": default["HOST"] or "127.0.0.1",
        "port": default["PORT"] or 5432,
        "user": default["USER"] or "postgres",
        "password": default["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveSite:
    data_dir: Path
    database_url: str
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATA_DIR": str(self.data_dir),
            "MEDIA_ROOT": str(self.data_dir / "media"),
            "DATABASE_URL": self.database_url,
            "DEMO_ADMIN_USERNAME": DEMO_USERNAME,
            "DEMO_ADMIN_PASSWORD": DEMO_PASSWORD,
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
        self.manage("bootstrap", *([] if sample else ["--no-sample"]))

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
        return self.start(
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
        if origin:
            self.start(*origin)
        else:
            self.serve()
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

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.data_dir.glob("process-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            stop(process)


@contextmanager
def live_site(tmp_dir: Path, sample: bool = False):
    with scratch_database(tmp_dir) as database_url:
        site = LiveSite(tmp_dir, database_url)
        site.install(sample=sample)
        try:
            yield site
        finally:
            site.stop()
