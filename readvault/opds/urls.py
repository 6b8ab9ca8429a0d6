"""OPDS routes, included from shadowvault.urls under /opds/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
