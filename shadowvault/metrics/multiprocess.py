"""Several processes per role (gunicorn's workers, uvicorn's, Celery's): each writes its
figures to its own files (prometheus_client's multiprocess mode), and a scrape of any web
process adds every process's files up, so counts do not depend on which worker answered
the scrape and two workers' requests add up.

prometheus_client chooses its value store when it is first imported, from the environment:
the entry points (config.prepare_environment) set PROMETHEUS_MULTIPROC_DIR before Django
loads anything. Without it (tests in one process) figures live in the process's memory.

Files are named by pid, and containers sharing DATA_DIR (docker-compose.yml) each count
pids from 1: so each machine or container writes in a folder of its own hostname under
METRICS_PROCESS_DIR, and a scrape reads them all.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"  # this host's folder, where prometheus_client writes
ROOT_ENV = "METRICS_PROCESS_DIR"  # every host's folders, which a scrape reads
# counter_123.db, histogram_123.db, gauge_livesum_123.db: the writer's pid before ".db".
_PID = re.compile(r"_(\d+)\.db$")


def prepare(data_dir: Path) -> None:
    """Point prometheus_client at <DATA_DIR>/metrics/processes/<hostname> unless the
    environment names folders; METRICS_MULTIPROCESS=off keeps figures per process."""
    if os.environ.get("METRICS_MULTIPROCESS", "on").lower() == "off":
        return
    root = Path(os.environ.setdefault(ROOT_ENV, str(data_dir / "metrics" / "processes")))
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname()) or "host"
    own = Path(os.environ.setdefault(ENV, str(root / host)))
    own.mkdir(parents=True, exist_ok=True)
    sweep_dead_processes()


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def process_files() -> list[str]:
    """Every process's files, of every host (none when figures are per process)."""
    own = os.environ.get(ENV)
    if not own:
        return []
    root = Path(os.environ.get(ROOT_ENV) or own)
    return sorted(str(path) for path in root.rglob("*.db"))


def sweep_dead_processes() -> list[int]:
    """Drop the live gauges (streams in flight, Telegram calls) of this host's processes
    that have exited, so a killed worker's streams stop counting; its counters stay, or
    totals would go backwards. Says which pids were swept."""
    from prometheus_client import multiprocess  # only once the environment is settled

    own = os.environ.get(ENV)
    if not own:
        return []
    found = (_PID.search(path.name) for path in Path(own).glob("gauge_live*.db"))
    dead = sorted({int(m.group(1)) for m in found if m} - {os.getpid()})
    dead = [pid for pid in dead if not _alive(pid)]
    for pid in dead:
        multiprocess.mark_process_dead(pid, own)
    return dead


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process has that pid now: leave it be
    return True
