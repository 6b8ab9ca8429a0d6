"""URLs of the viewer-facing site (the home page itself is shadowvault.views.home)."""

from django.urls import path

from streaming.site import catalogue_views, player_views, viewer_views

urlpatterns = [
    path("browse/", catalogue_views.browse, name="browse"),
    path("search/", catalogue_views.search, name="search"),
    path("title/<slug:slug>/", catalogue_views.title_detail, name="title-page"),
    path(
        "title/<slug:slug>/watchlist/", viewer_views.toggle_watchlist, name="title-page-watchlist"
    ),
    path("title/<slug:slug>/comments/", viewer_views.post_comment, name="title-page-comment"),
    path("watch/<int:media_id>/", player_views.watch, name="watch"),
    path("watch/<int:media_id>/link/", player_views.fresh_link, name="watch-link"),
    path("watch/<int:media_id>/progress/", player_views.save_progress, name="watch-progress"),
]
