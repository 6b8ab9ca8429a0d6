"""Every route of StreamVault's viewer-facing site: pages, player, account (sign-in, sign-up
and passwords are tenants.urls; the media links are stored_media's)."""

from django.urls import include, path

from streaming.site import (
    account_views,
    catalogue_views,
    player_views,
    progressive_views,
    stream_views,
    token_views,
    viewer_views,
)

account_patterns = [
    path("", account_views.overview, name="overview"),
    path("watchlist/", account_views.watchlist, name="watchlist"),
    path("watchlist/remove/", account_views.remove_from_watchlist, name="watchlist-remove"),
    path("history/", account_views.history, name="history"),
    path("history/remove/", account_views.forget_history_entry, name="history-remove"),
    path("history/clear/", account_views.clear_history, name="history-clear"),
    path("tokens/", token_views.api_tokens, name="tokens"),
    path("tokens/new/", token_views.create_api_token, name="tokens-create"),
    path("tokens/revoke/", token_views.revoke_api_token, name="tokens-revoke"),
]

urlpatterns = [
    path("", catalogue_views.home, name="home"),
    path("browse/", catalogue_views.browse, name="browse"),
    path("search/", catalogue_views.search, name="search"),
    path("search/typeahead", catalogue_views.typeahead, name="search-typeahead"),
    path("title/<slug:slug>/", catalogue_views.title_detail, name="title-page"),
    path(
        "title/<slug:slug>/watchlist/", viewer_views.toggle_watchlist, name="title-page-watchlist"
    ),
    path("title/<slug:slug>/comments/", viewer_views.post_comment, name="title-page-comment"),
    path("watch/<int:media_id>/", player_views.watch, name="watch"),
    path("watch/<int:media_id>/link/", player_views.fresh_link, name="watch-link"),
    path("watch/<int:media_id>/progress/", player_views.save_progress, name="watch-progress"),
    path("watch/<int:media_id>/start/", stream_views.start_stream, name="watch-start"),
    path("streams/<str:session_id>/beat/", stream_views.beat, name="stream-beat"),
    path("streams/<str:session_id>/stop/", stream_views.stop, name="stream-stop"),
    path(
        "watch/<int:media_id>/progressive.json",
        progressive_views.progressive_playlist,
        name="watch-progressive",
    ),
    path(
        "watch/<int:media_id>/progressive.m3u8",
        progressive_views.progressive_hls,
        name="watch-progressive-hls",
    ),
    path("account/", include((account_patterns, "account"))),
]
