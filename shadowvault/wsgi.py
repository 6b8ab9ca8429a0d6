"""WSGI entry point: gunicorn serves the site behind the nginx gateway."""

from shadowvault import config

config.prepare_environment()

from django.core.wsgi import get_wsgi_application  # noqa: E402  (environment first)

application = get_wsgi_application()
