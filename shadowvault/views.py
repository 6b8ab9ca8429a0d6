"""Site-wide pages that belong to no vault: the error pages."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

# How soon a client may ask again while the database is unreachable (a restart takes seconds).
RETRY_AFTER_SECONDS = 10
UNAVAILABLE = "The site cannot reach its database right now; try again in a few seconds."


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except while the database is out of reach (a restart, a failover):
    then a 503 with Retry-After that says so, JSON for the API. Rendered without the request's
    context, which would ask the database again. The exception is logged either way
    (django.request) before this runs."""
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
