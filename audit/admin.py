"""The audit log in the admin: operators read every site's, a site admin their own site's
events by its own admins (an operator's work is the operators' business). Read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent
from shadowvault.admin_read_only import ReadOnlyAdminMixin
from tenants.access import is_operator
from tenants.admin_scoping import TenantScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    site_admin_read_only = True
    list_display = ("at", "actor_name", "action", "method", "status", "address", "summary")
    list_filter = ("by_operator", "method", "status")
    search_fields = ("actor_name", "action", "path", "summary", "request_id")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # a count(*) of a long log on every page costs seconds

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        events = super().get_queryset(request)
        return events if is_operator(request) else events.filter(by_operator=False)
