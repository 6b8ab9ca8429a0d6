"""What a backup says about itself: manifest.json, with the stored objects it vouches for.

The manifest is written last: a backup without one is incomplete and restore refuses it.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST_FILE = "manifest.json"
MEDIA_FOLDER = "media"  # local objects copied in (--with-media), under their keys


@dataclass
class ObjectEntry:
    id: int
    backend: str
    key: str
    size: int
    sha256: str  # "" when not known (a remote object hashed with --no-hash)
    in_backup: bool = False  # its bytes are in the backup's media folder


@dataclass
class Manifest:
    database_vendor: str
    database_file: str
    migrations: dict[str, list[str]]
    app_version: str = field(default_factory=lambda: app_version())
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    format: int = FORMAT
    with_media: bool = False
    objects: list[ObjectEntry] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_FILE
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST_FILE
        if not path.is_file():
            raise ValueError(f"{folder} has no {MANIFEST_FILE}: not a backup, or an incomplete one")
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT:
            raise ValueError(f"backup format {data.get('format')!r} is not {FORMAT}")
        objects = [ObjectEntry(**entry) for entry in data.pop("objects")]
        return cls(**data, objects=objects)

    @property
    def media_bytes(self) -> int:
        return sum(entry.size for entry in self.objects if entry.in_backup)


def app_version() -> str:
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as project:
        return str(tomllib.load(project)["project"]["version"])


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    """{app: [migration names]} as recorded in the database."""
    applied: dict[str, list[str]] = {}
    recorder = MigrationRecorder(connections[alias])
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


OBJECT_QUERY = "SELECT id, backend, key, size, sha256 FROM stored_media_storedobject ORDER BY id"


def objects_in_database(alias: str = "default") -> list[ObjectEntry]:
    with connections[alias].cursor() as cursor:
        cursor.execute(OBJECT_QUERY)
        return [ObjectEntry(*row) for row in cursor.fetchall()]


def objects_in_sqlite_copy(path: Path) -> list[ObjectEntry]:
    """The objects as the dumped copy holds them (consistent with it by construction)."""
    with sqlite3.connect(path) as copy:
        rows = copy.execute(OBJECT_QUERY).fetchall()
    copy.close()
    return [ObjectEntry(*row) for row in rows]


def migrations_in_sqlite_copy(path: Path) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    with sqlite3.connect(path) as copy:
        rows = copy.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
    copy.close()
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied
