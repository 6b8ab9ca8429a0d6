"""The admin is the CMS. Operators use it on any site; a site admin only on their own."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest

from tenants.access import is_site_admin, may_administer


class SiteAdminAuthenticationForm(AdminAuthenticationForm):
    """Admits operators anywhere and site admins on their own site; is_staff is not used."""

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        if not may_administer(user, getattr(self.request, "tenant", None)):
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ShadowVaultAdminSite(admin.AdminSite):
    site_header = "ShadowVault"
    site_title = "ShadowVault admin"
    index_title = "Content and sites"
    login_form = SiteAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request)

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} · ShadowVault"
        return context
