"""A big library for the OPDS catalogue's scale test and bench/opds.py, made with bulk
inserts: `series` published series (every one with a cover page, a genre of six, one in
forty hidden by the site), and "Long Run", a series of `chapters` chapters with a first page
each (their thumbnails) and the reader's progress in a few. Chapters' archives are stored
object rows without bytes: feeds only name them, never read them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify

from readvault.models import (
    Chapter,
    Genre,
    Page,
    ReadingProgress,
    Series,
    SeriesHiding,
    WantToRead,
)
from stored_media.models import StoredObject

BATCH = 2000
GENRES = ["Action", "Comedy", "Drama", "Fantasy", "Romance", "Seinen"]
WORDS = ["blade", "moon", "harbour", "night", "dragon", "summer", "ghost", "academy", "sky"]


@dataclass(frozen=True)
class OpdsLibrary:
    long_run: Series
    first_chapter: Chapter


def build_opds_library(tenant, reader, series: int, chapters: int) -> OpdsLibrary:
    rng = random.Random(15)
    genres = [Genre.objects.get_or_create(name=n, slug=slugify(n))[0] for n in GENRES]
    made = Series.objects.bulk_create(
        (
            Series(
                title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}",
                sort_title=f"{rng.choice(WORDS)} {n}",
                slug=f"opds-{n}",
                status=Series.Status.PUBLISHED,
                summary="A series made for the scale test.",
            )
            for n in range(series)
        ),
        batch_size=BATCH,
    )
    made = list(Series.objects.filter(slug__startswith="opds-").order_by("pk"))
    long_run = Series.objects.create(
        title="Long Run", slug="long-run", status=Series.Status.PUBLISHED
    )
    every = [*made, long_run]
    links = [
        Series.genres.through(series_id=s.pk, genre_id=genres[i % len(genres)].pk)
        for i, s in enumerate(every)
    ]
    Series.genres.through.objects.bulk_create(links, batch_size=BATCH)
    SeriesHiding.objects.bulk_create(
        [SeriesHiding(tenant=tenant, series=s) for s in made[::40]], batch_size=BATCH
    )
    # One chapter for each series (its cover), and `chapters` for Long Run.
    owners = [(s, 1) for s in made] + [(long_run, n) for n in range(1, chapters + 1)]
    objects = StoredObject.objects.bulk_create(
        (
            StoredObject(
                backend="local",
                key=f"opds-scale/{i}.cbz",
                filename=f"{owner.slug} c{number}.cbz",
                content_type="application/vnd.comicbook+zip",
                size=1000,
            )
            for i, (owner, number) in enumerate(owners)
        ),
        batch_size=BATCH,
    )
    objects = list(StoredObject.objects.filter(key__startswith="opds-scale/").order_by("pk"))
    Chapter.objects.bulk_create(
        (
            Chapter(
                series=owner,
                number=Decimal(number),
                position=number,
                page_count=20,
                archive=archive,
                source_format=Chapter.SourceFormat.CBZ,
                kept_as_is=True,
            )
            for (owner, number), archive in zip(owners, objects, strict=True)
        ),
        batch_size=BATCH,
    )
    all_chapters = list(Chapter.objects.filter(archive__key__startswith="opds-scale/"))
    Page.objects.bulk_create(
        (
            Page(
                chapter=chapter,
                index=0,
                member_name="0001.jpg",
                width=1000,
                height=1500,
                format="jpeg",
                size=1000,
                data_offset=30,
                compressed_size=1000,
            )
            for chapter in all_chapters
        ),
        batch_size=BATCH,
    )
    ordered = list(long_run.chapters.order_by("position"))
    ReadingProgress.objects.bulk_create(
        ReadingProgress(
            tenant=tenant, user=reader, chapter=c, series=long_run, page=5, page_count=20
        )
        for c in ordered[:30:3]
    )
    WantToRead.objects.bulk_create(
        WantToRead(tenant=tenant, user=reader, series=s) for s in made[1:200:7]
    )
    return OpdsLibrary(long_run=long_run, first_chapter=ordered[0])
