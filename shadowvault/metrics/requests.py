"""Counts each request Django answers by its URL pattern's name (bounded: the project's
routes), never its path (unbounded: every id and slug would be a new series), and times it
to its answer's headers (a stream's body may run for hours)."""

from __future__ import annotations

import time

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from shadowvault.metrics.families import REQUEST_SECONDS, REQUESTS
from tenants.middleware import DualModeMiddleware

UNMATCHED = "unmatched"  # no pattern: a 404 path, or answered before URL resolution
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name or UNMATCHED) if match is not None else UNMATCHED


def count(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    route = route_of(request)
    method = request.method if request.method in _METHODS else "other"
    REQUESTS.labels(route, method, str(response.status_code)).inc()
    REQUEST_SECONDS.labels(route).observe(time.perf_counter() - started)


class RequestMetricsMiddleware(DualModeMiddleware):
    """Near the top of MIDDLEWARE, so answers other middleware gives (an unknown host's 404,
    a suspended site's page) are counted too. Natively sync and async: no thread hop for
    every request of the stream processes."""

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self.get_response):
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        count(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)
        count(request, response, started)
        return response
