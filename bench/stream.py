"""Benchmark of the streaming path against nginx serving the same file, in one run.

    .venv/bin/python bench/stream.py [--size-gib 1] [--seeks 200] [--readers 200]

Builds a throwaway install in a temp folder (SQLite, local media, moto's S3 server), stores one
generated file twice (local and S3), starts two uvicorn origins (A behind the gateway, B alone),
the gateway nginx in front of A, and a reference nginx serving the stored file statically with
sendfile. Then it measures, for each path, the throughput of full reads with curl and the time
to first byte of random 1 MiB range requests, as ratios to the reference; finally it holds many
slow readers on origin B and samples its memory. It prints a report and exits 0 (it is a report,
not a test); see bench/README.md for how to read it. Everything it starts is stopped and the
temp folder removed on exit, on Ctrl-C and on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import math
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import stream_slices
import stream_telegram

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MIB = 1024 * 1024
GIB = 1024 * MIB
BLOCK = 16 * MIB  # the generated file is one random block repeated
HOST = "localhost"  # answered by the default site that `bootstrap` makes
BUCKET = "media"
MOTO_KEY = secrets.token_hex(8)  # moto accepts any credentials
T0 = time.monotonic()

TARGETS = {  # case -> minimum throughput ratio to (a)
    "b": 0.80,
    "d": 0.90,
    "e": 0.60,  # issue 13: Django streaming alone at 0.6x nginx or better
}
SEEK_P99_MAX_RATIO = 3.0  # (b) seek p99 <= 3x (a)'s
COLD_SLICE_MAX_RATIO = 1.5  # a cold S3 slice through the gateway <= 1.5x moto's own GET
TELEGRAM_SEEK_SLACK_MS = 10.0  # a cold Telegram seek's first byte <= one round trip + this
TELEGRAM_SLICES_PER_ROUND_TRIP = 3.0  # a cold sequential Telegram read, read-ahead overlapping
TELEGRAM_SESSIONS = 2
# Documents of 40 MiB: a read crosses from one document to the next, and the object's size
# (--telegram-mib plus TELEGRAM_TAIL bytes) leaves the last document ending off a 4 KiB page,
# where the planner must not ask past the end.
TELEGRAM_PART_SIZE = 40 * MIB
TELEGRAM_TAIL = 12_345
RSS_TARGET_MB = 300
CASES = {
    "a": "(a) nginx static file (reference)",
    "b": "(b) gateway + local (nginx sends the file)",
    "c": "(c) gateway + S3, cache cold",
    "d": "(d) gateway + S3, cache warm",
    "e": "(e) origin B alone (Django streams)",
}

# moto's ranged GET reads the whole object and then slices it (moto 5.x: FakeKey.value), so
# one 1 MiB slice of a 1 GiB object costs ~0.6 s and a cold 1 GiB read through the slice cache
# would take over 10 minutes: it would time moto, not ShadowVault. This launcher patches moto,
# in its own process only, so that a ranged GET reads just the asked bytes (like real S3).
# --stock-moto runs moto unpatched.
MOTO_LAUNCHER = r"""
import sys, threading
from moto import server
from moto.s3 import models, responses

_local = threading.local()
_value = models.FakeKey.value


class RangeView:
    # Stands in for a key's bytes during a ranged GET: len() and slicing read only the range.
    def __init__(self, key):
        self.key = key

    def __len__(self):
        return self.key.size

    def __bool__(self):
        return True

    def __getitem__(self, item):
        start, stop, _ = item.indices(self.key.size)
        with self.key.lock:
            self.key._value_buffer.seek(start)
            return self.key._value_buffer.read(max(0, stop - start))

    def __bytes__(self):
        return _value.fget(self.key)


def value(self):
    return RangeView(self) if getattr(_local, "ranged", False) else _value.fget(self)


models.FakeKey.value = property(value, _value.fset)
_get_object = responses.S3Response.get_object
_handle_range = responses.S3Response._handle_range_header


def get_object(self):
    _local.ranged = bool(self.headers.get("range"))
    try:
        status, headers, body = _get_object(self)
    finally:
        _local.ranged = False
    if status != 200 and isinstance(body, RangeView):
        body = bytes(body)
    return status, headers, body


def handle_range(self, request, headers, content):
    status, headers, body = _handle_range(self, request, headers, content)
    return status, headers, bytes(body) if isinstance(body, RangeView) else body


responses.S3Response.get_object = get_object
responses.S3Response._handle_range_header = handle_range
server.main(sys.argv[1:])
"""

REFERENCE_CONF = """{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy_temp;
    fastcgi_temp_path {run}/fastcgi_temp;
    uwsgi_temp_path {run}/uwsgi_temp;
    scgi_temp_path {run}/scgi_temp;
    server {{
        listen 127.0.0.1:{port};
        location /ref/ {{
            alias {media_root}/;
        }}
    }}
}}
"""


class Interrupted(Exception):
    """SIGTERM or SIGHUP: stop like on Ctrl-C, cleaning up on the way out."""


class SetupError(Exception):
    """Something the bench needs did not start or answer."""


def run_report(name: str, keep: bool, body) -> int:
    """A report bench's main(): `body(services, root)` returns the report's lines in a scratch
    folder with the services it starts, both gone afterwards (the folder kept with `keep`);
    the report is printed with the command that made it."""
    root = Path(tempfile.mkdtemp(prefix=f"shadowvault-bench-{name}-"))
    services = Services()
    try:
        print("\n".join(body(services, root)))
        print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
        return 0
    except SetupError as exc:
        print(f"bench could not run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop_all()
        if keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --- processes -----------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log_path: Path


class Services:
    """Every process the bench starts, each in its own process group (so Ctrl-C reaches only
    the bench, and stopping a group also stops nginx's workers), stopped in reverse order."""

    def __init__(self) -> None:
        self.running: dict[str, Service] = {}

    def start(self, name: str, argv: list[str], env: dict, log_path: Path) -> Service:
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                argv,
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        service = Service(name, process, log_path)
        self.running[name] = service
        return service

    def wait_port(self, name: str, port: int, timeout: float = 60) -> None:
        service = self.running[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise SetupError(
                    f"{name} exited with {service.process.returncode}\n{tail(service)}"
                )
            if port_open(port):
                return
            time.sleep(0.1)
        raise SetupError(f"{name} did not open port {port} in {timeout}s\n{tail(service)}")

    def stop(self, name: str, timeout: float = 10) -> None:
        service = self.running.pop(name, None)
        if service is None:
            return
        process = service.process
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Anything left in the group (an nginx worker whose master died) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            try:
                self.stop(name)
            except Exception as exc:  # keep stopping the others
                print(f"could not stop {name}: {exc}", file=sys.stderr)


def tail(service: Service, lines: int = 30) -> str:
    try:
        text = service.log_path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --- the install ---------------------------------------------------------------------------


@dataclass
class Install:
    root: Path
    env: dict
    size: int
    block: bytes
    links: dict[str, str] = field(default_factory=dict)  # backend -> signed path
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    local_file: Path | None = None
    moto_port: int = 0


def make_env(root: Path, moto_port: int) -> dict:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "ALLOWED_HOSTS"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="shadowvault.settings",
        DATA_DIR=str(root / "data"),
        DATABASE_URL=f"sqlite:///{root / 'data' / 'bench.sqlite3'}",
        MEDIA_ROOT=str(root / "media"),
        SECRET_KEY=secrets.token_urlsafe(48),
        LINK_SECRET=secrets.token_urlsafe(48),
        MEDIA_STORAGE="local",
        MEDIA_LINK_LIFETIME=str(24 * 3600),
        STREAM_BEHIND_GATEWAY="false",
        S3_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        S3_BUCKET=BUCKET,
        S3_ACCESS_KEY_ID=MOTO_KEY,
        S3_SECRET_ACCESS_KEY=MOTO_KEY,  # moto accepts any key
        S3_REGION="us-east-1",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
    )
    if result.returncode != 0:
        raise SetupError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def generate_file(path: Path, size: int, seed: int) -> bytes:
    block = random.Random(seed).randbytes(BLOCK)
    with path.open("wb") as handle:
        written = 0
        while written < size:
            piece = block[: min(BLOCK, size - written)]
            handle.write(piece)
            written += len(piece)
    return block


def expected_bytes(block: bytes, start: int, stop: int) -> bytes:
    out = bytearray()
    position = start
    while position < stop:
        index = position % len(block)
        count = min(len(block) - index, stop - position)
        out += block[index : index + count]
        position += count
    return bytes(out)


def store(services: Services, install: Install, source: Path, name: str, backend: str) -> str:
    """Run store_media --publish (echoing its progress every 10%), return the object's link."""
    argv = [
        PYTHON,
        "manage.py",
        "store_media",
        str(source),
        "--name",
        name,
        "--backend",
        backend,
        "--publish",
        f"Bench {name}",
    ]
    log_path = install.root / f"store-{backend}.log"
    service = services.start(f"store_media {backend}", argv, install.env, log_path)
    shown = -10
    while service.process.poll() is None:
        time.sleep(0.5)
        found = re.findall(r"(\d+)%", log_path.read_text(errors="replace")[-200:])
        if found and int(found[-1]) >= shown + 10:
            shown = int(found[-1]) // 10 * 10
            log(f"  storing in {backend}: {shown}%")
    services.running.pop(f"store_media {backend}", None)
    output = log_path.read_text(errors="replace")
    found = re.search(r"^id: (\d+)$", output, re.MULTILINE)
    link = re.search(r"^link: (\S+)$", output, re.MULTILINE)
    if service.process.returncode != 0 or not (found and link):
        raise SetupError(f"store_media --backend {backend} failed:\n{output[-3000:]}")
    return link.group(1)


def start_moto(services: Services, install: Install, stock: bool) -> None:
    moto_tmp = install.root / "moto-tmp"  # moto spools large objects to TMPDIR
    moto_tmp.mkdir()
    env = dict(install.env, TMPDIR=str(moto_tmp))
    args = ["-H", "127.0.0.1", "-p", str(install.moto_port)]
    if stock:
        argv = [str(Path(PYTHON).parent / "moto_server"), *args]
    else:
        argv = [PYTHON, "-c", MOTO_LAUNCHER, *args]
    services.start("moto", argv, env, install.root / "moto.log")
    services.wait_port("moto", install.moto_port)
    s3_client(install).create_bucket(Bucket=BUCKET)


def s3_client(install: Install):
    import boto3  # from the virtualenv; imported here so --help works anywhere

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{install.moto_port}",
        region_name="us-east-1",
        aws_access_key_id=MOTO_KEY,
        aws_secret_access_key=MOTO_KEY,
    )


def moto_range_latency(install: Install, count: int, rng: random.Random) -> list[float]:
    """Time of a bare 1 MiB ranged GET from moto with boto3: the floor under case (c)."""
    client = s3_client(install)
    key = client.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"]
    times = []
    for _ in range(count):
        start = rng.randrange(0, install.size - MIB + 1)
        began = time.perf_counter()
        body = client.get_object(Bucket=BUCKET, Key=key, Range=f"bytes={start}-{start + MIB - 1}")
        body["Body"].read()
        times.append((time.perf_counter() - began) * 1000)
    return times


def start_origin(services: Services, install: Install, name: str, behind_gateway: bool) -> int:
    port = free_port()
    env = dict(install.env, STREAM_BEHIND_GATEWAY="true" if behind_gateway else "false")
    argv = [
        PYTHON, "-m", "uvicorn", "shadowvault.asgi:application",
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--lifespan", "off", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    services.start(name, argv, env, install.root / f"{name.replace(' ', '-').lower()}.log")
    services.wait_port(name, port)
    return port


@dataclass
class Nginx:
    name: str
    run_dir: Path
    config: Path
    port: int


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise SetupError("nginx is not installed (/usr/sbin/nginx)")
    return found


def start_nginx(services: Services, nginx: Nginx) -> None:
    argv = [nginx_binary(), "-p", str(nginx.run_dir), "-c", str(nginx.config), "-g", "daemon off;"]
    services.start(nginx.name, argv, os.environ.copy(), nginx.run_dir / "stdout.log")
    services.wait_port(nginx.name, nginx.port)


def gateway(install: Install, origin_port: int, name: str = "gateway nginx") -> Nginx:
    run_dir = install.root / name.replace(" ", "-")
    port = free_port()
    config = run_dir / "nginx.conf"
    args = [
        "gateway_config",
        "--listen", f"127.0.0.1:{port}",
        "--site-upstream", f"127.0.0.1:{origin_port}",
        "--stream-upstream", f"127.0.0.1:{origin_port}",
        "--run-dir", str(run_dir),
        "--workers", "1",
        "--output", str(config),
    ]  # fmt: skip
    if os.geteuid() == 0:
        args += ["--user", "root"]  # the temp folder is private to root
    manage(dict(install.env, STREAM_BEHIND_GATEWAY="true"), *args)
    return Nginx(name, run_dir, config, port)


def restart_gateway_cold(services: Services, nginx: Nginx) -> None:
    """Stop nginx, delete its slice cache, start it again: the next reads are all misses."""
    services.stop(nginx.name)
    cache = nginx.run_dir / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    start_nginx(services, nginx)


def reference(install: Install) -> Nginx:
    run_dir = install.root / "reference"
    run_dir.mkdir()
    port = free_port()
    config = run_dir / "nginx.conf"
    config.write_text(
        REFERENCE_CONF.format(
            user="user root;\n" if os.geteuid() == 0 else "",
            run=run_dir,
            port=port,
            media_root=install.root / "media",
        )
    )
    return Nginx("reference nginx", run_dir, config, port)


# --- measurements --------------------------------------------------------------------------


@dataclass
class Read:
    speed: float  # bytes per second
    size: int
    status: int
    cache: str


def curl_read(port: int, path: str, timeout: float) -> Read:
    out = subprocess.run(
        [
            "curl", "-s", "-o", "/dev/null", "--max-time", str(int(timeout)),
            "-H", f"Host: {HOST}",
            "-w", "%{speed_download} %{size_download} %{http_code} [%header{x-cache-status}]",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True, text=True, check=False, start_new_session=True,
    )  # fmt: skip
    parts = out.stdout.split(" ", 3)
    if len(parts) < 4:
        return Read(0.0, 0, 0, f"curl exit {out.returncode}")
    return Read(float(parts[0]), int(parts[1]), int(parts[2]), parts[3].strip("[]"))


@dataclass
class Seeks:
    ttfb_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    cache: Counter = field(default_factory=Counter)
    wrong: int = 0
    errors: Counter = field(default_factory=Counter)

    def p(self, pct: float) -> float:
        return percentile(self.ttfb_ms, pct) if self.ttfb_ms else float("nan")


def seek(port: int, path: str, offsets: list[int], install: Install) -> Seeks:
    """Random 1 MiB ranges on one persistent connection (http.client, the same for every
    case); time to first byte = request sent -> first body byte read."""
    result = Seeks()
    conn: http.client.HTTPConnection | None = None
    for start in offsets:
        stop = min(start + MIB, install.size)
        for attempt in (1, 2):  # a reused connection may have been closed by the server
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    conn.connect()
                began = time.perf_counter()
                conn.request(
                    "GET", path, headers={"Host": HOST, "Range": f"bytes={start}-{stop - 1}"}
                )
                response = conn.getresponse()
                first = response.read(1)
                first_byte = time.perf_counter()
                body = first + response.read()
                done = time.perf_counter()
                break
            except (http.client.HTTPException, OSError) as exc:
                if conn is not None:
                    conn.close()
                conn = None
                if attempt == 2:
                    result.errors[type(exc).__name__] += 1
                    body = None
        if body is None:
            continue
        if response.will_close:
            conn.close()
            conn = None
        if response.status != 206:
            result.errors[f"HTTP {response.status}"] += 1
            continue
        result.ttfb_ms.append((first_byte - began) * 1000)
        result.total_ms.append((done - began) * 1000)
        result.cache[response.getheader("X-Cache-Status") or "-"] += 1
        if body != expected_bytes(install.block, start, stop):
            result.wrong += 1
    if conn is not None:
        conn.close()
    return result


@dataclass
class Case:
    key: str
    reads: list[Read] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # to (a)'s read of the same round
    seeks: Seeks | None = None

    @property
    def speed(self) -> float:
        good = [r.speed for r in self.reads if r.status == 200]
        return statistics.median(good) if good else 0.0

    @property
    def ratio(self) -> float:
        if self.key == "a":
            return 1.0
        return statistics.median(self.ratios) if self.ratios else 0.0


def checked(read: Read, key: str, install: Install) -> Read:
    if read.status != 200 or read.size != install.size:
        log(f"  {key}: bad read: HTTP {read.status}, {read.size} bytes ({read.cache})")
        read.status = read.status if read.status != 200 else -1  # short: not counted
    return read


def measure_reads(cases: dict, keys: list[str], where: dict, count: int, install) -> None:
    """Rounds of one full read per case, (a) first, so drift (writeback, CPU clock, a noisy
    neighbour) hits every case alike; each case's ratio is the median of its per-round ratios
    to (a)'s read of the same round. The first round warms up and is not counted."""
    for round_number in range(count + 1):
        got = {key: checked(curl_read(*where[key], timeout=900), key, install) for key in keys}
        if not round_number:
            continue
        ref = got["a"]
        for key, read in got.items():
            cases[key].reads.append(read)
            if key != "a" and read.status == 200 and ref.status == 200 and ref.speed:
                cases[key].ratios.append(read.speed / ref.speed)
    for key in keys:
        speeds = ", ".join(f"{r.speed / 1e9:.2f}" for r in cases[key].reads[-count:])
        log(f"  {CASES[key]}: full reads {speeds} GB/s")


def measure_seeks(case: Case, port: int, path: str, offsets: list[int], install: Install) -> None:
    case.seeks = seek(port, path, offsets, install)
    s = case.seeks
    log(
        f"  {CASES[case.key]}: {len(s.ttfb_ms)} seeks, TTFB p50 {s.p(50):.2f} ms, "
        f"p99 {s.p(99):.2f} ms, cache {dict(s.cache)}, wrong bytes {s.wrong}, "
        f"errors {dict(s.errors) or 0}"
    )


# --- slow readers --------------------------------------------------------------------------


@dataclass
class ReaderReport:
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    header_s: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)


async def slow_reader(port: int, path: str, args, report: ReaderReport) -> None:
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small, fixed receive window (no autotuning to 32 MiB per socket): the origin must
    # hold back rather than the kernel absorbing the file.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.reader_rcvbuf)
    sock.setblocking(False)
    writer = None
    began = loop.time()
    try:
        await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", port)), 30)
        reader, writer = await asyncio.open_connection(sock=sock, limit=64 * 1024)
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        report.header_s.append(loop.time() - began)
        status = int(head.split(b" ", 2)[1])
        if status not in (200, 206):
            raise RuntimeError(f"HTTP {status}")
        length_match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        length = int(length_match.group(1)) if length_match else None
        got = 0
        start = loop.time()
        while (elapsed := loop.time() - start) < args.reader_seconds:
            allowed = int(args.reader_rate * elapsed) - got
            if allowed <= 0:
                await asyncio.sleep(0.25)
                continue
            data = await asyncio.wait_for(reader.read(min(allowed, 64 * 1024)), 30)
            if not data:
                if length is None or got < length:
                    raise RuntimeError(f"connection closed after {got} bytes")
                break
            got += len(data)
        report.rates.append(got / max(loop.time() - start, 1e-9))
    except Exception as exc:
        kind = str(exc) if str(exc).startswith("HTTP") else type(exc).__name__
        report.errors[kind] += 1
        if len(report.error_samples) < 5:
            report.error_samples.append(f"{type(exc).__name__}: {exc}")
    finally:
        if writer is not None:
            writer.transport.abort()  # the viewer goes away mid-file
        else:
            sock.close()


def proc_status(pid: int) -> dict[str, int]:
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                values[name] = int(rest.split()[0]) * 1024
    return values


@dataclass
class MemoryReport:
    before: int = 0
    peak_sampled: int = 0
    hwm: int = 0
    hwm_reset: bool = False
    lifetime_hwm: int = 0
    after: int = 0


def hold_slow_readers(pid: int, port: int, path: str, args) -> tuple[ReaderReport, MemoryReport]:
    memory = MemoryReport(lifetime_hwm=proc_status(pid).get("VmHWM", 0))
    try:  # reset the high-water mark to the current RSS (Linux >= 4.0), so it covers this phase
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        memory.hwm_reset = True
    except OSError:
        memory.hwm_reset = False
    memory.before = proc_status(pid).get("VmRSS", 0)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            memory.peak_sampled = max(memory.peak_sampled, proc_status(pid).get("VmRSS", 0))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    readers = ReaderReport()

    async def run_all() -> None:
        await asyncio.gather(*(slow_reader(port, path, args, readers) for _ in range(args.readers)))

    try:
        asyncio.run(run_all())
        time.sleep(1)  # let the origin notice the disconnects
    finally:
        stop.set()
        sampler.join()
    memory.hwm = proc_status(pid).get("VmHWM", 0)
    memory.after = proc_status(pid).get("VmRSS", 0)
    return readers, memory


# --- the run -------------------------------------------------------------------------------


def run(args, services: Services, root: Path) -> bool:
    size = int(args.size_gib * GIB)
    if size < 2 * MIB:
        raise SetupError("--size-gib is too small (at least 2 MiB)")
    install = Install(root=root, env={}, size=size, block=b"", moto_port=free_port())
    install.env = make_env(root, install.moto_port)
    (root / "data").mkdir()
    (root / "media").mkdir()

    install.load_before = os.getloadavg()
    log(f"temp folder {root}; load average {install.load_before[0]:.2f} on {os.cpu_count()} CPUs")
    source = root / "source" / "film.mp4"
    source.parent.mkdir()
    install.block = generate_file(source, size, args.seed)
    log(f"generated {size / GIB:.2f} GiB ({BLOCK // MIB} MiB random block repeated)")
    manage(install.env, "migrate", "--noinput")
    manage(install.env, "bootstrap", "--no-sample")
    log("migrated and bootstrapped (default site on localhost)")
    start_moto(services, install, args.stock_moto)
    log(f"moto_server on :{install.moto_port} ({'stock' if args.stock_moto else 'range-patched'})")

    install.links["local"] = store(services, install, source, "bench-local.mp4", "local")
    log("stored in local storage")
    began = time.monotonic()
    install.links["s3"] = store(services, install, source, "bench-s3.mp4", "s3")
    log(f"stored in S3 (moto) in {time.monotonic() - began:.0f} s")
    source.unlink()
    began = time.monotonic()
    os.sync()  # no writeback of the gigabytes just written while we measure
    log(f"synced to disk in {time.monotonic() - began:.1f} s")
    stored = [p for p in (root / "media" / "media").rglob("*") if p.is_file()]
    if len(stored) != 1 or stored[0].stat().st_size != size:
        raise SetupError(f"expected one stored local file of {size} bytes, found {stored}")
    install.local_file = stored[0]
    ref_path = "/ref/" + str(install.local_file.relative_to(root / "media"))

    rng = random.Random(args.seed)
    moto_ms = moto_range_latency(install, 20, rng)
    log(
        f"moto alone, 1 MiB ranged GET with boto3: p50 {percentile(moto_ms, 50):.1f} ms, "
        f"max {max(moto_ms):.1f} ms"
    )

    origin_a = start_origin(services, install, "origin A", behind_gateway=True)
    origin_b = start_origin(services, install, "origin B", behind_gateway=False)
    gw = gateway(install, origin_a)
    start_nginx(services, gw)
    ref = reference(install)
    start_nginx(services, ref)
    log(f"origin A :{origin_a}, origin B :{origin_b}, gateway :{gw.port}, reference :{ref.port}")

    offsets = [rng.randrange(0, size - MIB + 1) for _ in range(args.seeks)]
    cases = {key: Case(key) for key in CASES}

    where = {
        "a": (ref.port, ref_path),
        "b": (gw.port, install.links["local"]),
        "d": (gw.port, install.links["s3"]),
        "e": (origin_b, install.links["local"]),
    }
    log("full reads of (a), (b), (e), interleaved, after one warm-up round that is not counted")
    measure_reads(cases, ["a", "b", "e"], where, args.reads, install)
    for key in ("a", "b", "e"):
        measure_seeks(cases[key], *where[key], offsets, install)

    log("(c)/(d) gateway + S3: fresh cache, first read cold, then warm reads interleaved with (a)")
    restart_gateway_cold(services, gw)
    began = time.monotonic()
    cold = curl_read(*where["d"], timeout=900)
    cases["c"].reads.append(checked(cold, "c", install))
    log(f"  {CASES['c']}: {cold.speed / 1e9:.2f} GB/s ({time.monotonic() - began:.1f} s)")
    measure_reads(cases, ["a", "d"], where, args.reads, install)
    ref_now = statistics.median(r.speed for r in cases["a"].reads[-args.reads :])
    if cold.status == 200 and ref_now:
        cases["c"].ratios.append(cold.speed / ref_now)  # to (a)'s reads right after it
    measure_seeks(cases["d"], *where["d"], offsets, install)
    log("  clearing the slice cache for the cold seeks")
    restart_gateway_cold(services, gw)
    measure_seeks(cases["c"], gw.port, install.links["s3"], offsets, install)
    log(f"cold slice breakdown on {args.slices} rounds of fresh slices (cache cleared first)")
    restart_gateway_cold(services, gw)
    # The origin reads ahead when a slice follows one asked within 5 s (RUN_GAP in
    # stored_media/readahead.py); after the seeks' slices, wait so each slice here is lone.
    time.sleep(6)
    breakdown = slice_breakdown(install, gw, origin_a, args.slices, rng)

    log(
        f"holding {args.readers} slow readers on origin B "
        f"({args.reader_rate // 1024} KiB/s each for {args.reader_seconds:g} s)"
    )
    pid = services.running["origin B"].process.pid
    readers, memory = hold_slow_readers(pid, origin_b, install.links["local"], args)
    after = seek(origin_b, install.links["local"], offsets[:3], install)
    alive = len(after.ttfb_ms) == 3 and after.wrong == 0
    problems = len(re.findall(r"Traceback|ERROR", tail(services.running["origin B"], 100000)))
    log(f"origin B answers after the readers: {'yes' if alive else 'NO'}")

    telegram = telegram_case(services, install, args, rng)
    return report(
        args, install, cases, readers, memory, alive, problems, moto_ms, breakdown, telegram
    )


def telegram_case(
    services: Services, install: Install, args, rng: random.Random
) -> stream_telegram.TelegramReport:
    """The gateway in front of an origin reading from the Telegram double (see
    bench/stream_telegram.py): cold seeks, then a cold sequential read of another object."""
    size = int(args.telegram_mib * MIB) + TELEGRAM_TAIL
    source = install.root / "source" / "telegram.mp4"
    block = generate_file(source, size, args.seed + 1)
    case = Install(root=install.root, env=install.env, size=size, block=block)
    port, log_path = free_port(), install.root / "getfile.jsonl"
    argv = [
        PYTHON, str(REPO / "bench" / "telegram_origin.py"),
        "--port", str(port),
        "--latency", str(args.telegram_latency),
        "--part-size", str(TELEGRAM_PART_SIZE),
        "--sessions", str(TELEGRAM_SESSIONS),
        "--log", str(log_path),
        f"{source}:bench-telegram-seek.mp4",
        f"{source}:bench-telegram-read.mp4",
        f"{source}:bench-telegram-probe.mp4",
    ]  # fmt: skip
    env = dict(install.env, STREAM_BEHIND_GATEWAY="true")
    origin = services.start("telegram origin", argv, env, install.root / "telegram-origin.log")
    services.wait_port("telegram origin", port, timeout=300)
    seek_link, read_link, probe_link = re.findall(
        r"^link: (\S+)$", origin.log_path.read_text(), re.M
    )
    source.unlink()
    gw = gateway(install, port, "telegram gateway")
    start_nginx(services, gw)
    report = stream_telegram.TelegramReport(
        latency_ms=args.telegram_latency * 1000,
        size=size,
        parts=-(-size // TELEGRAM_PART_SIZE),
        sessions=TELEGRAM_SESSIONS,
    )
    log(
        f"Telegram double, {report.latency_ms:.0f} ms per getFile: {args.telegram_seeks} cold seeks"
    )
    offsets = [rng.randrange(0, size - MIB + 1) for _ in range(args.telegram_seeks)]
    # One request first, not counted: the origin's first answer pays for lazy imports and
    # the sessions' connections, which a serving origin has long paid.
    seek(gw.port, probe_link, [size - MIB], case)
    report.origin_ttfb_ms = telegram_origin_slices(port, probe_link, install, size)
    restart_gateway_cold(services, gw)
    began = time.time()
    seeks = seek(gw.port, seek_link, offsets, case)
    time.sleep(2 * args.telegram_latency)  # read-aheads the seeks started come back
    calls = stream_telegram.read_log(log_path, began, time.time())
    report.seek_check = stream_telegram.check_get_files(calls)
    report.seek_ttfb_ms = seeks.ttfb_ms
    report.seek_wrong, report.seek_errors = seeks.wrong, sum(seeks.errors.values())
    log(f"  cold seeks: first byte p50 {seeks.p(50):.1f} ms, max {max(seeks.ttfb_ms or [0]):.1f}")
    restart_gateway_cold(services, gw)
    began = time.time()
    answer = stream_slices.Connection(gw.port).get(read_link, {})
    report.read_seconds = answer.total_ms / 1000
    report.read_status = answer.status
    report.read_ok = answer.status == 200 and answer.body == expected_bytes(block, 0, size)
    time.sleep(2 * args.telegram_latency)
    report.read_check = stream_telegram.check_get_files(
        stream_telegram.read_log(log_path, began, time.time())
    )
    log(
        f"  cold sequential read: {report.read_seconds:.2f} s, "
        f"{report.slices_per_round_trip:.2f} slices per round trip"
    )
    services.stop(gw.name)
    services.stop("telegram origin")
    return report


def slice_breakdown(install: Install, gw: Nginx, origin_port: int, count: int, rng):
    client = s3_client(install)
    key = client.list_objects_v2(Bucket=BUCKET)["Contents"][0]["Key"]
    link = install.links["s3"]
    return stream_slices.measure(
        s3=client,
        bucket=BUCKET,
        key=key,
        size=install.size,
        uri=link.split("?", 1)[0],
        link=link,
        link_secret=install.env["LINK_SECRET"],
        gateway_port=gw.port,
        origin_port=origin_port,
        count=count,
        rng=rng,
        expected=lambda start, stop: expected_bytes(install.block, start, stop),
        forget_authorize=lambda: forget_authorize_answers(gw),
    )


def forget_authorize_answers(nginx: Nginx) -> None:
    """Empty the gateway's authorize cache as a purge does (its entry files deleted): the
    next request for any link asks the origin again."""
    for entry in (nginx.run_dir / "authorize").rglob("*"):
        if entry.is_file():
            entry.unlink(missing_ok=True)


def report_breakdown(breakdown: stream_slices.Breakdown, line: str) -> tuple[float, float]:
    """Print the cold slice's steps; return the gateway's first byte p50 and p99 as ratios
    to the backend's."""
    rows = [
        ("backend alone: boto3 ranged GET, whole body", breakdown.backend_ms),
        ("origin: authorize answer (nginx auth_request)", breakdown.authorize_ms),
        ("origin: slice, first byte (gateway token)", breakdown.origin_ttfb_ms),
        ("origin: slice, last byte", breakdown.origin_total_ms),
        ("gateway: slice, first byte (authorize cached)", breakdown.gateway_ttfb_ms),
        ("gateway: slice, last byte (authorize cached)", breakdown.gateway_total_ms),
        ("gateway: slice, first byte (fresh link)", breakdown.fresh_ttfb_ms),
    ]
    backend = breakdown.backend_ms
    print(line)
    print(
        f"cold 1 MiB slice from S3, step by step ({len(backend)} rounds, each on slices "
        "never asked before; x = ratio to the backend's own GET, same percentile)"
    )
    print(f"  {'step':48} {'p50':>8} {'p99':>8} {'p50 x':>6} {'p99 x':>6}")
    for name, values in rows:
        if not values or not backend:
            continue
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(
            f"  {name:48} {p50:6.2f}ms {p99:6.2f}ms {p50 / percentile(backend, 50):5.2f}x "
            f"{p99 / percentile(backend, 99):5.2f}x"
        )
    for problem in breakdown.problems[:5]:
        print(f"  PROBLEM {problem}")
    if not backend or not breakdown.gateway_ttfb_ms:
        return float("nan"), float("nan")
    return (
        percentile(breakdown.gateway_ttfb_ms, 50) / percentile(backend, 50),
        percentile(breakdown.gateway_ttfb_ms, 99) / percentile(backend, 99),
    )


def report(
    args, install, cases, readers, memory, alive, log_problems, moto_ms, breakdown, telegram
) -> bool:
    ref = cases["a"]
    line = "-" * 96
    print()
    print("=" * 96)
    print(
        f"ShadowVault streaming bench: {install.size / GIB:.2f} GiB file, "
        f"{len(ref.seeks.ttfb_ms) if ref.seeks else 0} random 1 MiB seeks, "
        f"median of {args.reads} full read(s) (cold: 1), {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(
        "throughput: curl full read, GB/s = 10^9 B/s, median of the case's reads; x (a) = median"
        " of per-round ratios\nto the reference read of the same round. seeks: TTFB on one"
        " keep-alive connection"
    )
    load = os.getloadavg()
    print(
        f"load average at start {install.load_before[0]:.2f}, at the end {load[0]:.2f} "
        f"(1 min) on {os.cpu_count()} CPUs"
        + (
            "  <- other work on this machine: throughput figures are noisy"
            if max(install.load_before[0], load[1]) > 0.5 * (os.cpu_count() or 1)
            else ""
        )
    )
    print(line)
    print(
        f"{'case':42} {'GB/s':>6} {'x (a)':>6}   {'seek p50':>9} {'p99':>8} "
        f"{'p50 x':>6} {'p99 x':>6}  cache"
    )
    print(line)
    ref_p50 = ref.seeks.p(50)
    ref_p99 = ref.seeks.p(99)
    for key, case in cases.items():
        seeks = case.seeks
        ratio = case.ratio
        cache = ",".join(f"{k}:{v}" for k, v in sorted(seeks.cache.items())) if seeks else ""
        print(
            f"{CASES[key]:42} {case.speed / 1e9:6.2f} {ratio:5.2f}x   "
            f"{seeks.p(50):7.2f}ms {seeks.p(99):6.2f}ms "
            f"{seeks.p(50) / ref_p50:5.1f}x {seeks.p(99) / ref_p99:5.1f}x  {cache}"
        )
    print(line)
    print(
        "(c) seeks ran on a freshly cleared cache; (d) seeks after full reads (all hits). "
        f"moto alone: 1 MiB ranged GET p50 {percentile(moto_ms, 50):.1f} ms"
        + (" (stock moto)" if args.stock_moto else " (moto patched to read only the range)")
    )
    bad = {
        key: (c.seeks.wrong, sum(c.seeks.errors.values()), sum(r.status != 200 for r in c.reads))
        for key, c in cases.items()
        if c.seeks and (c.seeks.wrong or c.seeks.errors or any(r.status != 200 for r in c.reads))
    }
    print(f"correctness: {'every byte as generated' if not bad else f'PROBLEMS {bad}'}")
    cold_p50, cold_p99 = report_breakdown(breakdown, line)

    mb = 1e6
    print(line)
    print(
        f"slow readers on origin B (one uvicorn worker): {args.readers} x "
        f"{args.reader_rate // 1024} KiB/s for {args.reader_seconds:g} s, "
        f"client SO_RCVBUF {args.reader_rcvbuf // 1024} KiB"
    )
    errors = sum(readers.errors.values())
    rates = sorted(readers.rates)
    summary = f"  errors: {errors}" + (f" {dict(readers.errors)}" if errors else "")
    if readers.header_s:
        summary += (
            f"; response headers after p50 {percentile(readers.header_s, 50) * 1000:.0f} ms, "
            f"max {max(readers.header_s) * 1000:.0f} ms"
        )
    print(summary)
    for sample in readers.error_samples:
        print(f"    e.g. {sample}")
    if rates:
        print(
            f"  achieved rate per reader: min {rates[0] / 1024:.0f}, median "
            f"{statistics.median(rates) / 1024:.0f} KiB/s (asked {args.reader_rate // 1024})"
        )
    hwm_label = "VmHWM during the phase" if memory.hwm_reset else "VmHWM (whole life)"
    peak = max(memory.hwm, memory.peak_sampled)
    print(
        f"  RSS: before {memory.before / mb:.0f} MB, peak sampled {memory.peak_sampled / mb:.0f}"
        f" MB, {hwm_label} {memory.hwm / mb:.0f} MB, after {memory.after / mb:.0f} MB "
        f"(whole-life VmHWM before the phase {memory.lifetime_hwm / mb:.0f} MB; MB = 10^6 B)"
    )
    print(f"  i.e. {(peak - memory.before) / args.readers / mb:.2f} MB more per reader at peak")
    print(
        f"  origin answers afterwards: {'yes' if alive else 'NO'}; "
        f"ERROR/Traceback lines in its log: {log_problems}"
    )
    print(line)
    for text in stream_telegram.report_lines(telegram, percentile):
        print(text)
    print("=" * 96)

    missed = []
    verdicts = []
    for key, minimum in TARGETS.items():
        ratio = cases[key].ratio
        ok = ratio >= minimum
        verdicts.append((ok, f"{CASES[key]} throughput >= {minimum:.2f}x (a): {ratio:.2f}x"))
    p99_ratio = cases["b"].seeks.p(99) / ref_p99
    verdicts.append(
        (
            p99_ratio <= SEEK_P99_MAX_RATIO,
            f"(b) seek p99 <= {SEEK_P99_MAX_RATIO:g}x (a)'s: {p99_ratio:.1f}x "
            f"({cases['b'].seeks.p(99):.2f} vs {ref_p99:.2f} ms)",
        )
    )
    verdicts.append(
        (
            peak < RSS_TARGET_MB * mb,
            f"slow readers peak RSS < {RSS_TARGET_MB} MB: {peak / mb:.0f} MB",
        )
    )
    verdicts.append((errors == 0, f"slow readers errors == 0: {errors}"))
    verdicts.append(
        (
            max(cold_p50, cold_p99) <= COLD_SLICE_MAX_RATIO and not breakdown.problems,
            f"cold S3 slice through the gateway, first byte <= {COLD_SLICE_MAX_RATIO:g}x the "
            f"backend's own GET: p50 {cold_p50:.2f}x, p99 {cold_p99:.2f}x",
        )
    )
    verdicts.append((not bad, "every byte served as generated"))
    verdicts += telegram_verdicts(telegram)
    for ok, text in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
        if not ok:
            missed.append(text)
    print(f"(c) cold cache is reported only: {cases['c'].ratio:.2f}x (a)")
    if missed:
        print("targets missed:")
        for text in missed:
            print(f"  - {text}")
    else:
        print("targets: all met")
    return not missed


def telegram_origin_slices(port: int, link: str, install: Install, size: int) -> list[float]:
    """First byte of lone cold slices asked straight from the origin, as nginx asks them:
    the origin's own share of a cold seek."""
    token = stream_slices.gateway_token(install.env["LINK_SECRET"])
    connection = stream_slices.Connection(port)
    times = []
    for index in range(0, size // MIB - 2, stream_slices.SPACING):
        start = index * MIB
        answer = connection.get(
            link, {stream_slices.GATEWAY_HEADER: token, "Range": f"bytes={start}-{start + MIB - 1}"}
        )
        if answer.status == 206:
            times.append(answer.ttfb_ms)
    connection.close()
    return times


def telegram_verdicts(telegram: stream_telegram.TelegramReport) -> list[tuple[bool, str]]:
    rtt = telegram.latency_ms
    ttfb = telegram.seek_ttfb_ms
    p50 = percentile(ttfb, 50) if ttfb else float("nan")
    check_ok = all(c is not None and c.ok for c in (telegram.seek_check, telegram.read_check))
    return [
        (
            p50 <= rtt + TELEGRAM_SEEK_SLACK_MS and not telegram.seek_wrong,
            f"Telegram cold seek first byte p50 <= one round trip + "
            f"{TELEGRAM_SEEK_SLACK_MS:g} ms: {p50:.1f} ms ({rtt:.0f} + {p50 - rtt:.1f})",
        ),
        (
            telegram.slices_per_round_trip >= TELEGRAM_SLICES_PER_ROUND_TRIP and telegram.read_ok,
            f"Telegram cold sequential read >= {TELEGRAM_SLICES_PER_ROUND_TRIP:g} slices per "
            f"round trip: {telegram.slices_per_round_trip:.2f}",
        ),
        (check_ok, "Telegram: every getFile within the planner's rules (telegram_plan.py)"),
    ]


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(
        description=(
            "Benchmark ShadowVault's streaming path (gateway nginx + origin, local and S3 "
            "storage, origin alone) against nginx serving the same file, and hold many slow "
            "readers on one uvicorn worker. Prints a report; exits 0 once it is printed."
        ),
        epilog="See bench/README.md for what each figure means.",
    )
    parser.add_argument("--size-gib", type=float, default=1.0, help="file size (default 1)")
    parser.add_argument("--seeks", type=int, default=200, help="random 1 MiB seeks per case")
    parser.add_argument("--readers", type=int, default=200, help="concurrent slow readers")
    parser.add_argument(
        "--reads", type=int, default=5, help="full reads per warm case; median reported (5)"
    )
    parser.add_argument(
        "--reader-rate", type=int, default=64 * 1024, help="bytes/s per slow reader (64 KiB)"
    )
    parser.add_argument(
        "--reader-seconds", type=float, default=10.0, help="how long each reader reads (10)"
    )
    parser.add_argument(
        "--reader-rcvbuf",
        type=int,
        default=256 * 1024,
        help="slow readers' socket receive buffer in bytes (256 KiB)",
    )
    parser.add_argument(
        "--telegram-mib", type=float, default=96, help="Telegram object size in MiB (96)"
    )
    parser.add_argument(
        "--telegram-latency", type=float, default=0.15, help="seconds per getFile (0.15)"
    )
    parser.add_argument("--telegram-seeks", type=int, default=20, help="cold Telegram seeks (20)")
    parser.add_argument(
        "--slices", type=int, default=30, help="rounds of the cold slice breakdown (30)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (file and offsets)")
    parser.add_argument(
        "--stock-moto",
        action="store_true",
        help="run moto unpatched (its ranged GET reads the whole object: the cold S3 case of "
        "a 1 GiB file then takes 10+ minutes)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp folder (logs, configs) for inspection"
    )
    args = parser.parse_args(argv)
    if args.seeks < 1 or args.readers < 1 or args.reads < 1:
        parser.error("--seeks, --readers and --reads must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def interrupted(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):  # many readers: sockets + open files
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    services = Services()
    root = Path(tempfile.mkdtemp(prefix="sv-bench-"))
    status = 0
    try:
        run(args, services, root)
    except (KeyboardInterrupt, Interrupted) as exc:
        print(f"\ninterrupted ({str(exc) or 'Ctrl-C'}); cleaning up", file=sys.stderr)
        status = 130
    except SetupError as exc:
        print(f"\nbench could not run: {exc}", file=sys.stderr)
        status = 1
    finally:
        # A second Ctrl-C must not cut the cleanup short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        services.stop_all()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
