"""Writing the audit log. The middleware records every change an operator or site admin sends
to the admin or the console (a POST, PUT, PATCH or DELETE, whatever the answer, so a refused
attempt shows too): who, which page, the status, the address and the request id. Bodies are
never stored (they hold passwords and tokens); the admin's own change summary is, when the
request made one. Sign-ins of operators and site admins are recorded by a signal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from audit.models import AuditEvent
from tenants.access import is_operator, is_site_admin
from tenants.middleware import membership_for
from tenants.request_types import tenant_of

CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WATCHED = ("/admin/", "/console/")


def audit_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        watched = request.method in CHANGES and request.path.startswith(WATCHED)
        began = timezone.now()
        response = get_response(request)
        if watched:
            _record_change(request, response.status_code, began)
        return response

    return middleware


def _record_change(request: HttpRequest, status: int, began: datetime) -> None:
    # The user as the view left it: a sign-out POST is by nobody once it has run.
    user = request.user
    if isinstance(user, AnonymousUser) or not (is_operator(request) or is_site_admin(request)):
        return
    # The admin's own summaries of what this request changed (it writes them itself).
    mine = LogEntry.objects.filter(user=user, action_time__gte=began)
    summaries = mine.order_by("pk")
    summary = "\n".join(f"{e.object_repr}: {e.get_change_message()}" for e in summaries)
    record(request, _action_of(request.path), status=status, summary=summary)


def _action_of(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path[:200]
    return (match.view_name or path)[:200]


def record(
    request: HttpRequest, action: str, status: int | None = None, summary: str = "", user=None
) -> None:
    """One event by `user` (default: the request's) on the request's site."""
    tenant = tenant_of(request)
    if tenant is None:
        return
    user = user or request.user
    AuditEvent.objects.create(
        tenant=tenant,
        actor=user,
        actor_name=user.get_username(),
        by_operator=user.is_superuser,
        action=action,
        method=request.method or "",
        path=request.path[:500],
        status=status,
        summary=summary[:5000],
        address=request.META.get("REMOTE_ADDR") or None,
        request_id=str(getattr(request, "request_id", ""))[:64],
    )


def _signed_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # Judged by the user signing in: the request's own user may not be set yet.
    if request is None or getattr(request, "tenant", None) is None:
        return
    membership = membership_for(request, user)
    if user.is_superuser or (membership is not None and membership.is_admin):
        record(request, "sign-in", user=user)


def forget_old() -> int:
    """Delete events older than AUDIT_KEEP_DAYS; returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_KEEP_DAYS)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit-sign-in")
