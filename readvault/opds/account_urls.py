"""The account's "Reader apps" pages (app passwords for OPDS apps), under
/account/reader-apps/ (namespace "reader-apps")."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
