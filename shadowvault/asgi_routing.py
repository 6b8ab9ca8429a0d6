"""Which part of the project answers an ASGI connection, by its type: one place, used by
shadowvault.asgi and by the tests that serve the project under a real uvicorn."""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter
from django.core.handlers.asgi import ASGIHandler

from shadowvault.gateway_fast_paths import GatewayFastPaths
from shadowvault.websockets import websocket_application


def route_protocols(django_application: ASGIHandler) -> ProtocolTypeRouter:
    """HTTP to Django (through the gateway's fast paths), websockets to Channels. Anything
    else (uvicorn's lifespan probe) is refused, as Django alone refused it."""
    return ProtocolTypeRouter(
        {
            "http": GatewayFastPaths(django_application),
            "websocket": websocket_application(),
        }
    )
