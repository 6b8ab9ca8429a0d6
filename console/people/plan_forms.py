"""The viewer plan form and the "move its members" form.

A plan that gives more than the site plan is refused by ViewerPlan.clean, field by field,
with its own sentences ("The site's plan serves up to 720p."); the form adds what the
model cannot check alone: a name unique on the site (the constraint names the site, which
the form leaves out) and a price the currency can be charged in."""

from __future__ import annotations

from typing import cast

from django import forms

from billing.money import decimals
from tenants.models import Tenant, ViewerPlan


class PlanForm(forms.ModelForm):
    class Meta:
        model = ViewerPlan
        fields = ["name", "price", "currency", "ads", "max_height", "downloads", "readvault"]
        labels = {"price": "Price a month", "ads": "Shows ads"}
        help_texts = {
            "price": "0 is a free plan. A new price applies to new subscriptions; current "
            "subscribers keep paying what they subscribed at.",
            "currency": "ISO 4217: EUR, USD, GBP, JPY…",
        }

    def __init__(self, data, site: Tenant, instance: ViewerPlan | None = None) -> None:
        super().__init__(data, instance=instance or ViewerPlan(tenant=site, currency=""))
        self.site = site
        if instance is None:
            self.initial["currency"] = site_currency(site)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        same = ViewerPlan.objects.for_tenant(self.site).filter(name__iexact=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The site has a plan of this name already.")
        return name

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        price, currency = cleaned.get("price"), cleaned.get("currency")
        # Payment providers charge whole minor units (billing.money): ¥4.99 cannot be paid.
        if price is not None and currency and decimals(currency) == 0 and price % 1:
            self.add_error("price", f"{currency} has no cents: enter a whole amount.")
        return cleaned


def site_currency(site: Tenant) -> str:
    """What a new plan is priced in: the site plan's currency, else EUR."""
    return site.plan.currency if site.plan is not None else "EUR"


class MoveForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=ViewerPlan.objects.none(),
        required=False,
        label="Move its members to",
        empty_label="The site's default plan",
    )

    def __init__(self, data, plan: ViewerPlan) -> None:
        super().__init__(data)
        others = ViewerPlan.objects.for_tenant(plan.tenant).exclude(pk=plan.pk)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = others.order_by("price", "name")
