"""Plans at two levels (docs/franchise.md): a site plan is what the operator sells a site
owner (a site's limits), a viewer plan what a site owner offers their viewers within them.

What a viewer may do is decided from both, and the role, in one place:
tenants.entitlements.entitlements. A plan field left empty means "no cap".
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from tenants.scoping import TenantOwned

# ISO 4217 alphabetic codes are three capital letters (EUR, USD, JPY). The format is checked;
# whether a payment provider takes the currency is billing's question (a later slice).
currency_code = RegexValidator(r"^[A-Z]{3}$", "Enter an ISO 4217 currency code such as EUR.")

# Heights a plan may cap quality at; a version taller than the cap is not offered.
HEIGHT_CHOICES = [(480, "480p"), (720, "720p"), (1080, "1080p"), (1440, "1440p"), (2160, "2160p")]


def _price() -> models.DecimalField:
    return models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Per month.",
    )


def _currency() -> models.CharField:
    return models.CharField(max_length=3, default="EUR", validators=[currency_code])


def _cap(help_text: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(null=True, blank=True, help_text=help_text)


class SitePlan(models.Model):
    """The operator's offer to site owners. A site without one has no limits."""

    name = models.CharField(max_length=100, unique=True)
    monthly_price = _price()
    currency = _currency()
    max_members = _cap("Members a site may have (empty: no cap).")
    # Counted from the players' heartbeats (streaming.stream_limits).
    streams_per_viewer = _cap("Concurrent streams per viewer (empty: no cap).")
    streams_per_site = _cap("Concurrent streams on the whole site (empty: no cap).")
    max_height = models.PositiveSmallIntegerField(
        "max quality",
        null=True,
        blank=True,
        choices=HEIGHT_CHOICES,
        help_text="Tallest version served (empty: no cap).",
    )
    readvault = models.BooleanField("ReadVault", default=True)
    downloads = models.BooleanField(default=False)
    custom_domains = models.PositiveSmallIntegerField(
        default=0, help_text="Hostnames of the owner's own a site may add."
    )
    must_show_ads = models.BooleanField(
        default=False, help_text="Every viewer sees ads; viewer plans cannot remove them."
    )

    class Meta:
        ordering = ["monthly_price", "name"]

    def __str__(self) -> str:
        return self.name


class ViewerPlan(TenantOwned):
    """A site owner's tier for viewers (free with ads, premium...), within the site plan.

    `clean()` refuses a plan that gives more than the site's plan; the access function
    clamps as well, since the operator may move the site to a smaller plan later."""

    name = models.CharField(max_length=100)
    price = _price()
    currency = _currency()
    is_default = models.BooleanField(
        "default", default=False, help_text="The tier new members get (one per site)."
    )
    ads = models.BooleanField(default=True)
    max_height = models.PositiveSmallIntegerField(
        "max quality",
        null=True,
        blank=True,
        choices=HEIGHT_CHOICES,
        help_text="Tallest version served (empty: what the site's plan allows).",
    )
    downloads = models.BooleanField(default=False)
    readvault = models.BooleanField("ReadVault", default=True)

    class Meta:
        ordering = ["tenant", "price", "name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="viewer_plan_name_per_site"),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_default=True),
                name="one_default_viewer_plan_per_site",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        site_plan = self.tenant.plan if self.tenant_id else None
        if site_plan is not None:
            errors = beyond_site_plan(self, site_plan)
            if errors:
                raise ValidationError(errors)
        if self.is_default and self.tenant_id:
            others = ViewerPlan.objects.for_tenant(self.tenant).filter(is_default=True)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError({"is_default": "This site already has a default plan."})


def beyond_site_plan(plan: ViewerPlan, site_plan: SitePlan) -> dict[str, str]:
    """What `plan` gives beyond `site_plan`, by field: empty when it stays within it."""
    errors = {}
    # An empty cap means "what the site plan allows", which is within it.
    cap = site_plan.max_height
    if cap is not None and plan.max_height is not None and plan.max_height > cap:
        errors["max_height"] = f"The site's plan serves up to {cap}p."
    if plan.downloads and not site_plan.downloads:
        errors["downloads"] = "The site's plan does not include downloads."
    if plan.readvault and not site_plan.readvault:
        errors["readvault"] = "The site's plan does not include ReadVault."
    if not plan.ads and site_plan.must_show_ads:
        errors["ads"] = "The site's plan shows ads to every viewer."
    return errors
