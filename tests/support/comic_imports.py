"""Shared set-up for ReadVault's import-job tests: Celery running the import tasks eagerly,
and a library of small, real archives of several formats laid out as people lay them out.

`run_tasks_eagerly` makes the ways in reach the real tasks (readvault.tasks.import_fetch and
import_process) through Celery's own eager execution (`Task.apply`), in this process, at the
moment the submitting transaction commits, as a worker would take them from the queue; the
retry delays are recorded instead of waited. Page-image tasks are recorded, not run: what is
tested here is that a chapter queues them once its rows are committed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readvault.importing import queueing
from readvault.pages import images as page_images
from shadowvault.celery import app as celery_app
from tests.support.comic_sources import (
    page,
    write_7z,
    write_folder,
    write_pdf,
    write_tar,
    write_zip,
)
from tests.support.rar_writer import write_rar


@dataclass
class Queued:
    tasks: list[tuple[str, tuple, int]] = field(default_factory=list)
    page_images: list[int] = field(default_factory=list)


def run_tasks_eagerly(monkeypatch: pytest.MonkeyPatch) -> Queued:
    """For a module's `eager_imports` fixture (with `ingest_dirs`, for its folders)."""
    import readvault.tasks  # noqa: F401  the app's tasks, registered as a worker has them

    queued = Queued()

    def run_now(name: str, *args: object, delay: int = 0) -> None:
        queued.tasks.append((name, args, delay))
        celery_app.tasks[name].apply(args=list(args), throw=True)

    monkeypatch.setattr(queueing, "enqueue", run_now)
    monkeypatch.setattr(
        page_images,
        "enqueue",
        lambda name, chapter_id, delay=0: queued.page_images.append(chapter_id),
    )
    return queued


def pages(first: int, count: int) -> list[tuple[str, bytes]]:
    return [(f"{number:03d}.jpg", page(number)) for number in range(first, first + count)]


def comicinfo(**fields: str) -> bytes:
    body = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return f'<?xml version="1.0"?><ComicInfo>{body}</ComicInfo>'.encode()


def write_cbz(path: Path, members: list[tuple[str, bytes]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_zip(path, members, zipfile.ZIP_STORED)


@dataclass(frozen=True)
class Expected:
    series: str
    volume: int | None
    number: str | None
    pages: int
    source_format: str
    kept_as_is: bool


def write_library(root: Path, scratch: Path) -> list[Expected]:
    """Three series in the import folder's layout, one chapter per format: a series per top
    folder, volumes from sub-folders or names, a folder of images as one chapter. `scratch`
    is a folder outside `root` (7zz packs a folder of its own)."""
    berserk = root / "Berserk"
    write_cbz(berserk / "Volume 01" / "Berserk v01 c001.cbz", pages(1, 3))
    write_rar(berserk / "Volume 01" / "Chapter 2.cbr", pages(4, 2), version=5)
    (berserk / "Volume 02").mkdir(parents=True)
    scratch.mkdir(parents=True, exist_ok=True)
    write_7z(scratch / "c003.cb7", pages(6, 2)).rename(berserk / "Volume 02" / "c003.cb7")
    write_folder(berserk / "Volume 02" / "Chapter 4", pages(8, 4))
    one_piece = root / "One Piece"
    one_piece.mkdir(parents=True)
    write_tar(one_piece / "One Piece 1000.cbt", pages(12, 2))
    write_pdf(one_piece / "One Piece 1001.pdf", [14, 15])
    write_cbz(root / "Dungeon Meshi" / "Dungeon Meshi Vol. 3.cbz", pages(16, 2))
    return [
        Expected("Berserk", 1, "1", 3, "cbz", True),
        Expected("Berserk", 1, "2", 2, "cbr", False),
        Expected("Berserk", 2, "3", 2, "cb7", False),
        Expected("Berserk", 2, "4", 4, "folder", False),
        Expected("One Piece", None, "1000", 2, "cbt", False),
        Expected("One Piece", None, "1001", 2, "pdf", False),
        Expected("Dungeon Meshi", 3, None, 2, "cbz", True),
    ]


def leftovers(root: Path) -> list[str]:
    """Every file under the work folder (a finished job leaves none)."""
    return sorted(str(p.relative_to(root)) for p in (root / "work").rglob("*"))
