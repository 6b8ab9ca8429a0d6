"""`manage.py runall` serves the site with a worker and beat; one Ctrl-C stops them all."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

from tests.support.live_site import live_site
from tests.support.services import http_ok, wait_until

pytestmark = pytest.mark.services


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        found.update(int(child) for child in children)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture
def site(tmp_path):
    with live_site(tmp_path) as site:
        yield site


def test_runall_serves_works_and_stops_as_one_group(site):
    group = site.start("manage.py", "runall", "--port", str(site.port), "--concurrency", "1")
    children = children_of(group.pid)
    queue = str(site.data_dir / "broker" / "queue")
    client = Celery(
        "client", broker="filesystem://localhost/", backend=f"file://{site.data_dir}/celery-results"
    )
    client.conf.broker_transport_options = {
        "data_folder_in": queue,
        "data_folder_out": queue,
        "control_folder": str(site.data_dir / "broker" / "control"),  # not ./control
    }

    home = http_ok(site.url + "/")  # 127.0.0.1: the primary hostname bootstrap was given
    answer = client.send_task("shadowvault.tasks.ping", queue="default").get(timeout=60)
    group.send_signal(signal.SIGINT)
    code = group.wait(timeout=30)

    assert home, site.logs()
    assert "worker" in answer
    assert len(children) == 3, f"expected web, worker and beat, got {children}"
    assert code == 0, site.logs()
    wait_until(lambda: not any(alive(pid) for pid in children), 15, "children to exit")


def test_runall_explains_itself():
    result = subprocess.run(
        [sys.executable, "manage.py", "runall", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )

    assert "Ctrl-C stops all of them" in " ".join(result.stdout.split())
