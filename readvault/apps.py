from django.apps import AppConfig


class ReadVaultConfig(AppConfig):
    """Manga and comics: series, chapters, pages, reader, OPDS (not built yet)."""

    name = "readvault"
    verbose_name = "ReadVault"
