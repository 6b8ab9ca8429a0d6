from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ShadowVaultConfig(AppConfig):
    """The project package as an app: its management commands and Celery tasks."""

    default = True
    name = "shadowvault"
    verbose_name = "ShadowVault"

    def ready(self) -> None:
        # Loaded here rather than in the package's __init__ (see there): once Django runs,
        # shared_task binds to this app, so the web process queues on the configured broker.
        from shadowvault import celery  # noqa: F401


class ShadowVaultAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "shadowvault.admin_site.ShadowVaultAdminSite"
