"""One chunk from the request stream to the file: bounded reads, and what happens when the
stream ends early, with and without a checksum (tus core vs. checksum extension)."""

from __future__ import annotations

import hashlib
import io

import pytest

from streaming.uploads import receive
from streaming.uploads.protocol import Checksum, ProtocolError


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "read the whole stream at once"
        self.largest = max(self.largest, size)
        return super().read(size)


def target(tmp_path, content: bytes = b"") -> io.BufferedRandom:
    path = tmp_path / "upload"
    path.write_bytes(content)
    return path.open("r+b")


def test_a_chunk_is_read_in_pieces_of_at_most_a_mebibyte(tmp_path):
    data = bytes(range(256)) * (3 * 4096 + 7)  # a little over 3 MiB
    stream = CountingStream(data)

    with target(tmp_path) as file:
        assert receive.write_chunk(file, stream, 0, len(data), None) == len(data)

    assert stream.largest <= receive.READ_BYTES
    assert (tmp_path / "upload").read_bytes() == data


def test_a_chunk_that_ends_early_without_checksum_keeps_what_arrived(tmp_path):
    with target(tmp_path, b"abc") as file:
        new_offset = receive.write_chunk(file, io.BytesIO(b"defg"), 3, 10, None)

    assert new_offset == 7
    assert (tmp_path / "upload").read_bytes() == b"abcdefg"


def test_a_chunk_that_ends_early_with_a_checksum_is_cut_off(tmp_path):
    checksum = Checksum("sha1", hashlib.sha1(b"defghijklm").digest())  # noqa: S324

    with target(tmp_path, b"abc") as file, pytest.raises(ProtocolError) as refused:
        receive.write_chunk(file, io.BytesIO(b"defg"), 3, 10, checksum)

    assert refused.value.status == 400
    assert (tmp_path / "upload").read_bytes() == b"abc"


def test_bytes_past_the_counted_offset_are_dropped_before_writing(tmp_path):
    # A crash after a write but before the row's offset moved leaves uncounted bytes.
    with target(tmp_path, b"abcXYZ") as file:
        receive.write_chunk(file, io.BytesIO(b"de"), 3, 2, None)

    assert (tmp_path / "upload").read_bytes() == b"abcde"


def test_a_full_disk_is_507_and_the_chunk_is_not_kept(tmp_path, monkeypatch):
    import errno
    import os

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with target(tmp_path, b"abc") as file, pytest.raises(ProtocolError) as refused:
        receive.write_chunk(file, io.BytesIO(b"defg"), 3, 4, None)

    assert refused.value.status == 507
    assert (tmp_path / "upload").read_bytes() == b"abc"
