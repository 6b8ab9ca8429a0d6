from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class StreamingConfig(AppConfig):
    """Films and series: catalogue, storage, signed range streaming, search, the site."""

    name = "streaming"
    verbose_name = "StreamVault"

    def ready(self) -> None:
        import streaming.search  # noqa: F401  connects the search index receivers
        from stored_media.owners import register_owner
        from streaming.models.catalogue import servable_objects_rule

        register_owner(self.label, servable_objects_rule)
        from streaming.api_tokens import revoke_on_new_password

        post_save.connect(
            revoke_on_new_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="streaming.api_tokens.revoke_on_new_password",
        )
