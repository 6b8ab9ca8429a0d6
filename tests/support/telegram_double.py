"""A stand-in for Telegram's servers and the few Telethon client calls the backend makes.

Telegram cannot be reached from the test machines, so `FakeTelegram` plays the server side
and hands out `FakeClient`s through `connect`, which has the shape of the backend's
`client_factory`. What each piece stands for (https://core.telegram.org/api/files):

- `FakeClient.__call__(GetFileRequest)` is `upload.getFile`. It enforces the rules for requests
  without the `precise` flag and fails the way Telegram does: OFFSET_INVALID when the offset is
  not a multiple of 4 KiB, LIMIT_INVALID when the limit is not a multiple of 4 KiB, does not
  divide 1 MiB, or the request crosses a 1 MiB boundary. It answers `upload.file` with at most
  `limit` bytes, fewer at the end of the document. Every call takes `latency` seconds (a round
  trip to a data centre; benchmarks use about 0.15 s).
- FLOOD_WAIT: `flood_next(calls, seconds)` makes the next getFile calls (of one client, or of
  any) fail with FloodWaitError, as Telegram does when an account asks too much.
- File references: a document's `file_reference` is only good until `expire_file_references`;
  after that getFile fails with FILE_REFERENCE_EXPIRED, and only a fresh `get_messages` gives
  the new reference, as in Telegram.
- A location whose document id or access hash the server does not know fails with
  FILE_ID_INVALID (a deleted message's document is gone).
- `send_file` / `get_messages` / `delete_messages` keep messages with documents in memory and
  return Telethon's own TL objects (`types.Message`, `types.Document`). `send_file` reads the
  file in 512 KiB pieces and reports progress after each, as Telethon's uploader does.
- A disconnected client refuses calls with ConnectionError, as Telethon does.

Simplifications: one data centre (every document lives in the clients' home DC), one access
hash per document for every account, no CDN redirects, no `precise` flag.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace

from telethon.errors import (
    FileIdInvalidError,
    FileReferenceExpiredError,
    FloodWaitError,
    LimitInvalidError,
    OffsetInvalidError,
)
from telethon.tl import functions, types

PAGE = 4 * 1024
CHUNK = 1024 * 1024
UPLOAD_PIECE = 512 * 1024  # Telethon's largest upload part


@dataclass
class _Flood:
    calls: int
    seconds: int
    client: str | None


@dataclass
class _Stored:
    body: bytes
    document: types.Document
    message: types.Message


@dataclass
class FakeTelegram:
    """The server: documents, messages, injected failures and counters."""

    channel: int | str = "shadowvault_media"
    latency: float = 0.0
    dc_id: int = 2
    get_file_calls: int = 0
    get_messages_calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    clients: list[FakeClient] = field(default_factory=list)
    requests: list[tuple[str, int, int]] = field(default_factory=list)
    _stored: dict[int, _Stored] = field(default_factory=dict)  # by message id
    _floods: list[_Flood] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(101))

    async def connect(self, credential) -> FakeClient:
        """A `client_factory` for the backend: one client per session string or bot token."""
        client = FakeClient(self, credential.session or f"bot:{credential.bot_token}")
        self.clients.append(client)
        return client

    def client(self, name: str) -> FakeClient:
        """The latest connection of that session (saves and reads each make their own)."""
        return [c for c in self.clients if c.name == name][-1]

    def flood_next(self, calls: int, seconds: int, *, client: str | None = None) -> None:
        self._floods.append(_Flood(calls, seconds, client))

    def expire_file_references(self) -> None:
        for stored in self._stored.values():
            stored.document.file_reference = secrets.token_bytes(16)

    def store(self, body: bytes, caption: str = "", name: str = "file") -> types.Message:
        """Put a document in the channel, as an upload would."""
        document = types.Document(
            id=next(self._ids) * 1_000_003,
            access_hash=secrets.randbits(63),
            file_reference=secrets.token_bytes(16),
            date=datetime.now(tz=UTC),
            mime_type="application/octet-stream",
            size=len(body),
            dc_id=self.dc_id,
            attributes=[types.DocumentAttributeFilename(file_name=name)],
        )
        message = types.Message(
            id=next(self._ids),
            peer_id=types.PeerChannel(channel_id=777),
            date=datetime.now(tz=UTC),
            message=caption,
            media=types.MessageMediaDocument(document=document),
        )
        self._stored[message.id] = _Stored(body, document, message)
        return message

    def message_ids(self) -> list[int]:
        return sorted(self._stored)

    def caption(self, message_id: int) -> str:
        return self._stored[message_id].message.message

    def _check_channel(self, entity) -> None:
        if entity != self.channel:
            raise ValueError(f"Cannot find any entity corresponding to {entity!r}")

    def _take_flood(self, client: FakeClient) -> int | None:
        for flood in self._floods:
            if flood.calls > 0 and flood.client in (None, client.name):
                flood.calls -= 1
                return flood.seconds
        return None

    def _body_for(self, request) -> bytes:
        location = request.location
        if not isinstance(location, types.InputDocumentFileLocation) or location.thumb_size:
            raise FileIdInvalidError(request=request)
        for stored in self._stored.values():
            document = stored.document
            if document.id == location.id and document.access_hash == location.access_hash:
                if document.file_reference != location.file_reference:
                    raise FileReferenceExpiredError(request=request)
                return stored.body
        raise FileIdInvalidError(request=request)


class FakeClient:
    """One account's connection: the Telethon calls the backend makes."""

    def __init__(self, server: FakeTelegram, name: str) -> None:
        self.server = server
        self.name = name
        self.session = SimpleNamespace(dc_id=server.dc_id)
        self.connected = True
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def __repr__(self) -> str:
        return f"FakeClient({self.name!r})"

    async def __call__(self, request):
        if not isinstance(request, functions.upload.GetFileRequest):
            raise NotImplementedError(f"the double does not answer {type(request).__name__}")
        self._require_connection()
        server = self.server
        server.get_file_calls += 1
        self.calls += 1
        server.requests.append((self.name, request.offset, request.limit))
        server.in_flight += 1
        self.in_flight += 1
        server.max_in_flight = max(server.max_in_flight, server.in_flight)
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(server.latency)  # the round trip to the data centre
            return self._get_file(request)
        finally:
            server.in_flight -= 1
            self.in_flight -= 1

    def _get_file(self, request) -> types.upload.File:
        if (seconds := self.server._take_flood(self)) is not None:
            raise FloodWaitError(request=request, capture=seconds)
        assert not request.precise, "the double models getFile without the precise flag"
        offset, limit = request.offset, request.limit
        # Telegram: offset divisible by 4 KiB.
        if offset < 0 or offset % PAGE:
            raise OffsetInvalidError(request=request)
        # Telegram: limit divisible by 4 KiB, 1 MiB divisible by limit, and the request
        # stays inside one 1 MiB chunk.
        if limit <= 0 or limit % PAGE or CHUNK % limit:
            raise LimitInvalidError(request=request)
        if offset // CHUNK != (offset + limit - 1) // CHUNK:
            raise LimitInvalidError(request=request)
        body = self.server._body_for(request)
        return types.upload.File(
            type=types.storage.FileUnknown(), mtime=0, bytes=body[offset : offset + limit]
        )

    async def get_messages(self, entity, ids):
        self._require_connection()
        self.server._check_channel(entity)
        self.server.get_messages_calls += 1
        await asyncio.sleep(self.server.latency)

        def one(message_id):
            stored = self.server._stored.get(message_id)
            return stored.message if stored else None

        # Telethon: a single id gives one message or None, a list gives a list.
        return [one(i) for i in ids] if isinstance(ids, list) else one(ids)

    async def send_file(
        self,
        entity,
        file,
        *,
        caption: str = "",
        force_document: bool = False,
        file_size: int | None = None,
        progress_callback=None,
        attributes=None,
        mime_type: str | None = None,
        **_kwargs,
    ) -> types.Message:
        self._require_connection()
        self.server._check_channel(entity)
        assert force_document, "media is stored as documents so Telegram keeps the bytes as-is"
        pieces, sent = [], 0
        while file_size is None or sent < file_size:
            piece = file.read(
                UPLOAD_PIECE if file_size is None else min(UPLOAD_PIECE, file_size - sent)
            )
            if not piece:
                break
            pieces.append(piece)
            sent += len(piece)
            if progress_callback:
                progress_callback(sent, file_size or sent)
            await asyncio.sleep(0)
        name = next(
            (a.file_name for a in attributes or [] if hasattr(a, "file_name")),
            getattr(file, "name", "file"),
        )
        return self.server.store(b"".join(pieces), caption=caption, name=name)

    async def delete_messages(self, entity, message_ids) -> list:
        self._require_connection()
        self.server._check_channel(entity)
        ids = message_ids if isinstance(message_ids, list) else [message_ids]
        for message_id in ids:
            # Telegram: deleting a message that is already gone is not an error.
            self.server._stored.pop(message_id, None)
        return [types.messages.AffectedMessages(pts=1, pts_count=len(ids))]

    async def disconnect(self) -> None:
        self.connected = False

    def _require_connection(self) -> None:
        if not self.connected:
            raise ConnectionError("Cannot send requests while disconnected")
