"""Posting, reporting and moderating comments on a site. Views call these, never the ORM."""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet

from streaming.models import Comment, CommentReport, Episode, Title

# At most this many comments per viewer per site in the window: stops floods, not talk.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60
# A comment reported by this many viewers is hidden until a moderator looks.
AUTO_HIDE_REPORTS = 3


MAX_ID = 2**63 - 1  # larger numbers are no comment's id and overflow the database's integer


class CommentRejected(ValueError):
    """The comment cannot be posted; the message says why, for the viewer."""


def thread(tenant, title: Title) -> QuerySet[Comment]:
    """The title's top-level comments shown on this site, oldest first, each with its shown
    replies prefetched: two queries however long the thread."""
    shown = Comment.objects.for_tenant(tenant).shown()
    return (
        shown.filter(title=title, parent=None)
        .select_related("user")
        .prefetch_related(Prefetch("replies", queryset=shown.select_related("user")))
        .order_by("created_at", "pk")
    )


def submit_comment(
    tenant, user, target: Title | Episode, body: str, parent_id: int | None = None
) -> Comment:
    """What the site's comment form and the API send: the comment replied to by id, looked
    for on this site only, then `post_comment`'s checks."""
    parent = None
    if parent_id is not None:
        found = Comment.objects.for_tenant(tenant).filter(pk=parent_id)
        parent = found.first() if 1 <= parent_id <= MAX_ID else None
        if parent is None:
            raise CommentRejected("The comment you replied to is not here any more.")
    return post_comment(tenant, user, target, body, parent)


def post_comment(
    tenant, user, target: Title | Episode, body: str, parent: Comment | None = None
) -> Comment:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise CommentRejected("Write something first.")
    if len(body) > Comment.MAX_LENGTH:
        raise CommentRejected(
            f"Comments are limited to {Comment.MAX_LENGTH} characters (this one has {len(body)})."
        )
    on_title = isinstance(target, Title)
    if parent is not None:
        if parent.tenant_id != tenant.pk or parent.parent_id is not None:
            raise CommentRejected("Replies go one level deep: reply to the first comment.")
        if (parent.title_id, parent.episode_id) != (
            target.pk if on_title else None,
            None if on_title else target.pk,
        ):
            raise CommentRejected("That reply belongs to another page.")
    _take_rate_slot(tenant, user)
    return Comment.objects.create(
        tenant=tenant,
        user=user,
        title=target if isinstance(target, Title) else None,
        episode=target if isinstance(target, Episode) else None,
        parent=parent,
        body=body,
    )


def _take_rate_slot(tenant, user) -> None:
    key = f"comment-rate:{tenant.pk}:{user.pk}"
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    if cache.incr(key) > RATE_LIMIT:
        raise CommentRejected(
            f"You are commenting too fast: at most {RATE_LIMIT} comments a minute. "
            "Wait a moment and try again."
        )


def report_comment(tenant, user, comment: Comment, reason: str = "") -> None:
    if comment.tenant_id != tenant.pk:
        raise CommentRejected("No such comment.")
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=user, reason=reason[:200])
    except IntegrityError:
        return  # reporting twice counts once
    if comment.reports.count() >= AUTO_HIDE_REPORTS and not comment.is_hidden:
        comment.is_hidden = True
        comment.save(update_fields=["is_hidden"])


def set_hidden(comments, hidden: bool) -> int:
    # Re-select by id: the admin's queryset is annotated and ordered by report counts,
    # which an UPDATE cannot carry.
    ids = list(comments.values_list("pk", flat=True))
    return Comment.objects.filter(pk__in=ids).update(is_hidden=hidden)
