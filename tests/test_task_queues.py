"""One table says which queue each Celery task runs on (shadowvault/task_queues.py): Celery's
routes and `enqueue` both read it, every task the project defines is in it, and nothing
else in the project sends a task."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from shadowvault.celery import app
from shadowvault.task_queues import QUEUE_FOR_TASK, WORKER_QUEUES, enqueue

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "shadowvault", "stored_media", "streaming", "readvault", "tenants", "ads", "billing", "figures",
    "audit",
)  # fmt: skip
SENDING = {"send_task", "delay", "apply_async"}


def test_every_task_of_the_project_has_a_queue_and_every_queue_a_worker():
    app.loader.import_default_modules()
    defined = {name for name in app.tasks if name.split(".")[0] in PACKAGES}

    assert defined == set(QUEUE_FOR_TASK)
    assert set(QUEUE_FOR_TASK.values()) <= set(WORKER_QUEUES)
    assert settings.WORKER_QUEUES == WORKER_QUEUES


@pytest.mark.parametrize("name", sorted(QUEUE_FOR_TASK))
def test_celerys_routes_are_the_table(name):
    assert app.amqp.router.route({}, name)["queue"].name == QUEUE_FOR_TASK[name]


def test_beat_names_only_tasks_of_the_table():
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert beat <= set(QUEUE_FOR_TASK)


def test_enqueue_sends_to_the_tables_queue_and_refuses_a_name_it_lacks(monkeypatch):
    sent = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, **options: sent.append((name, options))
    )

    enqueue("streaming.tasks.ingest_process", 7, delay=30)
    enqueue("streaming.tasks.refresh_metadata", 3)
    with pytest.raises(KeyError):
        enqueue("streaming.tasks.no_such_task", 1)

    assert sent == [
        ("streaming.tasks.ingest_process", {"args": [7], "queue": "cpu", "countdown": 30}),
        ("streaming.tasks.refresh_metadata", {"args": [3], "queue": "default", "countdown": None}),
    ]


def _sends(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in SENDING
    ]


def test_only_enqueue_sends_tasks():
    sources = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    sends = [s for p in sources for s in _sends(p)]

    elsewhere = [s for s in sends if not s.startswith("shadowvault/task_queues.py:")]

    assert elsewhere == []
    assert len(sends) == 1, "enqueue sends"
