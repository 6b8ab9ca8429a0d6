"""The search box's typeahead endpoint."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from streaming.search.titles import typeahead
from tenants.request_types import SiteRequest


@require_GET
def title_typeahead(request: SiteRequest) -> JsonResponse:
    """`GET ?q=sta` -> `{"results": [{"id", "title", "year", "kind", "slug"}, ...]}`, titles of
    the request's site only. Any `q` is answered (an empty or odd one with no results)."""
    return JsonResponse({"results": typeahead(request.GET.get("q", ""), request.tenant)})
