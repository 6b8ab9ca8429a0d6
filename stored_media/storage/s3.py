"""Media in S3-compatible object storage (AWS S3, R2, B2, MinIO, Ceph) through boto3.

boto3 is synchronous; reads run in worker threads so the event loop keeps serving others.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shadowvault.metrics.families import S3_ERRORS
from stored_media.storage.base import (
    BackendUnavailable,
    ObjectMissing,
    Part,
    Progress,
    SavedObject,
    StorageBackend,
    StorageError,
)
from stored_media.storage.hashing import file_sha256
from stored_media.storage.local import checked_key

MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
MULTIPART_CHUNK = 64 * 1024 * 1024


class S3Backend(StorageBackend):
    name = "s3"

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str | None = None,
        timeout: float = 30,
        multipart_chunk: int = MULTIPART_CHUNK,
    ) -> None:
        self.bucket = bucket
        self.multipart_chunk = multipart_chunk
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region or None,
            config=Config(
                connect_timeout=5,
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=64,
                signature_version="s3v4",
            ),
        )

    def save(self, source: Path, key: str, progress: Progress | None = None) -> SavedObject:
        checked_key(key)
        total = source.stat().st_size
        _size, sha256 = file_sha256(source)
        sent = 0

        def on_bytes(count: int) -> None:
            nonlocal sent
            sent += count
            if progress:
                progress(sent, total)

        transfer = TransferConfig(
            multipart_threshold=self.multipart_chunk, multipart_chunksize=self.multipart_chunk
        )
        try:
            self.client.upload_file(
                str(source), self.bucket, key, Config=transfer, Callback=on_bytes
            )
        except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
            # upload_file's transfer manager wraps a refused PutObject (a 503 past botocore's
            # retries) in S3UploadFailedError: the same moment's outage, not a job's end.
            raise BackendUnavailable(f"upload of {key!r} failed: {_describe(exc)}") from None
        return SavedObject(key=key, size=total, sha256=sha256, parts=[Part(total)])

    async def read_part(
        self, key: str, part: Part, start: int, stop: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        if stop <= start:
            return
        # The GET and the first chunk's read share one trip to a worker thread: a 1 MiB slice
        # (nginx's whole ask) costs one hand-off instead of two.
        body, chunk = await asyncio.to_thread(
            self._open_and_read, key, start, stop, min(chunk_size, stop - start)
        )
        try:
            remaining = stop - start
            while True:
                if not chunk:
                    raise ObjectMissing(f"s3 object {key!r} is shorter than recorded")
                remaining -= len(chunk)
                yield chunk
                if remaining <= 0:
                    break
                chunk = await asyncio.to_thread(self._read, body, key, min(chunk_size, remaining))
        finally:
            # Closing the stream drops the connection's unread rest: a viewer who went away
            # stops the download from the bucket at once.
            body.close()

    def _open_and_read(self, key: str, start: int, stop: int, size: int):
        body = self._open_range(key, start, stop)
        try:
            return body, self._read(body, key, size)
        except BaseException:
            body.close()
            raise

    def _open_range(self, key: str, start: int, stop: int):
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{stop - 1}"
            )
        except ClientError as exc:
            if _error_code(exc) in MISSING_CODES:
                raise ObjectMissing(f"s3 object {key!r} is missing") from None
            raise BackendUnavailable(f"s3 read of {key!r} failed: {_describe(exc)}") from None
        except BotoCoreError as exc:
            raise BackendUnavailable(f"s3 read of {key!r} failed: {_describe(exc)}") from None
        return response["Body"]

    @staticmethod
    def _read(body, key: str, size: int) -> bytes:
        try:
            return body.read(size)
        except (BotoCoreError, OSError) as exc:
            raise BackendUnavailable(f"s3 read of {key!r} broke off: {_describe(exc)}") from None

    def delete(self, key: str, parts: list[Part]) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise BackendUnavailable(f"delete of {key!r} failed: {_describe(exc)}") from None

    def stored_size(self, key: str, parts: list[Part]) -> int | None:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if _error_code(exc) in MISSING_CODES:
                raise ObjectMissing(f"s3 object {key!r} is missing") from None
            raise BackendUnavailable(f"s3 head of {key!r} failed: {_describe(exc)}") from None
        except BotoCoreError as exc:
            raise BackendUnavailable(f"s3 head of {key!r} failed: {_describe(exc)}") from None

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"bucket {self.bucket!r} unreachable: {_describe(exc)}") from None


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _describe(exc: Exception) -> str:
    # Every failure this backend reports is described here once: counted here too
    # (shadowvault_s3_errors_total, by error code or botocore's exception class).
    S3_ERRORS.labels(error_kind(exc)).inc()
    # botocore messages name the operation and the error code, never the credentials.
    return f"{type(exc).__name__}: {exc}"


def error_kind(exc: Exception) -> str:
    """A bounded label: S3's error code ("SlowDown", "503") or the exception's class."""
    kind = _error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
    return re.sub(r"[^A-Za-z0-9_.-]", "", kind)[:40] or "unknown"
