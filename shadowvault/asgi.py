"""ASGI entry point: uvicorn serves the whole site in the embedded setup, streaming and
websockets at scale. HTTP goes to Django, the nginx gateway's own requests under registered
paths skipping the middleware (shadowvault.gateway_fast_paths); websockets (the watch party's,
/party/ws/<code>/) go to Channels (shadowvault.websockets)."""

from shadowvault import config

config.prepare_environment()

from django.core.asgi import get_asgi_application  # noqa: E402  (environment first)

django_application = get_asgi_application()

from shadowvault.asgi_routing import route_protocols  # noqa: E402  (apps loaded first)

application = route_protocols(django_application)
