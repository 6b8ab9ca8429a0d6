"""/console/: the site owner's console. Each section's routes live in its own package."""

from django.urls import include, path

from console import overview

app_name = "console"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("branding/", include("console.branding.urls")),
    path("home-page/", include("console.curation.urls")),
    path("", include("console.people.urls")),
    path("figures/", include("console.figures.urls")),
    path("ads/", include("console.ads.urls")),
]
