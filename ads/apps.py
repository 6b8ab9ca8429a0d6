from django.apps import AppConfig


class AdsConfig(AppConfig):
    """Ad campaigns, placements and VAST (docs/ads.md)."""

    name = "ads"
    verbose_name = "Ads"

    def ready(self) -> None:
        from ads.serving import servable_objects_rule
        from stored_media.owners import register_owner

        # A hosted creative's file is served on the sites its campaign runs on, though the
        # draft title that holds it is never published.
        register_owner(self.label, servable_objects_rule)
