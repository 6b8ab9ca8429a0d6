"""The site's comments as a moderator sees them, and hiding or showing one with a reason.

The reason goes into Django's admin log (LogEntry: who, when, which comment, why), the
record the admin already keeps of changes and shows on the comment's history page: the
comment has no column for it, and this slice changes no schema. The flag itself changes
through takedowns.targets.set_comment_hidden, as a decided report's does.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from streaming.models import Comment, CommentReport
from takedowns.models import Report, TargetKind
from takedowns.targets import set_comment_hidden
from tenants.models import Tenant

SHOWS = {
    "": "All comments",
    "shown": "Shown",
    "hidden": "Hidden",
    "reported": "Reported",
}


def reports_of(site: Tenant) -> QuerySet[Report]:
    return Report.objects.for_tenant(site).filter(target_kind=TargetKind.COMMENT)


def legacy_reports_of(site: Tenant) -> QuerySet[CommentReport]:
    """The comment thread's own "report" rows (streaming.models.CommentReport): they have
    no site of their own, their comment has."""
    return CommentReport.objects.filter(comment__in=Comment.objects.for_tenant(site))


def comments(site: Tenant, show: str = "", q: str = "") -> QuerySet[Comment]:
    """The site's comments, newest first, each knowing whether it was reported."""
    rows = Comment.objects.for_tenant(site).annotate(
        thread_reported=Exists(CommentReport.objects.filter(comment=OuterRef("pk"))),
        reported=Exists(reports_of(site).filter(target_id=OuterRef("pk"))),
    )
    if show == "shown":
        rows = rows.filter(is_hidden=False)
    elif show == "hidden":
        rows = rows.filter(is_hidden=True)
    elif show == "reported":
        rows = rows.filter(Q(thread_reported=True) | Q(reported=True))
    if q:
        rows = rows.filter(Q(body__icontains=q) | Q(user__username__icontains=q))
    related = ("user", "title", "episode__season__title")
    return rows.select_related(*related).order_by("-created_at", "-pk")


def set_hidden(site: Tenant, comment: Comment, *, hidden: bool, by, reason: str) -> bool:
    """Hide or show the site's comment, recording who and why; False when it already was."""
    with transaction.atomic():
        changed = set_comment_hidden(site, comment.pk, hidden=hidden)
        if changed:
            done = "Hidden" if hidden else "Shown again"
            LogEntry.objects.log_actions(
                by.pk, [comment], CHANGE, f"{done} from the site's console: {reason}"
            )
    return changed


def record_of(comment: Comment) -> QuerySet[LogEntry]:
    """What moderators did to the comment, newest first."""
    kind = ContentType.objects.get_for_model(Comment)
    entries = LogEntry.objects.filter(content_type=kind, object_id=str(comment.pk))
    return entries.select_related("user").order_by("-action_time")
