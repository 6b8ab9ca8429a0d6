"""OPDS routes, included from shadowvault.urls under /opds/. Every route is also under
/opds/key/<app password>/ for apps that take only a URL (readvault.opds.auth)."""

from django.urls import include, path

from readvault.opds import pse, views

catalogue = [
    path("", views.root, name="opds-root"),
    path("continue/", views.continue_reading, name="opds-continue"),
    path("new/", views.new_chapters, name="opds-new"),
    path("series/", views.all_series, name="opds-series"),
    path("series/<str:slug>/", views.series_chapters, name="opds-series-chapters"),
    path("genres/", views.genres, name="opds-genres"),
    path("genres/<str:slug>/", views.genre, name="opds-genre"),
    path("want-to-read/", views.want_to_read, name="opds-want-to-read"),
    path("search/", views.search, name="opds-search"),
    path("opensearch.xml", views.opensearch, name="opds-opensearch"),
    path("chapters/<str:chapter_id>/download", views.download, name="opds-download"),
    path("pages/<str:chapter_id>/<str:page_number>", pse.stream_page, name="opds-page"),
]

urlpatterns = [
    *catalogue,
    # The same routes again; the names are reversed only without a key.
    path("key/<str:key>/", include((catalogue, "opds-key"))),
]
