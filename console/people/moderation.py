"""Moderation (/console/moderation/): the site's reports, open first, with what a site
admin may decide on each through takedowns.decisions (its rules, not copies of them: the
choices offered are those check_decision accepts for this person); and the site's comments,
newest first, hidden or shown again with a reason.

Titles and series are shared by every site, so their takedown is the operator's call: the
report's page says so and gives the link to the report in the operator's queue.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from console.access import site_admins_only
from console.pages import render_console
from console.people import comment_moderation
from console.people.moderation_forms import CommentFilters, DecideForm, HideForm
from streaming.models import Comment
from streaming.viewer.comments import AUTO_HIDE_REPORTS
from takedowns import decisions
from takedowns.models import Decision, Report, ReportStatus, TakedownAction, TargetKind
from tenants.access import is_operator
from tenants.request_types import SiteRequest

PAGE_SIZE = 25
THREAD_REPORTS_SHOWN = 20
# The decisions a console offers, in this order; reinstating stays in the operator's queue.
OFFERED = (
    Decision.HIDE_COMMENT, Decision.REJECT, Decision.UNPUBLISH_HERE, Decision.UNPUBLISH_EVERYWHERE,
)  # fmt: skip


@site_admins_only
@require_GET
def reports(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    open_first = Case(
        When(status=ReportStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = Report.objects.for_tenant(site).annotate(waiting=open_first)
    page = Paginator(rows.order_by("waiting", "-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    thread = comment_moderation.legacy_reports_of(site).select_related("comment", "reporter")
    context = {
        "page": page,
        "thread_reports": list(thread.order_by("-created_at", "-pk")[:THREAD_REPORTS_SHOWN]),
        "auto_hide": AUTO_HIDE_REPORTS,
    }
    return render_console(request, "console/people/moderation.html", context)


def allowed_decisions(report: Report, operator: bool) -> list[str]:
    allowed: list[str] = []
    for decision in OFFERED:
        try:
            decisions.check_decision(report, decision, operator=operator)
        except decisions.DecisionRefused:
            continue
        allowed.append(decision)
    return allowed


def _why_nothing(report: Report) -> str:
    """Why a site admin has no decision to make on this report."""
    if report.status != ReportStatus.OPEN:
        status = report.get_status_display().lower()
        return f"This report is {status}: nothing is left to decide here."
    if report.target_kind in decisions.CATALOGUE:
        return (
            f"A {report.get_target_kind_display().lower()} is shared by every site, so taking "
            "it down is the operator's call. Send them the link to this report in their queue."
        )
    return "Only the operator decides this report."


@site_admins_only
@require_http_methods(["GET", "POST"])
def report(request: SiteRequest, report_id: int) -> HttpResponse:
    site = request.tenant
    rows = Report.objects.for_tenant(site).select_related("tenant")
    found = get_object_or_404(rows, pk=report_id)
    allowed = allowed_decisions(found, is_operator(request))
    form = DecideForm(request.POST if request.method == "POST" else None, allowed)
    if allowed and form.is_valid():
        try:
            https = settings.BEHIND_TLS_PROXY or request.is_secure()
            decisions.decide(
                found, form.cleaned_data["decision"], by=request.user,
                why=form.cleaned_data["why"], operator=is_operator(request), https=https,
            )  # fmt: skip
        except decisions.DecisionRefused as refused:  # decided by someone else meanwhile
            form.add_error(None, str(refused))
        else:
            label = Decision(form.cleaned_data["decision"]).label
            messages.success(request, f"{label}. The reporter was told.")
            return redirect("console:moderation-report", found.pk)
    comment = None
    if found.target_kind == TargetKind.COMMENT:
        comment = Comment.objects.for_tenant(site).filter(pk=found.target_id).first()
    context = {
        "report": found,
        "form": form if allowed else None,
        "why_nothing": "" if allowed else _why_nothing(found),
        "operator_link": request.build_absolute_uri(
            reverse("admin:takedowns_report_change", args=[found.pk])
        ),
        "comment": comment,
        "actions": list(
            TakedownAction.objects.for_tenant(site).filter(report=found).select_related("by")
        ),
    }
    status = 400 if form.is_bound and (form.errors or not allowed) else 200
    return render_console(request, "console/people/report.html", context, status=status)


@site_admins_only
@require_GET
def comments(request: SiteRequest) -> HttpResponse:
    site = request.tenant
    form = CommentFilters(request.GET or None)
    filters = form.values()
    rows = comment_moderation.comments(site, filters.get("show", ""), filters.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "narrowed": bool(filters)}
    return render_console(request, "console/people/comments.html", context)


@site_admins_only
@require_http_methods(["GET", "POST"])
def comment(request: SiteRequest, comment_id: int) -> HttpResponse:
    site = request.tenant
    related = ("user", "title", "episode__season__title")
    rows = Comment.objects.for_tenant(site).select_related(*related)
    found = get_object_or_404(rows, pk=comment_id)
    action = "show" if found.is_hidden else "hide"
    form = HideForm(request.POST if request.method == "POST" else None, initial={"action": action})
    if form.is_valid():
        hidden = form.cleaned_data["action"] == "hide"
        why = form.cleaned_data["reason"]
        if comment_moderation.set_hidden(site, found, hidden=hidden, by=request.user, reason=why):
            messages.success(request, f"The comment {'is hidden' if hidden else 'shows again'}.")
        else:
            messages.info(request, f"The comment was {'hidden' if hidden else 'shown'} already.")
        return redirect("console:moderation-comment", found.pk)
    context = {
        "comment": found,
        "form": form,
        "action": action,
        "thread_reports": list(
            comment_moderation.legacy_reports_of(site)
            .filter(comment=found)
            .select_related("reporter")
        ),
        "reports": list(comment_moderation.reports_of(site).filter(target_id=found.pk)),
        "record": list(comment_moderation.record_of(found)[:20]),
    }
    status = 400 if form.is_bound else 200
    return render_console(request, "console/people/comment.html", context, status=status)
