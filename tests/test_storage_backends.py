"""Local and S3-compatible storage: save with progress, read exact ranges, refuse bad keys."""

from __future__ import annotations

import asyncio
import hashlib
import random
from pathlib import Path

import pytest

from stored_media.storage.base import (
    BackendUnavailable,
    InvalidKey,
    ObjectMissing,
    Part,
    StorageBackend,
)
from stored_media.storage.hashing import file_sha256
from stored_media.storage.local import LocalBackend
from stored_media.storage.s3 import S3Backend
from tests.support.services import free_port
from tests.support.serving import moto_s3

SIZE = 2 * 1024 * 1024 + 99


def read(backend: StorageBackend, key: str, parts: list[Part], start: int, stop: int) -> bytes:
    async def collect() -> bytes:
        return b"".join([c async for c in backend.read_range(key, parts, start, stop, 65536)])

    return asyncio.run(collect())


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "source.bin"
    path.write_bytes(random.Random(5).randbytes(SIZE))
    return path


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        yield LocalBackend(tmp_path / "media")
        return
    with moto_s3() as s3:
        yield S3Backend(
            s3["bucket"],
            s3["endpoint"],
            "test",
            "test",
            "us-east-1",
            multipart_chunk=5 * 1024 * 1024,
        )


def test_a_saved_object_reads_back_exactly_in_any_range(backend, source):
    progress: list[tuple[int, int]] = []
    saved = backend.save(source, "media/abc/film.mp4", lambda d, t: progress.append((d, t)))
    body = source.read_bytes()
    rng = random.Random(2)

    for _ in range(25):
        start = rng.randrange(SIZE)
        stop = rng.randrange(start + 1, SIZE + 1)
        assert read(backend, saved.key, saved.parts, start, stop) == body[start:stop]
    assert saved.size == SIZE
    assert progress[-1] == (SIZE, SIZE)
    assert len(saved.sha256) == 64


def test_reading_a_missing_object_raises_object_missing(backend):
    with pytest.raises(ObjectMissing):
        read(backend, "media/none/x.mp4", [Part(size=10)], 0, 10)


def test_deleting_twice_is_fine(backend, source):
    saved = backend.save(source, "media/a/b.mp4")

    backend.delete(saved.key, saved.parts)
    backend.delete(saved.key, saved.parts)

    with pytest.raises(ObjectMissing):
        read(backend, saved.key, saved.parts, 0, 1)


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "a\x00b", "", "a\\..\\b", "./a"]
)
def test_keys_that_could_escape_are_refused(tmp_path, source, key):
    with pytest.raises(InvalidKey):
        LocalBackend(tmp_path).save(source, key)


def test_a_symlink_out_of_the_media_folder_is_refused(tmp_path, source):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "out").symlink_to(tmp_path)

    with pytest.raises(InvalidKey):
        LocalBackend(tmp_path / "media").save(source, "out/stolen.bin")


def test_a_local_save_never_leaves_a_partial_file_under_the_key(tmp_path, source):
    backend = LocalBackend(tmp_path / "media")

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        backend.save(source, "media/x/film.mp4", fail)

    assert list((tmp_path / "media").rglob("*.mp4*")) == []


def test_a_range_spanning_parts_reads_across_them(tmp_path):
    class InMemoryParts(LocalBackend):
        async def read_part(self, key, part, start, stop, chunk_size):
            yield part.ref["data"][start:stop].encode()

    parts = [Part(3, {"data": "abc"}), Part(4, {"data": "defg"}), Part(2, {"data": "hi"})]

    assert read(InMemoryParts(tmp_path), "k", parts, 1, 8) == b"bcdefgh"
    assert read(InMemoryParts(tmp_path), "k", parts, 3, 7) == b"defg"


def test_an_unreachable_s3_endpoint_is_backend_unavailable(tmp_path, source):
    dead = S3Backend("media", f"http://127.0.0.1:{free_port()}", "test", "test", timeout=1)

    with pytest.raises(BackendUnavailable):
        read(dead, "media/x.mp4", [Part(size=10)], 0, 10)
    with pytest.raises(BackendUnavailable):
        dead.save(source, "media/x.mp4")


def test_an_adopted_local_file_is_moved_with_its_sha256(tmp_path, source):
    body = source.read_bytes()
    inode = source.stat().st_ino
    progress: list[tuple[int, int]] = []

    saved = LocalBackend(tmp_path / "media").adopt(
        source, "media/m/film.mp4", lambda d, t: progress.append((d, t))
    )

    target = tmp_path / "media" / "media" / "m" / "film.mp4"
    assert not source.exists()
    assert target.stat().st_ino == inode  # renamed, not copied
    assert saved.sha256 == hashlib.sha256(body).hexdigest()
    assert saved.size == SIZE
    assert progress[-1] == (SIZE, SIZE)


def test_adopting_from_another_file_system_copies(tmp_path):
    # /dev/shm is a tmpfs: a different device from the temp folder, so rename cannot work.
    shm = Path("/dev/shm") / f"adopt-{tmp_path.name}.bin"
    shm.write_bytes(b"x" * 1000)
    try:
        saved = LocalBackend(tmp_path / "media").adopt(shm, "media/o/f.bin")
        stored = (tmp_path / "media" / "media" / "o" / "f.bin").read_bytes()
    finally:
        shm.unlink(missing_ok=True)
    assert stored == b"x" * 1000
    assert saved.sha256 == hashlib.sha256(stored).hexdigest()


def test_any_backend_adopts_a_file_that_then_reads_back(backend, source):
    body = source.read_bytes()

    saved = backend.adopt(source, "media/s/film.mp4")

    assert read(backend, saved.key, saved.parts, 0, SIZE) == body
    assert saved.sha256 == hashlib.sha256(body).hexdigest()


def test_a_file_adopted_to_hash_later_is_moved_without_a_read(tmp_path, source):
    saved = LocalBackend(tmp_path / "media").adopt(source, "media/h/film.mp4", hash_later=True)

    assert saved.sha256 == ""
    assert saved.size == SIZE
    assert not source.exists()


def test_file_sha256_reads_the_whole_file(source):
    data = source.read_bytes()

    assert file_sha256(source) == (SIZE, hashlib.sha256(data).hexdigest())
