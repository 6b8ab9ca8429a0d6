from django.apps import AppConfig


class StreamingConfig(AppConfig):
    """Films and series: catalogue, storage, signed range streaming, search, the site."""

    name = "streaming"
    verbose_name = "StreamVault"

    def ready(self) -> None:
        import streaming.search  # noqa: F401  connects the search index receivers
