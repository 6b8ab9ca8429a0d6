"""Figures read from shared state when Prometheus scrapes, not counted by any one process:
Celery's queues (the broker), ingest jobs by state (their own rows, the source of truth for
what is queued or running), the database's connections (PostgreSQL's pg_stat_activity) and
the gateway's slice-cache answers (its cache log, shadowvault.metrics.cache_log).

Each reading that fails (a broker that is down) is left out of that scrape and counted in
shadowvault_metrics_reading_errors_total: /metrics itself still answers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import redis
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from ingest_core.job_model import JobBase
from ingest_core.lifecycle import UNFINISHED
from shadowvault.metrics import cache_log
from shadowvault.task_queues import WORKER_QUEUES

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2
# kombu's Redis transport keeps a queue's messages of priority p > 0 in "<queue>\x06\x16<p>"
# (its default priority steps are 0, 3, 6, 9); priority 0 is the queue's own key.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each worker queue (delayed retries are not waiting yet)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis", "rediss")):
        client = redis.Redis.from_url(
            url,
            socket_timeout=BROKER_TIMEOUT_SECONDS,
            socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        )
        try:
            with client.pipeline() as pipe:
                for queue in WORKER_QUEUES:
                    for suffix in _PRIORITY_SUFFIXES:
                        pipe.llen(queue + suffix)
                counts = pipe.execute()
        finally:
            client.close()
        step = len(_PRIORITY_SUFFIXES)
        return {q: sum(counts[i * step : (i + 1) * step]) for i, q in enumerate(WORKER_QUEUES)}
    if url.startswith("filesystem"):
        # kombu's filesystem transport: one file "<ms>_<uuid>.<queue>.msg" per message.
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        names = [p.name.partition(".")[2] for p in folder.glob("*.msg")] if folder.is_dir() else []
        return {queue: names.count(f"{queue}.msg") for queue in WORKER_QUEUES}
    return {}


def unfinished_jobs() -> Iterator[tuple[str, str, int]]:
    """(vault, state, count) of every job model's queued and running rows."""
    for model in apps.get_models():
        if issubclass(model, JobBase):
            rows = (
                model._default_manager.filter(state__in=UNFINISHED)
                .values("state")
                .annotate(n=Count("pk"))
            )
            counts = {row["state"]: row["n"] for row in rows}
            for state in UNFINISHED:
                yield model._meta.app_label, str(state), counts.get(state, 0)


def database_connections() -> dict[str, int]:
    """Client connections to this database by state (active, idle, idle in transaction),
    every process's together. SQLite has no server: nothing to read."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
            " GROUP BY 1"
        )
        return dict(cursor.fetchall())


class SharedStateCollector:
    """A prometheus_client collector over the readings above."""

    def __init__(self) -> None:
        self.errors: dict[str, int] = {}

    def collect(self) -> Iterator[Metric]:
        yield from self._reading("queues", self._queues)
        yield from self._reading("jobs", self._jobs)
        yield from self._reading("database", self._database)
        yield from self._reading("gateway_cache", self._gateway_cache)
        errors = CounterMetricFamily(
            "shadowvault_metrics_reading_errors",
            "Scrape-time readings that failed (this process), by reading",
            labels=["reading"],
        )
        for name in ("queues", "jobs", "database", "gateway_cache"):
            errors.add_metric([name], self.errors.get(name, 0))
        yield errors

    def _reading(self, name: str, read: Callable[[], list[Metric]]) -> list[Metric]:
        try:
            return read()
        except Exception:  # a broker or database that is down: this scrape goes without it
            logger.warning("metrics: the %s reading failed", name, exc_info=True)
            self.errors[name] = self.errors.get(name, 0) + 1
            return []

    @staticmethod
    def _queues() -> list[Metric]:
        family = GaugeMetricFamily(
            "shadowvault_celery_queue_length",
            "Tasks waiting in each Celery queue",
            labels=["queue"],
        )
        for queue, length in queue_lengths().items():
            family.add_metric([queue], length)
        return [family]

    @staticmethod
    def _jobs() -> list[Metric]:
        family = GaugeMetricFamily(
            "shadowvault_ingest_jobs",
            "Import jobs queued or running, by vault and state (their rows)",
            labels=["vault", "state"],
        )
        for vault, state, count in unfinished_jobs():
            family.add_metric([vault, state], count)
        return [family]

    @staticmethod
    def _database() -> list[Metric]:
        family = GaugeMetricFamily(
            "shadowvault_db_connections",
            "Client connections to the database by state (PostgreSQL; none on SQLite)",
            labels=["state"],
        )
        for state, count in database_connections().items():
            family.add_metric([state], count)
        return [family]

    @staticmethod
    def _gateway_cache() -> list[Metric]:
        family = CounterMetricFamily(
            "shadowvault_gateway_cache_answers",
            "The gateway's answers from its slice (/media/) and page (/pages/) caches, by"
            " cache status (HIT, MISS, EXPIRED, STALE, UPDATING, ...), from its cache log",
            labels=["area", "status"],
        )
        for (area, status), count in sorted(cache_log.read_tally().items()):
            family.add_metric([area, status], count)
        return [family]
