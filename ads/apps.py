from django.apps import AppConfig


class AdsConfig(AppConfig):
    """Ad campaigns, placements and VAST (docs/ads.md)."""

    name = "ads"
    verbose_name = "Ads"

    def ready(self) -> None:
        from ads import creatives  # the models are loaded only now
        from ads.breaks import player_ads
        from ads.serving import servable_objects_rule
        from ingest_core.job_runner import when_a_job_ends
        from stored_media.owners import register_owner
        from streaming.site.player_extras import register_player_extra

        when_a_job_ends(creatives.job_ended)  # a hosted creative's campaign takes its video
        # A hosted creative's file is served on the sites its campaign runs on, though the
        # draft title that holds it is never published.
        register_owner(self.label, servable_objects_rule)
        # The watch page's break schedule (static/js/player/ad-break.js).
        register_player_extra("ads", player_ads)
