"""Liveness (/healthz) and readiness (/readyz) for load balancers and orchestrators.

/readyz checks each part the site needs and names the one that failed, so an operator
reading a 503 knows where to look. Why it failed (and how long each check took) names hosts,
ports, database names and folders, so only operators signed in and callers on this machine
(by the client-address rule: behind the gateway, the visitor, not nginx) get it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from shadowvault.broker import ensure_broker_folders
from shadowvault.client_address import is_local
from stored_media.storage import get_backend

CHECK_TIMEOUT_SECONDS = 2


class NotReady(Exception):
    """A part is unreachable; the message says why in plain words."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise NotReady("SELECT 1 gave an unexpected answer")


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        ensure_broker_folders()
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not os.access(folder, os.W_OK):
            raise NotReady(f"queue folder {folder} is not writable")
        return
    with Connection(url, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


def check_media_storage() -> None:
    get_backend(settings.MEDIA_STORAGE).check()


def check_cache() -> None:
    cache.set("readyz-probe", "ok", timeout=10)
    if cache.get("readyz-probe") != "ok":
        raise NotReady("a value written to the cache could not be read back")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "media_storage": check_media_storage,
    "cache": check_cache,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure of a part means "not ready", never a 500
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def may_see_details(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return is_local(request) or bool(user and user.is_active and user.is_superuser)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    failing = [name for name, result in checks.items() if not result["ok"]]
    if not may_see_details(request):
        checks = {name: {"ok": result["ok"]} for name, result in checks.items()}
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
