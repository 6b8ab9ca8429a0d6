"""The account's "Stremio" pages, under /account/stremio/ (namespace "stremio-account")."""

from django.urls import path

from stremio import account_views

urlpatterns = [
    path("", account_views.addon_tokens, name="list"),
    path("new/", account_views.create, name="create"),
    path("revoke/", account_views.revoke, name="revoke"),
]
