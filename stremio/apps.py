from django.apps import AppConfig


class StremioConfig(AppConfig):
    """The Stremio addon (docs/stremio.md): addon tokens, the account's Stremio tab and the
    protocol's routes under /stremio/<token>/."""

    name = "stremio"
    verbose_name = "Stremio addon"

    def ready(self) -> None:
        # Wired here, not as a side effect of importing a module.
        from shadowvault.site_sections import AccountTab, register_account_tab

        register_account_tab(
            AccountTab("Stremio", "stremio-account:list", ("stremio-account:create",))
        )
