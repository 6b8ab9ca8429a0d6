"""Metadata written onto ReadVault series (readvault/metadata/apply.py): a new series or a
skeleton takes every field, a curated one only has its gaps filled (the model has no field
lock), the model's limits are kept, and the same answer twice changes nothing."""

from __future__ import annotations

import pytest

from readvault.metadata.apply import apply_details, record_failure
from readvault.metadata.provider import FILENAME, CreditInfo, MetadataError, SeriesDetails
from readvault.models import Genre, Person, Series, SeriesCredit, Tag
from tests.support.series_snapshot import credits_of, snapshot

pytestmark = pytest.mark.django_db


def rich(**overrides) -> SeriesDetails:
    values = {
        "provider": "anilist",
        "title": "The Promised Neverland",
        "alternative_titles": ["Yakusoku no Neverland", "約束のネバーランド"],
        "summary": "Emma and her friends live in an orphanage.",
        "run_status": "completed",
        "publisher": "Shueisha",
        "language": "ja",
        "age_rating": "Teen",
        "genres": ["Mystery", "Sci-Fi"],
        "tags": ["Orphans", "Survival"],
        "credits": [
            CreditInfo("Kaiu Shirai", "writer"),
            CreditInfo("Posuka Demizu", "penciller"),
            CreditInfo("Kaiu Shirai", "writer"),  # said twice: one credit
            CreditInfo("Someone", "assistant"),  # no such role here
        ],
        "reading_direction": "rtl",
        "year": 2016,
        "anilist_id": 86635,
        "web_url": "https://anilist.co/manga/86635",
    }
    return SeriesDetails(**{**values, **overrides})


# apply_details


def test_a_new_series_takes_every_field_the_source_gives():
    series = apply_details(Series(), rich())

    series.refresh_from_db()
    assert (series.title, series.sort_title, series.slug) == (
        "The Promised Neverland",
        "Promised Neverland",  # sorted without its leading article
        "the-promised-neverland",
    )
    assert series.alternative_titles == ["Yakusoku no Neverland", "約束のネバーランド"]
    assert (series.run_status, series.reading_direction, series.year) == ("completed", "rtl", 2016)
    assert (series.publisher, series.language, series.age_rating) == ("Shueisha", "ja", "Teen")
    assert (series.anilist_id, series.web_url) == (86635, "https://anilist.co/manga/86635")
    assert (series.is_skeleton, series.status) == (False, Series.Status.DRAFT)
    assert sorted(series.genres.values_list("name", flat=True)) == ["Mystery", "Sci-Fi"]
    assert sorted(series.tags.values_list("slug", flat=True)) == ["orphans", "survival"]
    assert credits_of(series) == [("Kaiu Shirai", "writer"), ("Posuka Demizu", "penciller")]


def test_applying_the_same_details_twice_changes_nothing():
    series = apply_details(Series(), rich())
    before = snapshot(series)

    apply_details(series, rich())

    assert snapshot(series) == before
    assert (Genre.objects.count(), Tag.objects.count(), Person.objects.count()) == (2, 2, 2)
    assert SeriesCredit.objects.count() == 2


def test_a_curated_series_keeps_what_is_written_and_gets_its_gaps_filled():
    # No field lock on Series: a series that is not a skeleton only has empty fields filled.
    series = Series.objects.create(
        title="Neverland (my edit)", summary="Written by the operator.", reading_direction="ltr"
    )
    series.genres.add(Genre.objects.create(name="Horror", slug="horror"))

    apply_details(series, rich())

    series.refresh_from_db()
    assert (series.title, series.summary) == ("Neverland (my edit)", "Written by the operator.")
    assert series.reading_direction == "ltr"  # its default cannot be told from a choice
    assert (series.publisher, series.run_status, series.anilist_id) == (
        "Shueisha",
        "completed",  # "unknown" counts as empty
        86635,
    )
    assert list(series.genres.values_list("name", flat=True)) == ["Horror"]
    assert sorted(series.tags.values_list("name", flat=True)) == ["Orphans", "Survival"]


def test_a_skeleton_takes_every_field_and_a_new_slug_and_sort_title():
    series = apply_details(Series(), SeriesDetails(provider=FILENAME, title="promised nevrland"))
    record_failure(series, "anilist: 0 candidates")
    assert series.is_skeleton

    apply_details(series, rich())

    series.refresh_from_db()
    assert (series.title, series.slug, series.sort_title) == (
        "The Promised Neverland",
        "the-promised-neverland",
        "Promised Neverland",
    )
    assert (series.is_skeleton, series.metadata_error) == (False, "")


def test_an_anilist_id_another_series_holds_is_refused_by_name():
    holder = Series.objects.create(title="Neverland", anilist_id=86635)
    series = Series.objects.create(title="Other", is_skeleton=True)

    with pytest.raises(MetadataError, match=f"already belongs to “Neverland” \\(#{holder.pk}\\)"):
        apply_details(series, rich())

    series.refresh_from_db()
    assert (series.title, series.anilist_id) == ("Other", None)


@pytest.mark.parametrize(
    ("field", "given", "kept"),
    [
        ("title", "T" * 400, "T" * 300),
        ("language", "English!", ""),
        ("web_url", "javascript:alert(1)", ""),
        ("age_rating", "Spicy", ""),
        ("run_status", "weird", "unknown"),
        ("reading_direction", "diagonal", "ltr"),
        ("year", 99999, None),
        ("anilist_id", -5, None),
    ],
)
def test_values_the_model_cannot_hold_are_cut_or_dropped(field, given, kept):
    series = apply_details(Series(), rich(**{field: given}))

    series.refresh_from_db()
    assert getattr(series, field) == kept


def test_genres_are_one_row_per_slug_whatever_the_spelling():
    Genre.objects.create(name="Sci Fi", slug="sci-fi")

    series = apply_details(Series(), rich(genres=["Sci-Fi", "sci fi", "Mystery"]))

    assert sorted(series.genres.values_list("name", flat=True)) == ["Mystery", "Sci Fi"]
    assert Genre.objects.count() == 2


def test_the_title_leaves_the_alternative_titles():
    series = apply_details(
        Series(), rich(alternative_titles=["the promised neverland", "Yakusoku no Neverland"])
    )
    assert series.alternative_titles == ["Yakusoku no Neverland"]


def test_a_failure_is_recorded_and_the_series_kept():
    series = record_failure(Series(title="Kept"), MetadataError("anilist: timed out"))

    series.refresh_from_db()
    assert (series.title, series.is_skeleton, series.metadata_error) == (
        "Kept",
        True,
        "anilist: timed out",
    )
