"""What a report may point at, and how a takedown reaches it: through the catalogue's own
visibility rows, never a parallel flag.

- a title: on one site a `streaming.models.TitleHiding` row, everywhere its status goes back
  to draft (`streaming.models.catalogue.visible_rule` consults both, so pages, search, the
  API, OPDS, the sitemap and the media links the delivery view serves all follow);
- a series: `readvault.models.SeriesHiding` (through readvault.catalogue.site_hiding) or
  its status, which `readvault.models.library.visible_rule` consults the same way;
- a comment: its `is_hidden` flag, which the comment thread reads.

This module is the only one of the app that imports the vaults; they never import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from readvault.catalogue import site_hiding
from readvault.models import Series
from stored_media.authorize_cache import served_less
from streaming.models import Comment, Title, TitleHiding
from streaming.models.catalogue import visible_rule
from takedowns.models import TargetKind
from tenants.models import Tenant

MAX_ID = 2**63 - 1  # a 64-bit key: larger numbers overflow the database's integer


@dataclass(frozen=True)
class Target:
    kind: str
    pk: int
    label: str


def shown_target(tenant: Tenant, kind: str, pk: int) -> Target | None:
    """The target as the site shows it to anyone, or None (unknown, a draft, hidden there,
    another site's comment): one query."""
    if not 1 <= pk <= MAX_ID:
        return None
    if kind == TargetKind.TITLE:
        title = Title.objects.visible_on(tenant).filter(pk=pk).only("title").first()
        return Target(kind, pk, title.title) if title else None
    if kind == TargetKind.SERIES:
        series = Series.objects.visible_on(tenant).filter(pk=pk).only("title").first()
        return Target(kind, pk, series.title) if series else None
    if kind == TargetKind.COMMENT:
        # A comment on a title the site no longer shows is not shown either.
        on_shown = visible_rule(tenant, "title__") | visible_rule(
            tenant, "episode__season__title__"
        )
        comment = Comment.objects.for_tenant(tenant).shown().filter(on_shown, pk=pk).first()
        return Target(kind, pk, f"Comment: {comment.body[:80]}") if comment else None
    return None


def _catalogue_model(kind: str) -> type[Title] | type[Series]:
    return Title if kind == TargetKind.TITLE else Series


def hide_on_site(tenant: Tenant, kind: str, pk: int) -> bool:
    """Hide the title or series on one site; False when it was hidden there already."""
    if kind == TargetKind.TITLE:
        _, made = TitleHiding.objects.get_or_create(tenant=tenant, title_id=pk)
        return made
    return site_hiding.hide_on(tenant, [pk]) == 1


def show_on_site(tenant: Tenant, kind: str, pk: int) -> None:
    if kind == TargetKind.TITLE:
        TitleHiding.objects.for_tenant(tenant).filter(title_id=pk).delete()
    else:
        site_hiding.show_on(tenant, [pk])


def unpublish(kind: str, pk: int) -> bool:
    """Take the title or series off every site (back to draft); False when it was not
    published."""
    model = _catalogue_model(kind)
    published = model.Status.PUBLISHED
    done = model.objects.filter(pk=pk, status=published).update(status=model.Status.DRAFT) == 1
    served_less()  # an update sends no signal; open links are refused at once
    return done


def republish(kind: str, pk: int) -> None:
    model = _catalogue_model(kind)
    model.objects.filter(pk=pk).update(status=model.Status.PUBLISHED)


def set_comment_hidden(tenant: Tenant, pk: int, hidden: bool) -> bool:
    """Hide or show a comment of this site; False when it already was so."""
    return (
        Comment.objects.for_tenant(tenant)
        .filter(pk=pk)
        .exclude(is_hidden=hidden)
        # a plain column write on one row of this site
        .update(is_hidden=hidden)
        == 1
    )
