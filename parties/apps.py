from django.apps import AppConfig


class PartiesConfig(AppConfig):
    """Watch parties: a film or episode watched together, in step (docs/watch-party.md)."""

    name = "parties"
    verbose_name = "Watch parties"

    def ready(self) -> None:
        from parties.player_button import player_party
        from streaming.site.player_extras import register_player_extra

        # The watch page's "Watch together" button, and its party mode (no import of this
        # app from streaming: docs/architecture.md, "Rooms").
        register_player_extra("party", player_party)
