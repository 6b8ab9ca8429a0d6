"""The addon's routes (protocol v3), under /stremio/<token>/. Each resource has its plain
form and, for catalogs and subtitles, the form with extra arguments as the last segment;
`<path:extra>` because a value may hold an encoded "/" that the server decoded."""

from django.urls import path

from stremio import views

urlpatterns = [
    path("<str:addon_token>/manifest.json", views.manifest, name="stremio-manifest"),
    path(
        "<str:addon_token>/catalog/<str:content_type>/<str:catalog_id>.json",
        views.catalog,
        name="stremio-catalog",
    ),
    path(
        "<str:addon_token>/catalog/<str:content_type>/<str:catalog_id>/<path:extra>.json",
        views.catalog,
        name="stremio-catalog-extra",
    ),
    path(
        "<str:addon_token>/meta/<str:content_type>/<str:content_id>.json",
        views.meta,
        name="stremio-meta",
    ),
    path(
        "<str:addon_token>/stream/<str:content_type>/<str:content_id>.json",
        views.stream,
        name="stremio-stream",
    ),
    path(
        "<str:addon_token>/subtitles/<str:content_type>/<str:content_id>.json",
        views.subtitles,
        name="stremio-subtitles",
    ),
    path(
        "<str:addon_token>/subtitles/<str:content_type>/<str:content_id>/<path:extra>.json",
        views.subtitles,
        name="stremio-subtitles-extra",
    ),
    # Anything else under a token: the token is checked first (401), then a JSON 404.
    path("<str:addon_token>/<path:rest>", views.unknown, name="stremio-unknown"),
]
