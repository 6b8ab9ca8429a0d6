"""Connecting to Telegram with Telethon: the default client factory for the session pool,
and calling a request on the data centre that holds a file.
"""

from __future__ import annotations

from typing import Any

from telethon import TelegramClient
from telethon.sessions import StringSession

from stored_media.storage.base import StorageError
from stored_media.storage.telegram_pool import Credential, TelegramCalls


class TelethonConnector:
    """The default client factory: a connected, signed-in Telethon client per credential."""

    def __init__(
        self,
        api_id: int,
        api_hash: str,
        channel: int | str,
        *,
        timeout: float,
        flood_sleep_threshold: int,
    ) -> None:
        self.api_id, self.api_hash, self.channel = api_id, api_hash, channel
        self.timeout = timeout
        # 0 for reads: every FLOOD_WAIT reaches the pool, which moves the call elsewhere
        # instead of Telethon sleeping on it while the viewer waits.
        self.flood_sleep_threshold = flood_sleep_threshold

    async def __call__(self, credential: Credential) -> TelegramCalls:
        client = TelegramClient(
            StringSession(credential.session),
            self.api_id,
            self.api_hash,
            timeout=int(self.timeout),
            flood_sleep_threshold=self.flood_sleep_threshold,
            receive_updates=False,
        )
        try:
            if credential.bot_token:
                await client.start(bot_token=credential.bot_token)
            else:
                await client.connect()
                if not await client.is_user_authorized():
                    raise StorageError("a session in TELEGRAM_SESSIONS is not signed in")
            await self._find_channel(client, credential)
        except Exception:
            await client.disconnect()
            raise
        return client

    async def _find_channel(self, client: Any, credential: Credential) -> None:
        try:
            await client.get_input_entity(self.channel)
            return
        except ValueError:
            if credential.bot_token:
                raise StorageError(
                    f"the bot cannot see Telegram channel {self.channel!r}; make it an admin"
                ) from None
        # Telegram: a user account learns a channel's access hash from its dialogs.
        await client.get_dialogs()
        try:
            await client.get_input_entity(self.channel)
        except ValueError as exc:
            raise StorageError(f"a session cannot see Telegram channel {self.channel!r}") from exc


async def call_on_dc(client: Any, request: Any, dc_id: int) -> Any:
    """Telegram serves a file only from the data centre that stores it (others answer
    FILE_MIGRATE_X). Telethon has no public "call on DC n"; its own downloader borrows an
    exported sender the same way."""
    if not dc_id or dc_id == client.session.dc_id:
        return await client(request)
    sender = await client._borrow_exported_sender(dc_id)
    try:
        return await client._call(sender, request)
    finally:
        await client._return_exported_sender(sender)
