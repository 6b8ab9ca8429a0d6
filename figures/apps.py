from django.apps import AppConfig


class FiguresConfig(AppConfig):
    """A site's figures (docs/console.md, "Figures"): activity counted as it happens into
    small raw tables, rolled up nightly into daily tables the console's charts read."""

    name = "figures"
    verbose_name = "figures"

    def ready(self) -> None:
        from figures.series_merge import move_series_days
        from readvault.catalogue.merge import register_merge_step

        register_merge_step("figures.SeriesDay", "series", move_series_days)
