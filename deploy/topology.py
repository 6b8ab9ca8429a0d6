"""ShadowVault's production shape on one machine's loopback, with the real programs.

    .venv/bin/python deploy/topology.py start              # foreground; Ctrl-C stops it all
    .venv/bin/python deploy/topology.py start --background --dir /tmp/sv-topology
    .venv/bin/python deploy/topology.py status --dir /tmp/sv-topology
    .venv/bin/python deploy/topology.py stop --dir /tmp/sv-topology

What it starts, each process in a session of its own (so a kill takes its children too):

- PostgreSQL: a cluster of its own (initdb in the folder, as the `postgres` user when run as
  root), so restarting it on purpose disturbs nothing else on the machine;
- Redis: one server of its own, append-only file on (a restart keeps queued tasks), db 0 the
  cache, db 1 the Celery broker, db 2 results, as docker-compose.yml splits them;
- S3: moto's S3-compatible server, behind a small nginx "s3-front" that answers 503
  (ServiceUnavailable, as S3 does when it sheds load) while `<dir>/s3-outage` exists;
- the app with the settings docker-compose.yml gives it (MEDIA_STORAGE=s3, Redis, PostgreSQL):
  `migrate`, `collectstatic`, `bootstrap --no-sample`, `gateway_config`; then 2 gunicorn site
  instances (2 workers each), 2 uvicorn stream instances, 2 Celery workers on every queue
  (default, downloads, cpu) and exactly one beat;
- the nginx gateway in front, its `sv_site` and `sv_stream` upstreams naming both instances
  of each role (a GET that finds one dead is retried on the other).

A supervisor restarts any app process that exits, 1 s later, as systemd's `Restart=always`
with `RestartSec=1` would (docs/deploy.md); PostgreSQL, Redis and S3 are restarted only on
request. The tests and bench/load.py drive faults through `Topology.kill`, `.restart` and
`.s3_outage`. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUCKET = "shadowvault-media"
S3_KEY = "topology-test-key"  # moto accepts any key; a real S3 takes them from the environment
QUEUES = "default,downloads,cpu"
RESTART_DELAY = 1.0  # systemd's RestartSec in docs/deploy.md
STATE = "topology.json"
# Settings of the machine's own services that must not leak into the topology's processes.
MACHINE_SETTINGS = (
    "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
    "CHANNEL_LAYER_URL", "MEDIA_STORAGE", "DATA_DIR", "MEDIA_ROOT",
)  # fmt: skip


class TopologyError(Exception):
    """A part did not start: the message names it and ends with its log's last lines."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    tail = ""
    if log and log.exists():
        tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    raise TopologyError(f"{what} not ready after {timeout:.0f} s{tail}")


def http_ok(url: str, host: str | None = None) -> bool:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310 (loopback)
            return answer.status == 200
    except OSError:
        return False


def postgres_bin(name: str) -> str:
    """The newest Debian PostgreSQL's server program `name` (initdb, postgres, pg_ctl)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_major)
    if not found:
        raise TopologyError(f"PostgreSQL's {name} not found under /usr/lib/postgresql")
    return str(found[-1])


def _major(path: Path) -> int:
    version = path.parent.parent.name
    return int(version) if version.isdigit() else 0


@dataclass
class Part:
    """One program of the topology: how to start it and, once started, its process."""

    name: str
    argv: list[str]
    log: Path
    port: int | None = None
    env: dict[str, str] | None = None
    user: str | None = None  # run as this user (PostgreSQL refuses root)
    supervised: bool = True  # restarted when it exits
    stop_signal: int = signal.SIGTERM  # how stop() asks it to end
    health: str | None = None  # a path answering 200 once it serves
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)  # when the supervisor restarted it
    stopping: bool = False

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                user=self.user,
                cwd=REPO,
            )
        self.stopping = False

    def wait_ready(self, timeout: float = 60) -> None:
        def ready() -> bool:
            if self.process and self.process.poll() is not None:
                raise TopologyError(
                    f"{self.name} exited with code {self.process.returncode}:\n"
                    + "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
                )
            if self.health and self.port:
                return http_ok(f"http://127.0.0.1:{self.port}{self.health}")
            return self.port is None or port_open(self.port)

        wait_until(ready, timeout, self.name, self.log)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        """Send `signum` to the process and everything it started (its session)."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 15) -> None:
        self.stopping = True
        if not self.alive:
            return
        self.signal(self.stop_signal)
        try:
            self.process.wait(timeout)  # type: ignore[union-attr]
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(5)  # type: ignore[union-attr]


class Topology:
    """The whole shape in `root`; `start()` returns once the gateway answers."""

    def __init__(self, root: Path, log_level: str = "WARNING", sample: bool = False) -> None:
        self.root = root.resolve()
        self.sample = sample  # bootstrap's sample film and manga (ffmpeg, Pillow), in S3
        self.data = self.root / "data"
        self.logs = self.root / "logs"
        self.ports = {
            name: free_port()
            for name in ("postgres", "redis", "moto", "s3", "web-1", "web-2", "stream-1",
                         "stream-2", "gateway")
        }  # fmt: skip
        self.secrets = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "LINK_SECRET": secrets.token_urlsafe(48),
            "DEMO_ADMIN_PASSWORD": secrets.token_urlsafe(18),
        }
        self.log_level = log_level
        self.parts: dict[str, Part] = {}
        self._supervisor: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._owned: list[Path] = []  # folders outside root, removed by stop()

    # -- what it serves --------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/shadowvault"

    @property
    def env(self) -> dict[str, str]:
        """The app's settings: docker-compose.yml's x-env, pointed at these servers."""
        env = {k: v for k, v in os.environ.items() if k not in MACHINE_SETTINGS}
        redis = f"redis://127.0.0.1:{self.ports['redis']}"
        env.update(
            self.secrets,
            DJANGO_SETTINGS_MODULE="shadowvault.settings",
            DATABASE_URL=self.database_url,
            REDIS_URL=f"{redis}/0",
            CELERY_BROKER_URL=f"{redis}/1",
            CELERY_RESULT_BACKEND=f"{redis}/2",
            DATA_DIR=str(self.data),
            MEDIA_ROOT=str(self.data / "media"),
            # The gateway's authorize cache, which unpublishes purge (its run dir is not
            # DATA_DIR/gateway here: see gateway_config below).
            GATEWAY_AUTHORIZE_CACHE=str(self.root / "gateway" / "authorize"),
            MEDIA_STORAGE="s3",
            S3_ENDPOINT_URL=f"http://127.0.0.1:{self.ports['s3']}",
            S3_BUCKET=BUCKET,
            S3_ACCESS_KEY_ID=S3_KEY,
            S3_SECRET_ACCESS_KEY=S3_KEY,
            S3_REGION="us-east-1",
            DEMO_ADMIN_USERNAME="admin",
            DEBUG="false",
            LOG_LEVEL=self.log_level,
            PYTHONUNBUFFERED="1",
        )
        return env

    def describe(self) -> list[str]:
        rows = [f"  {'gateway':<10} {self.url}/  (operator: admin / "
                f"{self.secrets['DEMO_ADMIN_PASSWORD']})"]  # fmt: skip
        for name, part in self.parts.items():
            where = f"127.0.0.1:{part.port}" if part.port else "-"
            pid = part.process.pid if part.process else "-"
            rows.append(f"  {name:<10} {where:<16} pid {pid:<8} log {part.log}")
        return rows

    # -- starting and stopping ---------------------------------------------------------

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.data.mkdir(exist_ok=True)
        try:
            self._start_postgres()
            self._start_redis()
            self._start_s3()
            self._prepare_app()
            self._start_app()
            self._start_gateway()
        except BaseException:
            self.stop()
            raise
        self._supervisor = threading.Thread(target=self._supervise, daemon=True)
        self._supervisor.start()
        self.write_state()

    def stop(self) -> None:
        self._stop.set()
        if self._supervisor:
            self._supervisor.join(5)
        for part in reversed(list(self.parts.values())):
            part.stop()
        for folder in self._owned:
            shutil.rmtree(folder, ignore_errors=True)

    def _add(self, part: Part, timeout: float = 60) -> Part:
        self.parts[part.name] = part
        part.start()
        part.wait_ready(timeout)
        return part

    def _start_postgres(self) -> None:
        user = "postgres" if os.geteuid() == 0 else None
        folder = self.root / "postgres"
        if user:
            # PostgreSQL refuses to run as root, and root's temp folders (pytest's too) keep
            # the postgres user out: its cluster gets a folder of its own, removed by stop().
            folder = Path(tempfile.mkdtemp(prefix="sv-topology-postgres-"))
            shutil.chown(folder, user, user)
            self._owned.append(folder)
        else:
            folder.mkdir()
        initdb = subprocess.run(
            [postgres_bin("initdb"), "-D", str(folder / "cluster"), "-U", "postgres",
             "-A", "trust", "--no-sync", "-E", "UTF8"],
            capture_output=True, text=True, user=user,
        )  # fmt: skip
        if initdb.returncode:
            raise TopologyError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        port = self.ports["postgres"]
        argv = [
            postgres_bin("postgres"), "-D", str(folder / "cluster"), "-p", str(port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
            "-c", "max_connections=200",
        ]  # fmt: skip
        # SIGINT, PostgreSQL's fast shutdown: SIGTERM is its smart one, which waits for every
        # client to leave (the app's pooled connections never do), and its backends sit in
        # sessions of their own, out of reach of the group's signal.
        self._add(Part("postgres", argv, self.logs / "postgres.log", port, user=user,
                       supervised=False, stop_signal=signal.SIGINT))  # fmt: skip
        wait_until(lambda: self._createdb(port), 30, "postgres")

    def _createdb(self, port: int) -> bool:
        import psycopg

        url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=2) as conn:
                found = conn.execute("SELECT 1 FROM pg_database WHERE datname='shadowvault'")
                if not found.fetchone():
                    conn.execute("CREATE DATABASE shadowvault")
            return True
        except psycopg.OperationalError:
            return False

    def _start_redis(self) -> None:
        folder = self.root / "redis"
        folder.mkdir(exist_ok=True)
        port = self.ports["redis"]
        argv = [
            shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
            "--bind", "127.0.0.1", "--dir", str(folder), "--appendonly", "yes",
            "--save", "", "--daemonize", "no",
        ]  # fmt: skip
        self._add(Part("redis", argv, self.logs / "redis.log", port, supervised=False))

    def _start_s3(self) -> None:
        moto_tmp = self.root / "moto-tmp"  # moto spools large objects to TMPDIR
        moto_tmp.mkdir(exist_ok=True)
        argv = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["moto"])]
        env = dict(os.environ, TMPDIR=str(moto_tmp))
        self._add(Part("moto", argv, self.logs / "moto.log", self.ports["moto"], env=env,
                       supervised=False))  # fmt: skip
        config = self.root / "s3-front" / "nginx.conf"
        config.parent.mkdir(exist_ok=True)
        config.write_text(S3_FRONT.format(
            port=self.ports["s3"], moto=self.ports["moto"], flag=self.root / "s3-outage",
            run=config.parent, user="root" if os.geteuid() == 0 else "nobody",
            error=S3_UNAVAILABLE,
        ))  # fmt: skip
        self._add(Part("s3-front", _nginx_argv(config), self.logs / "s3-front.log",
                       self.ports["s3"], supervised=False))  # fmt: skip
        import boto3

        boto3.client(
            "s3", endpoint_url=self.env["S3_ENDPOINT_URL"], region_name="us-east-1",
            aws_access_key_id=S3_KEY, aws_secret_access_key=S3_KEY,
        ).create_bucket(Bucket=BUCKET)  # fmt: skip

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, text=True,
            capture_output=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode:
            raise TopologyError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def _prepare_app(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        sample = [] if self.sample else ["--no-sample"]
        self.manage("bootstrap", *sample, "--url", self.url)
        gateway = self.root / "gateway"
        args = [
            "gateway_config", "--listen", f"127.0.0.1:{self.ports['gateway']}",
            "--site-upstream", f"127.0.0.1:{self.ports['web-1']},127.0.0.1:{self.ports['web-2']}",
            "--stream-upstream",
            f"127.0.0.1:{self.ports['stream-1']},127.0.0.1:{self.ports['stream-2']}",
            "--run-dir", str(gateway), "--workers", "2", "--output", str(gateway / "nginx.conf"),
        ]  # fmt: skip
        if os.geteuid() == 0:
            args += ["--user", "root"]  # the temp folder is private to root
        self.manage(*args)

    def _start_app(self) -> None:
        env = self.env
        for n in (1, 2):
            self._add(Part(
                f"web-{n}",
                [str(BIN / "gunicorn"), "shadowvault.wsgi:application",
                 "--bind", f"127.0.0.1:{self.ports[f'web-{n}']}", "--workers", "2",
                 "--timeout", "60", "--graceful-timeout", "10",
                 "--forwarded-allow-ips", "127.0.0.1"],
                self.logs / f"web-{n}.log", self.ports[f"web-{n}"], env=env, health="/healthz",
            ))  # fmt: skip
            self._add(Part(
                f"stream-{n}",
                [str(BIN / "uvicorn"), "shadowvault.asgi:application", "--host", "127.0.0.1",
                 "--port", str(self.ports[f"stream-{n}"]), "--workers", "1",
                 "--no-proxy-headers", "--no-access-log"],
                self.logs / f"stream-{n}.log", self.ports[f"stream-{n}"], env=env,
                health="/healthz",
            ))  # fmt: skip
        for n in (1, 2):
            self._add(Part(
                f"worker-{n}",
                [str(BIN / "celery"), "-A", "shadowvault", "worker", "--queues", QUEUES,
                 "--concurrency", "1", "--hostname", f"worker{n}@%h", "--loglevel", "INFO"],
                self.logs / f"worker-{n}.log", env=env,
            ))  # fmt: skip
        self._add(Part(
            "beat",
            [str(BIN / "celery"), "-A", "shadowvault", "beat", "--loglevel", "INFO",
             "--schedule", str(self.data / "celerybeat-schedule")],
            self.logs / "beat.log", env=env,
        ))  # fmt: skip

    def _start_gateway(self) -> None:
        config = self.root / "gateway" / "nginx.conf"
        part = Part("gateway", _nginx_argv(config), self.logs / "gateway.log",
                    self.ports["gateway"], health="/healthz")  # fmt: skip
        self._add(part)

    # -- faults ------------------------------------------------------------------------

    def kill(self, name: str) -> float:
        """SIGKILL `name` and everything it started; the supervisor brings it back (app
        roles). Returns when it was killed (time.monotonic())."""
        part = self.parts[name]
        part.signal(signal.SIGKILL)
        return time.monotonic()

    def restart(self, name: str, down_seconds: float = 0.0) -> None:
        """Stop `name` gracefully (SIGTERM: Redis writes its AOF; SIGINT: PostgreSQL's fast
        shutdown, which ends open sessions), wait `down_seconds`, start it again on the same
        port."""
        part = self.parts[name]
        with self._lock:
            part.stop()
            time.sleep(down_seconds)
            part.start()
        part.wait_ready()
        self.write_state()

    @contextlib.contextmanager
    def s3_outage(self) -> Iterator[None]:
        """S3 answers every request with 503 while the block runs."""
        flag = self.root / "s3-outage"
        flag.touch()
        try:
            yield
        finally:
            flag.unlink(missing_ok=True)

    def _supervise(self) -> None:
        while not self._stop.wait(0.2):
            for part in list(self.parts.values()):
                if part.supervised and not part.stopping and not part.alive:
                    self._bring_back(part)

    def _bring_back(self, part: Part) -> None:
        time.sleep(RESTART_DELAY)
        with self._lock:
            if self._stop.is_set() or part.stopping or part.alive:
                return
            part.start()
            part.restarts.append(time.monotonic())
        with contextlib.suppress(TopologyError):
            part.wait_ready()
        self.write_state()

    def write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "url": self.url,
            "database_url": self.database_url,
            "ports": self.ports,
            "parts": {
                name: {"pid": p.process.pid if p.process else None, "port": p.port,
                       "log": str(p.log), "restarts": len(p.restarts)}
                for name, p in self.parts.items()
            },
        }  # fmt: skip
        path = self.root / STATE
        path.with_suffix(".tmp").write_text(json.dumps(state, indent=2))
        path.with_suffix(".tmp").replace(path)


def _nginx_argv(config: Path) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", str(config.parent), "-c", str(config), "-g", "daemon off;"]


# S3 in front of moto: an outage is a flag file, answered as S3 answers when it sheds load.
S3_UNAVAILABLE = (
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code>'
    "<Message>Please reduce your request rate.</Message></Error>"
)
S3_FRONT = """\
user {user};
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        location / {{
            if (-f {flag}) {{
                return 503 '{error}';
            }}
            proxy_pass http://127.0.0.1:{moto};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


# -- the command line ---------------------------------------------------------------------


def _start(args: argparse.Namespace) -> int:
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="sv-topology-"))
    if args.background:
        return _start_in_background(root, args)
    topology = Topology(root, args.log_level, sample=args.sample)
    print(f"starting in {root} ...", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        topology.start()
    except TopologyError as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    print("ShadowVault topology running:\n" + "\n".join(topology.describe()), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    print("stopping ...", flush=True)
    topology.stop()
    return 0


def _start_in_background(root: Path, args: argparse.Namespace) -> int:
    root.mkdir(parents=True, exist_ok=True)
    (root / STATE).unlink(missing_ok=True)
    with (root / "topology.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "start", "--dir", str(root), "--log-level", args.log_level,
             *(["--sample"] if args.sample else [])],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until(lambda: (root / STATE).exists() or process.poll() is not None, 300,
                   "the topology", root / "topology.log")  # fmt: skip
    except TopologyError as error:
        print(error, file=sys.stderr)
        return 1
    if process.poll() is not None:
        print((root / "topology.log").read_text(errors="replace"), file=sys.stderr)
        return 1
    return _status(argparse.Namespace(dir=str(root)))


def _status(args: argparse.Namespace) -> int:
    path = Path(args.dir) / STATE
    if not path.exists():
        print(f"no topology running in {args.dir}", file=sys.stderr)
        return 1
    state = json.loads(path.read_text())
    print(f"gateway    {state['url']}/   database {state['database_url']}")
    for name, part in state["parts"].items():
        where = f"127.0.0.1:{part['port']}" if part["port"] else "-"
        print(f"  {name:<10} {where:<16} pid {part['pid']:<8} restarts {part['restarts']}")
    return 0


def _stop(args: argparse.Namespace) -> int:
    path = Path(args.dir) / STATE
    if not path.exists():
        print(f"no topology running in {args.dir}", file=sys.stderr)
        return 1
    pid = json.loads(path.read_text())["pid"]
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), 60, "the topology's stop")
    path.unlink(missing_ok=True)
    print("stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="ShadowVault's production shape on this machine's loopback: PostgreSQL, "
        "Redis, S3 (moto), 2 gunicorn, 2 uvicorn, 2 Celery workers, beat, the nginx gateway.",
        epilog="docs/deploy.md explains the roles; bench/load.py runs load and faults on it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start everything and print where it listens")
    start.add_argument("--dir", help="folder for data, logs and sockets (default: a new temp one)")
    start.add_argument("--background", action="store_true",
                       help="return once it serves; `stop --dir` ends it")  # fmt: skip
    start.add_argument("--log-level", default="WARNING", help="the app's LOG_LEVEL (WARNING)")
    start.add_argument(
        "--sample", action="store_true", help="also make the sample film and manga (in S3)"
    )
    for name, helptext in (("status", "print what runs where"), ("stop", "stop everything")):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("--dir", required=True, help="the folder `start` used")
    args = parser.parse_args(argv)
    return {"start": _start, "status": _status, "stop": _stop}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
