"""Many viewers of one film at once through the gateway: the issue 20 scale check.

    .venv/bin/python bench/readers.py            # 1,000 readers at 5 Mb/s for 30 s
    .venv/bin/python bench/readers.py --quick    # 100 readers for 10 s (its test runs this)

Builds a throwaway install (SQLite, local media; bench/stream.py's helpers), stores one
generated film and publishes it, starts one uvicorn origin (its access log counts the
authorize calls) behind the gateway nginx that `manage.py gateway_config` renders, and a
reference nginx serving the same file statically. Then `--readers` raw-socket readers, split
over `--reader-processes` processes, open the film's link all at the same moment (a fresh
link: nobody asked the gateway about the film before) and each reads at `--rate-mbit`,
paced by what it takes from a small receive buffer, for `--seconds`. The same readers then
read the file from the reference nginx. It prints errors, each reader's achieved rate as a
fraction of its pace (p5, p50) for both rounds, how long the readers waited for response
headers, the origin's and nginx's CPU seconds and the origin's authorize calls (goal: one
per link). A report, not a test: it exits 0 once printed (bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import re
import resource
import signal
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import stream
import stream_slices
from stream import (
    HOST,
    Install,
    Nginx,
    Services,
    SetupError,
    free_port,
    generate_file,
    log,
    make_env,
    manage,
    percentile,
    reference,
    start_nginx,
    store,
)

PYTHON = sys.executable
MEGABIT = 1_000_000 / 8  # 1 Mb/s in bytes per second
RECEIVE_BUFFER = 256 * 1024  # a player's socket: the kernel must not soak up the film
PACE_GOAL = 0.95  # p5 of achieved / pace
READ_TIMEOUT = 30
# Every reader of a process reads into this one buffer: the bytes are thrown away, and a
# buffer per reader would be a quarter of a GB for 1,000 of them.
SCRATCH = memoryview(bytearray(RECEIVE_BUFFER))


@dataclass
class Round:
    """One round's readers, gathered from every reader process."""

    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    header_s: list[float] = field(default_factory=list)
    paced: list[float] = field(default_factory=list)  # achieved rate / pace, per reader

    def add(self, other: dict) -> None:
        self.errors.update(other["errors"])
        self.samples += other["samples"][: 5 - len(self.samples)]
        self.header_s += other["header_s"]
        self.paced += other["paced"]


# --- the readers ---------------------------------------------------------------------------


async def read_paced(port: int, path: str, rate: float, seconds: float, out: dict) -> None:
    """One viewer: a GET of the whole film, read at `rate` bytes/s for `seconds`."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    sock.setblocking(False)
    began = loop.time()
    try:
        await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", port)), READ_TIMEOUT)
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
        await loop.sock_sendall(sock, request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = await asyncio.wait_for(loop.sock_recv(sock, 4096), 60)
            if not chunk:
                raise ConnectionError("closed before the response headers")
            head += chunk
        out["header_s"].append(loop.time() - began)
        status = int(head.split(b" ", 2)[1])
        if status not in (200, 206):
            raise RuntimeError(f"HTTP {status}")
        got = len(head.split(b"\r\n\r\n", 1)[1])
        start = loop.time()
        while (elapsed := loop.time() - start) < seconds:
            allowed = int(rate * elapsed) - got
            if allowed <= 0:
                # A tenth of a second's bytes a read: a player's buffer (256 KiB) then holds
                # more than a wake-up's worth even when a busy machine wakes it late.
                await asyncio.sleep(0.1)
                continue
            view = SCRATCH[: min(allowed, len(SCRATCH))]
            count = await asyncio.wait_for(loop.sock_recv_into(sock, view), READ_TIMEOUT)
            if not count:
                raise ConnectionError(f"closed after {got} bytes")
            got += count
        out["paced"].append(got / (loop.time() - start) / rate)
    except Exception as exc:
        kind = str(exc) if str(exc).startswith("HTTP") else type(exc).__name__
        out["errors"][kind] += 1
        if len(out["samples"]) < 5:
            out["samples"].append(f"{type(exc).__name__}: {exc}")
    finally:
        sock.close()  # the viewer goes away mid-film


def reader_process(job: tuple[int, str, int, float, float, float]) -> dict:
    """`count` readers in one process, all starting at the wall-clock moment `at`."""
    port, path, count, rate, seconds, at = job
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool ends its workers so
    out: dict = {"errors": Counter(), "samples": [], "header_s": [], "paced": []}

    async def everyone() -> None:
        await asyncio.sleep(max(0.0, at - time.time()))
        await asyncio.gather(*(read_paced(port, path, rate, seconds, out) for _ in range(count)))

    asyncio.run(everyone())
    return out


def run_readers(port: int, path: str, args) -> Round:
    processes = max(1, min(args.reader_processes, args.readers))
    shares = [args.readers // processes + (n < args.readers % processes) for n in range(processes)]
    at = time.time() + 1.0  # every process connects at the same moment
    rate = args.rate_mbit * MEGABIT
    jobs = [(port, path, share, rate, args.seconds, at) for share in shares]
    result = Round()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for part in pool.map(reader_process, jobs):
            result.add(part)
    return result


# --- what the servers spent ----------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def with_children(pid: int) -> list[int]:
    """A process and its children (nginx's master and its workers)."""
    found = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def authorize_calls(origin_log: Path, uri: str) -> int:
    """Requests for the film that reached the origin: with local storage nginx sends the
    bytes itself, so each one is an authorize call."""
    text = origin_log.read_text(errors="replace")
    return len(re.findall(rf'"(?:GET|HEAD) {re.escape(uri)}[? ]', text))


def warm_origin(port: int, link: str, link_secret: str) -> None:
    """Ask the origin itself the film's authorize answer once, as nginx would: its first
    request sets Django up (seconds on a busy machine), which is a process's start, not what
    a crowd costs. The gateway's cache stays empty: the round's link is still fresh to it."""
    connection = stream_slices.Connection(port)
    token = stream_slices.gateway_token(link_secret)
    answer = connection.get(link, {stream_slices.AUTHORIZE_HEADER: token})
    connection.close()
    if answer.status != 200:
        raise SetupError(f"the origin's authorize answer was HTTP {answer.status}")


# --- the install ---------------------------------------------------------------------------


def start_origin(services: Services, install: Install) -> tuple[int, Path]:
    port = free_port()
    log_path = install.root / "origin.log"
    env = dict(install.env, STREAM_BEHIND_GATEWAY="true")
    argv = [
        PYTHON, "-m", "uvicorn", "shadowvault.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--lifespan", "off",
        "--log-level", "info", "--access-log",
    ]  # fmt: skip
    services.start("origin", argv, env, log_path)
    services.wait_port("origin", port)
    return port, log_path


def gateway(install: Install, origin_port: int, workers: int) -> Nginx:
    run_dir = install.root / "gateway"
    port = free_port()
    config = run_dir / "nginx.conf"
    args = [
        "gateway_config",
        "--listen", f"127.0.0.1:{port}",
        "--site-upstream", f"127.0.0.1:{origin_port}",
        "--stream-upstream", f"127.0.0.1:{origin_port}",
        "--run-dir", str(run_dir),
        "--workers", str(workers),
        "--output", str(config),
    ]  # fmt: skip
    if os.geteuid() == 0:
        args += ["--user", "root"]  # the temp folder is private to root
    manage(dict(install.env, STREAM_BEHIND_GATEWAY="true"), *args)
    return Nginx("gateway nginx", run_dir, config, port)


def prepare(services: Services, root: Path, args) -> tuple[Install, str, Path]:
    """The install with one published film; its link and the stored file."""
    size = int(args.rate_mbit * MEGABIT * (args.seconds + 5))  # more than anyone reads
    install = Install(root=root, env=make_env(root, free_port()), size=size, block=b"")
    for folder in ("data", "media", "source"):
        (root / folder).mkdir()
    source = root / "source" / "film.mp4"
    generate_file(source, size, seed=20)
    manage(install.env, "migrate", "--noinput")
    manage(install.env, "bootstrap", "--no-sample")
    link = store(services, install, source, "bench-film.mp4", "local")
    source.unlink()
    stored = [p for p in (root / "media" / "media").rglob("*") if p.is_file()]
    if len(stored) != 1:
        raise SetupError(f"expected one stored file, found {stored}")
    stored[0].read_bytes()  # in the page cache for both rounds alike
    log(f"stored a {size / 1e6:.0f} MB film; link {link.split('?')[0]}")
    return install, link, stored[0]


# --- the run and the report ----------------------------------------------------------------


def run(args, services: Services, root: Path) -> list[str]:
    install, link, film = prepare(services, root, args)
    origin_port, origin_log = start_origin(services, install)
    nginx = gateway(install, origin_port, args.gateway_workers)
    start_nginx(services, nginx)
    ref = reference(install)
    start_nginx(services, ref)
    uri = link.split("?", 1)[0]
    warm_origin(origin_port, link, install.env["LINK_SECRET"])
    origin_pid = services.running["origin"].process.pid
    nginx_pids = with_children(services.running["gateway nginx"].process.pid)
    load = os.getloadavg()[0]

    log(f"{args.readers} readers at {args.rate_mbit:g} Mb/s through the gateway, on a fresh link")
    calls_before = authorize_calls(origin_log, uri)
    cpu_before = cpu_seconds([origin_pid]), cpu_seconds(nginx_pids)
    began = time.monotonic()
    through = run_readers(nginx.port, link, args)
    wall = time.monotonic() - began
    origin_cpu = cpu_seconds([origin_pid]) - cpu_before[0]
    nginx_cpu = cpu_seconds(nginx_pids) - cpu_before[1]
    time.sleep(1)  # the access log's last line
    calls = authorize_calls(origin_log, uri) - calls_before

    static = None
    if not args.no_reference:
        log("the same readers on the reference nginx (the file, statically)")
        ref_path = "/ref/" + str(film.relative_to(root / "media"))
        static = run_readers(ref.port, ref_path, args)
    return report(args, load, through, static, origin_cpu, nginx_cpu, calls, wall)


def paced_line(name: str, result: Round) -> str:
    if not result.paced:
        return f"  {name}: no reader finished"
    return (
        f"  {name}: achieved / pace p5 {percentile(result.paced, 5):.2f}, "
        f"p50 {percentile(result.paced, 50):.2f}, min {min(result.paced):.2f}; "
        f"headers after p50 {percentile(result.header_s, 50) * 1000:.0f} ms, "
        f"p95 {percentile(result.header_s, 95) * 1000:.0f} ms, "
        f"max {max(result.header_s) * 1000:.0f} ms"
    )


def report(args, load, through: Round, static, origin_cpu, nginx_cpu, calls, wall) -> list[str]:
    errors = sum(through.errors.values())
    lines = [
        "",
        f"readers: {args.readers} x {args.rate_mbit:g} Mb/s for {args.seconds:g} s, one film, "
        f"arriving together on a fresh link ({args.reader_processes} reader processes, "
        f"gateway workers {args.gateway_workers}, load before {load:.2f} on "
        f"{os.cpu_count()} CPUs)",
        f"  errors: {errors}" + (f" {dict(through.errors)}" if errors else ""),
        *(f"    {sample}" for sample in through.samples),
        paced_line("gateway", through),
    ]
    if static is not None:
        lines.append(paced_line("reference nginx (static file)", static))
        if through.paced and static.paced:
            ratio = percentile(through.paced, 5) / percentile(static.paced, 5)
            lines.append(f"  gateway p5 / reference p5: {ratio:.2f}x")
    lines += [
        f"  CPU over the round ({wall:.0f} s): origin (Python) {origin_cpu:.2f} s, "
        f"nginx {nginx_cpu:.2f} s; origin / nginx {origin_cpu / max(nginx_cpu, 0.01):.3f}",
        f"  origin authorize calls: {calls} for 1 link and {args.readers} readers "
        f"({calls / max(args.readers, 1):.3f} per reader)",
    ]
    p5 = percentile(through.paced, 5) if through.paced else 0.0
    verdicts = [
        (errors == 0, f"errors == 0: {errors}"),
        (p5 >= PACE_GOAL, f"every reader at its pace (p5 >= {PACE_GOAL}): {p5:.2f}"),
        (calls == 1, f"one authorize call per link: {calls}"),
    ]
    lines.append("")
    lines += [f"{'PASS' if ok else 'FAIL'} {text}" for ok, text in verdicts]
    missed = [text for ok, text in verdicts if not ok]
    lines.append("targets: all met" if not missed else f"targets missed: {'; '.join(missed)}")
    return lines


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(
        description=(
            "Many readers of one film, arriving together on a fresh link, through the gateway "
            "and from a reference nginx: errors, each reader's rate against its pace, the "
            "origin's and nginx's CPU, the origin's authorize calls. Prints a report."
        )
    )
    parser.add_argument("--readers", type=int, default=1000, help="concurrent readers (1000)")
    parser.add_argument("--rate-mbit", type=float, default=5.0, help="each reader's pace (5)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each reads (30)")
    parser.add_argument(
        "--reader-processes", type=int, default=2, help="processes the readers run in (2)"
    )
    parser.add_argument("--gateway-workers", type=int, default=1, help="nginx workers (1)")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the reference nginx round"
    )
    parser.add_argument("--quick", action="store_true", help="100 readers for 10 s")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.readers, args.seconds = 100, 10.0
    if args.readers < 1 or args.seconds <= 0 or args.rate_mbit <= 0:
        parser.error("--readers, --seconds and --rate-mbit must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    # A socket per reader here, two per reader in nginx (the connection and the file): the
    # limit its children inherit goes up to the hard limit.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < 3 * args.readers + 100:
        print(f"the file-descriptor limit ({hard}) is low for {args.readers} readers")
    return stream.run_report("readers", args.keep, lambda services, root: run(args, services, root))


if __name__ == "__main__":
    sys.exit(main())
