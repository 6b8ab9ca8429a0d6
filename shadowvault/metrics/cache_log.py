"""The gateway's slice-cache answers, from the compact log nginx writes for them.

Only nginx knows whether a /media/ slice or a /pages/ image came from its cache: a HIT never
reaches the origin. So the gateway writes one short line per such answer ("media HIT",
`log_format sv_cache` in deploy/nginx/gateway.conf.tmpl) to its cache log, and a scrape reads
what was added since the last one. An exporter process or nginx's commercial status API would
be one more thing to run; the file is already on the machine the gateway shares DATA_DIR
with, and reading it costs a scrape a few microseconds a line.

The tally (the log's inode, how far it has been read, the counts so far) is one JSON file
under DATA_DIR, updated under a lock: whichever web worker answers a scrape carries on where
the last one stopped, so counts never depend on the worker and never go backwards. A log
rotated or truncated is read again from its start (its new lines add to the counts).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections import Counter
from pathlib import Path

from django.conf import settings

AREAS = frozenset({"media", "pages"})
_STATUS = re.compile(r"[A-Z]{1,12}")  # nginx's $upstream_cache_status words
# A scrape reads at most this much; the rest waits for the next one (bounded scrape time).
MAX_READ_BYTES = 32 * 1024 * 1024


def tally_path() -> Path:
    return Path(settings.METRICS_STATE_DIR) / "gateway-cache.json"


def read_tally() -> dict[tuple[str, str], int]:
    """Counts by (area, cache status), the log's new lines added first."""
    log = Path(settings.GATEWAY_CACHE_LOG) if settings.GATEWAY_CACHE_LOG else None
    path = tally_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one reader at a time moves the offset
        tally = _load(path)
        if log is not None and _read_new_lines(log, tally):
            _save(path, tally)
    counts: dict[tuple[str, str], int] = {}
    for key, count in tally["counts"].items():
        area, _, status = key.partition(" ")
        counts[(area, status)] = count
    return counts


def _load(path: Path) -> dict:
    try:
        tally = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {"inode": None, "offset": 0, "counts": {}}
    return tally


def _save(path: Path, tally: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(tally))
    os.replace(temporary, path)  # a reader never sees half a tally


def _read_new_lines(log: Path, tally: dict) -> bool:
    """Add the log's lines since tally["offset"] to tally["counts"]; False if nothing new."""
    if not log.exists():
        return False
    with open(log, "rb") as handle:  # rotated away since exists(): a scrape's error, counted
        stat = os.fstat(handle.fileno())
        if tally["inode"] != stat.st_ino or stat.st_size < tally["offset"]:
            tally["inode"], tally["offset"] = stat.st_ino, 0  # rotated or truncated
        if stat.st_size == tally["offset"]:
            return tally["offset"] == 0  # a new, empty log: remember its inode
        handle.seek(tally["offset"])
        chunk = handle.read(MAX_READ_BYTES)
    complete = chunk[: chunk.rfind(b"\n") + 1]  # a line nginx is still writing waits
    tally["offset"] += len(complete)
    counts = Counter(tally["counts"])
    counts.update(_answers(complete.decode("ascii", "replace")))
    tally["counts"] = dict(counts)
    return True


def _answers(text: str) -> list[str]:
    """ "area STATUS" keys of well-formed lines; anything else is skipped (bounded labels)."""
    keys = []
    for line in text.splitlines():
        area, _, status = line.partition(" ")
        if area in AREAS and _STATUS.fullmatch(status):
            keys.append(f"{area} {status}")
    return keys
