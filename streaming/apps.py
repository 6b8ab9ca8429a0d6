from django.apps import AppConfig
from django.conf import settings
from django.contrib import admin
from django.db.models.signals import post_save


class StreamingConfig(AppConfig):
    """StreamVault, films and series: catalogue, ingest, metadata, search, the site, the API.
    Its media is stored and delivered through the media core (stored_media)."""

    name = "streaming"
    verbose_name = "StreamVault"

    def ready(self) -> None:
        # Everything this app wires into Django is connected here, in one place, and not as a
        # side effect of importing a module.
        from stored_media.owners import register_owner
        from streaming.api.token_store import revoke_on_new_password
        from streaming.catalogue import admin as catalogue_admin
        from streaming.catalogue import purge_hooks
        from streaming.ingest import admin as ingest_admin
        from streaming.models.catalogue import servable_objects_rule
        from streaming.search import signals as search_signals
        from streaming.viewer import admin as viewer_admin

        register_owner(self.label, servable_objects_rule)
        search_signals.connect()
        purge_hooks.connect()  # unpublishing reaches the gateway's cached answers
        post_save.connect(
            revoke_on_new_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="streaming.api.token_store.revoke_on_new_password",
        )
        for module in (catalogue_admin, ingest_admin, viewer_admin):
            module.register(admin.site)
