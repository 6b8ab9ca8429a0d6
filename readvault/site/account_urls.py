"""The account's "Reading" pages (want to read, reading history, age cap), under
/account/reading/ (namespace "reading")."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
