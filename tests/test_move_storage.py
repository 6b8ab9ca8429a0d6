"""manage.py move_storage: objects move from local disk to S3 (moto's server) and back while
the origin serves them; a link issued before the move answers the same bytes before, between
objects, after, and once the old copies are gone. A move cut short resumes."""

from __future__ import annotations

import io
import random
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from stored_media import signing
from stored_media.models import RetiredCopy, StoredObject
from stored_media.moving import move_objects
from tests import factories
from tests.factories import publish_film
from tests.support.http_probe import fetch
from tests.support.serving import use_s3, uvicorn_in_thread

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BODIES = [random.Random(n).randbytes(40_000 + n) for n in range(3)]


@pytest.fixture
def films(settings, tmp_path, alpha) -> list[StoredObject]:
    settings.MEDIA_ROOT = tmp_path / "media"
    return [
        publish_film(factories.stored(f"Film {n}.mp4", body), name=f"Film {n}").stored
        for n, body in enumerate(BODIES)
    ]


@pytest.fixture
def serving(settings, films):
    """moto's S3 server and the origin (uvicorn) serving this test's database."""
    with ExitStack() as stack:
        use_s3(stack, settings)
        yield stack.enter_context(uvicorn_in_thread())


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("move_storage", *args, stdout=out)
    return out.getvalue()


class Viewer:
    """Links fetched once, before any move, and played again whenever asked."""

    def __init__(self, port: int, objects: list[StoredObject]) -> None:
        self.port = port
        expires = int(time.time()) + 600
        self.links = [signing.sign(obj.media_uri, expires) for obj in objects]
        self.etags = [obj.etag for obj in objects]
        self.plays = 0

    def plays_the_same_bytes(self) -> None:
        for link, body, etag in zip(self.links, BODIES, self.etags, strict=True):
            answer = fetch(self.port, link, {"Range": "bytes=100-4099"})
            assert (answer.status, answer.body) == (206, body[100:4100])
            assert answer.headers["etag"] == etag  # a player's If-Range still matches
        self.plays += 1


def backends() -> list[str]:
    return list(StoredObject.objects.order_by("pk").values_list("backend", flat=True))


def test_links_answer_the_same_bytes_before_during_and_after_a_move_and_back(
    serving, films, settings
):
    viewer = Viewer(serving, films)
    viewer.plays_the_same_bytes()

    report = move_objects("local", "s3", say=lambda line: None,
                          after_each=lambda _obj: viewer.plays_the_same_bytes())  # fmt: skip

    assert (report.moved, viewer.plays, backends()) == (3, 4, ["s3"] * 3)
    local_files = [settings.MEDIA_ROOT / obj.key for obj in films]
    assert all(path.exists() for path in local_files)  # kept through the grace period
    RetiredCopy.objects.update(delete_after=timezone.now() - timedelta(seconds=1))
    assert run("--purge").strip().endswith("\ndeleted 3 old copies")
    assert not any(path.exists() for path in local_files)
    viewer.plays_the_same_bytes()  # from S3 alone now

    output = run("--to", "local", "--grace", "0")
    assert "moved 3 objects" in output
    assert "0 left on s3" in output
    assert "deleted 3 old copies" in run("--purge")
    viewer.plays_the_same_bytes()
    assert backends() == ["local"] * 3
    assert RetiredCopy.objects.count() == 0


class Interrupted(Exception):
    pass


def test_an_interrupted_move_resumes_with_what_is_left(serving, films):
    def stop_after_first(_obj):
        raise Interrupted

    with pytest.raises(Interrupted):
        move_objects("local", "s3", say=lambda line: None, after_each=stop_after_first)
    assert backends() == ["s3", "local", "local"]
    assert "would move 2 objects" in run("--to", "s3", "--dry-run")
    assert backends() == ["s3", "local", "local"]  # a dry run moves nothing

    output = run("--to", "s3")

    assert "[2/2] object" in output
    assert "moved 2 objects" in output
    assert backends() == ["s3"] * 3
    assert RetiredCopy.objects.count() == 3
    Viewer(serving, films).plays_the_same_bytes()


def test_a_copy_that_differs_from_its_record_is_not_switched(serving, films, settings):
    StoredObject.objects.filter(pk=films[0].pk).update(sha256="0" * 64)

    with pytest.raises(Exception, match="the copy differs from the record"):
        run("--to", "s3")
    assert backends() == ["local"] * 3
    assert RetiredCopy.objects.count() == 0


def test_bad_arguments_get_a_clear_error(films):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--to local or --to s3"):
        run()
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        run("--to", "s3", "--limit", "0")
