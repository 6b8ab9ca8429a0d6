from django.apps import AppConfig


class AdsConfig(AppConfig):
    """Ad campaigns, placements and VAST (not built yet)."""

    name = "ads"
    verbose_name = "Ads"
