"""ReadVault's side of the gateway's authorize cache purge (stored_media/authorize_cache.py):
which chapters a site still shows (the checker for "page" entries, the rule the page
authorize answer uses), and the changes that can stop a site showing one: a series back to
draft (the admin action and takedowns update rows without signals and call `served_less`
themselves, as site_hiding does after its bulk insert), a chapter deleted."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from readvault.models import Chapter, Series, SeriesHiding
from readvault.models.library import visible_rule
from stored_media.authorize_cache import register_checker, served_less


def shown_chapters(site, ids: set[int]) -> set[int]:
    shown = Chapter.objects.filter(visible_rule(site, "series__"), pk__in=ids)
    return set(shown.values_list("pk", flat=True))


def series_saved(sender, instance: Series, **kwargs) -> None:
    if instance.status != Series.Status.PUBLISHED:
        served_less()


def connect() -> None:
    uid = "readvault.catalogue.purge_hooks"
    register_checker("page", shown_chapters)
    post_save.connect(series_saved, sender=Series, dispatch_uid=f"{uid}.series")
    post_save.connect(served_less, sender=SeriesHiding, dispatch_uid=f"{uid}.hiding")
    post_delete.connect(served_less, sender=Chapter, dispatch_uid=f"{uid}.chapter")
