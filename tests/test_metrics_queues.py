"""Celery's queue depth as /metrics reads it from the broker: real Redis with messages Celery
itself queued (kombu's keys, priorities included), and kombu's filesystem transport of the
embedded install."""

from __future__ import annotations

import pytest
import redis
from celery import Celery
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from shadowvault.metrics.readings import queue_lengths
from shadowvault.task_queues import CPU, DEFAULT, DOWNLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_url(redis_url, settings):
    """A Redis database of these tests' own: the queue keys are Celery's real names."""
    url = redis_url.rsplit("/", 1)[0] + "/12"
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.CELERY_BROKER_URL = url
    yield url
    client.flushdb()
    client.close()


def send(url: str, queue: str, count: int, priority: int | None = None) -> None:
    # Not the current app: shared tasks queued later in this process (test_ingest_worker's)
    # would go to this broker instead of the suite's.
    app = Celery("queue-depth-test", broker=url, set_as_current=False)
    with app.connection_for_write() as connection:
        for _ in range(count):
            app.send_task(
                "nothing.runs.this", queue=queue, priority=priority, connection=connection
            )


def test_queue_depth_counts_what_celery_queued_in_redis(broker_url):
    send(broker_url, CPU, 3)
    send(broker_url, CPU, 2, priority=6)  # kombu keeps these in a key of their own
    send(broker_url, DOWNLOADS, 1)

    assert queue_lengths() == {DEFAULT: 0, DOWNLOADS: 1, CPU: 5}


def test_queue_depth_shows_on_metrics(broker_url, olivia):
    send(broker_url, DEFAULT, 4)
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    text = client.get("/metrics").content.decode()

    depth = {
        s.labels["queue"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "shadowvault_celery_queue_length"
    }
    assert depth == {DEFAULT: 4, DOWNLOADS: 0, CPU: 0}


def test_a_broker_that_is_down_leaves_the_queues_out_and_counts_the_failure(settings, olivia):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)

    answer = client.get("/metrics")

    assert answer.status_code == 200
    assert b"shadowvault_celery_queue_length{" not in answer.content
    assert b'shadowvault_metrics_reading_errors_total{reading="queues"}' in answer.content


def test_the_filesystem_transport_is_counted_by_its_message_files(settings, tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(folder)}
    for name in ["1_a.cpu.msg", "2_b.cpu.msg", "3_c.default.msg", "4_d.downloads.tmp"]:
        (folder / name).write_bytes(b"{}")

    assert queue_lengths() == {DEFAULT: 1, DOWNLOADS: 0, CPU: 2}
