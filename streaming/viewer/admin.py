"""Comment moderation: a site admin sees and hides their own site's comments."""

from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from streaming.models import Comment
from streaming.viewer.comments import set_hidden
from tenants.admin_scoping import TenantScopedAdmin


class CommentAdmin(TenantScopedAdmin):
    """Moderation: a site admin sees their own site's comments, most reported first."""

    list_display = ["short_body", "user", "on", "report_count", "is_hidden", "created_at"]
    list_filter = ["is_hidden", "created_at"]
    search_fields = ["body", "user__username"]
    list_select_related = ["user", "title", "episode__season__title", "tenant"]
    readonly_fields = ["user", "title", "episode", "parent", "body", "created_at"]
    actions = ["hide", "unhide"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).annotate(report_count=Count("reports"))
        return queryset.order_by("-report_count", "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # viewers write comments on the site

    @admin.display(description="Comment")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.display(description="On")
    def on(self, comment: Comment) -> str:
        return str(comment.title or comment.episode)

    @admin.display(description="Reports", ordering="report_count")
    def report_count(self, comment: Comment) -> int:
        return comment.report_count  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.action(description="Hide the selected comments")
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = set_hidden(queryset, hidden=True)
        self.message_user(request, f"Hid {count} comment(s).", messages.SUCCESS)

    @admin.action(description="Show the selected comments again")
    def unhide(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = set_hidden(queryset, hidden=False)
        self.message_user(request, f"Showing {count} comment(s) again.", messages.SUCCESS)


def register(site: AdminSite) -> None:
    """Called from StreamingConfig.ready()."""
    site.register(Comment, CommentAdmin)
