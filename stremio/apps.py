from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class StremioConfig(AppConfig):
    """The Stremio addon (docs/stremio.md): addon tokens, the account's Stremio tab and the
    protocol's routes under /stremio/<token>/."""

    name = "stremio"
    verbose_name = "Stremio addon"

    def ready(self) -> None:
        # Wired here, not as a side effect of importing a module.
        from shadowvault.site_sections import AccountTab, register_account_tab
        from stremio.tokens import revoke_on_new_password
        from stremio.views import error
        from tenants.site_gate import register_answer

        register_account_tab(
            AccountTab("Stremio", "stremio-account:list", ("stremio-account:create",))
        )
        register_answer("/stremio/", error)  # Stremio reads JSON, across origins
        post_save.connect(
            revoke_on_new_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="stremio.tokens.revoke_on_new_password",
        )
