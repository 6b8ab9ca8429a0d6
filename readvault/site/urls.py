"""ReadVault's viewer-facing pages, included from shadowvault.urls."""

from django.urls import path

from readvault.plan_gate import gated
from readvault.site import reading_views, views

# Every route answers 403 where the plan leaves ReadVault out (readvault.plan_gate).
urlpatterns = gated(
    [
        path("manga/", views.browse, name="manga-browse"),
        path("manga/<slug:slug>/", views.series_page, name="series-page"),
        path(
            "manga/<slug:slug>/want-to-read/",
            reading_views.want_to_read,
            name="series-want-to-read",
        ),
        path("manga/<slug:slug>/mark-read/", reading_views.mark_read, name="series-mark-read"),
        path(
            "manga/<slug:slug>/mark-unread/", reading_views.mark_unread, name="series-mark-unread"
        ),
        path("manga/<slug:slug>/read-up-to/", reading_views.read_up_to, name="series-read-up-to"),
    ]
)
