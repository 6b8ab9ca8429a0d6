"""Sites (tenants), the hostnames that reach them, and who belongs to each."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from tenants.footer_links import validate_footer_links
from tenants.scoping import TenantOwned
from tenants.signup_modes import SignupMode
from tenants.site_state_rules import UNAVAILABLE, SiteState

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")
# RFC 1123 hostnames, lower case, no port, no trailing dot.
hostname_validator = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    "Enter a hostname such as watch.example.com (lower case, no port, no scheme).",
)


MAX_LOGO_BYTES = 2 * 1024 * 1024

# Age caps a site or an account may set (years: "nothing rated above 13"); empty is no cap.
# Each vault maps its own ratings onto these ages (readvault.models.age_ratings).
AGE_CAP_CHOICES = [
    (0, "Everyone"),
    (6, "6+"),
    (10, "10+"),
    (13, "Teen (13+)"),
    (15, "15+"),
    (17, "17+"),
]


def max_upload_size(upload) -> None:
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(f"The file is {upload.size} bytes; the limit is {MAX_LOGO_BYTES}.")


def normalize_hostname(hostname: str) -> str:
    """Hostnames compare case-insensitively and may carry a trailing dot (RFC 1034)."""
    return (hostname or "").strip().lower().rstrip(".")


class TenantQuerySet(models.QuerySet):
    def active(self) -> TenantQuerySet:
        return self.filter(is_active=True)


class Tenant(models.Model):
    """One branded site. The catalogue is shared; members, comments and figures are not."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(upload_to="public/logos/", validators=[max_upload_size], blank=True)
    accent_colour = models.CharField(max_length=7, default="#8b5cf6", validators=[hex_colour])
    accent_colour_2 = models.CharField(max_length=7, default="#22d3ee", validators=[hex_colour])
    # The rest of the look, set in the console (console/branding): a favicon Pillow redrew
    # as a PNG (tenants.site_images), the footer's links and which legal pages have text.
    # All on this row, so the footer costs no query of its own.
    favicon = models.ImageField(
        upload_to="public/favicons/", validators=[max_upload_size], blank=True
    )
    footer_links = models.JSONField(default=list, blank=True, validators=[validate_footer_links])
    legal_documents = models.JSONField(default=list, blank=True, editable=False)
    signup_mode = models.CharField(
        "sign-up",
        max_length=10,
        choices=SignupMode.choices,
        default=SignupMode.OPEN,
        help_text="Who may become a member: anyone, people with an invitation, or nobody.",
    )
    bind_media_links_to_ip = models.BooleanField(
        default=False,
        help_text="Media links work only from the address they were issued to. Safer against "
        "link sharing; breaks playback for viewers whose address changes (mobile networks).",
    )
    is_active = models.BooleanField(
        default=True, help_text="An inactive site answers 404 on all its hostnames."
    )
    age_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=AGE_CAP_CHOICES,
        help_text="Show nothing rated above this age, and nothing unrated (empty: no cap).",
    )
    # Franchise (docs/franchise.md): the plan the operator sells this site, and its state.
    # No plan: no limits (existing sites and the demo). The state and its dates change only
    # through tenants.site_states.change_state, which records each change.
    plan = models.ForeignKey(
        "tenants.SitePlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
        help_text="Empty: no limits.",
    )
    state = models.CharField(max_length=10, choices=SiteState.choices, default=SiteState.ACTIVE)
    grace_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Past due: suspended when this passes."
    )
    remove_data_after = models.DateTimeField(
        null=True, blank=True, help_text="Closed: members and viewer data are removed after this."
    )
    data_removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # One word for it everywhere: the admin, the README and the pages say "site".
        verbose_name = "site"
        verbose_name_plural = "sites"

    def __str__(self) -> str:
        return self.name

    @property
    def signup_open(self) -> bool:
        """Anyone may sign up (and an account of another site may join by signing in)."""
        return self.signup_mode == SignupMode.OPEN

    @property
    def takes_invitations(self) -> bool:
        return self.signup_mode != SignupMode.CLOSED

    @property
    def is_unavailable(self) -> bool:
        """Suspended or closed: viewers get the "unavailable" page (tenants.site_gate)."""
        return self.state in UNAVAILABLE

    @cached_property
    def default_viewer_plan(self) -> ViewerPlan | None:
        """The tier new members and visitors get. The host lookup fills this in the same
        query as the site (tenants.middleware), so pages do not ask again."""
        return ViewerPlan.objects.for_tenant(self).filter(is_default=True).first()

    @property
    def legal_links(self) -> list[tuple[str, str]]:
        """(path, label) of each legal page with text, for the footer: from this row alone."""
        documents = [LegalDocument(d) for d in self.legal_documents or [] if d in LegalDocument]
        return [(reverse("legal-page", args=[d.value]), d.label) for d in documents]

    @property
    def primary_domain(self) -> Domain | None:
        return self.domains.filter(is_primary=True).first()

    def ensure_primary_domain(self) -> None:
        """A site with hostnames always has a primary one: the oldest, unless one was chosen."""
        domains = Domain.objects.for_tenant(self).filter(state=Domain.State.VERIFIED)
        if not domains.filter(is_primary=True).exists():
            first = domains.order_by("pk").first()
            if first is None:
                return
            first.is_primary = True
            first.save(update_fields=["is_primary"])

    def role_of(self, user) -> str | None:
        """The user's role on this site, or None; operators (superusers) act as admins."""
        if not user.is_authenticated or not user.is_active:
            return None
        if user.is_superuser:
            return Membership.Role.ADMIN
        membership = Membership.objects.for_tenant(self).filter(user=user).first()
        return membership.role if membership else None


class Domain(TenantOwned):
    """A hostname that serves one tenant's site. Each tenant has one primary hostname."""

    class State(models.TextChoices):
        # An owner's own domain waits here until it proves the owner controls it
        # (tenants/custom_domains.py); only verified hostnames reach a site.
        PENDING = "pending", "Waiting for verification"
        VERIFIED = "verified", "Verified"

    # A closed site keeps answering its hostnames, with the "closed" page.
    removed_when_site_closes = False

    hostname = models.CharField(max_length=253, unique=True, validators=[hostname_validator])
    # Hostnames the operator sets are theirs to vouch for: verified from the start.
    state = models.CharField(max_length=10, choices=State.choices, default=State.VERIFIED)
    verification_token = models.CharField(max_length=64, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_check_result = models.CharField(max_length=300, blank=True, editable=False)
    is_primary = models.BooleanField(
        "primary",
        default=False,
        help_text="The hostname links in mail point to. A site's first hostname is primary "
        "by itself.",
    )

    class Meta:
        ordering = ["hostname"]
        verbose_name = "hostname"
        verbose_name_plural = "hostnames"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="one_primary_domain_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.hostname

    def save(self, *args, **kwargs) -> None:
        self.hostname = normalize_hostname(self.hostname)
        if (
            self._state.adding
            and self.is_verified
            and not Domain.objects.filter(tenant_id=self.tenant_id).exists()
        ):
            self.is_primary = True  # a site's first hostname is its primary one
        super().save(*args, **kwargs)

    @property
    def is_verified(self) -> bool:
        return self.state == self.State.VERIFIED

    def clean(self) -> None:
        self.hostname = normalize_hostname(self.hostname)
        super().clean()
        if self.is_primary and not self.is_verified:
            raise ValidationError({"is_primary": "Verify this hostname before making it primary."})
        if self.is_primary and self.tenant_id:
            others = Domain.objects.for_tenant(self.tenant).filter(is_primary=True)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError({"is_primary": "This site already has a primary hostname."})


class Membership(TenantOwned):
    """A user's place on one site. Superusers (operators) need none anywhere."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        ADMIN = "admin", "Site admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    age_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=AGE_CAP_CHOICES,
        help_text="The member's own cap: nothing rated above this age (empty: the site's).",
    )
    # Empty: the site's default viewer plan; with none, the site plan's limits.
    viewer_plan = models.ForeignKey(
        "tenants.ViewerPlan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        help_text="Empty: the site's default plan.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_membership_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.tenant} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def clean(self) -> None:
        super().clean()
        plan = self.viewer_plan
        if plan is not None and plan.tenant_id != self.tenant_id:
            raise ValidationError({"viewer_plan": "Choose a viewer plan of this member's site."})


class PendingSignup(TenantOwned):
    """A sign-up waiting for its address to be confirmed. Nothing is reserved meanwhile: the
    account is made when the link is followed, if the name and address are still free."""

    LIFETIME_HOURS = 48

    username = models.CharField(max_length=150)
    email = models.EmailField()
    password = models.CharField(max_length=128)  # a hash, as User.password
    token_digest = models.CharField(max_length=64, unique=True)  # sha256 of the mailed token
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sign-up awaiting confirmation"
        verbose_name_plural = "sign-ups awaiting confirmation"

    def __str__(self) -> str:
        return f"{self.username} on {self.tenant}"


# The franchise's models live in modules named for what they hold; importing them here is
# how Django's app registry finds a split app's models (it imports `tenants.models`).
from tenants.invitations import Invitation  # noqa: E402
from tenants.legal_pages import LegalDocument, LegalPage  # noqa: E402
from tenants.plans import SitePlan, ViewerPlan  # noqa: E402
from tenants.site_state_log import SiteStateChange  # noqa: E402

__all__ = [
    "Domain",
    "Invitation",
    "LegalPage",
    "Membership",
    "PendingSignup",
    "SitePlan",
    "SiteStateChange",
    "Tenant",
    "ViewerPlan",
]
