"""ASGI entry point: uvicorn serves the whole site in the embedded setup, streaming at scale.
The nginx gateway's own requests under registered paths skip the middleware
(shadowvault.gateway_fast_paths)."""

from shadowvault import config

config.prepare_environment()

from django.core.asgi import get_asgi_application  # noqa: E402  (environment first)

django_application = get_asgi_application()

from shadowvault.gateway_fast_paths import GatewayFastPaths  # noqa: E402  (apps loaded first)

application = GatewayFastPaths(django_application)
