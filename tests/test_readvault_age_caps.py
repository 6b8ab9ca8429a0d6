"""Age caps (readvault.models.age_ratings): a site's cap hides series rated above it, and
unrated ones, everywhere the site's rule is used; a member's own cap does the same on the
pages loaded through readvault.site.access."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory

from readvault.models import Series
from readvault.models.age_ratings import AGE_OF_RATING, ratings_within, stricter_cap
from readvault.site import access
from tenants.models import Membership
from tests.factories import comic_chapter, comic_series, make_member, make_site

pytestmark = pytest.mark.django_db


def test_every_comicinfo_rating_has_an_age_except_the_unrated_ones():
    rated = {value for value, _ in Series.AgeRating.choices} - {"", "Rating Pending"}
    assert set(AGE_OF_RATING) == rated


def test_a_cap_lets_through_ratings_at_or_below_it_and_never_unrated_ones():
    assert "Teen" in ratings_within(13)
    assert "MA15+" not in ratings_within(13)
    assert "" not in ratings_within(17)
    assert ratings_within(0) == ["Early Childhood", "Everyone", "G"]


def test_the_stricter_cap_wins():
    assert stricter_cap(None, 13) == 13
    assert stricter_cap(17, 13) == 13
    assert stricter_cap(None, None) is None


@pytest.fixture
def library():
    site = make_site("Alpha", "alpha.test")
    teen = comic_series("Teen Series", age_rating="Teen")
    adult = comic_series("Adult Series", age_rating="Adults Only 18+")
    unrated = comic_series("Unrated Series")
    return site, teen, adult, unrated


def test_no_cap_shows_everything(library):
    site, *series = library
    assert set(Series.objects.visible_on(site)) == set(series)


def test_a_site_cap_hides_what_is_above_it_and_unrated_series(library):
    site, teen, _, _ = library
    site.age_cap = 13
    site.save()
    assert list(Series.objects.visible_on(site)) == [teen]


def _request(site, user):
    request = RequestFactory().get("/", HTTP_HOST="alpha.test")
    request.tenant = site
    request.user = user
    return request


def test_a_members_own_cap_hides_series_and_their_chapters_on_the_site(library):
    site, teen, adult, _ = library
    member = make_member("kid", site)
    Membership.objects.filter(user=member).update(age_cap=13)
    chapter = comic_chapter(adult, "1")
    request = _request(site, member)
    assert list(access.visible_series(request)) == [teen]
    with pytest.raises(Http404):
        access.get_series_for(request, adult.slug)
    with pytest.raises(Http404):
        access.get_chapter_for(request, chapter.pk)


def test_chapter_ids_from_urls_are_answered_with_404_whatever_they_hold(library):
    site, *_ = library
    request = _request(site, make_member("any", site))
    for raw in ("abc", "-1", "0", str(2**70), "", "1e3"):
        with pytest.raises(Http404):
            access.get_chapter_for(request, raw)
