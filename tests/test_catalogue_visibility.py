"""Which titles and media a site shows: one rule, `visible_on(tenant)`."""

import pytest
from django.db import IntegrityError, transaction

from stored_media.models import StoredObject
from streaming.models import Episode, MediaFile, Season, Title, TitleHiding
from tests.factories import episode_file, film_file, stored


@pytest.fixture
def catalogue(db):
    film = Title.objects.create(title="Published Film", status=Title.Status.PUBLISHED)
    draft = Title.objects.create(title="Draft Film")
    show = Title.objects.create(
        title="A Show", kind=Title.Kind.SERIES, status=Title.Status.PUBLISHED
    )
    episode = Episode.objects.create(season=Season.objects.create(title=show, number=1), number=1)
    return {
        "film": film_file(film),
        "draft": film_file(draft),
        "episode": episode_file(episode),
    }


def test_only_published_titles_are_visible(alpha, catalogue):
    visible = set(Title.objects.visible_on(alpha).values_list("title", flat=True))

    assert visible == {"Published Film", "A Show"}


def test_media_of_published_films_and_episodes_is_visible(alpha, catalogue):
    files = set(MediaFile.objects.visible_on(alpha))
    objects = set(StoredObject.objects.visible_on(alpha))

    assert files == {catalogue["film"], catalogue["episode"]}
    assert objects == {catalogue["film"].stored, catalogue["episode"].stored}


def test_hiding_a_series_hides_its_episodes_on_that_site_only(alpha, beta, catalogue):
    TitleHiding.objects.create(tenant=alpha, title=catalogue["episode"].episode.season.title)

    assert catalogue["episode"] not in MediaFile.objects.visible_on(alpha)
    assert catalogue["episode"] in MediaFile.objects.visible_on(beta)


def test_an_inactive_or_unknown_site_sees_nothing(alpha, catalogue):
    alpha.is_active = False

    assert not Title.objects.visible_on(alpha).exists()
    assert not Title.objects.visible_on(None).exists()
    assert not StoredObject.objects.visible_on(None).exists()


def test_a_media_file_belongs_to_exactly_one_film_or_episode(catalogue):
    film = catalogue["film"].title
    episode = catalogue["episode"].episode

    with pytest.raises(IntegrityError), transaction.atomic():
        MediaFile.objects.create(title=film, episode=episode, stored=stored("both.mp4"))
    with pytest.raises(IntegrityError), transaction.atomic():
        MediaFile.objects.create(stored=stored("neither.mp4"))


def test_titles_get_unique_slugs(db):
    first = Title.objects.create(title="Heat", year=1995)
    second = Title.objects.create(title="Heat", year=1995)

    assert (first.slug, second.slug) == ("heat-1995", "heat-1995-2")


def test_one_title_per_tmdb_id_and_kind(db):
    Title.objects.create(title="Heat", tmdb_id=949)
    Title.objects.create(title="Heat (series)", tmdb_id=949, kind=Title.Kind.SERIES)

    with pytest.raises(IntegrityError), transaction.atomic():
        Title.objects.create(title="Heat again", tmdb_id=949)
