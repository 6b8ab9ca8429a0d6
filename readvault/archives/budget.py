"""Byte caps enforced while reading: an archive's headers can lie about sizes (a zip bomb
declares small members), so what is actually read is counted as it arrives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from readvault.archives.errors import ArchiveRejected
from readvault.archives.limits import Limits

CHUNK = 1024 * 1024


class ByteBudget:
    """The bytes one source may still yield, in total and per member. For formats whose
    directory gives no compressed sizes (RAR, 7z, tar), the whole source's ratio stands in for
    the per-member ratio: the bytes out may not exceed max_ratio times the bytes in."""

    def __init__(self, limits: Limits, source_size: int | None = None) -> None:
        self.limits = limits
        # Per member, so a page loaded twice (checked, then converted) is counted once.
        self.read_so_far: dict[str, int] = {}
        self.total = 0
        self.ceiling = limits.max_total_bytes
        if source_size is not None:
            ratio_cap = limits.max_ratio * source_size + limits.ratio_checked_above
            self.ceiling = min(self.ceiling, ratio_cap)

    def check_declared(self, member: str, size: int | None) -> None:
        """Refuse from a header's claim before anything is read."""
        if size is None or size < 0:
            return
        self._check_member(member, size, max_bytes=self.limits.max_member_bytes)
        self._check_total(member, self._others(member) + size)

    def read(self, member: str, stream: IO[bytes], max_bytes: int | None = None) -> bytes:
        return self.take(member, iter(lambda: stream.read(CHUNK), b""), max_bytes)

    def take(self, member: str, blocks: Iterable[bytes], max_bytes: int | None = None) -> bytes:
        cap = self.limits.max_member_bytes if max_bytes is None else max_bytes
        others = self._others(member)
        data = bytearray()
        for block in blocks:
            data += block
            self._check_member(member, len(data), max_bytes=cap)
            self._check_total(member, others + len(data))
        self.total = others + len(data)
        self.read_so_far[member] = len(data)
        return bytes(data)

    def _others(self, member: str) -> int:
        return self.total - self.read_so_far.get(member, 0)

    def _check_member(self, member: str, size: int, max_bytes: int) -> None:
        if size > max_bytes:
            raise ArchiveRejected(
                f"The archive member {member!r} unpacks to more than {max_bytes:,} bytes, "
                "over the limit for one member: far larger than any comic page or "
                "ComicInfo.xml (a decompression bomb, or not a comic)."
            )

    def _check_total(self, member: str, total: int) -> None:
        if total > self.ceiling:
            raise ArchiveRejected(
                f"The archive unpacks to more than {self.ceiling:,} bytes by the member "
                f"{member!r}: over the limit for one chapter, or far more than its own size "
                "(a zip bomb). Split the chapter or check the file."
            )
