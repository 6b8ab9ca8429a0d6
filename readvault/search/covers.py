"""The covers of series search hits: the search source's decorate hook
(shadowvault.search_sources), since a cover link is signed for the viewer and the search
itself knows only the site.

One page of hits takes three queries, whatever its size and whether or not any hit has a
cover (readvault.pages.links.cover_urls); a series without pages keeps its letter.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest

from readvault.pages.links import cover_urls
from shadowvault.search_sources import SearchHit

COVER_WIDTH = 300  # the card's poster is 200 px wide: 300 is made for covers


def decorate_series_hits(hits: list[SearchHit], request: HttpRequest) -> list[SearchHit]:
    """`hits` (series found by readvault.search.series) with their covers' signed links."""
    covers = cover_urls([hit.key for hit in hits if hit.key is not None], request, COVER_WIDTH)
    return [replace(hit, image_url=covers[hit.key]) if hit.key in covers else hit for hit in hits]
