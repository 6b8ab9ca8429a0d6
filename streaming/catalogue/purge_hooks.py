"""StreamVault's changes that can stop a site serving a film's media, told to the gateway's
authorize cache (stored_media/authorize_cache.py) so open links are refused at once: a title
back to draft (its admin action and takedowns update rows without signals, so they call
`served_less` themselves), hidden on a site, a version deleted."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from stored_media.authorize_cache import served_less
from streaming.models import MediaFile, Title, TitleHiding


def title_saved(sender, instance: Title, **kwargs) -> None:
    if instance.status != Title.Status.PUBLISHED:
        served_less()


def connect() -> None:
    uid = "streaming.catalogue.purge_hooks"
    post_save.connect(title_saved, sender=Title, dispatch_uid=f"{uid}.title")
    post_save.connect(served_less, sender=TitleHiding, dispatch_uid=f"{uid}.hiding")
    post_delete.connect(served_less, sender=MediaFile, dispatch_uid=f"{uid}.version")
