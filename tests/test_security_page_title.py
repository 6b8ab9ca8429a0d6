"""A page's title names a URL job; control characters in it never fail the job.

Found beside issue 11's over-long language tag (the same class: text from a source that
PostgreSQL refuses): yt-dlp hands back a page's <title> with a NUL byte in it as it is, and
the job's source_name could not be saved on PostgreSQL. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from ingest_core import native_download
from streaming.ingest import service
from streaming.ingest.runner import run_inline
from streaming.models import IngestJob
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import Page, source_server
from tests.support.ingest_helpers import not_queued

PAGE = (
    b"<!DOCTYPE html><html><head><title>Night\x00Film\x07 \x1b[31m2019\t</title></head>"
    b'<body><video src="film.mp4"></video></body></html>'
)


@pytest.mark.django_db(transaction=True)
def test_a_page_title_with_control_characters_names_the_job_without_them(
    alpha, ingest_dirs, test_media, settings, monkeypatch
):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_MAX_ATTEMPTS = 1
    monkeypatch.setattr(native_download, "sleep", lambda seconds: None)
    with source_server() as server:
        server.route("/film.mp4", Served(test_media.mp4_faststart.read_bytes()))
        url = server.route("/watch", Page(PAGE))
        [job] = service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)
        job = run_inline(job)

    assert job.state == IngestJob.State.DONE, job.error
    assert job.source_name == "Night Film [31m2019"
    assert job.media_file is not None
