"""Several processes of a role (gunicorn's workers) count into files of their own, and a
scrape adds every process's up: two processes' requests make one total, and a process that
has exited stops counting in the live gauges (streams in flight) but not in the totals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shadowvault.metrics import multiprocess
from shadowvault.metrics.view import _EveryProcess

ROOT = Path(__file__).resolve().parent.parent
# One process of a role: the project's metric families in multiprocess mode, as the entry
# points set it up (config.prepare_environment), counting what it served.
WORKER = """
import os, socket, sys
from pathlib import Path
from shadowvault.metrics import multiprocess
socket.gethostname = lambda: sys.argv[3]  # the machine or container it runs on
multiprocess.prepare(Path(sys.argv[1]))
from shadowvault.metrics.families import MEDIA_STREAMS, REQUESTS
REQUESTS.labels("title-page", "GET", "200").inc(int(sys.argv[2]))
MEDIA_STREAMS.labels("s3").inc()  # a stream still open when the process ends
print(os.environ["PROMETHEUS_MULTIPROC_DIR"])
"""


def run_worker(data_dir: Path, requests: int, hostname: str) -> Path:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(multiprocess.ENV, None)
    env.pop(multiprocess.ROOT_ENV, None)
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(data_dir), str(requests), hostname],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return Path(done.stdout.strip())


def scrape(monkeypatch, data_dir: Path) -> dict[tuple[str, tuple], float]:
    root = data_dir / "metrics" / "processes"
    monkeypatch.setenv(multiprocess.ROOT_ENV, str(root))
    monkeypatch.setenv(multiprocess.ENV, str(next(root.iterdir())))
    families = _EveryProcess().collect()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families
        for s in family.samples
    }


def test_two_processes_counts_add_up_and_dead_ones_leave_the_live_gauges(tmp_path, monkeypatch):
    first = run_worker(tmp_path, 3, "web-a")
    second = run_worker(tmp_path, 4, "web-a")

    figures = scrape(monkeypatch, tmp_path)

    assert first == second  # one host's folder, a file per pid
    route = (("method", "GET"), ("route", "title-page"), ("status", "200"))
    assert figures[("shadowvault_http_requests_total", route)] == 7
    # Both writers have exited: the scrape swept their live gauges.
    assert figures.get(("shadowvault_media_streams_active", (("backend", "s3"),)), 0) == 0
    assert not list(first.glob("gauge_live*.db"))
    assert len(list(first.glob("counter_*.db"))) == 2


def test_processes_with_the_same_pid_on_two_hosts_do_not_share_a_file(tmp_path, monkeypatch):
    # Containers sharing DATA_DIR each count pids from 1 (docker-compose.yml): a folder per
    # hostname keeps their files apart, and the scrape reads every host's.
    a = run_worker(tmp_path, 2, "web-a")
    b = run_worker(tmp_path, 5, "stream-b")

    figures = scrape(monkeypatch, tmp_path)

    assert (a.name, b.name) == ("web-a", "stream-b")
    route = (("method", "GET"), ("route", "title-page"), ("status", "200"))
    assert figures[("shadowvault_http_requests_total", route)] == 7


def test_the_text_a_scrape_makes_from_the_files_parses(tmp_path, monkeypatch):
    run_worker(tmp_path, 1, "web-a")
    scrape(monkeypatch, tmp_path)  # sets the environment to the folders
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_EveryProcess())

    text = generate_latest(registry).decode()

    names = {family.name for family in text_string_to_metric_families(text)}
    assert "shadowvault_http_requests" in names
