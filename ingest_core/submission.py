"""What every vault's ways in check before a job exists, and the operator's cancel.

A batch of URLs is refused whole, naming the bad one, so a paste is never half-submitted; a
path must stay inside the import folder when one is given (symlinks resolved); a kept
upload's name is made safe for the job's folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from ingest_core import lifecycle
from ingest_core.errors import DownloadFailed, SourceRefused
from ingest_core.job_model import JobBase
from ingest_core.ssrf import check_url

MAX_URLS = 200  # per submission; a paste of thousands is a mistake, not a queue
SAFE_NAME_CHARACTERS = "._- ()[],'"  # besides letters and digits, in a kept upload's name


def checked_urls(urls: Iterable[str]) -> list[str]:
    """The URLs given, stripped, blank lines left out; refused whole if none is left, if
    there are more than MAX_URLS, or if the SSRF guard refuses any one of them."""
    cleaned = [url.strip() for url in urls if url.strip()]
    if not cleaned:
        raise SourceRefused("no URL given")
    if len(cleaned) > MAX_URLS:
        raise SourceRefused(f"{len(cleaned)} URLs at once; submit at most {MAX_URLS}")
    for url in cleaned:
        # A name that does not resolve from here right now is let through: the worker checks
        # again before it connects, and its job fails with the reason if it still does not.
        with contextlib.suppress(DownloadFailed):
            check_url(url)
    return cleaned


def checked_path(path: Path, within: Path | None) -> Path:
    """`path` resolved, and inside `within` (relative to it) when given; it must exist."""
    if within is not None:
        root = Path(within).resolve()
        resolved = (root / path).resolve()
        if resolved != root and root not in resolved.parents:
            raise SourceRefused(f"{path} is outside the import folder")
    else:
        resolved = path.expanduser().resolve()
    if not resolved.exists():
        raise SourceRefused(f"{path} does not exist")
    return resolved


def import_root() -> Path:
    return Path(settings.INGEST_IMPORT_DIR)


def import_folders(*, hidden: bool = True) -> list[str]:
    """Folders under INGEST_IMPORT_DIR the admin offers (relative names, '' = the folder);
    without `hidden`, none whose name starts with a dot, nor any under one."""
    root = import_root()
    if not root.is_dir():
        return []
    found = [""]
    for current, dirs, _files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if hidden or not d.startswith("."))
        found.extend(str(Path(current, d).relative_to(root)) for d in dirs)
        if len(found) > 500:
            break
    return found


def safe_name(name: str, also: str = "") -> str:
    """`name` with every character but letters, digits, SAFE_NAME_CHARACTERS and `also` as
    "_", for a file in the job's folder."""
    allowed = SAFE_NAME_CHARACTERS + also
    cleaned = "".join(ch if ch.isalnum() or ch in allowed else "_" for ch in name).strip(". ")
    return cleaned[:200] or "upload"


def cancel(job: JobBase) -> None:
    """A queued job ends now (its folder goes with it); a running one stops at its next
    progress report. A job that has ended is refused (`lifecycle.MoveRefused`)."""
    if lifecycle.cancel(job):
        shutil.rmtree(job.work_dir, ignore_errors=True)
