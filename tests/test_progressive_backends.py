"""Progressive segments go to every storage backend as they are made, read back as ffmpeg
wrote them, serve through the stream view, and leave with their rendition.

A real supervisor (streaming/progressive/supervisor.py) runs a real ffmpeg over a short
HEVC clip, on its own thread and database connection as in the process step, with
MEDIA_STORAGE set to local, S3 (moto's server) or Telegram (tests/support/telegram_double.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import boto3
import pytest
from django.db import close_old_connections, connection

from stored_media.models import StoredObject
from stored_media.signing import signed_link
from stored_media.storage import get_backend, override_backend
from stored_media.storage.base import ObjectMissing
from stored_media.storage.telegram import TelegramBackend
from streaming.ingest.media_plan import VideoStep, plan_for
from streaming.ingest.probe import probe
from streaming.models import MediaFile, ProgressiveRendition, ProgressiveSegment
from streaming.progressive import supervisor as supervisor_module
from streaming.progressive.cleanup import remove_rendition
from streaming.progressive.supervisor import Supervisor
from tests import factories
from tests.support.http_probe import fetch
from tests.support.media_factory import ffmpeg
from tests.support.serving import use_s3, uvicorn_in_thread
from tests.support.telegram_double import FakeTelegram

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SECONDS = 9  # three segments of 4 s: 4, 4 and 1
RUN_TIMEOUT = 120


@pytest.fixture(scope="module")
def hevc_clip(tmp_path_factory) -> Path:
    """HEVC and AC-3 in Matroska: a file whose video the plan re-encodes."""
    path = tmp_path_factory.mktemp("progressive") / "hevc.mkv"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"),
        *("-t", str(SECONDS), "-c:v", "libx265", "-preset", "ultrafast"),
        *("-x265-params", "log-level=error", "-c:a", "ac3", str(path)),
    )
    return path


@pytest.fixture(params=["local", "s3", "telegram"])
def backend(request, settings, tmp_path) -> Iterator[tuple[str, dict | FakeTelegram | None]]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.MEDIA_STORAGE = request.param
    settings.PROGRESSIVE_SLOT_DIR = tmp_path / "slots"
    settings.PROGRESSIVE_ENCODERS = 2
    with ExitStack() as stack:
        if request.param == "s3":
            yield request.param, use_s3(stack, settings)
        elif request.param == "telegram":
            server = FakeTelegram()
            telegram = TelegramBackend(
                channel=server.channel, sessions=["session-a"], client_factory=server.connect
            )
            stack.enter_context(override_backend("telegram", telegram))
            yield request.param, server
        else:
            yield request.param, None


class Written:
    """What ffmpeg wrote, by stored name, read before the supervisor hands it to storage
    (segments are moved there: afterwards only the backend has them)."""

    def __init__(self, monkeypatch) -> None:
        self.bodies: dict[str, bytes] = {}
        real = supervisor_module.store_file

        def recording(source: Path, filename: str, *args, **kwargs) -> StoredObject:
            self.bodies[filename] = Path(source).read_bytes()
            return real(source, filename, *args, **kwargs)

        monkeypatch.setattr(supervisor_module, "store_file", recording)


def supervise(source: Path, work: Path) -> Supervisor:
    """A supervisor over `source`, run on a thread of its own until every segment is stored
    (as progressive_step.encoders_beside runs it); the film goes live on its first segment."""
    facts = probe(source)
    plan = plan_for(facts, False)
    assert plan.video is VideoStep.ENCODE

    def go_live(fields: dict) -> ProgressiveRendition:
        media = MediaFile.objects.create(
            title=factories.film("Slow Film"), stored=None, duration_seconds=facts.duration
        )
        return ProgressiveRendition.objects.create(media_file=media, **fields)

    supervisor = Supervisor(
        source=source,
        plan=plan,
        duration=float(facts.duration),
        width=facts.video.width,
        height=facts.video.height,
        folder=work / "progressive",
        stem="slow-film",
        go_live=go_live,
    )
    thread = threading.Thread(target=_run, args=(supervisor,), name="progressive")
    thread.start()
    thread.join(RUN_TIMEOUT)
    if thread.is_alive():
        supervisor.stop()
        thread.join()
        pytest.fail(f"the supervisor did not finish {SECONDS} s of video in {RUN_TIMEOUT} s")
    return supervisor


def _run(supervisor: Supervisor) -> None:
    close_old_connections()
    try:
        supervisor.run()
    finally:
        connection.close()


def read_back(obj: StoredObject) -> bytes:
    backend = get_backend(obj.backend)

    async def collect() -> bytes:
        try:
            chunks = backend.read_range(obj.key, obj.part_list, 0, obj.size, 65536)
            return b"".join([chunk async for chunk in chunks])
        finally:
            aclose = getattr(backend, "aclose", None)
            if aclose is not None:
                await aclose()

    return asyncio.run(collect())


def boxes(data: bytes) -> list[str]:
    """The top-level ISO BMFF box types of `data`, in order."""
    found, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        found.append(data[at + 4 : at + 8].decode("latin-1"))
        if size < 8:
            break
        at += size
    return found


def in_backend(name: str, place, obj: StoredObject) -> bool:
    """Whether the backend itself (not only the row) holds the object."""
    if name == "local":
        path = get_backend(name).local_path(obj.key)
        return path is not None and path.exists()
    if name == "s3":
        return obj.key in s3_keys(place)
    return {part.ref["message_id"] for part in obj.part_list} <= set(place.message_ids())


def s3_keys(place: dict) -> set[str]:
    s3 = boto3.client(
        "s3",
        endpoint_url=place["endpoint"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    listed = s3.list_objects_v2(Bucket=place["bucket"])
    return {entry["Key"] for entry in listed.get("Contents", [])}


def nothing_left(name: str, place, tmp_path: Path) -> bool:
    if name == "local":
        return not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    if name == "s3":
        return s3_keys(place) == set()
    return place.message_ids() == []


def test_segments_are_stored_in_the_backend_as_ffmpeg_wrote_them(
    alpha, backend, hevc_clip, tmp_path, monkeypatch
):
    name, place = backend
    written = Written(monkeypatch)

    supervisor = supervise(hevc_clip, tmp_path / "work")

    assert supervisor.error is None
    rendition = ProgressiveRendition.objects.get()
    assert rendition.state == ProgressiveRendition.State.FINISHED
    assert (rendition.segment_count, rendition.height) == (3, 180)
    assert rendition.codecs.startswith("avc1.")
    segments = list(rendition.segments.select_related("stored", "init"))
    assert [s.number for s in segments] == [0, 1, 2]
    assert [s.start for s in segments] == [0.0, 4.0, 8.0]
    assert len({s.init_id for s in segments}) == 1  # one encoder run made them all
    init = segments[0].init
    assert init.backend == name
    assert init.content_type == "video/mp4"
    assert in_backend(name, place, init)
    assert read_back(init) == written.bodies["slow-film-init.mp4"]
    assert boxes(read_back(init))[:2] == ["ftyp", "moov"]
    for segment in segments:
        obj = segment.stored
        assert obj.backend == name
        assert obj.content_type == "video/iso.segment"
        assert obj.filename == f"slow-film-seg-{segment.number:05d}.m4s"
        assert in_backend(name, place, obj)
        body = read_back(obj)
        assert body == written.bodies[obj.filename]
        assert {"moof", "mdat"} <= set(boxes(body))
    assert not (tmp_path / "work" / "progressive").exists() or not any(
        p.is_file() for p in (tmp_path / "work" / "progressive").rglob("*")
    ), "the encoder runs' folders are removed"


def test_a_stored_segment_serves_through_the_stream_view(
    alpha, beta, backend, hevc_clip, tmp_path, monkeypatch, settings
):
    settings.STREAM_BEHIND_GATEWAY = False
    written = Written(monkeypatch)
    supervise(hevc_clip, tmp_path / "work")
    segment = ProgressiveSegment.objects.select_related("stored", "init").get(number=1)

    with uvicorn_in_thread() as origin:
        whole = fetch(origin, signed_link(segment.stored.media_uri))
        init = fetch(origin, signed_link(segment.init.media_uri), {"Range": "bytes=0-7"})
        elsewhere = fetch(origin, signed_link(segment.stored.media_uri), host="b.test")

    assert whole.status == 200
    assert whole.headers["content-type"] == "video/iso.segment"
    assert whole.body == written.bodies[segment.stored.filename]
    assert init.status == 206
    assert init.body[4:8] == b"ftyp"
    # Beta shows the film too (test_progressive_views hides it there: 404).
    assert elsewhere.status == 200
    assert elsewhere.body == whole.body


def test_removing_the_rendition_removes_its_segments_from_the_backend(
    alpha, backend, hevc_clip, tmp_path
):
    name, place = backend
    supervise(hevc_clip, tmp_path / "work")
    rendition = ProgressiveRendition.objects.get()
    segments = list(rendition.segments.select_related("stored", "init"))
    objects = [s.stored for s in segments] + [segments[0].init]
    assert all(in_backend(name, place, obj) for obj in objects)

    removed = remove_rendition(rendition)

    assert removed == 4  # three segments and their init segment
    assert not ProgressiveRendition.objects.exists()
    assert not ProgressiveSegment.objects.exists()
    assert not StoredObject.objects.filter(pk__in=[obj.pk for obj in objects]).exists()
    assert not any(in_backend(name, place, obj) for obj in objects)
    assert nothing_left(name, place, tmp_path)
    with pytest.raises(ObjectMissing):
        read_back(objects[0])
    assert MediaFile.objects.get().stored_id is None  # the file row is the process step's
