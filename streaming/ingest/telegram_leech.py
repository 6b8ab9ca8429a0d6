"""The Telegram bot's `/leech` command: an operator sends URLs from a chat, the bot queues one
ingest job per URL and keeps its reply up to date until the job ends.

`handle_leech` takes a Telethon `events.NewMessage.Event` (it uses `sender_id`, `raw_text`
and `reply`); `follow_job` edits one reply as its job moves. Both are plain coroutines, so the
`telegram_bot` command only wires them to a client and tests call them with a double
(tests/support/telethon_event_double.py). The database is reached through `sync_to_async`.

Telegram: editing a message to the text it already shows fails with MESSAGE_NOT_MODIFIED,
so the follower edits only when its text changes, and a message holds at most 4096
characters. Texts are plain (the command turns Telethon's Markdown parsing off), so URLs and
error messages reach the chat as they are.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.urls import reverse
from telethon.errors import FloodWaitError, MessageNotModifiedError

from ingest_core.errors import IngestError
from ingest_core.progress_text import human_bytes
from streaming.ingest.service import submit_urls
from streaming.models import IngestJob
from tenants.middleware import tenant_for_host
from tenants.models import Tenant

logger = logging.getLogger(__name__)

COMMAND = re.compile(r"^/leech(?:@(?P<bot>\w+))?(?:\s+(?P<rest>.*))?$", re.DOTALL)
USAGE = (
    "Usage: /leech <url> [<url> ...]\n"
    "Queues each URL (a video file, a page with a video, or an HLS playlist) for download."
)
NOT_ALLOWED = "Sorry, /leech is only for this site's operators."
MESSAGE_LIMIT = 4096  # Telegram: characters in one text message
SHOWN_ERROR = 1500  # characters of a job's error shown in the chat

Submit = Callable[..., list[IngestJob]]
Follow = Callable[..., Coroutine]


class NoLeechSite(Exception):
    """No site to add the videos to: TELEGRAM_LEECH_SITE names no active site, or none exists."""


@dataclass(frozen=True)
class JobView:
    """What the chat shows of a job, read in one go so async code touches no lazy fields."""

    pk: int
    source: str
    state: str
    state_label: str
    percent: int | None
    speed_bps: int | None
    eta_seconds: int | None
    error: str
    is_finished: bool
    title: str = ""
    title_url: str = ""


def is_operator(sender_id: int | None) -> bool:
    allowed = {str(i).strip() for i in settings.TELEGRAM_OPERATOR_IDS if str(i).strip()}
    return sender_id is not None and str(sender_id) in allowed


def leech_site() -> Tenant:
    """The site TELEGRAM_LEECH_SITE names (a hostname), else the first active site."""
    hostname = settings.TELEGRAM_LEECH_SITE
    if hostname:
        tenant = tenant_for_host(hostname)
        if tenant is None:
            raise NoLeechSite(
                f"TELEGRAM_LEECH_SITE {hostname} is not the hostname of an active site"
            )
        return tenant
    tenant = Tenant.objects.active().order_by("pk").first()
    if tenant is None:
        raise NoLeechSite("there is no active site to add videos to")
    return tenant


async def follow_job(
    message,
    job_id: int,
    poll_seconds: float = 5,
    *,
    sleep: Callable[[float], Coroutine] = asyncio.sleep,
) -> JobView | None:
    """Edit `message` with the job's state, percent, speed and ETA whenever they change,
    until the job is finished; returns what it showed last (None if the job was deleted)."""
    # Telethon's Message keeps the text it was sent with (an edit returns a new Message),
    # so the follower remembers what the chat shows instead of reading it back.
    shown = message.text or ""
    while True:
        try:
            view = await sync_to_async(job_view)(job_id)
        except DatabaseError:
            # The job goes on without the chat; a database restart must not end the follower.
            logger.warning("could not read ingest job %s; trying again", job_id, exc_info=True)
            await sleep(poll_seconds)
            continue
        if view is None:
            await _edit(message, f"Job #{job_id} was deleted.")
            return None
        text = progress_text(view)
        if text != shown:
            await _edit(message, text)
            shown = text
        if view.is_finished:
            return view
        await sleep(poll_seconds)


async def _edit(message, text: str) -> None:
    try:
        await message.edit(text)
    except MessageNotModifiedError:
        pass  # Telegram already shows this text
    except FloodWaitError as wait:
        # Telegram: too many edits; wait as told, the next poll sends the newest text.
        await asyncio.sleep(wait.seconds)


def job_view(job_id: int) -> JobView | None:
    _fresh_connection()
    job = IngestJob.objects.select_related("title", "tenant").filter(pk=job_id).first()
    if job is None:
        return None
    title, title_url = "", ""
    if job.state in (IngestJob.State.DONE, IngestJob.State.DUPLICATE) and job.title is not None:
        title = job.title.title
        title_url = _page_url(job.tenant, reverse("title-page", args=[job.title.slug]))
    return JobView(
        pk=job.pk,
        source=job.source,
        state=job.state,
        state_label=str(job.get_state_display()),
        percent=job.percent,
        speed_bps=job.speed_bps,
        eta_seconds=job.eta_seconds,
        error=job.error or job.note,
        is_finished=job.is_finished,
        title=title,
        title_url=title_url,
    )


def _page_url(tenant: Tenant, path: str) -> str:
    domain = tenant.primary_domain
    return f"https://{domain.hostname}{path}" if domain else path


async def handle_leech(
    event,
    *,
    submit: Submit = submit_urls,
    tenant_lookup: Callable[[], Tenant] = leech_site,
    follow: Follow | None = follow_job,
    bot_username: str | None = None,
) -> list[int]:
    """Answer one `/leech` message; returns the ids of the jobs it queued.

    `follow` (usually `follow_job`) is started as a background task for each job's reply.
    With `bot_username`, a `/leech@OtherBot` meant for another bot in a group is ignored.
    """
    match = COMMAND.match((event.raw_text or "").strip())
    if match is None:
        return []
    mentioned = match.group("bot")
    if mentioned and bot_username and mentioned.lower() != bot_username.lower():
        return []
    if not is_operator(event.sender_id):
        logger.info("refused /leech from Telegram user %s", event.sender_id)
        await event.reply(NOT_ALLOWED)
        return []
    urls = (match.group("rest") or "").split()
    if not urls:
        await event.reply(USAGE)
        return []
    try:
        queued = await sync_to_async(_queue)(urls, event.sender_id, submit, tenant_lookup)
    except (IngestError, NoLeechSite) as refused:  # a refused URL, a host that does not resolve
        await event.reply(_fit(str(refused)))
        return []
    for pk, source in queued:
        message = await event.reply(queued_text(pk, source))
        if follow is not None:
            _in_background(follow(message, pk))
    return [pk for pk, _ in queued]


def _queue(urls, sender_id, submit: Submit, tenant_lookup) -> list[tuple[int, str]]:
    _fresh_connection()
    jobs = submit(urls, tenant=tenant_lookup(), via=f"telegram:{sender_id}", publish=True)
    return [(job.pk, job.source) for job in jobs]


def _fresh_connection() -> None:
    # The bot has no requests whose end would recycle the database connection: drop one
    # the server closed or that outlived CONN_MAX_AGE, as Django does between requests.
    if not connection.in_atomic_block:
        close_old_connections()


_followers: set[asyncio.Task] = set()


def _in_background(coroutine: Coroutine) -> None:
    # The loop keeps only weak references to tasks: hold them until they finish.
    task = asyncio.ensure_future(coroutine)
    _followers.add(task)
    task.add_done_callback(_followers.discard)
    task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("a /leech follower stopped", exc_info=task.exception())


def queued_text(pk: int, source: str) -> str:
    return _fit(f"Queued job #{pk} for {source}")


def progress_text(view: JobView) -> str:
    """The reply's text for a job as it is now (plain text, at most one message long)."""
    if view.state == IngestJob.State.QUEUED:
        return queued_text(view.pk, view.source)
    if view.state == IngestJob.State.DONE:
        if view.title_url:
            return _fit(f"Job #{view.pk} done: {view.title}\n{view.title_url}")
        return _fit(f"Job #{view.pk} done.\n{view.source}")
    if view.state == IngestJob.State.DUPLICATE:
        return _fit(f"Job #{view.pk}: {view.error}\n{view.title_url or view.source}")
    if view.state == IngestJob.State.FAILED:
        error = view.error[:SHOWN_ERROR] or "no reason recorded"
        return _fit(f"Job #{view.pk} failed: {error}\n{view.source}")
    if view.state == IngestJob.State.CANCELLED:
        return _fit(f"Job #{view.pk} was cancelled.\n{view.source}")
    figures = [f"{view.percent}%" if view.percent is not None else ""]
    if view.speed_bps:
        figures.append(f"{human_bytes(view.speed_bps)}/s")
    if view.eta_seconds is not None and view.eta_seconds >= 0:
        figures.append(f"ETA {human_duration(view.eta_seconds)}")
    shown = " · ".join(f for f in figures if f)
    line = f"Job #{view.pk} {view.state_label.lower()}" + (f": {shown}" if shown else "")
    return _fit(f"{line}\n{view.source}")


def human_duration(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def _fit(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"
