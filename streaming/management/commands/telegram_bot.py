"""Run the Telegram bot that lets operators queue downloads with /leech."""

from __future__ import annotations

import asyncio
import functools

from django.conf import settings
from django.core.management.base import CommandError
from telethon import TelegramClient, events
from telethon.errors import RPCError
from telethon.sessions import StringSession

from shadowvault.migrated_database import MigratedDatabaseCommand
from streaming.ingest.telegram_leech import follow_job, handle_leech

# Telethon matches the pattern against the message text; "/leech@BotName" is how Telegram
# addresses a command to one bot in a group.
LEECH_PATTERN = r"^/leech(@\w+)?(\s|$)"
REQUIRED = ("TELEGRAM_API_ID", "TELEGRAM_API_HASH", "TELEGRAM_LEECH_BOT_TOKEN")


class Command(MigratedDatabaseCommand):
    help = (
        "Run the Telegram bot that takes '/leech <url> [<url> ...]' from the operators listed "
        "in TELEGRAM_OPERATOR_IDS, queues one ingest job per URL on the site "
        "TELEGRAM_LEECH_SITE names (default: the first active site), and edits its reply as "
        "each job progresses. Signs in with TELEGRAM_API_ID, TELEGRAM_API_HASH and "
        "TELEGRAM_LEECH_BOT_TOKEN; runs until disconnected or stopped with Ctrl-C."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--poll-seconds",
            type=float,
            default=5.0,
            help="How often each reply is refreshed with its job's progress (default: 5).",
        )

    def handle(self, *args, poll_seconds: float, **options) -> None:
        missing = [name for name in REQUIRED if not getattr(settings, name, None)]
        if missing:
            raise CommandError(f"the Telegram bot needs {', '.join(missing)} to be set")
        if poll_seconds <= 0:
            raise CommandError("--poll-seconds must be more than 0")
        if not settings.TELEGRAM_OPERATOR_IDS:
            self.stderr.write(
                "TELEGRAM_OPERATOR_IDS is empty: the bot will refuse /leech from everyone."
            )
        try:
            asyncio.run(self._run(poll_seconds))
        except KeyboardInterrupt:
            self.stdout.write("stopped")

    async def _run(self, poll_seconds: float) -> None:
        # The token is the bot's only secret: sign in with it on every start and keep no
        # session file on disk.
        client = TelegramClient(
            StringSession(), settings.TELEGRAM_API_ID, settings.TELEGRAM_API_HASH
        )
        # Plain text both ways: URLs and error messages must not be read as Markdown.
        client.parse_mode = None
        try:
            await client.start(bot_token=settings.TELEGRAM_LEECH_BOT_TOKEN)
            me = await client.get_me()
        except (RPCError, ConnectionError, OSError) as error:
            await client.disconnect()
            raise CommandError(f"could not sign the bot in to Telegram: {error}") from error
        follow = functools.partial(follow_job, poll_seconds=poll_seconds)

        async def on_leech(event) -> None:
            await handle_leech(event, follow=follow, bot_username=me.username)

        client.add_event_handler(on_leech, events.NewMessage(pattern=LEECH_PATTERN))
        self.stdout.write(f"@{me.username} is taking /leech commands; Ctrl-C stops it")
        try:
            await client.run_until_disconnected()
        finally:
            await client.disconnect()
