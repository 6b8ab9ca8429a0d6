"""Where the live log view reads from: every process writes its JSON lines to a file of its
own, DATA_DIR/logs/<role>-<pid>.jsonl, capped in size (docs/logs.md, "Where lines go").

One file per process, so no two processes ever write or rotate the same file (Python's
rotating handler is not safe across processes). A process notices a fork (gunicorn and
Celery fork their workers after logging is set up) by its pid and opens its own file.
The reader keeps a position per file: the live view's cursor, resumed after a reconnect.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

from shadowvault import log_context
from shadowvault.log_format import JsonFormatter

SUFFIX = ".jsonl"
ROTATED = SUFFIX + ".1"
# A file name's stem: "<role>-<pid>" (the role cut to what a file name may hold).
STEM = re.compile(r"^[a-z0-9_.-]{1,60}$")
# Bytes read from the end of each file for the view's first lines.
TAIL_BYTES = 256 * 1024


def file_stem(role: str, pid: int) -> str:
    safe = re.sub(r"[^a-z0-9_-]+", "_", role.lower())[:40] or "process"
    return f"{safe}-{pid}"


class ProcessFileHandler(logging.Handler):
    """JSON lines into <directory>/<role>-<pid>.jsonl, rotated at `max_bytes` (one old file
    kept, so a process holds at most twice that); files untouched for `keep_days` go."""

    def __init__(self, directory: str, max_bytes: int, keep_days: int = 7) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.keep_days = keep_days
        self._pid = 0
        self._file: RotatingFileHandler | None = None
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._own_file().emit(record)
        except Exception:  # logging must never break the caller
            self.handleError(record)

    def _own_file(self) -> RotatingFileHandler:
        pid = os.getpid()
        if self._file is None or self._pid != pid:
            # After a fork the parent's handler is shared: leave it to the parent, open ours.
            self._pid = pid
            self.directory.mkdir(parents=True, exist_ok=True)
            sweep_old_files(self.directory, self.keep_days)
            path = self.directory / (file_stem(log_context.process_role(), pid) + SUFFIX)
            self._file = RotatingFileHandler(
                path, maxBytes=self.max_bytes, backupCount=1, encoding="utf-8"
            )
            self._file.setFormatter(self.formatter)
        return self._file

    def close(self) -> None:
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        super().close()


def sweep_old_files(directory: Path, keep_days: int) -> None:
    """Files of processes long gone: a restart is a new pid, so old files would pile up."""
    cutoff = time.time() - keep_days * 86400
    for path in directory.glob(f"*{SUFFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # another process swept it first
            continue


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    source: str  # the file's stem
    fields: dict


Cursor = dict[str, int]  # file stem -> bytes read of its current file


class BadCursor(ValueError):
    pass


def encode_cursor(cursor: Cursor) -> str:
    return ",".join(f"{stem}:{offset}" for stem, offset in sorted(cursor.items()))


def decode_cursor(text: str) -> Cursor:
    """`stem:offset,...` as the view sends it in an event's id; anything else is BadCursor."""
    cursor: Cursor = {}
    if not text:
        return cursor
    parts = text.split(",")
    if len(parts) > 500:
        raise BadCursor("too many files")
    for part in parts:
        stem, _, offset = part.rpartition(":")
        if not STEM.match(stem) or not offset.isascii() or not offset.isdigit():
            raise BadCursor(part[:40])
        if len(offset) > 15:
            raise BadCursor("offset too large")
        cursor[stem] = int(offset)
    return cursor


def current_files(directory: Path) -> dict[str, Path]:
    if not directory.is_dir():
        return {}
    return {
        path.name.removesuffix(SUFFIX): path
        for path in directory.glob(f"*{SUFFIX}")
        if STEM.match(path.name.removesuffix(SUFFIX))
    }


def end_cursor(directory: Path) -> Cursor:
    """Every file's end: where a live tail starts when it has shown the last lines."""
    return {stem: _size(path) for stem, path in current_files(directory).items()}


def last_lines(
    directory: Path, count: int, accept: Callable[[dict], bool]
) -> tuple[list[Line], Cursor]:
    """The newest `count` lines `accept` takes, oldest first, and the cursor after them."""
    found: list[Line] = []
    cursor: Cursor = {}
    for stem, path in current_files(directory).items():
        size = _size(path)
        cursor[stem] = size
        start = max(0, size - TAIL_BYTES)
        data = _read(path, start, size)
        if start:  # the first line read is probably a fragment
            data = data.partition(b"\n")[2]
        found += [Line(stem, f) for f in _parse(data) if accept(f)]
    found.sort(key=lambda line: str(line.fields.get("time", "")))
    return found[-count:], cursor


def lines_after(directory: Path, cursor: Cursor) -> list[tuple[Line, Cursor]]:
    """Every complete line written since `cursor`, each with the cursor just after it.

    A file smaller than its position was rotated: the rest of the old one (now .1) is read
    first, then the new one from its start. A file the cursor does not name is new."""
    moved: list[tuple[Line, Cursor]] = []
    position = dict(cursor)
    files = current_files(directory)
    for stem in list(position):
        if stem not in files:
            del position[stem]  # its process is gone and the file swept
    for stem, path in files.items():
        offset = position.get(stem, 0)
        size = _size(path)
        if size < offset:
            rotated = path.with_name(stem + ROTATED)
            # The rest of the old file; once read, the position is the new file's start.
            for fields in _parse(_complete(_read(rotated, offset, _size(rotated)))):
                position[stem] = 0
                moved.append((Line(stem, fields), dict(position)))
            offset = position[stem] = 0
        for raw in _complete(_read(path, offset, size)).splitlines(keepends=True):
            offset += len(raw)
            position[stem] = offset
            parsed = _parse_one(raw)
            if parsed is not None:
                moved.append((Line(stem, parsed), dict(position)))
    return moved


def _complete(data: bytes) -> bytes:
    """Only whole lines: a line being written is read at the next poll."""
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def _parse(data: bytes) -> list[dict]:
    return [f for f in map(_parse_one, data.splitlines()) if f is not None]


def _parse_one(raw: bytes) -> dict | None:
    try:
        fields = json.loads(raw)
    except ValueError:
        return None
    return fields if isinstance(fields, dict) else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read(path: Path, start: int, end: int) -> bytes:
    if end <= start:
        return b""
    try:
        with path.open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    except OSError:
        return b""
