"""The reader's routes, included from shadowvault.urls."""

from django.urls import path

from readvault.reader import views

urlpatterns = [
    path("read/<int:chapter_id>/", views.reader_page, name="read-chapter"),
    path("read/<int:chapter_id>/pages.json", views.manifest, name="read-manifest"),
    path("read/<int:chapter_id>/progress/", views.save_progress, name="read-progress"),
    path("read/<int:chapter_id>/settings/", views.save_settings, name="read-settings"),
]
