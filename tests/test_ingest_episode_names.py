"""An ingested episode is named after the file's episode title when guessit finds one, else
"Episode <n>" (issue 12: episodes showed as "1. Episode", "2. Episode")."""

from __future__ import annotations

import shutil

import pytest

from streaming.ingest.catalogue_link import _owner
from streaming.models import Episode, IngestJob
from tests.support.ingest_helpers import ingest_file

pytestmark = pytest.mark.django_db


def owner_of(name: str, tenant):
    job = IngestJob(tenant=tenant, via="test", source=f"/import/{name}", source_name=name)
    return _owner(job)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Night.Shift.S02E05.The.Long.Night.720p.WEB.mkv", "The Long Night"),
        ("Night.Shift.S02E06.720p.WEB.mkv", "Episode 6"),
        ("[Group] Night Shift - 07 [1080p].mkv", "Episode 7"),
    ],
)
def test_an_episode_gets_its_title_or_its_number(alpha, name, expected):
    _title, episode = owner_of(name, alpha)

    assert episode.name == expected


def test_a_later_file_with_the_episode_title_names_a_numbered_episode(alpha):
    _title, first = owner_of("Night.Shift.S02E05.720p.mkv", alpha)
    _title, again = owner_of("Night.Shift.S02E05.The.Long.Night.1080p.mkv", alpha)
    _title, third = owner_of("Night.Shift.S02E05.2160p.mkv", alpha)

    assert first.pk == again.pk == third.pk
    assert Episode.objects.get(pk=first.pk).name == "The Long Night"


@pytest.mark.django_db(transaction=True)
def test_an_ingested_episode_is_named_in_the_catalogue(alpha, ingest_dirs, test_media):
    named = ingest_dirs / "Harbour.Watch.S01E02.Low.Tide.mkv"
    shutil.copy(test_media.mkv_h264_aac_srt, named)

    job = ingest_file(named, alpha)

    assert job.state == IngestJob.State.DONE, job.error
    assert job.media_file.episode.name == "Low Tide"
    assert str(job.media_file.episode) == "S01E02 Low Tide"
