"""Where a backup goes and comes from: a folder, or a prefix in an S3-compatible bucket
(credentials and endpoint from the S3_* settings).

A backup is built whole in a temporary folder first. In a destination folder it then takes
its name by one rename; in a bucket its manifest is uploaded last. Either way a backup that
was cut short has no manifest.json under its name and restore refuses it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from shadowvault.backups.manifest import MANIFEST_FILE


class DestinationError(Exception):
    pass


@dataclass(frozen=True)
class Destination:
    folder: Path | None = None  # folder:/path (or a plain absolute path)
    bucket: str = ""  # s3://bucket/prefix
    prefix: str = ""

    @classmethod
    def parse(cls, text: str) -> Destination:
        if text.startswith("s3://"):
            bucket, _, prefix = text.removeprefix("s3://").partition("/")
            if not bucket:
                raise DestinationError(f"{text!r} names no bucket (s3://bucket/prefix)")
            return cls(bucket=bucket, prefix=prefix.strip("/"))
        path = Path(text.removeprefix("folder:"))
        if not path.is_absolute():
            raise DestinationError(
                f"{text!r}: give an absolute folder (folder:/path) or s3://bucket/prefix"
            )
        return cls(folder=path)

    def __str__(self) -> str:
        return str(self.folder) if self.folder else f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def scratch(self, name: str) -> Path:
        """A fresh temporary folder to build backup `name` in: beside its final place for a
        folder (so the last step is one rename on the same disk), else under DATA_DIR."""
        if self.folder is not None:
            if not self.folder.is_dir():
                raise DestinationError(f"backup folder {self.folder} does not exist")
            path = self.folder / f".{name}.partial"
            path.mkdir()
            return path
        return Path(tempfile.mkdtemp(prefix=f"{name}.", dir=settings.DATA_DIR))

    def publish(self, scratch: Path, name: str) -> str:
        """Make the built backup visible under `name`; returns where it is."""
        if self.folder is not None:
            final = self.folder / name
            os.rename(scratch, final)
            return str(final)
        key_prefix = f"{self.prefix}/{name}" if self.prefix else name
        files = sorted(p for p in scratch.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
        try:
            for path in [*files, scratch / MANIFEST_FILE]:  # the manifest last
                relative = path.relative_to(scratch).as_posix()
                s3_client().upload_file(str(path), self.bucket, f"{key_prefix}/{relative}")
        except (BotoCoreError, ClientError) as exc:
            raise DestinationError(
                f"upload to s3://{self.bucket}/{key_prefix} failed: {exc}"
            ) from None
        return f"s3://{self.bucket}/{key_prefix}"


def fetch_backup(location: str, scratch: Path) -> Path:
    """The backup at `location` as a local folder: the folder itself, or a bucket prefix
    downloaded into `scratch`."""
    if not location.startswith("s3://"):
        return Path(location.removeprefix("folder:"))
    bucket, _, prefix = location.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    client = s3_client()
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/")
        for page in pages:
            for item in page.get("Contents", []):
                target = scratch / item["Key"][len(prefix) + 1 :]
                if not target.resolve().is_relative_to(scratch.resolve()):
                    raise DestinationError(f"unsafe key {item['Key']!r} in the backup")
                target.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(bucket, item["Key"], str(target))
    except (BotoCoreError, ClientError) as exc:
        raise DestinationError(f"download of {location} failed: {exc}") from None
    return scratch


def s3_client():
    return boto3.client(
        "s3",
        endpoint_url=settings.S3_ENDPOINT_URL or None,
        aws_access_key_id=settings.S3_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
        region_name=settings.S3_REGION or None,
    )
