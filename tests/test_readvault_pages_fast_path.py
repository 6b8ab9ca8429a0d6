"""The gateway's page requests skip Django's middleware (shadowvault.gateway_fast_paths,
readvault.pages.fast_path) and get the answer Django gives them: the same status, headers and
body, asked of the ASGI application directly; anything else goes through Django. Through
nginx: tests/test_gateway_pages.py."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.db import connection

from readvault.models import SeriesHiding
from readvault.pages.fast_path import close_connections
from readvault.pages.images import make_for_chapter
from readvault.pages.links import page_uri
from shadowvault.gateway_fast_paths import GatewayFastPaths
from stored_media import signing
from tests.factories import comic_series
from tests.support.comic_pages import chapter_with_pages, page_image
from tests.support.http_probe import fetch
from tests.support.serving import uvicorn_in_thread

# The answers are asked from other threads (as uvicorn asks them), which see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

AVIF_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.READVAULT_PAGE_AVIF = False
    yield
    close_connections()  # the decisions' thread keeps its connection (CONN_MAX_AGE)


@pytest.fixture
def pages() -> list[bytes]:
    return [page_image(1000, 1400, seed=1), page_image(1000, 1400, seed=2)]


@pytest.fixture
def chapter(alpha, beta, pages):
    return chapter_with_pages(comic_series("Lean Manga"), pages)


class CountingDjango(ASGIHandler):
    """Django's ASGI handler, counting the requests it was handed."""

    calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await super().__call__(scope, receive, send)


@dataclass
class Sent:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class Paths:
    django: CountingDjango
    lean: GatewayFastPaths

    def both(self, target: str, headers: dict[str, str], **options) -> tuple[Sent, Sent]:
        """(through the lean path, through Django alone), and checks the lean path took it."""
        before = self.django.calls
        lean = call(self.lean, target, headers, **options)
        assert self.django.calls == before, "Django answered a request meant for the lean path"
        return lean, call(self.django, target, headers, **options)

    def through_django(self, target: str, headers: dict[str, str], **options) -> Sent:
        """The lean application's answer, which Django must have given."""
        before = self.django.calls
        answer = call(self.lean, target, headers, **options)
        assert self.django.calls == before + 1, "the lean path took a request meant for Django"
        return answer


@pytest.fixture
def paths() -> Paths:
    django = CountingDjango()
    return Paths(django, GatewayFastPaths(django))


REQUEST_ID = "5f0e1c2d3b4a59687766554433221100"


def call(
    app, target: str, headers: dict[str, str], method: str = "GET", host: str = "a.test"
) -> Sent:
    """One HTTP request to an ASGI application, as uvicorn hands it over."""
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        # nginx names every request it passes on (shadowvault/request_id.py): both paths
        # answer with that id.
        "headers": [(b"host", host.encode()), (b"x-request-id", REQUEST_ID.encode())]
        + [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict] = []
    asked = False

    async def receive():
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Future()  # the client stays connected

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return Sent(start["status"], start["headers"], body)


def link(chapter_id: int, index: int, variant: str = "orig", expires_in: int = 600) -> str:
    return signing.sign(page_uri(chapter_id, index, variant), int(time.time()) + expires_in)


def fetching() -> dict[str, str]:
    return {"X-ShadowVault-Gateway": signing.gateway_token()}


def authorizing() -> dict[str, str]:
    return {"X-ShadowVault-Authorize": signing.gateway_token()}


def header(answer: Sent, name: str) -> str:
    return next(v.decode() for k, v in answer.headers if k.decode().lower() == name.lower())


# --- the same answers -------------------------------------------------------------------------


def test_a_page_is_the_answer_django_gives(paths, chapter, pages):
    lean, django = paths.both(link(chapter.pk, 1), fetching())

    assert (lean.status, lean.body) == (200, pages[1])
    assert lean == django
    assert header(lean, "Content-Security-Policy") == "sandbox; default-src 'none'"
    assert header(lean, "Referrer-Policy") == "same-origin"  # SecurityMiddleware's


def test_a_made_image_is_the_answer_django_gives(paths, chapter):
    make_for_chapter(chapter)

    lean, django = paths.both(link(chapter.pk, 1, "800.webp"), fetching())

    assert (lean.status, header(lean, "Content-Type")) == (200, "image/webp")
    assert lean == django


def test_an_auto_variant_follows_accept_as_django_does(paths, chapter):
    make_for_chapter(chapter)

    lean, django = paths.both(
        link(chapter.pk, 0, "auto-400"), {**fetching(), "Accept": AVIF_ACCEPT}
    )

    assert (header(lean, "Content-Type"), header(lean, "Vary")) == ("image/avif", "Accept")
    assert lean == django


def test_a_known_etag_is_the_same_304(paths, chapter):
    etag = header(call(paths.lean, link(chapter.pk, 0), fetching()), "ETag")

    lean, django = paths.both(link(chapter.pk, 0), {**fetching(), "If-None-Match": etag})

    assert (lean.status, lean.body, header(lean, "ETag")) == (304, b"", etag)
    assert lean == django


def test_a_head_is_the_same_headers_without_a_body(paths, chapter, pages):
    lean, django = paths.both(link(chapter.pk, 0), fetching(), method="HEAD")

    assert (lean.status, lean.body) == (200, b"")
    assert header(lean, "Content-Length") == str(len(pages[0]))
    assert lean == django


def test_the_authorize_answer_is_the_one_django_gives(paths, chapter):
    lean, django = paths.both(link(chapter.pk, 0), authorizing())

    assert (lean.status, header(lean, "X-ShadowVault-Status")) == (200, "200")
    assert lean == django


def test_a_series_hidden_on_this_site_is_refused_by_the_authorize_answer(paths, chapter, alpha):
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)

    lean, django = paths.both(link(chapter.pk, 0), authorizing())
    on_beta, _ = paths.both(link(chapter.pk, 0), authorizing(), host="b.test")

    assert header(lean, "X-ShadowVault-Status") == "404"
    assert header(on_beta, "X-ShadowVault-Status") == "200"
    assert lean == django


def test_an_unknown_page_is_the_same_text_404(paths, chapter):
    lean, django = paths.both(link(chapter.pk, 9), fetching())

    assert (lean.status, lean.body) == (404, b"No such page.\n")
    assert lean == django


def test_an_expired_link_is_left_to_nginx_as_django_leaves_it(paths, chapter, pages):
    # nginx refused it (410) before asking; what it asks with its token is served.
    lean, django = paths.both(link(chapter.pk, 0, expires_in=-5), fetching())

    assert (lean.status, lean.body) == (200, pages[0])
    assert lean == django


# --- what goes through Django -----------------------------------------------------------------


def test_an_unknown_host_is_left_to_django(paths, chapter):
    answer = paths.through_django(link(chapter.pk, 0), fetching(), host="nobody.test")

    assert answer.status == 404
    assert b"<html" in answer.body.lower()  # the unbranded unknown-host page


def test_a_bad_token_is_left_to_django_which_checks_the_link(paths, chapter):
    wrong = {"X-ShadowVault-Gateway": signing.gateway_token()[:-1] + "0"}

    signed = paths.through_django(link(chapter.pk, 0), wrong)
    expired = paths.through_django(link(chapter.pk, 0, expires_in=-5), wrong)

    assert signed.status == 200
    assert (expired.status, expired.body.decode()) == (
        410,
        "This page link has expired; reload the page for a new one.\n",
    )


def test_a_viewer_without_a_token_goes_through_django(paths, chapter):
    answer = paths.through_django(link(chapter.pk, 0, expires_in=-5), {})

    assert answer.status == 410


@pytest.mark.parametrize(
    ("target", "method", "status"),
    [
        (lambda c: link(c.pk, 0).replace("/pages/", "/pages//"), "GET", 404),
        (lambda c: link(c.pk, 0), "POST", 403),  # CSRF refuses it before the view
        (lambda c: link(c.pk, 0) + "&q=%00", "GET", 400),
    ],
    ids=["odd path", "post", "nul"],
)
def test_what_the_route_or_the_middleware_refuses_is_left_to_django(
    paths, chapter, target, method, status
):
    answer = paths.through_django(target(chapter), fetching(), method=method)

    assert answer.status == status


# --- through a real server --------------------------------------------------------------------


def test_uvicorn_logs_a_lean_request_as_it_logs_any(chapter):
    # The access log is uvicorn's (Django writes none), so the lean path keeps its line.
    target = link(chapter.pk, 0)
    lines = LogLines()
    with uvicorn_in_thread(access_log=True) as port:
        logging.getLogger("uvicorn.access").addHandler(lines)
        try:
            answer = fetch(port, target, fetching())
        finally:
            logging.getLogger("uvicorn.access").removeHandler(lines)

    assert answer.status == 200
    assert any(f'"GET {target} HTTP/1.1" 200' in line for line in lines.lines), lines.lines


class LogLines(logging.Handler):
    """The messages of a logger (caplog's handler is gone once Django configures logging)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections")
def test_page_decisions_hold_one_database_connection(chapter):
    def connections_now() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    with uvicorn_in_thread() as port:
        fetch(port, link(chapter.pk, 0), fetching())
        before = connections_now()
        for index in range(20):
            fetch(port, link(chapter.pk, index % 2), fetching())
            fetch(port, link(chapter.pk, 0), authorizing())
        after = connections_now()

    assert after == before
