"""The Telegram bot's /leech command, driven with a double of Telethon's message event
(tests/support/telethon_event_double.py) against the real submit service and database."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.management import CommandError, call_command
from telethon import events

from ingest_core import ssrf
from streaming.ingest.service import submit_urls
from streaming.ingest.telegram_leech import (
    NOT_ALLOWED,
    USAGE,
    JobView,
    follow_job,
    handle_leech,
    progress_text,
)
from streaming.management.commands.telegram_bot import LEECH_PATTERN
from streaming.models import IngestJob, Title
from tests.factories import make_site
from tests.support.telethon_event_double import FakeEvent, FakeMessage

OPERATOR = 42
STRANGER = 666
FILM = "https://films.example/big-sample.mp4"
PAGE = "https://films.example/watch/big-sample"
DNS = {"films.example": ["93.184.215.14"]}


@pytest.fixture(autouse=True)
def _operators_and_dns(settings, monkeypatch):
    settings.TELEGRAM_OPERATOR_IDS = [str(OPERATOR)]

    def resolve(host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        if host not in DNS:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return DNS[host]

    monkeypatch.setattr(ssrf, "resolve", resolve)


@pytest.fixture
def queued() -> list[IngestJob]:
    return []


@pytest.fixture
def leech(queued):
    """Run /leech as the bot does, with jobs handed to a list instead of Celery."""
    submit = functools.partial(submit_urls, queue=queued.append)

    def run(text: str, sender: int = OPERATOR, **options) -> FakeEvent:
        event = FakeEvent(raw_text=text, sender_id=sender)
        options.setdefault("follow", None)
        async_to_sync(handle_leech)(event, submit=submit, **options)
        return event

    return run


def test_an_operator_queues_a_url_and_is_told_the_job_number(
    alpha, leech, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = leech(f"/leech {FILM}")

    job = IngestJob.objects.get()
    assert event.reply_texts == [f"Queued job #{job.pk} for {FILM}"]
    assert (job.tenant, job.source, job.via, job.publish) == (alpha, FILM, "telegram:42", True)
    assert queued == [job]


def test_a_stranger_is_refused_politely_and_nothing_is_queued(alpha, leech, queued):
    event = leech(f"/leech {FILM}", sender=STRANGER)

    assert event.reply_texts == [NOT_ALLOWED]
    assert not IngestJob.objects.exists()


def test_leech_without_a_url_answers_with_the_usage(alpha, leech):
    event = leech("/leech   ")

    assert event.reply_texts == [USAGE]
    assert not IngestJob.objects.exists()


def test_a_refused_url_is_answered_with_the_reason_and_nothing_is_queued(alpha, leech):
    event = leech(f"/leech {FILM} http://169.254.169.254/latest/meta-data/")

    [answer] = event.reply_texts
    assert "169.254.169.254" in answer
    assert "cloud metadata" in answer
    assert not IngestJob.objects.exists()


def test_a_host_that_does_not_resolve_yet_is_queued_and_checked_again_by_the_worker(alpha, leech):
    event = leech("/leech https://nowhere.example/film.mp4")

    job = IngestJob.objects.get()
    assert event.reply_texts == [f"Queued job #{job.pk} for https://nowhere.example/film.mp4"]


def test_several_urls_make_one_job_each_in_order(alpha, leech):
    event = leech(f"/leech {FILM}\n{PAGE}")

    jobs = IngestJob.objects.order_by("pk")
    assert [job.source for job in jobs] == [FILM, PAGE]
    assert event.reply_texts == [f"Queued job #{job.pk} for {job.source}" for job in jobs]


def test_the_command_may_name_the_bot_but_one_for_another_bot_is_ignored(alpha, leech):
    ours = leech(f"/leech@VaultBot {FILM}", bot_username="vaultbot")
    theirs = leech(f"/leech@OtherBot {PAGE}", bot_username="VaultBot")

    assert [job.source for job in IngestJob.objects.all()] == [FILM]
    assert len(ours.replies) == 1
    assert theirs.replies == []


def test_a_command_that_only_starts_like_leech_is_not_handled(alpha, leech):
    event = leech(f"/leeches {FILM}")

    assert event.replies == []
    assert not IngestJob.objects.exists()


def test_jobs_go_to_the_site_telegram_leech_site_names(alpha, beta, leech, settings):
    settings.TELEGRAM_LEECH_SITE = "B.test"

    leech(f"/leech {FILM}")

    assert IngestJob.objects.get().tenant == beta


def test_without_a_named_site_jobs_go_to_the_first_active_site(alpha, leech):
    alpha.is_active = False
    alpha.save(update_fields=["is_active"])
    second = make_site("Second", "second.test")

    leech(f"/leech {FILM}")

    assert IngestJob.objects.get().tenant == second


def test_a_named_site_that_does_not_exist_is_reported(alpha, leech, settings):
    settings.TELEGRAM_LEECH_SITE = "nowhere.test"

    event = leech(f"/leech {FILM}")

    assert event.reply_texts == [
        "TELEGRAM_LEECH_SITE nowhere.test is not the hostname of an active site"
    ]
    assert not IngestJob.objects.exists()


def test_each_reply_gets_a_follower_for_its_job(alpha, leech):
    followed: list[tuple[FakeMessage, int]] = []

    def follow(message, job_id):
        followed.append((message, job_id))
        return asyncio.sleep(0)

    event = leech(f"/leech {FILM} {PAGE}", follow=follow)

    pks = list(IngestJob.objects.order_by("pk").values_list("pk", flat=True))
    assert followed == list(zip(event.replies, pks, strict=True))


def make_job(tenant, source: str = FILM) -> IngestJob:
    return IngestJob.objects.create(
        tenant=tenant, via="telegram:42", source=source, source_kind=IngestJob.SourceKind.URL
    )


def follow(job: IngestJob, changes: list) -> tuple[FakeMessage, JobView | None, int]:
    """Follow the job; each poll interval applies the next change (fields to update on its
    row, or a function to call)."""
    message = FakeMessage(f"Queued job #{job.pk} for {job.source}")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        change = changes.pop(0)
        if callable(change):
            await sync_to_async(change)()
        else:
            await sync_to_async(IngestJob.objects.filter(pk=job.pk).update)(**change)

    last = async_to_sync(follow_job)(message, job.pk, 5, sleep=sleep)
    return message, last, len(waits)


def test_the_follower_edits_on_each_change_and_stops_when_the_job_is_done(alpha):
    job = make_job(alpha)
    film = Title.objects.create(title="The Big Sample", slug="the-big-sample")
    downloading = {
        "state": IngestJob.State.DOWNLOADING,
        "bytes_done": 10_000_000,
        "bytes_total": 100_000_000,
        "speed_bps": 2_500_000,
        "eta_seconds": 36,
    }
    processing = {
        "state": IngestJob.State.PROCESSING,
        "step_progress": 0.5,
        "speed_bps": None,
        "eta_seconds": 80,
    }

    message, last, polls = follow(
        job,
        [downloading, {}, processing, {"state": IngestJob.State.DONE, "title": film}],
    )

    assert message.edits == [
        f"Job #{job.pk} downloading: 10% · 2.5 MB/s · ETA 36s\n{FILM}",
        f"Job #{job.pk} processing: 50% · ETA 1m 20s\n{FILM}",
        f"Job #{job.pk} done: The Big Sample\nhttps://a.test/title/the-big-sample/",
    ]
    assert message.refused_edits == []  # never asked Telegram to show what it showed
    assert polls == 4
    assert last.state == IngestJob.State.DONE


def test_the_follower_shows_why_a_job_failed_and_stops(alpha):
    job = make_job(alpha, PAGE)
    failed = {"state": IngestJob.State.FAILED, "error": "no video found on the page " + PAGE}

    message, last, polls = follow(job, [{}, failed])

    assert message.edits == [f"Job #{job.pk} failed: no video found on the page {PAGE}\n{PAGE}"]
    assert message.refused_edits == []
    assert polls == 2
    assert last.is_finished


def test_the_follower_of_a_finished_job_edits_once_and_does_not_wait(alpha):
    job = make_job(alpha)
    IngestJob.objects.filter(pk=job.pk).update(state=IngestJob.State.CANCELLED)

    message, _, polls = follow(job, [])

    assert message.edits == [f"Job #{job.pk} was cancelled.\n{FILM}"]
    assert polls == 0


def test_the_follower_says_so_when_its_job_is_deleted(alpha):
    job = make_job(alpha)

    message, last, polls = follow(job, [IngestJob.objects.filter(pk=job.pk).delete])

    assert message.edits == [f"Job #{job.pk} was deleted."]
    assert last is None
    assert polls == 1


def view(**fields) -> JobView:
    base = {
        "pk": 7,
        "source": FILM,
        "state": IngestJob.State.DOWNLOADING,
        "state_label": "Downloading",
        "percent": None,
        "speed_bps": None,
        "eta_seconds": None,
        "error": "",
        "is_finished": False,
    }
    return JobView(**(base | fields))


def test_progress_shows_only_the_figures_it_knows():
    assert progress_text(view()) == f"Job #7 downloading\n{FILM}"
    assert progress_text(view(percent=3)) == f"Job #7 downloading: 3%\n{FILM}"
    assert progress_text(view(speed_bps=950, eta_seconds=4000)) == (
        f"Job #7 downloading: 950 B/s · ETA 1h 06m\n{FILM}"
    )


def test_a_long_error_still_fits_in_one_telegram_message():
    text = progress_text(view(state=IngestJob.State.FAILED, error="x" * 10_000))

    assert len(text) <= 4096
    assert text.startswith("Job #7 failed: xxx")


def test_the_bot_refuses_to_start_without_its_settings_and_names_them(settings):
    settings.TELEGRAM_API_ID = 12345
    settings.TELEGRAM_API_HASH = ""
    settings.TELEGRAM_LEECH_BOT_TOKEN = ""

    with pytest.raises(CommandError) as refused:
        call_command("telegram_bot")

    assert "TELEGRAM_API_HASH, TELEGRAM_LEECH_BOT_TOKEN" in str(refused.value)
    assert "TELEGRAM_API_ID" not in str(refused.value)


@pytest.mark.parametrize(
    ("text", "handled"),
    [
        ("/leech https://films.example/a.mp4", True),
        ("/leech@VaultBot https://films.example/a.mp4", True),
        ("/leech", True),
        ("/leeches", False),
        ("please /leech this", False),
    ],
)
def test_the_bot_hands_only_leech_commands_to_the_handler(text, handled):
    # Telethon's NewMessage(pattern=...) runs the pattern's match() on the message text.
    assert bool(events.NewMessage(pattern=LEECH_PATTERN).pattern(text)) is handled
