"""`/api/`: a JSON index of the API's roots and where its docs are, so the bare prefix is a
map for a newcomer instead of an HTML 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

# Listed roots: name -> URL name. Only collections and entry points, never one object.
# (Comments live under their title: titles/<id>/comments/.)
ROOTS = {
    "titles": "title-list",
    "search": "title-search",
    "progress": "progress-list",
    "continue_watching": "progress-continue-watching",
    "history": "progress-history",
    "watchlist": "watchlist-list",
    "ingest": "ingest-list",
    "token": "api-token",
}


class ApiIndexView(APIView):
    """The API's roots on this site, with the OpenAPI schema and the readable docs."""

    # Nothing here depends on who asks: a refused token must not turn the map into a 401.
    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        responses=inline_serializer(
            "ApiIndex",
            {
                "roots": serializers.DictField(child=serializers.URLField()),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "roots": {name: reverse(url, request=request) for name, url in ROOTS.items()},
                "schema": reverse("api-schema", request=request),
                "docs": reverse("api-docs", request=request),
            }
        )
