"""The operator's view of stored objects (read-only facts; objects come from ingest)."""

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from stored_media.models import StoredObject
from tenants.admin_scoping import OperatorOnlyAdmin


class StoredObjectAdmin(OperatorOnlyAdmin):
    list_display = ["filename", "backend", "human_size", "part_count", "created_at"]
    list_filter = ["backend"]
    search_fields = ["filename", "key", "sha256"]
    readonly_fields = ["backend", "key", "size", "sha256", "parts", "content_type"]
    fields = ["filename", *readonly_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # objects come from ingest or `manage.py store_media`

    @admin.display(description="Size", ordering="size")
    def human_size(self, obj: StoredObject) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="Parts")
    def part_count(self, obj: StoredObject) -> int:
        return len(obj.part_list)


def register(site: AdminSite) -> None:
    """Called from StoredMediaConfig.ready()."""
    site.register(StoredObject, StoredObjectAdmin)
