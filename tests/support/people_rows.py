"""Rows for the console's people pages (console/people/): the security sweep's ids of
Alpha and Beta (Beta's carrying the marker), and the scale test's site with 500+ members,
invitations, plans, comments and reports."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from streaming.models import Comment, CommentReport, Title
from takedowns.models import Report
from tenants import inviting
from tenants.models import Membership, ViewerPlan
from tests.factories import make_member

# More than a page of members (50) and above the cap a plan might show, at both sizes.
SCALE_MEMBERS = 520
SCALE_ROWS = 30


def _report(site, comment: Comment, label: str) -> Report:
    return Report.objects.create(
        tenant=site, target_kind="comment", target_id=comment.pk, target_label=label,
        reason="spam", details=label, contact_email="r@example.com",
    )  # fmt: skip


def sweep_rows(alpha, beta, title: Title, marker: str) -> dict[str, list[str]]:
    """The pool entries of the people routes' ids: Alpha's first, then Beta's."""
    pool: dict[str, list[str]] = {n: [] for n in ("member_id", "invitation_id")}
    pool |= {"comment_id": [], "report_id": []}
    for site, name in ((alpha, "sweep_member"), (beta, f"{marker}_member")):
        user = make_member(name, site)
        writer = Comment.objects.create(tenant=site, user=user, title=title, body=f"{name} says")
        CommentReport.objects.create(comment=writer, reporter=user, reason=f"{name} reports")
        invitation, _ = inviting.issue(site, kind="mail", email=f"{name}@example.com")
        pool["member_id"].append(str(Membership.objects.get(tenant=site, user=user).pk))
        pool["invitation_id"].append(str(invitation.pk))
        pool["comment_id"].append(str(writer.pk))
        pool["report_id"].append(str(_report(site, writer, f"{name}'s report").pk))
    return pool


def scale_console_pages(site) -> dict[str, str]:
    """SCALE_MEMBERS members (a few on a plan), SCALE_ROWS invitations, comments, reports
    and thread reports, and two plans: enough that a page whose count grew with rows would
    show it."""
    title = Title.objects.order_by("pk").first()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"crowd{n:04}", email=f"crowd{n}@example.com")
        for n in range(SCALE_MEMBERS)
    )
    gold = ViewerPlan.objects.create(tenant=site, name="Gold", price=9)
    ViewerPlan.objects.create(tenant=site, name="Silver", price=4)
    Membership.objects.bulk_create(
        Membership(tenant=site, user=u, viewer_plan=gold if n % 7 == 0 else None)
        for n, u in enumerate(users)
    )
    for n in range(SCALE_ROWS):
        inviting.issue(site, kind="link", max_uses=n + 1)
        comment = Comment.objects.create(
            tenant=site, user=users[n], title=title, body=f"Comment {n}", is_hidden=n % 5 == 0
        )
        CommentReport.objects.create(comment=comment, reporter=users[n + 1], reason=f"r{n}")
        _report(site, comment, f"Comment {n}")
    return {
        "console members": "/console/members/",
        "console members filtered": f"/console/members/?q=crowd&role=viewer&plan={gold.pk}",
        "console invitations": "/console/invitations/",
        "console plans": "/console/plans/",
        "console moderation": "/console/moderation/",
        "console comments": "/console/moderation/comments/?show=reported",
    }
