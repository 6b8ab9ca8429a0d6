"""Site-wide pages: the home page and the error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from streaming.site.home_rows import home_rows


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"home": home_rows(request.tenant, request.user)})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
