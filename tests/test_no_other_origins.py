"""No page of the product loads anything from another origin: every HTML route (site,
account, admin, API docs) as a visitor, a member and the operator, and every CSS file
served from static. The README promises local docs and a self-hosted product; a CDN font
or script would also tell a third party who reads which page.

Plain <a href> links to other sites are allowed (see tests/support/origin_scan.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from streaming.models import (
    Comment,
    Episode,
    Genre,
    IngestJob,
    Season,
    Title,
)
from tests.factories import film_file
from tests.support.origin_scan import foreign, foreign_in_css, foreign_in_html
from tests.support.sweep_support import build_path, discover_routes, path_values

HOST = "a.test"


@pytest.fixture
def pool(alpha, alice, olivia) -> dict[str, list[str]]:
    """Path values that name real rows, so pages with parameters render too."""
    heat = Title.objects.create(title="Heat", slug="heat", year=1995, status=Title.Status.PUBLISHED)
    heat.genres.add(Genre.objects.create(name="Drama", slug="drama"))
    media = film_file(heat)
    show = Title.objects.create(
        title="Show", slug="show", kind=Title.Kind.SERIES, status=Title.Status.PUBLISHED
    )
    season = Season.objects.create(title=show, number=1)
    Episode.objects.create(season=season, number=1)
    Comment.objects.create(tenant=alpha, user=alice, title=heat, body="A comment")
    IngestJob.objects.create(
        tenant=alpha, via="admin", source="https://example.com/a.mp4", source_kind="url"
    )
    values = {
        "slug": [heat.slug, show.slug],
        "media_id": [str(media.pk)],
        "pk": [str(heat.pk)],
        "title_id": [str(heat.pk)],
        "uidb64": [urlsafe_base64_encode(force_bytes(alice.pk))],
        "token": [default_token_generator.make_token(alice)],
    }
    for route in discover_routes():
        if route.model is not None:
            first = route.model._default_manager.order_by("pk").first()
            values[f"object_id:{route.model._meta.label}"] = [str(first.pk)] if first else []
    return values


def html_pages(pool: dict[str, list[str]], users: list) -> dict[str, str]:
    """Every GET route rendered as each user: {"GET /path as who": html} for HTML answers."""
    pages = {}
    for user in users:
        client = Client(HTTP_HOST=HOST, raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for route in discover_routes():
            for values in path_values(route, pool, hostile=False):
                path = build_path(route, values)
                if path is None:
                    continue
                response = client.get(path)
                if response.get("Content-Type", "").startswith("text/html"):
                    pages[f"GET {path} as {user or 'anonymous'}"] = response.content.decode()
    return pages


def test_the_scanner_finds_what_it_must():
    html = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css">'
        '<script src="//cdn.example/x.js"></script><img srcset="/a.png 1x, http://x.test/b 2x">'
        "<style>@import 'https://x.test/a.css'; b { background: url(http://x.test/i.png) }</style>"
        '<a href="https://www.themoviedb.org/">TMDB</a><img src="http://a.test/own.png">'
    )

    assert len(foreign_in_html(html, HOST)) == 5
    assert not foreign("https://a.test/x", HOST)
    assert foreign("//cdn.example/x", HOST)
    assert not foreign("data:image/png;base64,AAAA", HOST)


def test_no_page_references_another_origin(pool, alice, olivia):
    pages = html_pages(pool, [None, alice, olivia])

    found = {page: foreign_in_html(html, HOST) for page, html in pages.items()}
    found = {page: refs for page, refs in found.items() if refs}
    assert not found, "\n".join(f"{page}: {refs}" for page, refs in sorted(found.items()))
    # The walk really rendered the site, the account pages, the admin and the API docs.
    assert any("/api/docs/" in page for page in pages)
    assert any("/admin/streaming/title/" in page for page in pages)
    assert any("/title/heat/" in page for page in pages)
    assert len(pages) > 100, len(pages)


def test_no_static_stylesheet_references_another_origin():
    stylesheets = [
        Path(storage.path(path))
        for finder in finders.get_finders()
        for path, storage in finder.list(["*.map"])
        if path.endswith(".css")
    ]

    found = {str(p): foreign_in_css(p.read_text(errors="replace"), HOST) for p in stylesheets}
    assert not {path: refs for path, refs in found.items() if refs}
    assert any(p.name == "site.css" for p in stylesheets)
