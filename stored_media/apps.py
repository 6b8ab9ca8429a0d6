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

        from stored_media.admin import register
        from stored_media.storage import forget_backends_on_change

        register(admin.site)
        setting_changed.connect(forget_backends_on_change, dispatch_uid="stored_media.storage")
