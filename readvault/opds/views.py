"""The catalogue's feeds (OPDS 1.2, Atom): a navigation root, lists of series (navigation
feeds whose entries lead to a series), a feed of chapters per series and the continue
reading and new chapters lists (acquisition feeds), search (OpenSearch 1.1), and each
chapter's CBZ. Every view runs behind readvault.opds.auth.catalogue_reader."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from readvault.models import Genre, ReadingProgress
from readvault.opds import atom, shelves
from readvault.opds.auth import catalogue_reader
from readvault.opds.entries import add_chapters, add_series
from readvault.opds.links import CatalogueLinks
from readvault.opds.paging import PAGE_SIZE, BadPage, Paged, paged, paged_counted_along
from readvault.reading.progress import progress_in
from readvault.site.access import get_chapter_for, get_series_for
from stored_media.delivery import plain
from tenants.entitlements import entitlements_for
from tenants.request_types import SiteRequest

MAX_TERMS = 200  # characters of a search; the rest is dropped


class Feed:
    """A feed being written: its root element and the links every feed carries."""

    def __init__(self, request: SiteRequest, path: str, title: str, kind: str, *, up: str = ""):
        self.request = request
        self.links = CatalogueLinks(request)
        self.path = path
        self.kind = kind
        site = request.tenant.name
        self.root = atom.feed(
            atom.stable_id(request.tenant.pk, "feed", path),
            f"{title} · {site}" if path else site,
            timezone.now(),
            site,
            request.build_absolute_uri("/"),
        )
        self.updated = self.root.find("updated")
        self.link("start", self.links.to(), atom.NAVIGATION)
        if path:
            self.link("up", up if up else self.links.to(), atom.NAVIGATION)
        self.link("search", self.links.to("opensearch.xml"), atom.OPENSEARCH_TYPE)
        # The template itself, for apps that search without reading the description.
        self.link("search", self.links.to("search/") + "?q={searchTerms}", atom.NAVIGATION)

    def link(self, rel: str, href: str, type: str, **extra: str) -> ET.Element:
        return atom.link(self.root, rel, href, type, **extra)

    def pages(self, page: Paged, **query: object) -> None:
        """self, and first/previous/next/last of a paged list, with OpenSearch's totals."""

        def at(number: int) -> str:
            return self.links.to(self.path, **query, page=number if number > 1 else None)

        self.link("self", at(page.number), self.kind)
        self.link("first", at(1), self.kind)
        if page.number > 1:
            self.link("previous", at(page.number - 1), self.kind)
        if page.number < page.last:
            self.link("next", at(page.number + 1), self.kind)
        self.link("last", at(page.last), self.kind)
        atom.totals(self.root, page.total, PAGE_SIZE, page.start_index)

    def last_changed(self, moments: list[datetime]) -> None:
        if moments and self.updated is not None:
            self.updated.text = atom.date(max(moments))

    def response(self) -> HttpResponse:
        response = HttpResponse(atom.serialize(self.root), content_type=self.kind)
        # Each reader sees their own progress and age cap: never from a shared cache.
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, Cookie"
        return response


def refused_page(view):
    """A bad ?page= (BadPage) or a missing series or chapter (Http404) as plain text."""

    def wrapped(request: SiteRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadPage as bad:
            return plain(bad.status, bad.message)
        except Http404 as missing:
            return plain(404, str(missing) or "Not in this catalogue.")

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return catalogue_reader(wrapped)


def _navigation_entry(feed: Feed, path: str, title: str, content: str, kind: str) -> None:
    entry = atom.entry(
        feed.root,
        atom.stable_id(feed.request.tenant.pk, "feed", path),
        title,
        timezone.now(),
        content,
    )
    atom.link(entry, "subsection", feed.links.to(path), kind)


@refused_page
def root(request: SiteRequest) -> HttpResponse:
    feed = Feed(request, "", "", atom.NAVIGATION)
    feed.link("self", feed.links.to(), atom.NAVIGATION)
    for path, title, content, kind in (
        (
            "continue/",
            "Continue reading",
            "Chapters you started, the latest first.",
            atom.ACQUISITION,
        ),
        ("new/", "New chapters", "The chapters added last.", atom.ACQUISITION),
        ("series/", "All series A\u2013Z", "Every series, by title.", atom.NAVIGATION),
        ("genres/", "By genre", "Series by genre.", atom.NAVIGATION),
        ("want-to-read/", "Want to read", "The series on your list.", atom.NAVIGATION),
    ):
        _navigation_entry(feed, path, title, content, kind)
    return feed.response()


def _series_feed(request: SiteRequest, path: str, title: str, rows, up: str = "") -> HttpResponse:
    feed = Feed(request, path, title, atom.NAVIGATION, up=up)
    page = paged(rows, request.GET.get("page"))
    feed.pages(page)
    add_series(feed.root, request, feed.links, page.items)
    feed.last_changed([series.updated_at for series in page.items])
    return feed.response()


@refused_page
def all_series(request: SiteRequest) -> HttpResponse:
    return _series_feed(request, "series/", "All series A\u2013Z", shelves.series_a_to_z(request))


@refused_page
def want_to_read(request: SiteRequest) -> HttpResponse:
    return _series_feed(request, "want-to-read/", "Want to read", shelves.want_to_read(request))


@refused_page
def genres(request: SiteRequest) -> HttpResponse:
    feed = Feed(request, "genres/", "By genre", atom.NAVIGATION)
    page = paged(shelves.genres_shown(request), request.GET.get("page"))
    feed.pages(page)
    for genre in page.items:
        path = f"genres/{genre.slug}/"
        _navigation_entry(feed, path, genre.name, f"Series in {genre.name}.", atom.NAVIGATION)
    return feed.response()


@refused_page
def genre(request: SiteRequest, slug: str) -> HttpResponse:
    found = Genre.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No such genre.")
    rows = shelves.series_in_genre(request, found)
    up = CatalogueLinks(request).to("genres/")
    return _series_feed(request, f"genres/{found.slug}/", found.name, rows, up=up)


@refused_page
def search(request: SiteRequest) -> HttpResponse:
    terms = request.GET.get("q", "")[:MAX_TERMS]
    feed = Feed(request, "search/", f"Search: {terms}" if terms else "Search", atom.NAVIGATION)
    found = shelves.series_found(request, terms) if terms.strip() else []
    page = paged(found, request.GET.get("page"))
    feed.pages(page, q=terms)
    add_series(feed.root, request, feed.links, page.items)
    return feed.response()


@catalogue_reader
def opensearch(request: SiteRequest) -> HttpResponse:
    links = CatalogueLinks(request)
    template = request.build_absolute_uri(links.to("search/")) + "?q={searchTerms}"
    body = atom.opensearch_description(
        request.tenant.name,
        f"Search the manga and comics of {request.tenant.name}.",
        template,
        atom.NAVIGATION,
    )
    response = HttpResponse(body, content_type=atom.OPENSEARCH_TYPE)
    response["Cache-Control"] = "private, no-cache"
    return response


@refused_page
def series_chapters(request: SiteRequest, slug: str) -> HttpResponse:
    series = get_series_for(request, slug)
    links = CatalogueLinks(request)
    feed = Feed(
        request, f"series/{series.slug}/", series.title, atom.ACQUISITION, up=links.to("series/")
    )
    page = paged_counted_along(shelves.chapters_in_order(series), request.GET.get("page"))
    feed.pages(page)
    feed.link("alternate", f"/manga/{series.slug}/", "text/html")
    for chapter in page.items:
        chapter.series = series  # the entries name it: no query per chapter
    progress = progress_in(request.tenant, request.user, series)
    add_chapters(feed.root, request, links, page.items, progress)
    feed.last_changed([series.updated_at, *(chapter.updated_at for chapter in page.items)])
    return feed.response()


@refused_page
def new_chapters(request: SiteRequest) -> HttpResponse:
    feed = Feed(request, "new/", "New chapters", atom.ACQUISITION)
    page = paged(shelves.newest_chapters(request), request.GET.get("page"))
    feed.pages(page)
    progress = _progress_of(request, page.items)
    add_chapters(feed.root, request, feed.links, page.items, progress, with_series=True)
    feed.last_changed([chapter.updated_at for chapter in page.items])
    return feed.response()


@refused_page
def continue_reading(request: SiteRequest) -> HttpResponse:
    feed = Feed(request, "continue/", "Continue reading", atom.ACQUISITION)
    page = paged(shelves.continue_reading(request), request.GET.get("page"))
    feed.pages(page)
    chapters = [row.chapter for row in page.items]
    progress = {row.chapter_id: row for row in page.items}
    add_chapters(feed.root, request, feed.links, chapters, progress, with_series=True)
    feed.last_changed([row.updated_at for row in page.items])
    return feed.response()


@refused_page
def download(request: SiteRequest, chapter_id: str) -> HttpResponse:
    """The chapter's CBZ: a redirect to its signed /media/ link, which serves it (ranges,
    the gateway's cache) named like "Berserk v01 c001.cbz" (the archive's stored name)."""
    allowed = entitlements_for(request)
    if not allowed.downloads:
        return plain(403, allowed.refusal("downloads"))
    chapter = get_chapter_for(request, chapter_id)
    response = HttpResponseRedirect(chapter.archive.link_for(request))
    response["Cache-Control"] = "private, no-store"  # the signed link expires
    return response


def _progress_of(request: SiteRequest, chapters) -> dict[int, ReadingProgress]:
    ids = [chapter.pk for chapter in chapters]
    rows = ReadingProgress.objects.for_tenant(request.tenant).filter(
        user=request.user, chapter_id__in=ids
    )
    return {row.chapter_id: row for row in rows}
