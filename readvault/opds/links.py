"""The catalogue's own addresses. A catalogue opened through `/opds/key/<secret>/` keeps
that prefix in every link it gives, so an app that takes only a URL stays signed in."""

from __future__ import annotations

from urllib.parse import urlencode

from tenants.request_types import SiteRequest

ROOT = "/opds/"


class CatalogueLinks:
    def __init__(self, request: SiteRequest) -> None:
        key = getattr(request, "opds_key", None)
        self.prefix = f"{ROOT}key/{key}/" if key else ROOT
        self.request = request

    def to(self, path: str = "", **query: object) -> str:
        given = {name: value for name, value in query.items() if value not in (None, "")}
        return self.prefix + path + (f"?{urlencode(given)}" if given else "")

    def absolute(self, path: str = "") -> str:
        return self.request.build_absolute_uri(self.to(path))

    # The feeds, by what they list.
    def series_feed(self, slug: str, page: int | None = None) -> str:
        return self.to(f"series/{slug}/", page=page)

    def genre_feed(self, slug: str) -> str:
        return self.to(f"genres/{slug}/")

    def download(self, chapter_id: int) -> str:
        return self.to(f"chapters/{chapter_id}/download")

    def stream_template(self, chapter_id: int) -> str:
        # PSE: the client puts the 0-based page in {pageNumber} and its width in {maxWidth}.
        return self.to(f"pages/{chapter_id}/") + "{pageNumber}?width={maxWidth}"
