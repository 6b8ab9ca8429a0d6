"""Language tags from a file's metadata become short BCP 47 tags that always fit their column.

Issue 11: a subtitle whose Matroska language tag was 26 characters long failed the whole
ingest job on PostgreSQL (Subtitle.language is varchar(16)). Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streaming.ingest.probe import LANGUAGE_MAX, normalise_language, probe
from streaming.models import IngestJob, Subtitle
from tests.support.ingest_helpers import ingest_file

BCP47_SHORT = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
LONG_TAG = "zh-Hant-TW-x-private-usage"  # 26 characters, as the review's file had


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("eng", "en"),
        ("pt_br", "pt-BR"),
        ("PT-br", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        (LONG_TAG, "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("ger-DE-1996", "de-DE"),
        ("English", "en"),
        ("und", ""),
        ("x-klingon", ""),
        ("not a language at all, really", ""),
        ("e\u0301n", ""),
        ("tlh", "tlh"),
    ],
)
def test_a_tag_is_cut_to_language_script_and_region(tag, expected):
    assert normalise_language(tag) == expected


@given(st.text() | st.from_regex(r"[a-zA-Z]{1,9}([-_][a-zA-Z0-9]{1,9}){0,6}", fullmatch=True))
def test_any_tag_normalises_to_one_that_fits_and_stays_as_it_is(tag):
    normal = normalise_language(tag)
    assert len(normal) <= LANGUAGE_MAX
    assert normal == "" or BCP47_SHORT.fullmatch(normal)
    assert normalise_language(normal) == normal


def test_the_longest_tag_fits_the_subtitle_column():
    assert Subtitle._meta.get_field("language").max_length >= LANGUAGE_MAX


@pytest.fixture
def long_tagged_mkv(test_media, tmp_path):
    """The MKV with two audio and two subtitle tracks, its tags replaced by long ones."""
    path = tmp_path / "Long.Tags.2020.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(test_media.mkv_h264_aac_srt),
         "-map", "0", "-c", "copy",
         "-metadata:s:s:0", f"language={LONG_TAG}",
         "-metadata:s:s:1", "language=pt-BR-u-ca-gregory-x-extra-long",
         "-metadata:s:a:0", f"language={LONG_TAG}", str(path)],
        check=True, timeout=60,
    )  # fmt: skip
    return path


@pytest.mark.django_db(transaction=True)
def test_a_file_with_over_long_language_tags_is_ingested(alpha, ingest_dirs, long_tagged_mkv):
    assert [s.language for s in probe(long_tagged_mkv).subtitles] == ["zh-Hant-TW", "pt-BR"]

    job = ingest_file(long_tagged_mkv, alpha)

    assert job.state == IngestJob.State.DONE, job.error
    media = job.media_file
    assert sorted(media.subtitles.values_list("language", flat=True)) == ["pt-BR", "zh-Hant-TW"]
    assert media.audio_languages == ["zh-Hant-TW", "pt"]
    assert media.subtitles.get(language="pt-BR").label == "Português"
