"""The reader's routes, included from shadowvault.urls."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
