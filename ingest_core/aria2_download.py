"""aria2c (Debian package aria2) downloading one big file over several connections.

aria2c always goes through the SSRF-guarding proxy, so every connection it opens, redirects
included, is checked; also for a host the operator allowed (INGEST_ALLOWED_HOSTS), which may
redirect elsewhere, where aria2c on its own would follow. Any failure raises `Aria2Failed`;
the native downloader then starts over on its own.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from ingest_core.errors import DownloadFailed
from ingest_core.guard_proxy import GuardProxy, guarded_proxy
from ingest_core.guarded_http import USER_AGENT

logger = logging.getLogger(__name__)

ARIA2_BINARY = "aria2c"  # tests point this at a script that fails
WORK_FOLDER = ".aria2"  # a folder, so a half-done download is never taken for the source
OUT_NAME = "download"
MAX_PER_SERVER = 16  # aria2c refuses --max-connection-per-server above 16
# The console readout, e.g. "[#2089b0 400MiB/1.0GiB(39%) CN:8 DL:115MiB ETA:5s]".
READOUT = re.compile(r"\[#\w+ ([\d.]+)(B|KiB|MiB|GiB|TiB)/")
UNITS = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4}

Progress = Callable[[int, int | None], None]


class Aria2Failed(DownloadFailed):
    """aria2c did not deliver the file; `refusals` holds what the SSRF guard refused."""

    transient = True

    def __init__(self, message: str, refusals: list[str] | None = None) -> None:
        super().__init__(message)
        self.refusals = refusals or []


def aria2_binary() -> str | None:
    return shutil.which(ARIA2_BINARY)


def parse_readout(line: str) -> int | None:
    """Bytes done according to one aria2c console readout line (rounded by aria2c)."""
    match = READOUT.search(line)
    return int(float(match[1]) * UNITS[match[2]]) if match else None


def run_aria2(
    url: str,
    destination: Path,
    *,
    expected_size: int,
    progress: Progress | None = None,
    continue_from: Path | None = None,
) -> None:
    """Download url to destination with aria2c; the file must be expected_size bytes.
    `continue_from`: the start of the file, downloaded already; aria2c fetches the rest
    (its --continue, for files "downloaded sequentially from the beginning" by another
    program). That file is taken over, and is gone whether aria2c succeeds or not.

    IngestCancelled raised by progress stops aria2c, removes its files and propagates.
    """
    work = destination.parent / WORK_FOLDER
    try:
        work.mkdir(exist_ok=True)
        if continue_from is not None:
            os.replace(continue_from, work / OUT_NAME)
        with guarded_proxy() as proxy:
            _run(url, work, expected_size, progress, proxy, resume=continue_from is not None)
        os.replace(work / OUT_NAME, destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(
    url: str,
    work: Path,
    expected: int,
    progress: Progress | None,
    proxy: GuardProxy,
    resume: bool,
) -> None:
    binary = aria2_binary()
    if binary is None:
        raise Aria2Failed(f"{ARIA2_BINARY} is not installed")
    command = [binary, *aria2_options(work, proxy.url, resume), url]
    # The guard proxy only: aria2c reads proxies from the environment too.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            errors="replace",
        )  # fmt: skip
    except OSError as exc:
        raise Aria2Failed(f"could not start {binary}: {exc}") from None
    code, tail = _follow(process, expected, progress)
    if code != 0:
        refusals = list(proxy.refusals)
        said = " | ".join([*tail, *refusals]) or "no output"
        raise Aria2Failed(f"aria2c exited with status {code}: {said}", refusals)
    size = (work / OUT_NAME).stat().st_size
    if size != expected:
        raise Aria2Failed(f"aria2c wrote {size} bytes where the server announced {expected}")


def _follow(
    process: subprocess.Popen[str], expected: int, progress: Progress | None
) -> tuple[int, list[str]]:
    """Read aria2c's output to the end, reporting progress; stop aria2c on any exception."""
    tail: deque[str] = deque(maxlen=8)
    output = process.stdout
    try:
        if output is None:  # never: aria2c is started with stdout=PIPE
            raise Aria2Failed("aria2c started without an output pipe")
        for raw in output:
            line = raw.strip()
            done = parse_readout(line)
            if done is not None:
                if progress:
                    progress(min(done, expected), expected)
            elif line and not set(line) <= set("=-*") and "Download Progress Summary" not in line:
                tail.append(line)
        return process.wait(), list(tail)
    except BaseException:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    finally:
        if output is not None:
            output.close()


def aria2_options(work: Path, proxy_url: str, resume: bool = False) -> list[str]:
    connections = settings.INGEST_ARIA2_CONNECTIONS
    return [
        "--no-conf",
        f"--dir={work}",
        f"--out={OUT_NAME}",
        f"--split={connections}",
        f"--max-connection-per-server={min(connections, MAX_PER_SERVER)}",
        "--min-split-size=16M",
        "--file-allocation=none",
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        f"--continue={'true' if resume else 'false'}",
        "--max-tries=3",
        "--retry-wait=1",
        f"--connect-timeout={_seconds(settings.INGEST_CONNECT_TIMEOUT)}",
        f"--timeout={_seconds(settings.INGEST_STALL_TIMEOUT)}",
        "--max-file-not-found=1",
        "--check-certificate=true",
        # A URL serving a .torrent or a metalink must not turn into BitTorrent or other hosts.
        "--follow-torrent=false",
        "--follow-metalink=false",
        "--remote-time=false",
        f"--user-agent={USER_AGENT}",
        f"--stop-with-process={os.getpid()}",
        "--summary-interval=1",
        "--console-log-level=warn",
        "--download-result=hide",
        "--enable-color=false",
        f"--all-proxy={proxy_url}",
    ]


def _seconds(value: float) -> int:
    return max(1, round(value))  # aria2c takes whole seconds
