from django.apps import AppConfig


class StoredMediaConfig(AppConfig):
    """The media core both vaults stand on: stored objects in local, S3 and Telegram storage,
    signed links, ranges, the delivery view nginx asks, read-ahead and the gateway config.
    It imports neither vault; they tell it who may serve what (stored_media.owners)."""

    name = "stored_media"
    verbose_name = "Stored media"

    def ready(self) -> None:
        from django.contrib import admin
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from stored_media.admin import register
        from stored_media.authorize_cache import served_less
        from stored_media.gateway_hosts import domain_changed
        from stored_media.models import StoredObject
        from stored_media.storage import forget_backends_on_change
        from tenants.models import Domain, Tenant

        register(admin.site)
        setting_changed.connect(forget_backends_on_change, dispatch_uid="stored_media.storage")
        # The gateway follows verified domains (stored_media/gateway_hosts.py).
        post_save.connect(domain_changed, sender=Domain, dispatch_uid="stored_media.hosts")
        post_delete.connect(domain_changed, sender=Domain, dispatch_uid="stored_media.hosts")
        # A deleted object, or a site suspended, closed or binding its links now, reaches
        # the gateway's cached authorize answers at once (stored_media/authorize_cache.py).
        uid = "stored_media.authorize_cache"
        post_delete.connect(served_less, sender=StoredObject, dispatch_uid=f"{uid}.object")
        post_save.connect(served_less, sender=Tenant, dispatch_uid=f"{uid}.site")
