"""Shared set-up for the ingest tests: a private work folder and media root per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from streaming.ingest import service
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob


@pytest.fixture
def ingest_dirs(settings, tmp_path) -> Path:
    settings.INGEST_WORK_DIR = tmp_path / "work"
    settings.INGEST_IMPORT_DIR = tmp_path / "import"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_STORAGE = "local"
    settings.INGEST_MIN_FREE_BYTES = 0
    settings.TMDB_API_KEY = ""
    for folder in ("work", "import", "media"):
        (tmp_path / folder).mkdir()
    return tmp_path


def not_queued(job: IngestJob) -> None:
    """The queue for jobs a test runs itself with run_inline."""


def ingest_file(path: Path, tenant, **options) -> IngestJob:
    [job] = service.submit_paths([path], tenant=tenant, via="test", queue=not_queued, **options)
    return run_inline(job)


def leftovers(root: Path) -> list[str]:
    """Every file under the ingest work folder (a finished job leaves none)."""
    return sorted(str(p.relative_to(root)) for p in (root / "work").rglob("*"))


def progressive_dirs(settings, tmp_path: Path) -> Path:
    """Local media storage and encoder slots of a test's own, two encoders (the progressive
    tests' `media_dirs` fixtures)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_STORAGE = "local"
    settings.PROGRESSIVE_SLOT_DIR = tmp_path / "slots"
    settings.PROGRESSIVE_ENCODERS = 2
    return tmp_path
