"""Small factories for the rows most tests need: sites and members, stored objects with real
bytes in local storage, published films, series with seasons and episodes, subtitles.

Each makes the fewest rows that are valid and says nothing a test asserts about: a test that
cares about a field passes it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from readvault.models import Chapter, Series
from stored_media.models import StoredObject
from stored_media.objects import store_file
from streaming.models import Episode, Genre, MediaFile, Season, Subtitle, Title
from tenants.models import Domain, Membership, Tenant

PASSWORD = "correct horse battery staple"
# An MP4's first box and a little more: real bytes a range request or a checksum can read.
MP4_BYTES = b"\x00\x00\x00\x20ftypisom" + bytes(range(256)) * 4
VTT_TEXT = "WEBVTT\n\n00:00.000 --> 00:05.000\nA line\n"


def make_site(name: str, hostname: str, **fields) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=name.lower(), **fields)
    Domain.objects.create(tenant=tenant, hostname=hostname, is_primary=True)
    return tenant


def make_member(
    username: str, tenant: Tenant, role: str = Membership.Role.VIEWER
) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD
    )
    Membership.objects.create(tenant=tenant, user=user, role=role)
    return user


def stored(filename: str = "film.mp4", body: bytes = MP4_BYTES, kind: str = "mp4") -> StoredObject:
    """An object in local storage (MEDIA_ROOT) holding `body`, stored the way ingest does."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "source"
        source.write_bytes(body)
        return store_file(source, filename, "local", kind=kind)


def film(
    name: str = "A Film",
    status: str = Title.Status.PUBLISHED,
    genres: Iterable[Genre] = (),
    **fields,
) -> Title:
    """A film title (published unless told) in `genres`, without media; `fields` go to the
    Title."""
    title = Title.objects.create(title=name, status=status, **fields)
    if genres:
        title.genres.set(genres)
    return title


def publish_film(
    stored_object: StoredObject | None = None, name: str = "A Film", **media_fields
) -> MediaFile:
    """A published film playing `stored_object` (a fresh one when none is given), so sites
    may serve it."""
    title = film(name)
    return film_file(title, stored_object, **media_fields)


def film_file(title: Title, stored_object: StoredObject | None = None, **fields) -> MediaFile:
    """A media file of `title`; `fields` (duration_seconds, audio_languages, …) go to it."""
    stored_object = stored_object or stored(f"{title.slug}.mp4")
    return MediaFile.objects.create(title=title, stored=stored_object, **fields)


def episode_file(
    episode: Episode, stored_object: StoredObject | None = None, **fields
) -> MediaFile:
    season = episode.season
    name = f"{season.title.slug}-{season.number}-{episode.number}.mp4"
    stored_object = stored_object or stored(name)
    return MediaFile.objects.create(episode=episode, stored=stored_object, **fields)


def series(
    name: str,
    seasons: dict[int, list[int]],
    status: str = Title.Status.PUBLISHED,
    with_files: bool = True,
    **fields,
) -> Title:
    """A series of `{season number: [episode numbers]}`, episodes named "Part n", each with a
    media file unless `with_files` is off."""
    show = Title.objects.create(title=name, kind=Title.Kind.SERIES, status=status, **fields)
    for season_number, numbers in seasons.items():
        season = Season.objects.create(title=show, number=season_number)
        for number in numbers:
            episode = Episode.objects.create(season=season, number=number, name=f"Part {number}")
            if with_files:
                episode_file(episode)
    return show


def subtitle(media: MediaFile, language: str = "en", text: str = VTT_TEXT, **fields) -> Subtitle:
    """A WebVTT track of `media` in local storage."""
    track = stored(f"{media.stored.filename}.{language}.vtt", text.encode(), kind="vtt")
    return Subtitle.objects.create(media_file=media, stored=track, language=language, **fields)


# --- ReadVault ----------------------------------------------------------------------------


def comic_series(title: str = "Sample Manga", publish: bool = True, **fields) -> Series:
    status = Series.Status.PUBLISHED if publish else Series.Status.DRAFT
    return Series.objects.create(title=title, status=status, **fields)


def comic_chapter(
    series: Series, number: str | None = "1", pages: Iterable[bytes] = (), **fields
) -> Chapter:
    """A chapter whose archive is a real stored CBZ holding `pages` (stored, not deflated),
    with a Page row per member pointing at its bytes, as import records them."""
    from decimal import Decimal

    from PIL import Image

    from tests.support.comic_pages import cbz, record_pages

    bodies = list(pages) or [_tiny_jpeg(Image)]
    data = cbz(bodies)
    archive_object = stored(f"{series.slug}-{number}.cbz", data, kind="cbz")
    chapter = Chapter.objects.create(
        series=series,
        number=Decimal(number) if number is not None else None,
        archive=archive_object,
        source_format=Chapter.SourceFormat.CBZ,
        kept_as_is=True,
        page_count=len(bodies),
        **fields,
    )
    record_pages(chapter, data, bodies)
    return chapter


def _tiny_jpeg(image_module) -> bytes:
    import io

    out = io.BytesIO()
    image_module.new("RGB", (60, 90), "white").save(out, "JPEG")
    return out.getvalue()
