"""The operator's queue of reports (Admin → Reports and takedowns → Reports).

Operators see every site's reports and take titles and series down on one site or
everywhere, reject, and reinstate; a site admin sees their own site's reports
(TenantScopedAdmin) and hides comments of their site. Each decision asks for a reason
first (a confirmation page) and goes through takedowns.decisions, which records it and
replies to the reporter."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from shadowvault.admin_read_only import ReadOnlyAdminMixin, SiteAdminsReadInline
from takedowns import decisions
from takedowns.models import CounterNotice, Decision, Report, TakedownAction
from tenants.access import is_operator, is_site_admin
from tenants.admin_scoping import TenantScopedAdmin

CONFIRMED = "apply"


class WhyForm(forms.Form):
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why",
        help_text="Recorded with the decision and sent to the reporter.",
    )


class TakedownActionInline(SiteAdminsReadInline):
    model = TakedownAction
    fk_name = "report"
    fields = readonly_fields = ("at", "decision", "by", "why", "changed", "replied_to")
    verbose_name_plural = "decisions"


@admin.register(Report)
class ReportAdmin(TenantScopedAdmin):
    list_display = [
        "target_label",
        "target_kind",
        "reason",
        "status",
        "contact_email",
        "created_at",
    ]
    list_filter = ["status", "reason", "target_kind"]
    search_fields = ["target_label", "details", "contact_email"]
    readonly_fields = [
        "target_kind", "target_id", "target_label", "reason", "details", "contact_email",
        "work", "claimant", "reporter", "status", "created_at", "counter_notices",
    ]  # fmt: skip
    inlines = [TakedownActionInline]
    list_select_related = ["tenant"]
    actions = ["unpublish_here", "unpublish_everywhere", "hide_comment", "reject", "reinstate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from the site's report form

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_operator_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request)

    @admin.display(description="Counter-notices")
    def counter_notices(self, report: Report) -> str:
        notices = CounterNotice.objects.filter(takedown__report=report)
        return (
            "\n\n".join(
                f"{n.created_at:%Y-%m-%d} {n.name} <{n.contact_email}>: {n.statement}"
                for n in notices
            )
            or "—"
        )

    @admin.action(description="Unpublish on the report's site…", permissions=["operator"])
    def unpublish_here(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._decide(request, queryset, Decision.UNPUBLISH_HERE, "unpublish_here")

    @admin.action(description="Unpublish everywhere…", permissions=["operator"])
    def unpublish_everywhere(
        self, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        return self._decide(
            request, queryset, Decision.UNPUBLISH_EVERYWHERE, "unpublish_everywhere"
        )

    @admin.action(description="Hide the reported comment…", permissions=["moderate"])
    def hide_comment(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._decide(request, queryset, Decision.HIDE_COMMENT, "hide_comment")

    @admin.action(description="Reject the report…", permissions=["operator"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._decide(request, queryset, Decision.REJECT, "reject")

    @admin.action(description="Reinstate (undo the takedown)…", permissions=["operator"])
    def reinstate(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        return self._decide(request, queryset, Decision.REINSTATE, "reinstate")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet, decision: str, action: str
    ) -> TemplateResponse | None:
        # The queryset is get_queryset's: a site admin's holds their own site's reports only.
        form = WhyForm(request.POST if CONFIRMED in request.POST else None)
        reports = list(queryset.select_related("tenant"))
        if form.is_valid():
            for report in reports:
                self._decide_one(request, report, decision, form.cleaned_data["why"])
            return None
        context = {
            **admin.site.each_context(request),
            "title": Decision(decision).label,
            "reports": reports,
            "form": form,
            "selected": [str(r.pk) for r in reports],
            "action": action,
            "confirmed": CONFIRMED,
            "changelist": "admin:takedowns_report_changelist",
            "section": "Reports",
            "submit": Decision(decision).label,
        }
        return TemplateResponse(request, "admin/takedowns/report/decide.html", context)

    def _decide_one(self, request: HttpRequest, report: Report, decision: str, why: str) -> None:
        https = request.is_secure()
        try:
            if decision == Decision.REINSTATE:
                decisions.reinstate(report, by=request.user, why=why, https=https)
            else:
                operator = is_operator(request)
                decisions.decide(
                    report, decision, by=request.user, why=why, operator=operator, https=https
                )
        except decisions.DecisionRefused as refused:
            self.message_user(request, f"{report}: {refused}", messages.ERROR)
            return
        label = Decision(decision).label.lower()
        self.message_user(request, f"{report}: {label}; the reporter was told.", messages.SUCCESS)


@admin.register(TakedownAction)
class TakedownActionAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """The record of decisions: read-only for everyone."""

    list_display = ["at", "decision", "report", "by", "changed", "replied_to"]
    list_filter = ["decision"]
    list_select_related = ["report", "by", "tenant"]
    site_admin_read_only = True
