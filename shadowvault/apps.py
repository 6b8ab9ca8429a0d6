from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ShadowVaultConfig(AppConfig):
    """The project package as an app: its management commands and Celery tasks."""

    default = True
    name = "shadowvault"
    verbose_name = "ShadowVault"


class ShadowVaultAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "shadowvault.admin_site.ShadowVaultAdminSite"
