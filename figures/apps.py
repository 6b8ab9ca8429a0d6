from django.apps import AppConfig


class FiguresConfig(AppConfig):
    """A site's figures (docs/console.md, "Figures"): activity counted as it happens into
    small raw tables, rolled up nightly into daily tables the console's charts read."""

    name = "figures"
    verbose_name = "figures"
