"""Where an import job's source is, and which chapters a folder holds.

A URL's download and an upload live in the job's own folder; a file or a folder of images on
this machine is read where it is (never moved: it is the operator's). In a folder, every
comic archive is a chapter, and so is every folder that holds images itself; the path from
the folder's parent (or from the import folder) is the name the chapter's series, volume and
number are read from ("Berserk/Volume 3/Chapter 21.cbz": a series per top folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from ingest_core.errors import IngestError
from ingest_core.native_download import downloaded_file
from readvault.metadata.names import ARCHIVE_SUFFIXES
from readvault.models import ImportJob

SOURCE_FOLDER = "source"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"})


def source_folder(job: ImportJob) -> Path:
    return job.work_dir / SOURCE_FOLDER


def source_path(job: ImportJob) -> Path:
    """The file (or folder of images) the process step reads."""
    kind = job.source_kind
    if kind in (ImportJob.SourceKind.FILE, ImportJob.SourceKind.FOLDER):
        path = Path(job.source)
        if not (path.is_dir() if kind == ImportJob.SourceKind.FOLDER else path.is_file()):
            raise IngestError(f"{job.source} no longer exists")
        return path
    return downloaded_file(source_folder(job))


def is_archive(path: Path) -> bool:
    return path.suffix.lower() in ARCHIVE_SUFFIXES


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def chapters_in(folder: Path) -> list[Path]:
    """The comic archives under `folder`, and the folders (itself included) that hold page
    images directly, in name order. Hidden entries are skipped, and a link that leads out of
    the folder is not followed."""
    root = folder.resolve()
    found: list[Path] = []
    for top, dirs, files in os.walk(root):
        current = Path(top)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _inside(current / d, root))
        entries = [current / name for name in sorted(files) if not name.startswith(".")]
        entries = [p for p in entries if _inside(p, root) and p.is_file()]
        if any(is_image(p) for p in entries):
            found.append(current)
        found.extend(p for p in entries if is_archive(p))
    return found


def name_within(path: Path, base: Path) -> str:
    """The name a chapter is read by: its path from `base`, with `/` between folders."""
    return path.resolve().relative_to(base.resolve()).as_posix()


def _inside(path: Path, root: Path) -> bool:
    resolved = path.resolve()
    return resolved == root or root in resolved.parents
