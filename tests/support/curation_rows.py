"""Arranged home pages (curation.models) for the tests that walk every page: the security
sweep's Alpha and Beta rows, and a curated site for the pages-at-scale counts."""

from __future__ import annotations

from curation import editing
from curation.models import MAX_PICKS, MAX_ROWS, HomeRow, RowKind
from readvault.models import Series
from streaming.models import Collection, Genre, Title


def curation_rows(alpha, beta, title: Title, series: Series, marker: str) -> dict:
    """A hand-picked row and a featured pick on each site, Beta's named with the marker:
    the pool's row and pick ids, Alpha's first."""
    rows, picks = [], []
    for site, heading in ((alpha, "Alpha's picks"), (beta, f"{marker} picks")):
        row = editing.add_row(site, RowKind.PICKED, heading)
        picks.append(editing.add_pick(site, row, title))
        editing.add_pick(site, row, series)
        editing.add_pick(site, None, title)
        rows.append(row)
    return {"row_id": [str(r.pk) for r in rows], "pick_id": [str(p.pk) for p in picks]}


def curate_at_scale(site, titles: list[Title], manga: Series) -> list[HomeRow]:
    """Every kind of row, the biggest genre's and a collection's, and hand-picked rows of
    `titles` and `manga` up to the cap, a series featured first: the most the page reads."""
    editing.start_from_default(site)
    editing.add_row(site, RowKind.GENRE, genre=Genre.objects.order_by("pk").first())
    editing.add_row(site, RowKind.COLLECTION, collection=Collection.objects.order_by("pk").first())
    editing.add_pick(site, None, manga)
    editing.add_pick(site, None, titles[0])
    while HomeRow.objects.for_tenant(site).count() < MAX_ROWS:
        row = editing.add_row(site, RowKind.PICKED, "Staff picks")
        editing.add_pick(site, row, manga)
        for title in titles[: MAX_PICKS - 1]:
            editing.add_pick(site, row, title)
    return list(HomeRow.objects.for_tenant(site))
