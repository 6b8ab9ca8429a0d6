"""GET /metrics: every figure in Prometheus's text format, for operators only.

Who may read it: a signed-in operator (a browser, to look), or a caller with
`Authorization: Bearer <METRICS_TOKEN>` (the scraper; unset METRICS_TOKEN: no token
works). A wrong token is a 401; anyone else gets a plain 404, as if there were no such
page. The path is host-less (tenants.middleware.HOSTLESS_PATHS): a scraper may use the
process's own address. The figures name routes, queues and backends, never a site's rows.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from shadowvault.metrics import multiprocess
from shadowvault.metrics.readings import SharedStateCollector
from tenants.access import is_operator

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SHARED_STATE = SharedStateCollector()


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        expected = settings.METRICS_TOKEN
        if expected and scheme.lower() == "bearer" and _same(token.strip(), expected):
            return None
        response = HttpResponse("A valid metrics token is needed.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        response["Content-Type"] = "text/plain; charset=utf-8"
        return response
    if is_operator(request):
        return None
    return HttpResponseNotFound("Not found.\n", content_type="text/plain; charset=utf-8")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class _ThisProcess:
    """The default registry's figures (one process: tests, METRICS_MULTIPROCESS=off)."""

    def collect(self) -> list[Metric]:
        return list(REGISTRY.collect())


class _EveryProcess:
    """Every process's files added up (multiprocess mode, docs/metrics.md)."""

    def collect(self) -> list[Metric]:
        multiprocess.sweep_dead_processes()
        return list(MultiProcessCollector.merge(multiprocess.process_files()))


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_EveryProcess() if multiprocess.enabled() else _ThisProcess())
    registry.register(SHARED_STATE)
    return registry
