"""store_file and fill_sha256: a file moved into local storage now, hashed after it went live,
without changing what a playing viewer's If-Range validates against."""

from __future__ import annotations

import hashlib

from stored_media.models import StoredObject
from stored_media.objects import fill_sha256, store_file


def test_a_video_hashed_after_publishing_keeps_its_etag(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    video = tmp_path / "film.mp4"
    video.write_bytes(b"frames" * 10_000)
    expected = hashlib.sha256(video.read_bytes()).hexdigest()

    stored = store_file(video, "Film.mp4", "local", move=True, hash_later=True, kind="mp4")
    etag, updated_at = stored.etag, stored.updated_at
    assert stored.sha256 == ""
    fill_sha256(stored)

    again = StoredObject.objects.get(pk=stored.pk)
    assert again.sha256 == expected
    assert again.etag == etag
    assert again.updated_at == updated_at


def test_an_object_with_a_sha256_is_not_read_again(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    video = tmp_path / "film.mp4"
    video.write_bytes(b"x" * 100)
    stored = store_file(video, "Film.mp4", "local", kind="mp4")
    (settings.MEDIA_ROOT / stored.key).write_bytes(b"changed")

    fill_sha256(stored)

    assert StoredObject.objects.get(pk=stored.pk).sha256 == hashlib.sha256(b"x" * 100).hexdigest()
