"""A lean way into the origin for the nginx gateway's own requests.

Django's ASGI path costs ~10 ms a request here whatever the view does: every middleware in
settings.MIDDLEWARE runs, most of them through sync_to_async thread hops. nginx's subrequests
(its auth_request and its cache fills on /pages/) need none of that: no session, user, CSRF
or messages, and they prove themselves with the gateway token (stored_media.signing). So
`GatewayFastPaths` wraps the Django application: a GET or HEAD under a registered path prefix
that carries the gateway token in one of nginx's token headers goes to that prefix's handler;
everything else (and anything the handler declines by returning None) goes to Django
unchanged. A viewer talking to the origin without a gateway never carries the token.

The handler gets the request as Django would build it, its client address settled as the
first middleware settles it. Its answer leaves through Django's own ASGI sender, with the
headers the site-wide middlewares add to every answer (HEADER_MIDDLEWARE), so it reads like
the same answer through Django; tests/test_readvault_pages_fast_path.py compares the two.
Requests Django would refuse before any view (a NUL anywhere, a Host ALLOWED_HOSTS refuses,
a body) are left to Django, which refuses them as it always does.

Vaults register their handlers in their AppConfig.ready() (register_gateway_path).
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.module_loading import import_string

from shadowvault import client_address, request_id
from shadowvault.nul_guard import carries_nul
from stored_media import signing
from stored_media.delivery import AUTHORIZE_HEADER, GATEWAY_HEADER

GatewayHandler = Callable[[HttpRequest], Awaitable[HttpResponseBase | None]]
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

TOKEN_HEADERS = (AUTHORIZE_HEADER, GATEWAY_HEADER)
# The middlewares whose response hooks add headers to any answer, whatever the request (no
# session, user or cookie involved): the security headers, the site's CSP where the answer
# sets none, Content-Length. The others in MIDDLEWARE add nothing to a handler's answer: it
# reads no session, user, CSRF token or message.
HEADER_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "shadowvault.content_security.ContentSecurityPolicyMiddleware",
        "shadowvault.security_headers.PermissionsPolicyMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)

_handlers: dict[str, GatewayHandler] = {}


def register_gateway_path(prefix: str, handler: GatewayHandler) -> None:
    """Send the gateway's requests under `prefix` (e.g. "/pages/") to `handler`."""
    _handlers[prefix] = handler


class GatewayFastPaths:
    """The ASGI application: Django, with the gateway's requests under a registered prefix
    answered by that prefix's handler."""

    def __init__(self, django_app: ASGIHandler) -> None:
        self.django_app = django_app
        self._header_hooks: list[Callable[[HttpRequest, HttpResponseBase], Any]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = _handler_for(scope)
        request = self._gateway_request(scope) if handler is not None else None
        response = await handler(request) if handler and request else None
        if request is None or response is None:
            await self.django_app(scope, receive, send)
            return
        for hook in self._hooks():
            response = hook(request, response)
        # As request_id_middleware answers: the gateway's id for this request (or a new one).
        response[request_id.HEADER] = request_id.request_id_of(request)
        await self.django_app.send_response(response, send)

    def _gateway_request(self, scope: Scope) -> HttpRequest | None:
        request = self.django_app.request_class(scope, io.BytesIO())
        if not any(signing.is_gateway_token(request.headers.get(h, "")) for h in TOKEN_HEADERS):
            return None
        if _has_body(request) or _host_refused(request) or carries_nul(request):
            return None
        client_address.settle(request)
        return request

    def _hooks(self) -> list[Callable[[HttpRequest, HttpResponseBase], Any]]:
        if self._header_hooks is None:
            # Django runs response hooks from the innermost middleware out.
            self._header_hooks = [
                import_string(path)(_not_called).process_response
                for path in reversed(settings.MIDDLEWARE)
                if path in HEADER_MIDDLEWARE
            ]
        return self._header_hooks


def _handler_for(scope: Scope) -> GatewayHandler | None:
    if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
        return None
    if scope.get("root_path"):  # mounted under a prefix: Django's path rules apply
        return None
    path = scope["path"]
    return next((h for prefix, h in _handlers.items() if path.startswith(prefix)), None)


def _has_body(request: HttpRequest) -> bool:
    length = request.META.get("CONTENT_LENGTH", "")
    return length not in {"", "0"} or "HTTP_TRANSFER_ENCODING" in request.META


def _host_refused(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return True
    return False


def _not_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("only the middleware's response hook is used here")
