"""ASGI entry point: uvicorn serves the whole site in the embedded setup, streaming at scale."""

from shadowvault import config

config.prepare_environment()

from django.core.asgi import get_asgi_application  # noqa: E402  (environment first)

application = get_asgi_application()
