"""Posting, reporting and moderating comments on a site. Views call these, never the ORM."""

from __future__ import annotations

from django.core.cache import cache
from django.db import IntegrityError, transaction

from streaming.models import Comment, CommentReport, Episode, Title

# At most this many comments per viewer per site in the window: stops floods, not talk.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 60
# A comment reported by this many viewers is hidden until a moderator looks.
AUTO_HIDE_REPORTS = 3


class CommentRejected(ValueError):
    """The comment cannot be posted; the message says why, for the viewer."""


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
        title=target if on_title else None,
        episode=None if on_title else target,
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
