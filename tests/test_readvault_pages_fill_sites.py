"""nginx's page fills remember the site their host names for a few seconds
(readvault.pages.fast_path.SITE_MEMORY_SECONDS); its authorize answers never do, so hiding a
series still stops its pages within nginx's authorize lifetime (tests/test_gateway_pages.py
times that through nginx)."""

from __future__ import annotations

import pytest

from readvault.models import SeriesHiding
from readvault.pages import fast_path
from shadowvault.gateway_fast_paths import GatewayFastPaths
from tenants.models import Domain
from tests.factories import comic_series
from tests.support.comic_pages import chapter_with_pages, page_image
from tests.test_readvault_pages_fast_path import (
    CountingDjango,
    Paths,
    authorizing,
    call,
    fetching,
    header,
    link,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """time.monotonic for fast_path, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    ticking = Clock()
    monkeypatch.setattr(fast_path, "time", ticking)
    fast_path.forget_sites()
    yield ticking
    fast_path.forget_sites()
    fast_path.close_connections()


@pytest.fixture
def chapter(alpha, beta):
    return chapter_with_pages(comic_series("Fill Manga"), [page_image(300, 400)])


@pytest.fixture
def paths() -> Paths:
    django = CountingDjango()
    return Paths(django, GatewayFastPaths(django))


@pytest.fixture
def lookups(monkeypatch) -> list[str]:
    asked: list[str] = []
    real = fast_path.tenant_for_host

    def counting(host: str):
        asked.append(host)
        return real(host)

    monkeypatch.setattr(fast_path, "tenant_for_host", counting)
    return asked


def test_page_fills_look_their_site_up_once_in_a_while(paths, chapter, clock, lookups):
    for _ in range(3):
        assert call(paths.lean, link(chapter.pk, 0), fetching()).status == 200
    clock.now += fast_path.SITE_MEMORY_SECONDS + 0.1
    assert call(paths.lean, link(chapter.pk, 0), fetching()).status == 200

    assert lookups == ["a.test", "a.test"]


def test_a_host_its_site_gave_up_goes_to_django_once_the_memory_ends(paths, chapter, clock):
    assert call(paths.lean, link(chapter.pk, 0), fetching()).status == 200
    Domain.objects.filter(hostname="a.test").delete()

    clock.now += fast_path.SITE_MEMORY_SECONDS + 0.1
    answer = paths.through_django(link(chapter.pk, 0), fetching())

    assert answer.status == 404  # the unknown-host page


def test_a_host_no_site_owns_is_never_remembered(paths, chapter, lookups):
    for _ in range(2):
        paths.through_django(link(chapter.pk, 0), fetching(), host="nobody.test")

    assert lookups == ["nobody.test", "nobody.test"]
    assert "nobody.test" not in fast_path._fill_sites


def test_the_authorize_answer_asks_afresh_after_fills(paths, chapter, alpha, lookups):
    assert call(paths.lean, link(chapter.pk, 0), fetching()).status == 200
    SeriesHiding.objects.create(tenant=alpha, series=chapter.series)

    lean, django = paths.both(link(chapter.pk, 0), authorizing())

    assert header(lean, "X-ShadowVault-Status") == "404"
    assert lean == django
    assert lookups == ["a.test", "a.test"]
