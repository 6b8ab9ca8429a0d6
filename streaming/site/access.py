"""Fetch a catalogue object for the request's site and check the viewer's right in one step."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from streaming.models import MediaFile, Title


def get_title_for(request: HttpRequest, slug: str) -> Title:
    """A title this site shows, or 404 (drafts and titles the site hid look like no title)."""
    title = Title.objects.visible_on(request.tenant).filter(slug=slug).first()
    if title is None:
        raise Http404("No such title on this site.")
    return title


def get_media_for(request: HttpRequest, media_id: int) -> MediaFile:
    """A playable file of a title this site shows, with what the player page names and the
    seek-preview sprite and track it links to."""
    media = (
        MediaFile.objects.visible_on(request.tenant)
        .select_related("stored", "title", "episode__season__title", "sprite", "thumbnails")
        .filter(pk=media_id)
        .first()
    )
    if media is None:
        raise Http404("No such video on this site.")
    return media


def owner_title(media: MediaFile) -> Title:
    """The film, or the series an episode belongs to."""
    return media.title if media.title_id else media.episode.season.title
