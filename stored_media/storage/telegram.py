"""Media kept as documents in a Telegram channel, read back with `upload.getFile`.

- An object larger than `part_size` (Telegram caps a document at 2000 MiB, 4000 MiB for
  Premium accounts) is stored as several documents, one message each; `Part.ref` records the
  channel, the message id and the document's location as seen at upload.
- Reads map a byte range onto legal getFile requests (`telegram_plan`), keep a few of them in
  flight (each is a round trip of 100-300 ms), trim the edges and yield the bytes.
- The calls go through a `SessionPool` (`telegram_pool`), which spreads them over the
  configured user sessions and bot tokens; by default its clients are Telethon's
  (`telegram_connect`).
- Telethon clients belong to the event loop they were made in, so the backend keeps one pool
  per running loop for reads; `save` and `delete` (sync, called from Celery or the admin) run
  in a loop of their own with a pool of their own, closed when they finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import weakref
from collections import OrderedDict, defaultdict, deque
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from telethon.errors import (
    FileIdInvalidError,
    FileReferenceExpiredError,
    FileReferenceInvalidError,
    FloodWaitError,
    MessageIdInvalidError,
    RpcCallFailError,
    RPCError,
    ServerError,
    TimedOutError,
)
from telethon.tl import functions, types

from stored_media.storage.base import (
    BackendUnavailable,
    InvalidKey,
    ObjectMissing,
    Part,
    Progress,
    SavedObject,
    StorageBackend,
    StorageError,
)
from stored_media.storage.telegram_connect import TelethonConnector, call_on_dc
from stored_media.storage.telegram_documents import (
    Location,
    PartReader,
    StoredDocument,
    part_name,
    ref_for,
)
from stored_media.storage.telegram_plan import FileRequest, plan_get_file
from stored_media.storage.telegram_pool import (
    DEFAULT_STREAMS_PER_SESSION,
    ClientFactory,
    Credential,
    Lease,
    SessionPool,
    TelegramCalls,
)

MIB = 1024 * 1024
DEFAULT_PART_SIZE = 2000 * MIB  # Telegram: a document holds at most 2000 MiB
MAX_PART_SIZE = 4000 * MIB  # Telegram Premium: 4000 MiB
DEFAULT_REQUEST_TIMEOUT = 20.0
DEFAULT_READ_AHEAD = 4
UPLOAD_FLOOD_SLEEP = 60  # an upload waits out short FLOOD_WAITs rather than start over
LOCATION_CACHE_SIZE = 10_000


# --- the backend -----------------------------------------------------------------------------


class TelegramBackend(StorageBackend):
    name = "telegram"

    def __init__(
        self,
        *,
        api_id: int = 0,
        api_hash: str = "",
        channel: int | str = "",
        sessions: Sequence[str] = (),
        bot_tokens: Sequence[str] = (),
        streams_per_session: int = DEFAULT_STREAMS_PER_SESSION,
        part_size: int = DEFAULT_PART_SIZE,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        read_ahead: int = DEFAULT_READ_AHEAD,
        client_factory: ClientFactory | None = None,
    ) -> None:
        if not 0 < part_size <= MAX_PART_SIZE:
            raise ValueError(f"part_size must be between 1 byte and {MAX_PART_SIZE} bytes")
        if streams_per_session < 1 or read_ahead < 1 or request_timeout <= 0:
            raise ValueError("streams_per_session, read_ahead and request_timeout must be > 0")
        self.api_id, self.api_hash, self.channel = api_id, api_hash, channel
        self.streams_per_session = streams_per_session
        self.part_size = part_size
        self.request_timeout = request_timeout
        self.read_ahead = read_ahead
        self._credentials = [Credential(session=s) for s in sessions if s] + [
            Credential(bot_token=t) for t in bot_tokens if t
        ]
        self._uses_telethon = client_factory is None
        connect = partial(TelethonConnector, api_id, api_hash, channel, timeout=request_timeout)
        self._read_factory = client_factory or connect(flood_sleep_threshold=0)
        self._save_factory = client_factory or connect(flood_sleep_threshold=UPLOAD_FLOOD_SLEEP)
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SessionPool] = (
            weakref.WeakKeyDictionary()
        )
        # Fresh locations learnt per (credential, channel, message): file references expire,
        # and another account may see other ones than the uploader did.
        self._locations: OrderedDict[tuple[int, str, int], Location] = OrderedDict()

    def __repr__(self) -> str:
        return f"TelegramBackend(channel={self.channel!r}, sessions={len(self._credentials)})"

    def check(self) -> None:
        if not self._credentials:
            raise StorageError(
                "Telegram storage has no session or bot token (TELEGRAM_SESSIONS, "
                "TELEGRAM_BOT_TOKENS)"
            )
        if not self.channel:
            raise StorageError("Telegram storage has no channel (TELEGRAM_CHANNEL)")
        if self._uses_telethon and not (self.api_id and self.api_hash):
            raise StorageError("Telegram storage needs TELEGRAM_API_ID and TELEGRAM_API_HASH")

    def session_pool(self) -> SessionPool:
        """The pool serving reads in the running event loop."""
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = self._new_pool(self._read_factory)
        return pool

    async def aclose(self) -> None:
        """Disconnect the running loop's clients (at shutdown, and in tests)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def _new_pool(self, factory: ClientFactory) -> SessionPool:
        return SessionPool(self._credentials, factory, self.streams_per_session)

    # --- reading ---

    async def read_part(
        self, key: str, part: Part, start: int, stop: int, chunk_size: int
    ) -> AsyncIterator[bytes]:
        document = StoredDocument.from_part(part)
        pool = self.session_pool()
        upcoming = iter(plan_get_file(start, stop, part.size))
        in_flight: deque[asyncio.Task[bytes]] = deque()
        try:
            while True:
                # Read ahead: each getFile is a round trip, so keep a few in flight while
                # the caller takes the bytes already here.
                while len(in_flight) < self.read_ahead and (request := next(upcoming, None)):
                    in_flight.append(asyncio.create_task(self._fetch(pool, document, request)))
                if not in_flight:
                    return
                data = await in_flight.popleft()
                for begin in range(0, len(data), chunk_size):
                    yield data[begin : begin + chunk_size]
        finally:
            # The caller went away or a fetch failed: send nothing more.
            for task in in_flight:
                if task.done() and not task.cancelled():
                    task.exception()  # retrieved, so asyncio does not log it
                task.cancel()

    async def _fetch(self, pool: SessionPool, document: StoredDocument, request: FileRequest):
        with _telegram_errors(f"reading message {document.message_id}"):
            data = await pool.run(
                partial(self._get_file, document=document, request=request),
                timeout=self.request_timeout,
            )
        if len(data) < request.skip + request.keep:
            raise StorageError(
                f"Telegram document of message {document.message_id} is shorter than recorded"
            )
        if request.skip == 0 and request.keep == len(data):
            return data
        return data[request.skip : request.skip + request.keep]

    async def _get_file(
        self, lease: Lease, *, document: StoredDocument, request: FileRequest
    ) -> bytes:
        location = self._locations.get(self._location_key(lease, document), document.at_upload)
        if location is None:
            location = await self._refresh_location(lease, document)
        try:
            return await self._call_get_file(lease.client, location, request)
        except (FileReferenceExpiredError, FileReferenceInvalidError, FileIdInvalidError):
            # Telegram: file references expire; a fresh one comes with the message, fetched
            # again (https://core.telegram.org/api/file_reference). Retry once with it.
            location = await self._refresh_location(lease, document)
            return await self._call_get_file(lease.client, location, request)

    async def _call_get_file(
        self, client: TelegramCalls, location: Location, request: FileRequest
    ) -> bytes:
        rpc = functions.upload.GetFileRequest(
            location=location.as_input(),
            offset=request.offset,
            limit=request.limit,
            precise=False,  # the planner obeys the stricter non-precise rules
            cdn_supported=False,  # so Telegram answers with the bytes, never a CDN redirect
        )
        async with asyncio.timeout(self.request_timeout):
            answer = await call_on_dc(client, rpc, location.dc_id)
        if not isinstance(answer, types.upload.File):
            raise StorageError(f"Telegram answered getFile with {type(answer).__name__}")
        return answer.bytes

    async def _refresh_location(self, lease: Lease, document: StoredDocument) -> Location:
        try:
            async with asyncio.timeout(self.request_timeout):
                message = await lease.client.get_messages(document.channel, ids=document.message_id)
        except MessageIdInvalidError:
            message = None
        except ValueError as exc:  # Telethon: the channel cannot be resolved
            raise StorageError(f"Telegram channel {document.channel!r} is not reachable") from exc
        found = getattr(getattr(message, "media", None), "document", None)
        if not isinstance(found, types.Document):
            raise ObjectMissing(
                f"Telegram message {document.message_id} in {document.channel!r} has no document"
            )
        if document.at_upload and found.id != document.at_upload.document_id:
            raise ObjectMissing(f"Telegram message {document.message_id} holds another document")
        location = Location(found.id, found.access_hash, found.file_reference, found.dc_id)
        key = self._location_key(lease, document)
        self._locations[key] = location
        self._locations.move_to_end(key)
        while len(self._locations) > LOCATION_CACHE_SIZE:
            self._locations.popitem(last=False)
        return location

    @staticmethod
    def _location_key(lease: Lease, document: StoredDocument) -> tuple[int, str, int]:
        return (lease.index, str(document.channel), document.message_id)

    # --- saving and deleting (sync: Celery workers and the admin call these) ---

    def save(self, source: Path, key: str, progress: Progress | None = None) -> SavedObject:
        self.check()
        if not key or "\x00" in key:
            raise InvalidKey(f"unusable key {key!r}")
        size = source.stat().st_size
        return asyncio.run(self._save(source, key, size, progress or (lambda _done, _total: None)))

    async def _save(self, source: Path, key: str, size: int, progress: Progress) -> SavedObject:
        digest = hashlib.sha256()
        count = -(-size // self.part_size)  # an empty file needs no document at all
        pool = self._new_pool(self._save_factory)
        parts: list[Part] = []
        try:
            with source.open("rb") as file:
                for index in range(count):
                    offset = index * self.part_size
                    length = min(self.part_size, size - offset)
                    reader = PartReader(file, offset, length, digest, part_name(key, index))
                    report = partial(_report, progress, done_before=offset, total=size)
                    caption = f"{key} part {index + 1}/{count}"
                    upload = partial(self._upload, reader=reader, caption=caption, report=report)
                    with _telegram_errors(f"uploading {key!r}"):
                        message = await pool.run(upload)
                    reader.finish_hash()
                    parts.append(Part(size=length, ref=ref_for(self.channel, message)))
        except Exception:
            with contextlib.suppress(Exception):  # best effort: leave no orphan parts behind
                await self._delete_messages(pool, [part.ref for part in parts])
            raise
        finally:
            await pool.close()
        progress(size, size)
        return SavedObject(key=key, size=size, sha256=digest.hexdigest(), parts=parts)

    async def _upload(self, lease: Lease, *, reader: PartReader, caption: str, report) -> Any:
        reader.seek(0)  # a retry on another session starts the part over
        message = await lease.client.send_file(
            self.channel,
            reader,
            force_document=True,  # Telegram keeps a document's bytes as they are
            file_size=reader.length,
            mime_type="application/octet-stream",
            attributes=[types.DocumentAttributeFilename(file_name=reader.name)],
            caption=caption,
            parse_mode=None,  # the key is plain text, not Markdown
            progress_callback=report,
        )
        stored = getattr(getattr(message, "media", None), "document", None)
        if not isinstance(stored, types.Document) or stored.size != reader.length:
            raise StorageError(f"Telegram stored {caption!r} with the wrong size")
        return message

    def delete(self, key: str, parts: list[Part]) -> None:
        refs = [part.ref for part in parts if part.ref.get("message_id")]
        if refs:
            asyncio.run(self._delete(key, refs))

    async def _delete(self, key: str, refs: list[dict]) -> None:
        pool = self._new_pool(self._save_factory)
        try:
            with _telegram_errors(f"deleting {key!r}"):
                await self._delete_messages(pool, refs)
        finally:
            await pool.close()

    async def _delete_messages(self, pool: SessionPool, refs: list[dict]) -> None:
        by_channel: defaultdict[Any, list[int]] = defaultdict(list)
        for ref in refs:
            by_channel[ref["channel"]].append(int(ref["message_id"]))
        for channel, ids in by_channel.items():
            # Telegram: deleting messages that are already gone is not an error.
            await pool.run(partial(_delete_in, channel=channel, ids=ids), timeout=None)


async def _delete_in(lease: Lease, *, channel: int | str, ids: list[int]) -> None:
    await lease.client.delete_messages(channel, ids)


def _report(progress: Progress, sent: int, _part_total: int, *, done_before: int, total: int):
    progress(done_before + sent, total)


@contextmanager
def _telegram_errors(doing: str) -> Iterator[None]:
    """Telegram's failures as storage errors: the stream view answers 404 or 504 for them."""
    try:
        yield
    except FloodWaitError as exc:
        raise BackendUnavailable(f"Telegram asked to wait {exc.seconds} s while {doing}") from exc
    except (TimeoutError, ConnectionError, ServerError, TimedOutError, RpcCallFailError) as exc:
        raise BackendUnavailable(f"Telegram did not answer while {doing}") from exc
    except MessageIdInvalidError as exc:
        raise ObjectMissing(f"Telegram has no such message while {doing}") from exc
    except RPCError as exc:
        raise StorageError(f"Telegram refused {doing}: {type(exc).__name__}") from exc


# --- settings -------------------------------------------------------------------------------


def telegram_backend_from_settings(settings: Any) -> TelegramBackend:
    """The backend as the TELEGRAM_* settings describe it (missing settings: defaults)."""
    return TelegramBackend(
        api_id=int(getattr(settings, "TELEGRAM_API_ID", 0) or 0),
        api_hash=getattr(settings, "TELEGRAM_API_HASH", "") or "",
        channel=_channel(getattr(settings, "TELEGRAM_CHANNEL", "")),
        sessions=_string_list(getattr(settings, "TELEGRAM_SESSIONS", ())),
        bot_tokens=_string_list(getattr(settings, "TELEGRAM_BOT_TOKENS", ())),
        streams_per_session=int(
            getattr(settings, "TELEGRAM_STREAMS_PER_SESSION", DEFAULT_STREAMS_PER_SESSION)
        ),
        part_size=int(getattr(settings, "TELEGRAM_PART_SIZE", DEFAULT_PART_SIZE)),
        request_timeout=float(
            getattr(settings, "TELEGRAM_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT)
        ),
        read_ahead=int(getattr(settings, "TELEGRAM_READ_AHEAD", DEFAULT_READ_AHEAD)),
    )


def _channel(value: Any) -> int | str:
    """A numeric id (-100...) as an int, as Telethon wants it; a username as given."""
    text = str(value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _string_list(value: Any) -> list[str]:
    """A list of secrets; a single string is read as comma-separated."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return [item.strip() for item in items if item and item.strip()]
