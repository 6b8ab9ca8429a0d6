"""ReadVault's viewer-facing pages, included from shadowvault.urls."""

from django.urls import path

from readvault.site import views

urlpatterns = [
    path("manga/<slug:slug>/", views.series_page, name="series-page"),
]
