"""The admin is the CMS. Operators use it on any site; a site admin only on their own."""

from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

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

    def admin_view(self, view, cacheable: bool = False):
        """Every admin page, with an out-of-range number answered 400 instead of a 500."""
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return guarded(request, *args, **kwargs)
            except OverflowError:
                # SQLite's driver refuses to bind an integer past 2**63-1, and a changelist
                # filters by any relation's id from the address (?tenant=9223372036854775808),
                # Django's own admins too: such a number can match nothing.
                return HttpResponseBadRequest(
                    "A number in this address is too large.\n", content_type="text/plain"
                )
            except FieldDoesNotExist:
                # Django's change view looks the object up by `_to_field` when one is given,
                # and an empty one (`?_to_field=`) passes its "allowed" check unasked.
                return HttpResponseBadRequest(
                    "This address names no field of this model.\n", content_type="text/plain"
                )

        return inner

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} · ShadowVault"
        return context
