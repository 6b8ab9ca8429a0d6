"""A real worker process takes a task from each broker and answers through the result backend.

Both brokers the product supports are exercised: the embedded one (kombu's filesystem
transport, no broker process) and Redis at 127.0.0.1:6379.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from shadowvault.celery import app as project_app
from tests.support.services import REPO, stop


def filesystem_options(data_dir: Path) -> dict:
    queue = str(data_dir / "broker" / "queue")
    return {
        "data_folder_in": queue,
        "data_folder_out": queue,
        "processed_folder": str(data_dir / "broker" / "processed"),
        "control_folder": str(data_dir / "broker" / "control"),
        "polling_interval": 0.2,
    }


@pytest.fixture(params=["embedded-filesystem-broker", "redis-broker"])
def broker(request, tmp_path) -> dict:
    if request.param == "redis-broker":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        return {"broker": url, "backend": url, "options": {}}
    for folder in ("broker/queue", "broker/processed", "results"):
        (tmp_path / folder).mkdir(parents=True)
    return {
        "broker": "filesystem://localhost/",
        "backend": f"file://{tmp_path / 'results'}",
        "options": filesystem_options(tmp_path),
    }


@pytest.fixture
def worker(broker, tmp_path):
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path),
        "CELERY_BROKER_URL": broker["broker"],
        "CELERY_RESULT_BACKEND": broker["backend"],
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "shadowvault",
        "worker",
        "--queues",
        "default",
        "--concurrency",
        "1",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    yield process
    stop(process)
    print(process.stdout.read()[-3000:])


def test_a_worker_process_runs_a_queued_task(broker, worker):
    client = Celery("test-client", broker=broker["broker"], backend=broker["backend"])
    client.conf.broker_transport_options = broker["options"]
    started = time.monotonic()

    result = client.send_task("shadowvault.tasks.ping", queue="default")
    answer = result.get(timeout=60)

    assert worker.poll() is None, "the worker died"
    assert set(answer) == {"worker", "at"}
    print(f"celery round trip via {broker['broker']}: {time.monotonic() - started:.2f}s")


def control_files() -> dict[str, bytes]:
    folder = REPO / "control"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


@pytest.mark.parametrize("broker", ["embedded-filesystem-broker"], indirect=True)
def test_the_embedded_broker_keeps_its_exchange_tables_in_the_data_folder(broker, worker, tmp_path):
    before = control_files()
    client = Celery("test-client", broker=broker["broker"], backend=broker["backend"])
    # The client's own tables elsewhere, so the worker's are the only ones under broker/.
    own = {"control_folder": str(tmp_path / "client-control")}
    client.conf.broker_transport_options = broker["options"] | own

    client.send_task("shadowvault.tasks.ping", queue="default").get(timeout=60)

    # kombu's default is ./control, the worker's working directory: the repository root.
    assert (tmp_path / "broker" / "control" / "default.exchange").is_file()
    assert control_files() == before


def test_project_tasks_are_routed_to_the_default_queue():
    route = project_app.amqp.router.route({}, "shadowvault.tasks.ping")

    assert route["queue"].name == "default"


def test_the_embedded_default_is_the_filesystem_transport():
    assert settings.CELERY_BROKER_URL == "filesystem://localhost/"
    assert project_app.conf.worker_prefetch_multiplier == 1
    assert project_app.conf.task_acks_late is True
