"""A cap on the progressive encoders one machine runs, across every worker process on it.

Each encoder holds one of PROGRESSIVE_ENCODERS lock files under PROGRESSIVE_SLOT_DIR
(`flock`, released by the kernel when the holder dies, so a killed worker frees its slots).
A run that finds none free waits, and the rendition says so to its viewers.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from django.conf import settings


class EncoderSlot:
    def __init__(self, fd: int, number: int) -> None:
        self.fd, self.number = fd, number

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = -1


def _folder() -> Path:
    folder = Path(settings.PROGRESSIVE_SLOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def take_slot() -> EncoderSlot | None:
    """A free encoder slot on this machine, or None when all are taken."""
    folder = _folder()
    for number in range(settings.PROGRESSIVE_ENCODERS):
        fd = os.open(folder / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return EncoderSlot(fd, number)
    return None


def busy_slots() -> int:
    """How many slots are taken now (for the waiting message)."""
    taken = 0
    for number in range(settings.PROGRESSIVE_ENCODERS):
        slot = None
        fd = os.open(_folder() / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            slot = EncoderSlot(fd, number)
        except BlockingIOError:
            taken += 1
            os.close(fd)
        if slot is not None:
            slot.release()
    return taken
