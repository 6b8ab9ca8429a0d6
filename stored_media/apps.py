from django.apps import AppConfig


class StoredMediaConfig(AppConfig):
    """The media core both vaults stand on: stored objects in local, S3 and Telegram storage,
    signed links, ranges, the delivery view nginx asks, read-ahead and the gateway config.
    It imports neither vault; they tell it who may serve what (stored_media.owners)."""

    name = "stored_media"
    verbose_name = "Stored media"

    def ready(self) -> None:
        from django.contrib import admin

        from stored_media.admin import register

        register(admin.site)
