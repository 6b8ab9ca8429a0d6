"""The reader's routes, included from shadowvault.urls."""

from django.urls import path

from readvault.plan_gate import gated
from readvault.reader import views

# Every route answers 403 where the plan leaves ReadVault out (readvault.plan_gate).
urlpatterns = gated(
    [
        path("read/<int:chapter_id>/", views.reader_page, name="read-chapter"),
        path("read/<int:chapter_id>/pages.json", views.manifest, name="read-manifest"),
        path("read/<int:chapter_id>/progress/", views.save_progress, name="read-progress"),
        path("read/<int:chapter_id>/settings/", views.save_settings, name="read-settings"),
    ]
)
