"""Signed, expiring media links, verifiable by nginx's secure_link module and by Django.

nginx: secure_link $arg_md5,$arg_expires;
       secure_link_md5 "$secure_link_expires$uri$sv_link_ip <LINK_SECRET>";
The token is base64url(md5(f"{expires}{uri}{ip} {secret}")) without '=' padding, where `uri`
is the decoded path (nginx's $uri) and `ip` is empty unless the link is bound to the viewer's
address.

A bound link says so itself (`&bound=1`), and nginx maps that flag to $remote_addr: the
gateway needs no list of bound sites, so flipping a site's binding needs no re-render. The
flag cannot be added or dropped, since it decides what the token covers. Whether the site
still accepts an unbound link is the origin's answer to nginx's auth_request
(`link_allowed_on`), cached a few seconds like the rest of that answer.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import time
from typing import Protocol
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest

from shadowvault.client_address import client_address
from shadowvault.request_numbers import parse_bounded_int


class LinkBinding(Protocol):
    """What link checks need of a site (tenants.models.Tenant); the core imports no vault."""

    bind_media_links_to_ip: bool


class LinkCheck(enum.Enum):
    VALID = "valid"
    BAD = "bad"  # nginx answers 403
    EXPIRED = "expired"  # nginx answers 410


def token(uri: str, expires: int, ip: str | None = None, secret: str | None = None) -> str:
    secret = secret if secret is not None else settings.LINK_SECRET
    material = f"{expires}{uri}{ip or ''} {secret}".encode()
    # md5 is what nginx's secure_link_md5 computes; the secret makes it a keyed check.
    digest = hashlib.md5(material, usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


BOUND_PARAMETER = "bound"


def sign(uri: str, expires: int, ip: str | None = None) -> str:
    """The path with its query string: `/media/1/film.mp4?md5=...&expires=...[&bound=1]`."""
    # Written out rather than through urlencode (a fifth of a millisecond a link, and a
    # reader's manifest signs over a thousand): every value is URL-safe already, the token
    # base64url and `expires` digits, so the text is the same.
    bound = f"&{BOUND_PARAMETER}=1" if ip is not None else ""
    return f"{quote(uri)}?md5={token(uri, expires, ip)}&expires={expires}{bound}"


def nginx_arg(query_string: str, name: str) -> str | None:
    """The raw value nginx's $arg_<name> holds: the *first* `name=` (ASCII case-insensitive),
    not URL-decoded (ngx_http_arg). Django's QueryDict keeps the last and decodes, so a
    rule shared with nginx must read the query string as nginx does."""
    for part in query_string.split("&"):
        key, equals, value = part.partition("=")
        if equals and key.isascii() and key.lower() == name:
            return value
    return None


def is_bound(query_string: str) -> bool:
    """Whether nginx checked this link against the viewer's address (`map $arg_bound`)."""
    return nginx_arg(query_string, BOUND_PARAMETER) == "1"


def link_allowed_on(tenant: LinkBinding, query_string: str) -> bool:
    """A site that binds links accepts bound ones only; links issued before it turned the
    binding on stop working. A bound link stays bound wherever it is used."""
    return is_bound(query_string) or not tenant.bind_media_links_to_ip


def signed_link(uri: str, lifetime: int | None = None, ip: str | None = None) -> str:
    expires = int(time.time()) + (lifetime or settings.MEDIA_LINK_LIFETIME)
    return sign(uri, expires, ip)


def verify(
    uri: str, md5: str | None, expires: str | None, ip: str | None = None, now: float | None = None
) -> LinkCheck:
    # ASCII digits only: "²" passes isdigit() and then fails int().
    expires_at = parse_bounded_int(expires, 0, 10**12 - 1)
    if not md5 or expires_at is None:
        return LinkCheck.BAD
    expected = token(uri, expires_at, ip)
    if not hmac.compare_digest(expected, md5):
        return LinkCheck.BAD
    if expires_at < (now if now is not None else time.time()):
        return LinkCheck.EXPIRED
    return LinkCheck.VALID


def gateway_token() -> str:
    """Shared by nginx and the origin: proves a request came from the gateway's slice fetcher."""
    return hmac.new(settings.LINK_SECRET.encode(), b"shadowvault-gateway", "sha256").hexdigest()


def is_gateway_token(sent: str) -> bool:
    """Whether a header's value is the gateway token (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(sent, gateway_token())


def link_for_viewer(uri: str, request: HttpRequest) -> str:
    """A signed link for the viewer of `request`, bound to their address if the site says so."""
    tenant = getattr(request, "tenant", None)
    ip = None
    if tenant is not None and tenant.bind_media_links_to_ip:
        ip = viewer_address(request)
    return signed_link(uri, ip=ip)


def viewer_address(request: HttpRequest) -> str:
    """The viewer's address, by the one trusted-proxy rule: nginx's X-Real-IP counts only
    when nginx (a TRUSTED_PROXIES peer) sent it, so a direct caller cannot pick its own."""
    return client_address(request)
