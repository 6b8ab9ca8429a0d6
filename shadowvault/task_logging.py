"""Celery's side of the logs: a task carries the request id of the request that queued it,
and every line a task writes names the task, its id and its job (docs/logs.md).

before_task_publish runs where a task is queued (a web request, or a task queueing the next
step) and puts the current request id in the message's headers; task_prerun, in the worker,
makes that id and the task the context of every line until task_postrun.
"""

from __future__ import annotations

import inspect
import logging.config
from contextlib import suppress
from contextvars import Token

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.conf import settings

from shadowvault import log_context
from shadowvault.request_id import SHAPE, new_id

HEADER = "shadowvault_request_id"
_tokens: dict[str, Token[log_context.WorkContext | None]] = {}


def connect(app: Celery) -> None:
    """Called once by shadowvault.celery, in every process that has the Celery app."""
    setup_logging.connect(_keep_django_logging, weak=False)
    before_task_publish.connect(_add_request_id, weak=False)
    task_prerun.connect(_enter_task, weak=False)
    task_postrun.connect(_leave_task, weak=False)


def _keep_django_logging(loglevel: int | str | None = None, **_kwargs) -> None:
    # A receiver here tells Celery to leave logging alone: its own handlers and format would
    # replace ours (and skip the redaction) in the worker and in beat.
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        # `celery worker --loglevel INFO` still says what Celery's own lines show ("ready.",
        # tasks received and done), whatever LOG_LEVEL leaves for the app's.
        logging.getLogger("celery").setLevel(loglevel)


def _add_request_id(headers: dict | None = None, **_kwargs) -> None:
    request_id = log_context.request_id()
    if request_id and headers is not None:
        headers[HEADER] = request_id


def _enter_task(task_id: str = "", task=None, args=(), kwargs=None, **_kwargs) -> None:
    sent = _header_of(task)
    context = log_context.WorkContext(
        # A task queued by beat or by hand has no request: its own id keeps its lines together.
        request_id=sent if sent and SHAPE.match(sent) else new_id(),
        task_id=task_id or None,
        task=getattr(task, "name", None),
        job_id=_job_id(task, tuple(args or ()), kwargs or {}),
    )
    _tokens[task_id] = log_context.enter(context)


def _leave_task(task_id: str = "", **_kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        # ValueError: entered in another context (an eager task run inside a request).
        with suppress(ValueError):
            log_context.leave(token)


def _header_of(task) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    return str(value) if value else None


def _job_id(task, args: tuple, kwargs: dict) -> str | None:
    """The job a task works on, when its first parameter says so (`job_id`, as ingest's)."""
    name = _job_parameter(task)
    if name is None:
        return None
    if name in kwargs:
        return str(kwargs[name])
    return str(args[0]) if args else None


def _job_parameter(task) -> str | None:
    task_name = getattr(task, "name", "")
    if task_name not in _job_parameters:
        try:
            parameters = list(inspect.signature(task.run).parameters)
        except (TypeError, ValueError, AttributeError):
            parameters = []
        first = parameters[0] if parameters else ""
        _job_parameters[task_name] = first if first.endswith("job_id") else None
    return _job_parameters[task_name]


_job_parameters: dict[str, str | None] = {}  # by task name: a task's signature never changes
