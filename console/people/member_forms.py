"""The members page's forms: its filters (a GET form: a bad value is left out, never a 500)
and the one that changes a member's role and viewer plan."""

from __future__ import annotations

from typing import cast

from django import forms

from tenants.models import Membership, Tenant, ViewerPlan

# The plan filter's value for members without a plan of their own (the site's default).
DEFAULT_PLAN = "default"
MAX_SEARCH = 200


class MemberFilters(forms.Form):
    q = forms.CharField(label="Name or e-mail", max_length=MAX_SEARCH, required=False)
    role = forms.ChoiceField(choices=[("", "Any role"), *Membership.Role.choices], required=False)
    plan = forms.ChoiceField(label="Viewer plan", required=False)

    def __init__(self, data, plans: list[ViewerPlan]) -> None:
        super().__init__(data)
        choices = [("", "Any plan"), (DEFAULT_PLAN, "The site's default (no plan of their own)")]
        choices += [(str(p.pk), p.name) for p in plans]
        cast(forms.ChoiceField, self.fields["plan"]).choices = choices

    def values(self) -> dict[str, str]:
        """The filters that are valid; an invalid one is dropped (its error is shown)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


class MemberForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    viewer_plan = forms.ModelChoiceField(
        queryset=ViewerPlan.objects.none(),
        required=False,
        label="Viewer plan",
        empty_label="The site's default plan",
        help_text="What this member may watch and whether they see ads; a paid plan is "
        "normally set by the member's subscription.",
    )

    def __init__(self, data, site: Tenant, membership: Membership) -> None:
        initial = {"role": membership.role, "viewer_plan": membership.viewer_plan_id}
        super().__init__(data, initial=initial)
        # The site's own plans only: another site's plan id is "not one of the choices".
        field = cast(forms.ModelChoiceField, self.fields["viewer_plan"])
        field.queryset = ViewerPlan.objects.for_tenant(site).order_by("price", "name")
        default = site.default_viewer_plan
        if default is not None:
            field.empty_label = f"The site's default plan ({default.name})"
