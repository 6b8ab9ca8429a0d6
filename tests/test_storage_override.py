"""A test puts its own storage backend in place once, and every caller sees it: the code that
stores files, the stream view, and anything else that asks get_backend by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from stored_media import delivery
from stored_media.objects import store_file
from stored_media.storage import get_backend, override_backend
from stored_media.storage.base import SavedObject, StorageError
from stored_media.storage.local import LocalBackend


class RecordingBackend(LocalBackend):
    """Local storage that remembers the keys it was asked to save."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.saved: list[str] = []

    def save(self, source, key, progress=None) -> SavedObject:
        self.saved.append(key)
        return super().save(source, key, progress)


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "film.mp4"
    path.write_bytes(b"\0" * 1000)
    return path


@pytest.mark.django_db
def test_storing_a_file_uses_the_overriding_backend(tmp_path, source):
    recording = RecordingBackend(tmp_path / "elsewhere")

    with override_backend("local", recording):
        stored = store_file(source, "Film.mp4", "local", kind="mp4")

    assert recording.saved == [stored.key]
    assert (tmp_path / "elsewhere" / stored.key).exists()


def test_the_stream_view_sees_the_override_through_its_own_import(tmp_path):
    # delivery.py imports get_backend by name; the override lives behind that name.
    replacement = LocalBackend(tmp_path)

    with override_backend("local", replacement):
        assert delivery.get_backend("local") is replacement


def test_leaving_the_block_restores_what_answered_before(tmp_path):
    from_settings = get_backend("local")
    outer, inner = LocalBackend(tmp_path / "a"), LocalBackend(tmp_path / "b")

    with override_backend("local", outer):
        with override_backend("local", inner):
            assert get_backend("local") is inner
        assert get_backend("local") is outer
    assert get_backend("local") is from_settings


def test_the_override_is_undone_when_the_block_fails(tmp_path):
    from_settings = get_backend("local")

    with pytest.raises(RuntimeError), override_backend("local", LocalBackend(tmp_path)):
        raise RuntimeError("test body failed")

    assert get_backend("local") is from_settings


def test_other_names_are_untouched_and_unknown_names_refused(tmp_path):
    from_settings = get_backend("local")

    with override_backend("telegram", LocalBackend(tmp_path)):
        assert get_backend("local") is from_settings
        with pytest.raises(StorageError):
            get_backend("floppy")


def test_a_settings_change_still_rebuilds_the_backend_from_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "first"
    first = get_backend("local")
    settings.MEDIA_ROOT = tmp_path / "second"

    assert get_backend("local") is not first
    assert get_backend("local").local_path("media/x") == tmp_path / "second" / "media/x"
