from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html

from tenants import custom_domains, domain_checks, inviting
from tenants.access import is_operator, is_site_admin
from tenants.admin_scoping import TenantScopedAdmin
from tenants.models import Domain, Invitation, Membership, SitePlan, Tenant, ViewerPlan
from tenants.plan_admin import (
    SitePlanAdmin,
    SiteStateChangeInline,
    SiteStatesAdmin,
    ViewerPlanAdmin,
)
from tenants.request_types import tenant_of
from tenants.site_creation import NewSiteForm, create_site


class DomainFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if sum(bool(f.cleaned_data.get("is_primary")) for f in kept) > 1:
            raise ValidationError("A site has one primary hostname; tick only one.")

    def save_new_objects(self, commit: bool = True) -> list:
        # The one ticked primary goes in first, so a new site's first row cannot take the
        # place by itself (Domain.save) and then collide with it.
        self.new_objects = []
        for form in sorted(self.extra_forms, key=lambda f: not f.cleaned_data.get("is_primary")):
            # _should_delete_form is BaseFormSet's own test; the stubs leave it out.
            deleted = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            if not form.has_changed() or deleted:
                continue
            self.new_objects.append(self.save_new(form, commit=commit))
            if not commit:
                self.saved_forms.append(form)
        return self.new_objects


class DomainInline(admin.TabularInline):
    model = Domain
    formset = DomainFormSet
    extra = 1
    # Hostnames the operator sets here are verified at once; custom domains have their page.
    fields = ["hostname", "is_primary", "state"]
    readonly_fields = ["state"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    has_add_permission = has_delete_permission = has_change_permission

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_site_admin(request)


@admin.register(Tenant)
class TenantAdmin(SiteStatesAdmin):
    """Operators manage every site; a site admin edits their own site's branding only."""

    list_display = [
        "name", "slug", "primary_hostname", "plan", "state", "signup_mode", "is_active", "swatch",
    ]  # fmt: skip
    list_filter = ["state", "plan", "is_active", "signup_mode"]
    list_select_related = ["plan"]
    search_fields = ["name", "slug", "domains__hostname"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DomainInline, SiteStateChangeInline]
    branding_fields = ["name", "tagline", "logo", "accent_colour", "accent_colour_2", "signup_mode"]
    # What the site shows is the site's to decide: its admins set the age cap too
    # (readvault.models.age_ratings; each member may choose a stricter one).
    site_admin_fields = [*branding_fields, "age_cap"]
    # How the site's media links are checked is the operator's: it changes what the gateway
    # accepts (stored_media/signing.py), and takes effect there within the authorize cache time.
    operator_fields = ["bind_media_links_to_ip", "is_active", "plan"]
    # The state and its dates change only through the "Change state" action (the one
    # function, tenants.site_states, which records who and why).
    state_fields = ["state", "grace_ends_at", "remove_data_after", "data_removed_at"]

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request).prefetch_related("domains")
        if is_operator(request):
            return queryset
        return queryset.filter(pk=getattr(tenant_of(request), "pk", None))

    def get_fields(self, request: HttpRequest, obj=None):
        if is_operator(request):
            return [
                *self.branding_fields[:1],
                "slug",
                *self.site_admin_fields[1:],
                *self.operator_fields,
                *self.state_fields,
            ]
        return [*self.site_admin_fields, "plan", "state"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.state_fields if is_operator(request) else ["plan", "state"]

    def get_list_filter(self, request: HttpRequest):
        # The plan filter lists every site plan: the operator's catalogue, not a site's.
        filters = super().get_list_filter(request)
        return filters if is_operator(request) else [f for f in filters if f != "plan"]

    def get_prepopulated_fields(self, request: HttpRequest, obj=None) -> dict:
        return self.prepopulated_fields if is_operator(request) else {}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if is_operator(request):
            return True
        own_site = obj is None or obj.pk == getattr(tenant_of(request), "pk", None)
        return is_site_admin(request) and own_site

    has_change_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.ensure_primary_domain()  # the primary was deleted or unticked

    def get_urls(self) -> list[URLPattern]:
        create = self.admin_site.admin_view(self.create_site_view)
        return [path("create/", create, name="tenants_tenant_create"), *super().get_urls()]

    def create_site_view(self, request: HttpRequest) -> HttpResponse:
        """The operator's one form: name, subdomain, plan and owner (tenants/site_creation)."""
        if not is_operator(request):
            raise PermissionDenied
        form = NewSiteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            https = settings.BEHIND_TLS_PROXY or request.is_secure()
            try:
                made = create_site(
                    data["name"],
                    data["subdomain"],
                    data["plan"],
                    data["owner_email"],
                    https=https,
                    by=request.user,
                )
            except IntegrityError:  # the same subdomain, taken in the same instant
                form.add_error("subdomain", "A site already has this name; choose another.")
            else:
                owner = "invited by mail" if made.owner_invited else "its admin"
                self.message_user(
                    request,
                    f"{made.tenant.name} is up at {made.tenant.primary_domain}; the "
                    f"owner ({data['owner_email']}) is {owner}.",
                )
                return redirect("admin:tenants_tenant_change", made.tenant.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Create a site",
            "form": form,
            "opts": self.model._meta,
            "base_domain": settings.SITES_BASE_DOMAIN,
        }
        return TemplateResponse(request, "admin/tenants/tenant/create_site.html", context)

    @admin.display(description="Primary hostname")
    def primary_hostname(self, tenant: Tenant) -> str:
        primary = [d.hostname for d in tenant.domains.all() if d.is_primary]
        return primary[0] if primary else "—"

    @admin.display(description="Colours")
    def swatch(self, tenant: Tenant) -> str:
        return format_html(
            '<span style="display:inline-block;width:1.2em;height:1.2em;background:{}"></span>'
            '<span style="display:inline-block;width:1.2em;height:1.2em;background:{}"></span>',
            tenant.accent_colour,
            tenant.accent_colour_2,
        )


class CustomDomainForm(forms.ModelForm):
    """What a site admin adds: a hostname of their own, checked and counted against the plan
    (tenants/custom_domains.py); it waits for verification."""

    tenant: Tenant | None = None

    class Meta:
        model = Domain
        fields = ["hostname"]

    def clean_hostname(self) -> str:
        hostname = custom_domains.clean_hostname(self.cleaned_data["hostname"])
        if Domain.objects.filter(hostname=hostname).exists():
            raise ValidationError("This hostname is already in use.")
        return hostname

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if self.tenant is not None:
            custom_domains.check_allowance(self.tenant)
        return cleaned


@admin.register(Domain)
class DomainAdmin(TenantScopedAdmin):
    """Operators point any hostname at a site (verified at once: DNS and TLS are theirs). A
    site admin adds their own domains, within the plan's count; each waits for its proof."""

    list_display = ["hostname", "is_primary", "state", "last_check_result"]
    list_filter = ["state"]
    search_fields = ["hostname"]
    actions = ["check_now"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)  # site admins look; the primary and state are the operator's

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request) or is_site_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if is_operator(request):
            return True
        own = obj is None or self._is_own(request, obj)
        return is_site_admin(request) and own and not (obj is not None and obj.is_primary)

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        if is_operator(request) or obj is not None:
            return super().get_form(request, obj, change, **kwargs)

        class OwnSiteDomainForm(CustomDomainForm):
            tenant = tenant_of(request)

        return OwnSiteDomainForm

    def get_fields(self, request: HttpRequest, obj=None):
        if not is_operator(request) and obj is None:
            return ["hostname"]
        return [*super().get_fields(request, obj), "how_to_verify"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["how_to_verify"]

    def save_model(self, request: HttpRequest, obj: Domain, form, change: bool) -> None:
        if not change and not is_operator(request):
            obj.state = Domain.State.PENDING
        if not change and not obj.is_verified:
            obj.verification_token = custom_domains.new_token()
        super().save_model(request, obj, form, change)
        obj.tenant.ensure_primary_domain()

    def delete_model(self, request: HttpRequest, obj: Domain) -> None:
        tenant = obj.tenant
        super().delete_model(request, obj)
        tenant.ensure_primary_domain()

    @admin.action(description="Check the selected domains now")
    def check_now(self, request: HttpRequest, queryset) -> None:
        for domain in queryset.filter(state=Domain.State.PENDING)[:20]:
            verified = custom_domains.verify(domain)
            level = messages.SUCCESS if verified else messages.WARNING
            self.message_user(request, f"{domain.hostname}: {domain.last_check_result}", level)

    @admin.display(description="How to verify")
    def how_to_verify(self, domain: Domain) -> str:
        if domain.pk is None or domain.is_verified:
            return "Verified: this hostname reaches the site."
        token = domain.verification_token
        return format_html(
            "Either add a DNS TXT record <code>{}</code> with the value <code>{}</code>, or "
            "serve the text <code>{}</code> at <code>{}</code>. Then use “Check the selected "
            "domains now” (it is also checked every few minutes). Point the domain at this "
            "server to serve the site once verified.",
            domain_checks.challenge_name(domain.hostname),
            token,
            token,
            domain_checks.well_known_url(domain.hostname, token),
        )


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ["user", "email", "role", "viewer_plan", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "tenant", "viewer_plan"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A user account is shared by every site; a site admin changes only the role here.
        return [] if is_operator(request) else ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    @admin.display(ordering="user__email")
    def email(self, membership: Membership) -> str:
        return membership.user.email


admin.site.register(SitePlan, SitePlanAdmin)
admin.site.register(ViewerPlan, ViewerPlanAdmin)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["tenant", "kind", "email", "role", "max_uses", "expires_at"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Invitation.Kind.MAIL:
            if not cleaned.get("email"):
                self.add_error("email", "A mail invitation needs the address to send it to.")
            cleaned["max_uses"] = 1  # the mailed link is for one person
        if cleaned.get("max_uses") == 0:
            self.add_error("max_uses", "An invitation needs at least one use.")
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(TenantScopedAdmin):
    """A site's admins invite people to it; the link is shown (or mailed) once, at creation."""

    form = InvitationForm
    list_display = ["__str__", "kind", "role", "uses", "max_uses", "expires_at", "created_at"]
    list_filter = ["kind", "role"]
    search_fields = ["email"]
    list_select_related = ["tenant"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("expires_at", inviting.default_expiry(Invitation.Kind.LINK))
        return initial

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A sent invitation's address and kind stay what was sent.
        return ["kind", "email", "uses"] if obj is not None else ["uses"]

    def save_model(self, request: HttpRequest, obj: Invitation, form, change: bool) -> None:
        token = None
        if not change:
            token, obj.token_digest = inviting.new_token()
            obj.created_by = request.user if request.user.is_authenticated else None
            obj.email = obj.email.strip().lower()
            if obj.kind == Invitation.Kind.MAIL:
                obj.max_uses = 1
        super().save_model(request, obj, form, change)
        if token is None:
            return
        https = settings.BEHIND_TLS_PROXY or request.is_secure()
        if obj.kind == Invitation.Kind.MAIL:
            inviting.mail(obj, token, https)
            self.message_user(request, f"The invitation was mailed to {obj.email}.")
        else:
            link = inviting.site_link(obj.tenant, inviting.accept_path(token), https)
            # Only a digest is kept: this is the one time the link can be shown.
            self.message_user(request, f"Share this link (shown once): {link}", messages.WARNING)
