from django.apps import AppConfig


class TakedownsConfig(AppConfig):
    """Reports of titles, series and comments, the operator's takedown queue, replies to
    reporters, counter-notices and reinstatement (docs/franchise.md, "Reports and takedowns")."""

    name = "takedowns"
    verbose_name = "Reports and takedowns"
