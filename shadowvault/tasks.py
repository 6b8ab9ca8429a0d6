"""Project-wide Celery tasks."""

import socket

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone


@shared_task
def ping() -> dict:
    """Answer with the worker's name and clock: proves a worker consumes the queue."""
    return {"worker": socket.gethostname(), "at": timezone.now().isoformat()}


@shared_task
def clear_expired_sessions() -> None:
    """Django keeps expired sessions in the database until told to remove them."""
    call_command("clearsessions")
