"""Admin pages and inlines for rows the product writes itself (the audit log, decisions,
providers' events, state changes, page facts): listed and read, never added, changed or
deleted by hand. Mixed in ahead of the page's scoping class (TenantScopedAdmin,
OperatorOnlyAdmin), which still decides who sees them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tenants.access import is_site_admin


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class SiteAdminsReadInline(ReadOnlyTabularInline):
    """Shown to site admins too: the page it is on (a TenantScopedAdmin) already limits a
    site admin to their own site's rows."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_site_admin(request)
