"""The client's address: one rule for everything that judges a request by where it came from.

The nginx gateway (deploy/nginx) opens its own connection to the app and names the client in
`X-Real-IP: $remote_addr` (stored_media.gateway.PROXY_HEADERS). That header is believed only
when the connecting peer is one of settings.TRUSTED_PROXIES; from anyone else it is a claim
the client wrote itself, and ignored. Login throttling (django-axes, through
AXES_CLIENT_IP_CALLABLE), media links bound to an address, /readyz's "from this machine" and
gunicorn's access log all use the address decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

Network = IPv4Network | IPv6Network

REAL_IP_HEADER = "HTTP_X_REAL_IP"
# Where the middleware keeps its answer and the connection's own peer (WSGI-style keys).
RESOLVED_KEY = "shadowvault.client_address"
PEER_KEY = "shadowvault.peer_address"


def parse_address(value: str | None) -> IPv4Address | IPv6Address | None:
    """An IP address, or None for anything else (a unix socket, garbage, a list)."""
    try:
        address = ip_address((value or "").strip())
    except ValueError:
        return None
    # An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d; judge it as IPv4.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def resolve(peer: str, real_ip: str | None, trusted: Sequence[Network]) -> str:
    """The client's address, given the connecting peer and the X-Real-IP header it sent."""
    peer_address = parse_address(peer)
    if peer_address is None or not any(peer_address in network for network in trusted):
        return peer
    claimed = parse_address(real_ip)
    # A trusted proxy that names no (valid) client is itself the client: a local health check.
    return str(claimed) if claimed is not None else peer


def client_address(request: HttpRequest) -> str:
    """The client's address for `request`; the middleware's answer once it has run."""
    meta = request.META
    if RESOLVED_KEY in meta:
        return meta[RESOLVED_KEY]
    return resolve(
        meta.get("REMOTE_ADDR") or "", meta.get(REAL_IP_HEADER), settings.TRUSTED_PROXIES
    )


def is_local(request: HttpRequest) -> bool:
    """Whether the client (not a proxy in between) is on this machine."""
    address = parse_address(client_address(request))
    return address is not None and address.is_loopback


def settle(request: HttpRequest) -> None:
    """Decide the address once and put it where every reader looks, REMOTE_ADDR included.

    Rewriting REMOTE_ADDR makes code that reads it directly (gunicorn's access log reads the
    same WSGI environ after the response; Django and third-party code) agree with the rule.
    """
    if RESOLVED_KEY in request.META:
        return
    address = client_address(request)
    request.META[PEER_KEY] = request.META.get("REMOTE_ADDR", "")
    request.META[RESOLVED_KEY] = address
    request.META["REMOTE_ADDR"] = address


@sync_and_async_middleware
def client_address_middleware(get_response: Callable) -> Callable:
    """First in MIDDLEWARE, so everything after it sees the settled address."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            settle(request)
            return await get_response(request)

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        settle(request)
        return get_response(request)

    return middleware
