from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import DefaultRouter

from streaming.api import views
from streaming.api.index import ApiIndexView
from streaming.api.ingest_views import IngestJobViewSet
from streaming.api.tokens import SiteTokenView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# JSON is the only renderer, so `.json` suffixes name nothing; and the @action views take no
# `format` argument (/api/titles/search.json/ was a TypeError, a 500).
router.include_format_suffixes = False
router.register("titles", views.TitleViewSet, basename="title")
router.register("comments", views.CommentReportViewSet, basename="comment")
router.register("progress", views.ProgressViewSet, basename="progress")
router.register("watchlist", views.WatchlistViewSet, basename="watchlist")
router.register("ingest", IngestJobViewSet, basename="ingest")

urlpatterns = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("", include(router.urls)),
    path("token/", SiteTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # Our template: drf-spectacular's own links Google Fonts (every asset is local).
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-docs",
    ),
]
