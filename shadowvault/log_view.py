"""The operator's live log view (docs/logs.md, "The live view"): the last lines of every
process on this machine, and a live tail by server-sent events, filtered by level, role,
job and request id. Operators only: the lines name every site and every process.

Each event stream is bounded (LOG_STREAM_SECONDS): a gunicorn sync worker is held while it
is open. Every event's id is the reader's cursor (shadowvault.log_files), so the browser's
EventSource reconnects with Last-Event-ID and goes on without a line lost or repeated.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from shadowvault import log_files
from shadowvault.log_files import BadCursor, Cursor, Line
from tenants.access import is_operator

Accept = Callable[[dict], bool]
LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
SHOWN = 200  # lines on the page before the live tail starts
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 10  # a comment now and then, so proxies keep a quiet stream open
RECONNECT_MS = 1000


class LogFilter(forms.Form):
    level = forms.ChoiceField(
        choices=[("", "any level")] + [(name, f"{name} and above") for name in LEVELS],
        required=False,
    )
    role = forms.RegexField(regex=r"^[a-z0-9_-]{1,40}$", required=False, max_length=40)
    job = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{1,64}$", required=False, max_length=64, label="Job or task id"
    )
    request_id = forms.RegexField(
        regex=r"^[A-Za-z0-9-]{1,64}$", required=False, max_length=64, label="Request id"
    )

    def accepts(self) -> Accept:
        wanted = self.cleaned_data
        lowest = LEVELS.index(wanted["level"]) if wanted.get("level") else 0

        def accept(fields: dict) -> bool:
            level = str(fields.get("level", ""))
            if level in LEVELS and LEVELS.index(level) < lowest:
                return False
            if wanted.get("role") and fields.get("role") != wanted["role"]:
                return False
            job = wanted.get("job")
            if job and job not in (str(fields.get("job_id", "")), fields.get("task_id")):
                return False
            request_id = wanted.get("request_id")
            return not (request_id and fields.get("request_id") != request_id)

        return accept


def _operators_only(request: HttpRequest) -> None:
    # Reached through admin.site.admin_view: visitors are already sent to sign in; a site's
    # own admin gets here and is refused.
    if not is_operator(request):
        raise PermissionDenied


def log_page(request: HttpRequest) -> HttpResponse:
    _operators_only(request)
    form = LogFilter(request.GET)
    directory = _directory()
    if not form.is_valid():
        context = {"form": form, "lines": [], "cursor": "", "directory": directory}
        return render(request, "admin/logs.html", _page_context(request, context), status=400)
    lines, cursor = (
        log_files.last_lines(directory, SHOWN, form.accepts()) if directory else ([], {})
    )
    context = {
        "form": form,
        "lines": [_shown(line) for line in lines],
        "cursor": log_files.encode_cursor(cursor),
        "directory": directory,
        "roles": sorted({stem.rpartition("-")[0] for stem in cursor}),
    }
    return render(request, "admin/logs.html", _page_context(request, context))


def log_stream(request: HttpRequest) -> HttpResponseBase:
    _operators_only(request)
    form = LogFilter(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_errors(form), content_type="text/plain; charset=utf-8")
    # The browser's reconnect says where it stopped; the page's first connection, `after`.
    # An empty `after` (the page found no files yet) reads every file from its start.
    resume = request.META.get("HTTP_LAST_EVENT_ID") or request.GET.get("after")
    try:
        cursor = log_files.decode_cursor(resume or "")
    except BadCursor as error:
        return HttpResponseBadRequest(
            f"Not a position in the logs: {error}\n", content_type="text/plain; charset=utf-8"
        )
    directory = _directory()
    if resume is None and directory is not None:
        cursor = log_files.end_cursor(directory)  # no position: from now on, as tail -f
    accept = form.accepts()
    if isinstance(request, ASGIRequest):
        events: Iterator[bytes] | AsyncIterator[bytes] = _events_async(directory, cursor, accept)
    else:
        events = _events(directory, cursor, accept)
    response = StreamingHttpResponse(events, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


def _events(directory: Path | None, cursor: Cursor, accept: Accept) -> Iterator[bytes]:
    yield f"retry: {RECONNECT_MS}\n\n".encode()
    ends = time.monotonic() + settings.LOG_STREAM_SECONDS
    quiet_since = time.monotonic()
    while True:
        chunk, cursor = _poll(directory, cursor, accept)
        if chunk:
            quiet_since = time.monotonic()
            yield chunk
        elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield b": still here\n\n"
        if time.monotonic() >= ends:
            break
        time.sleep(POLL_SECONDS)
    yield _position(cursor)


async def _events_async(
    directory: Path | None, cursor: Cursor, accept: Accept
) -> AsyncIterator[bytes]:
    # The same as _events, for the embedded ASGI server: Django would drain a synchronous
    # iterator whole before sending anything under ASGI.
    yield f"retry: {RECONNECT_MS}\n\n".encode()
    ends = time.monotonic() + settings.LOG_STREAM_SECONDS
    poll = sync_to_async(_poll, thread_sensitive=False)
    while True:
        chunk, cursor = await poll(directory, cursor, accept)
        if chunk:
            yield chunk
        if time.monotonic() >= ends:
            break
        await asyncio.sleep(POLL_SECONDS)
    yield _position(cursor)


def _poll(directory: Path | None, cursor: Cursor, accept: Accept) -> tuple[bytes, Cursor]:
    """The events for lines written since `cursor`, and the cursor after them."""
    if directory is None:
        return b"", cursor
    out = bytearray()
    for line, after in log_files.lines_after(directory, cursor):
        cursor = after
        if accept(line.fields):
            data = json.dumps(_shown(line), ensure_ascii=False)
            out += f"id: {log_files.encode_cursor(after)}\ndata: {data}\n\n".encode()
    return bytes(out), cursor


def _position(cursor: Cursor) -> bytes:
    # An event with an id and no data moves the browser's Last-Event-ID without showing a
    # line: lines the filter left out are not read again after the reconnect.
    return f"id: {log_files.encode_cursor(cursor)}\n\n".encode()


def _shown(line: Line) -> dict:
    """A line as the page shows it: the fields in a fixed order, every value text."""
    fields = line.fields
    known = ["time", "level", "role", "pid", "logger", "message", "request_id", "task", "task_id"]
    shown = {name: str(fields.get(name, "")) for name in known}
    shown["job_id"] = str(fields.get("job_id", ""))
    shown["host"] = str(fields.get("host", ""))
    shown["exception"] = str(fields.get("exception", ""))
    shown["source"] = line.source
    return shown


def _directory() -> Path | None:
    return Path(settings.LOG_DIR) if settings.LOG_DIR else None


def _page_context(request: HttpRequest, context: dict) -> dict:
    return {**admin.site.each_context(request), "title": "Logs", "levels": LEVELS, **context}


def _errors(form: forms.Form) -> str:
    return "".join(
        f"{name}: {' '.join(map(str, errors))}\n" for name, errors in form.errors.items()
    )
