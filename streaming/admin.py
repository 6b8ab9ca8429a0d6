from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from streaming.models import StoredObject
from tenants.access import is_operator


@admin.register(StoredObject)
class StoredObjectAdmin(admin.ModelAdmin):
    """Operators only: storage is shared by every site."""

    list_display = ["filename", "backend", "human_size", "part_count", "created_at"]
    list_filter = ["backend"]
    search_fields = ["filename", "key", "sha256"]
    readonly_fields = ["backend", "key", "size", "sha256", "parts", "content_type"]
    fields = ["filename", *readonly_fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    has_change_permission = has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # objects come from ingest or `manage.py store_media`

    @admin.display(description="Size", ordering="size")
    def human_size(self, obj: StoredObject) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="Parts")
    def part_count(self, obj: StoredObject) -> int:
        return len(obj.part_list)
