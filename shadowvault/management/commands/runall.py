"""The embedded setup in one command: web server, Celery worker and beat as one group."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from shadowvault.process_group import ProcessGroup


def group_commands(host: str, port: int, concurrency: int) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "web": [
            python,
            "-m",
            "uvicorn",
            "shadowvault.asgi:application",
            "--host",
            host,
            "--port",
            str(port),
            "--lifespan",
            "off",
        ],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "shadowvault",
            "worker",
            "--loglevel",
            "INFO",
            "--queues",
            ",".join(settings.WORKER_QUEUES),
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "shadowvault",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ],
    }


def group_environments(commands: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Each process's role for its log lines (its name here: the uvicorn here serves the whole
    site, not only the stream), and readable lines for the terminal unless LOG_FORMAT says
    otherwise (docs/logs.md)."""
    log_format = os.environ.get("LOG_FORMAT") or "plain"
    return {name: {"PROCESS_ROLE": name, "LOG_FORMAT": log_format} for name in commands}


class Command(BaseCommand):
    help = (
        "Serve ShadowVault on one machine: uvicorn (the whole site, ASGI), a Celery worker on "
        "every queue and Celery beat, as one process group. Ctrl-C stops all of them; if one "
        "exits, the others are stopped too."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")

    def handle(self, *args, host: str, port: int, concurrency: int, **options) -> None:
        # OutputWrapper keeps the stream it wraps in _out; the stubs type that as a method.
        out = self.stdout._out
        commands = group_commands(host, port, concurrency)
        group = ProcessGroup(commands, out=out, environments=group_environments(commands))  # type: ignore[arg-type]
        group.start()
        self.stdout.write(f"ShadowVault is running on http://{host}:{port}/ (Ctrl-C stops it)")
        sys.exit(group.wait())
