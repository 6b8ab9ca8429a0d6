"""The admin of plans and site states (docs/franchise.md): site plans are the operator's,
viewer plans are each site's own (TenantScopedAdmin), and a site's state changes only
through the "Change state" action, which calls tenants.site_states.change_state."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from shadowvault.admin_read_only import SiteAdminsReadInline
from tenants.access import is_operator
from tenants.admin_scoping import OperatorOnlyAdmin, TenantScopedAdmin
from tenants.models import SiteStateChange
from tenants.site_state_rules import InvalidTransition, SiteState
from tenants.site_states import change_state

CONFIRMED = "apply"


class SitePlanAdmin(OperatorOnlyAdmin):
    list_display = [
        "name", "monthly_price", "currency", "max_members", "max_height", "readvault",
        "downloads", "must_show_ads",
    ]  # fmt: skip
    search_fields = ["name"]


class ViewerPlanAdmin(TenantScopedAdmin):
    """A site admin offers their viewers tiers within the site's plan: a plan that gives
    more is a form error (ViewerPlan.clean), never a 500."""

    list_display = ["name", "price", "currency", "is_default", "ads", "max_height", "downloads"]
    search_fields = ["name"]


class SiteStateChangeInline(SiteAdminsReadInline):
    """The record of the site's state changes, read-only for everyone."""

    model = SiteStateChange
    fields = readonly_fields = ("at", "from_state", "to_state", "by_label", "reason", "until")
    verbose_name_plural = "state changes"

    @admin.display(description="By")
    def by_label(self, change: SiteStateChange) -> str:
        return change.by_label


class StateChangeForm(forms.Form):
    new_state = forms.ChoiceField(
        choices=[c for c in SiteState.choices if c[0] != SiteState.TRIAL], label="New state"
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    until = forms.DateTimeField(
        required=False,
        label="Until",
        help_text="Past due: when the grace period ends. Closed: when the site's data is "
        "removed. Empty: 14 or 30 days from now.",
    )


class SiteStatesAdmin(admin.ModelAdmin):
    """TenantAdmin's base: the "Change state" action, operators only."""

    actions = ["change_state"]

    def has_state_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    @admin.action(description="Change the state of the selected sites…", permissions=["state"])
    def change_state(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = StateChangeForm(request.POST if CONFIRMED in request.POST else None)
        if form.is_valid():
            for site in queryset:
                self._change_one(request, site, form.cleaned_data)
            return None  # back to the list, with a message per site
        context = {
            **admin.site.each_context(request),
            "title": "Change the state of sites",
            "sites": list(queryset),
            "form": form,
            "selected": [str(site.pk) for site in queryset],
            "action": "change_state",
            "confirmed": CONFIRMED,
            "changelist": "admin:tenants_tenant_changelist",
            "section": "Sites",
            "submit": "Change state",
        }
        return TemplateResponse(request, "admin/tenants/tenant/change_state.html", context)

    def _change_one(self, request: HttpRequest, site, data: dict) -> None:
        try:
            change_state(
                site, data["new_state"], by=request.user, reason=data["reason"], until=data["until"]
            )
        except InvalidTransition as refused:
            self.message_user(request, f"{site}: {refused}", messages.ERROR)
            return
        label = SiteState(site.state).label.lower()
        self.message_user(request, f"{site} is now {label}.", messages.SUCCESS)
