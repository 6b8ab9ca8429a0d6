from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The site owner's console (docs/console.md): a site's admins run their site here,
    on the site's own hostname, without the operator's Django admin."""

    name = "console"
    verbose_name = "site owner's console"
