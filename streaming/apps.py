from django.apps import AppConfig


class StreamingConfig(AppConfig):
    """Films and series: catalogue, storage, signed range streaming, ingest (issues 4-6)."""

    name = "streaming"
    verbose_name = "StreamVault"
