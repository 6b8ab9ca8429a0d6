"""The viewer's pages under /account/ (sign-in, sign-up and passwords are tenants.urls)."""

from django.urls import path

from streaming.site import account_views, token_views

app_name = "account"

urlpatterns = [
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
