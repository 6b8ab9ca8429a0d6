"""The request id: one value carried from nginx through Django to the Celery tasks a request
queues, on every log line on the way, and back to the client in `X-Request-ID`.

The gateway sets `X-Request-ID: $request_id` (32 hex digits, new for every request) toward
every upstream (stored_media.gateway). The app believes the header only when it comes from
a trusted proxy (the rule of shadowvault.client_address) and looks like an id; otherwise,
or without one, it makes a fresh id. A client cannot choose the id its lines are found by.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from shadowvault import log_context
from shadowvault.client_address import PEER_KEY, parse_address

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs or similar tokens.
SHAPE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def new_id() -> str:
    return uuid.uuid4().hex  # the same shape as nginx's $request_id


def from_trusted_proxy(request: HttpRequest) -> bool:
    peer = parse_address(request.META.get(PEER_KEY) or request.META.get("REMOTE_ADDR"))
    return peer is not None and any(peer in network for network in settings.TRUSTED_PROXIES)


def request_id_of(request: HttpRequest) -> str:
    sent = request.META.get(META_KEY, "")
    if sent and SHAPE.match(sent) and from_trusted_proxy(request):
        return sent
    return new_id()


def _enter(request: HttpRequest) -> None:
    request_id = request_id_of(request)
    request.request_id = request_id  # type: ignore[attr-defined]
    host = request.META.get("HTTP_HOST", "")[:255] or None
    log_context.enter(log_context.WorkContext(request_id=request_id, host=host))


def _answer(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    response[HEADER] = request.request_id  # type: ignore[attr-defined]
    return response


def _forget(**_kwargs) -> None:
    log_context.clear()


@sync_and_async_middleware
def request_id_middleware(get_response: Callable) -> Callable:
    # The context outlives this middleware on purpose: Django logs "Not Found: /x" and the
    # like after the whole middleware chain has returned, and gunicorn writes its access
    # line after the body is sent. It ends when the response is closed (request_finished);
    # under ASGI each request is a task of its own, whose context goes with it.
    request_finished.connect(_forget, weak=False, dispatch_uid="shadowvault.request_id")
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            _enter(request)
            return _answer(request, await get_response(request))

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        _enter(request)
        return _answer(request, get_response(request))

    return middleware
