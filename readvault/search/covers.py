"""What a series search hit shows the viewer: the search source's decorate hook
(shadowvault.search_sources), since the search itself knows only the site.

- The member's own age cap (readvault.site.access.viewer_age_cap): hits rated above it, or
  unrated, are dropped here. The site's cap is in the search's own rule already; the
  member's is not, so a page's and the typeahead's counts ("24 found") may include hits
  dropped here. One query, only for a member with a cap.
- Covers, signed for the viewer: three queries per page whatever its size and whether or
  not any hit has one (readvault.pages.links.cover_urls); a series without pages keeps its
  letter.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest

from readvault.models import Series
from readvault.models.age_ratings import age_cap_rule
from readvault.pages.links import cover_urls
from readvault.site.access import viewer_age_cap
from shadowvault.search_sources import SearchHit

COVER_WIDTH = 300  # the card's poster is 200 px wide: 300 is made for covers


def decorate_series_hits(hits: list[SearchHit], request: HttpRequest) -> list[SearchHit]:
    """`hits` (series found by readvault.search.series) within the viewer's age cap, with
    their covers' signed links."""
    hits = within_viewer_cap(hits, request)
    covers = cover_urls([hit.key for hit in hits if hit.key is not None], request, COVER_WIDTH)
    return [replace(hit, image_url=covers[hit.key]) if hit.key in covers else hit for hit in hits]


def within_viewer_cap(hits: list[SearchHit], request: HttpRequest) -> list[SearchHit]:
    cap = viewer_age_cap(request)  # type: ignore[arg-type]  # a site's request
    if cap is None or not hits:
        return hits
    keys = [hit.key for hit in hits if hit.key is not None]
    allowed = set(
        Series.objects.filter(age_cap_rule(cap), pk__in=keys).values_list("pk", flat=True)
    )
    return [hit for hit in hits if hit.key in allowed]
