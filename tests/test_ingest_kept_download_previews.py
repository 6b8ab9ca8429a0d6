"""A download kept as it is (a faststart H.264/AAC MP4) is moved into storage before the
previews are made; they must be made from the stored file, not from the moved-away source
(issue 12: every such job logged "no seek previews / no poster frame: No such file")."""

from __future__ import annotations

import pytest

from stored_media.storage import get_backend
from streaming.ingest import service
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import source_server
from tests.support.ingest_helpers import leftovers, not_queued

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_kept_download_gets_its_poster_frame_and_sprite(alpha, settings, ingest_dirs, test_media):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    data = test_media.mp4_faststart.read_bytes()
    with source_server() as server:
        url = server.route("/Kept.As.It.Is.2022.mp4", Served(data, "video/mp4"))
        [job] = service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)
        job = run_inline(job)

    assert job.state == IngestJob.State.DONE, job.error
    assert "as is" in job.log, "the plan kept the file: the case this test is about"
    stored = get_backend(job.media_file.stored.backend).local_path(job.media_file.stored.key)
    assert stored.read_bytes() == data, "kept byte for byte"
    assert "No such file" not in job.log
    assert "no seek previews" not in job.log
    assert "no poster frame" not in job.log
    media = job.media_file
    assert media.sprite is not None
    assert media.thumbnails is not None
    assert job.title.poster, "a frame of the stored video became the poster"
    assert "poster taken from a frame of the video" in job.log
    assert leftovers(ingest_dirs) == []
