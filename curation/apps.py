from django.apps import AppConfig


class CurationConfig(AppConfig):
    """A site's own home page (docs/console.md, "Home page"): its rows in the owner's order,
    hand-picked rows of titles and series, and the hero's featured picks."""

    name = "curation"
    verbose_name = "home page curation"
