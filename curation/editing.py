"""Every change to a site's home page goes through here (the console's views call these):
the caps on rows and picks, positions kept gapless, and the cached answer to "does this site
curate its home page?" (curation.home) reset after each change."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

from curation.home import curates_key
from curation.models import DEFAULT_ROWS, MAX_PICKS, MAX_ROWS, HomeRow, Pick, RowKind
from readvault.models import Series
from streaming.models import Collection, Genre, Title


class CurationRefused(Exception):
    """A change the home page cannot take (a cap reached, an item already in the row)."""


def _changed(tenant) -> None:
    cache.delete(curates_key(tenant.pk))


def start_from_default(tenant) -> None:
    """Turn curation on with today's default rows, so the page looks the same until the
    owner changes it. Nothing happens for a site that curates already."""
    with transaction.atomic():
        if HomeRow.objects.for_tenant(tenant).exists():
            return
        HomeRow.objects.bulk_create(
            HomeRow(tenant=tenant, kind=kind, position=index)
            for index, kind in enumerate(DEFAULT_ROWS)
        )
    _changed(tenant)


def add_row(
    tenant,
    kind: RowKind,
    heading: str = "",
    genre: Genre | None = None,
    collection: Collection | None = None,
) -> HomeRow:
    """A row at the end. The first row a site adds comes after the default rows (added
    first), so nothing the page showed goes away unasked."""
    start_from_default(tenant)
    with transaction.atomic():
        rows = HomeRow.objects.for_tenant(tenant)
        if rows.count() >= MAX_ROWS:
            raise CurationRefused(f"The home page has {MAX_ROWS} rows, its most: remove one first.")
        last = rows.aggregate(last=Max("position"))["last"]
        row = HomeRow.objects.create(
            tenant=tenant,
            kind=kind,
            heading=heading,
            genre=genre if kind == RowKind.GENRE else None,
            collection=collection if kind == RowKind.COLLECTION else None,
            position=0 if last is None else last + 1,
        )
    _changed(tenant)
    return row


def move_row(tenant, row: HomeRow, step: int) -> None:
    """One place up (step -1) or down (+1); the first stays first, the last last."""
    with transaction.atomic():
        _move(list(HomeRow.objects.for_tenant(tenant).order_by("position", "pk")), row, step)


def set_hidden(row: HomeRow, hidden: bool) -> None:
    row.hidden = hidden
    row.save(update_fields=["hidden"])


def remove_row(tenant, row: HomeRow) -> None:
    """Gone with its picks; a site with no rows left has the default home page again."""
    row.delete()
    _changed(tenant)


def add_pick(tenant, row: HomeRow | None, item: Title | Series) -> Pick:
    """`item` at the end of a hand-picked row, or of the hero's picks (row None). The hero's
    first pick turns curation on, with the default rows, as a first row does."""
    if row is not None and row.kind != RowKind.PICKED:
        raise CurationRefused("Only a hand-picked row takes titles and series.")
    if row is None:
        start_from_default(tenant)
    with transaction.atomic():
        picks = Pick.objects.for_tenant(tenant).filter(row=row)
        if picks.count() >= MAX_PICKS:
            raise CurationRefused(f"A row holds {MAX_PICKS} titles and series: remove one first.")
        field = "title" if isinstance(item, Title) else "series"
        if picks.filter(**{field: item}).exists():
            raise CurationRefused(f"{item} is there already.")
        last = picks.aggregate(last=Max("position"))["last"]
        pick = Pick.objects.create(
            tenant=tenant, row=row, position=0 if last is None else last + 1, **{field: item}
        )
    return pick


def move_pick(tenant, pick: Pick, step: int) -> None:
    with transaction.atomic():
        picks = Pick.objects.for_tenant(tenant).filter(row_id=pick.row_id)
        _move(list(picks.order_by("position", "pk")), pick, step)


def remove_pick(pick: Pick) -> None:
    pick.delete()


def _move(ordered: list, moving, step: int) -> None:
    """Renumber `ordered` 0..n-1 with `moving` swapped with its neighbour `step` away."""
    index = next(i for i, each in enumerate(ordered) if each.pk == moving.pk)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    changed = []
    for position, each in enumerate(ordered):
        if each.position != position:
            each.position = position
            changed.append(each)
    type(moving).objects.bulk_update(changed, ["position"])
