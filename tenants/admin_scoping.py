"""One admin mixin for tenant-owned models: operators see all, a site admin only their site."""

from __future__ import annotations

from typing import cast

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from tenants.access import is_operator, is_site_admin
from tenants.request_types import tenant_of
from tenants.scoping import TenantOwned, TenantOwnedQuerySet


class TenantScopedAdmin(admin.ModelAdmin):
    """For models inheriting TenantOwned.

    A site admin's querysets start from `.for_tenant(request.tenant)`, the tenant field is
    hidden and set on save, and choices for foreign keys to other tenant-owned models are
    limited to the same site. Set `site_admin_read_only = True` for models a site admin may
    look at but not change.
    """

    site_admin_read_only = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if is_operator(request):
            return queryset
        # The admin's model is TenantOwned, so its default manager makes these querysets.
        return cast(TenantOwnedQuerySet, queryset).for_tenant(tenant_of(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request) or is_site_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if is_operator(request):
            return True
        return is_site_admin(request) and self._is_own(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if is_operator(request):
            return True
        return not self.site_admin_read_only and self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def get_exclude(self, request: HttpRequest, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not is_operator(request):
            exclude.append("tenant")
        return exclude

    def get_list_display(self, request: HttpRequest):
        display = list(super().get_list_display(request))
        if is_operator(request) and "tenant" not in display:
            display.append("tenant")
        return display

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if is_operator(request) and "tenant" not in filters:
            filters.append("tenant")
        return filters

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if is_operator(request):
            return form  # the tenant is a field of the form, checked as any other
        return _with_tenant_checked(form, tenant_of(request))

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if not is_operator(request):
            obj.tenant = tenant_of(request)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related = db_field.related_model
        if not is_operator(request) and issubclass(related, TenantOwned):
            kwargs["queryset"] = related.objects.for_tenant(tenant_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def _is_own(request: HttpRequest, obj) -> bool:
        return obj is None or obj.tenant_id == getattr(tenant_of(request), "pk", None)


def _with_tenant_checked(form: type[ModelForm], tenant) -> type[ModelForm]:
    """The form with the site admin's tenant set on the row before its uniqueness checks.

    A ModelForm leaves out every unique constraint naming a field it does not show, so with
    the tenant hidden a second hiding of the same title reached the database (IntegrityError,
    a 500). Checking them here makes it a form error."""

    # A subclass of the admin's own form class, made at run time.
    class TenantCheckedForm(form):  # type: ignore[valid-type,misc]
        def _post_clean(self) -> None:
            self.instance.tenant = tenant
            super()._post_clean()

        def _get_validation_exclusions(self) -> set[str]:
            # ModelForm's one hook for which fields model validation looks at.
            return super()._get_validation_exclusions() - {"tenant"}

    TenantCheckedForm.__name__ = form.__name__
    return TenantCheckedForm


class OperatorOnlyAdmin(admin.ModelAdmin):
    """For what every site shares (the catalogue, storage): only operators see or change it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)
