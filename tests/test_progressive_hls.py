"""The HLS EVENT playlist for players with HLS of their own: only the gapless prefix (an EVENT
playlist may only grow at its end), an EXT-X-MAP per encoder run with a discontinuity between
runs, signed links, ENDLIST once complete, members only, and the demand it records; and the
admin's view of a file still being made."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stored_media.objects import store_file
from stored_media.storage import get_backend
from streaming.models import MediaFile, ProgressiveRendition, ProgressiveSegment, Title
from streaming.progressive.playlist import hls_event_playlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendition(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    title = Title.objects.create(title="Event", status=Title.Status.PUBLISHED)
    media = MediaFile.objects.create(title=title, stored=None, duration_seconds=20.0)
    rendition = ProgressiveRendition.objects.create(
        media_file=media, duration=20.0, segment_count=5, codecs="avc1.42c01e,mp4a.40.2"
    )
    blob = tmp_path / "blob"
    blob.write_bytes(b"\0" * 64)
    inits = [store_file(blob, "init.mp4", kind="mp4") for _ in range(2)]
    for number, init in ((0, inits[0]), (1, inits[0]), (2, inits[1]), (4, inits[1])):
        ProgressiveSegment.objects.create(
            rendition=rendition,
            number=number,
            start=number * 4.0,
            duration=4.0,
            init=init,
            stored=store_file(blob, f"seg-{number}.m4s", kind="m4s"),
        )
    return rendition


def test_only_the_gapless_prefix_is_listed_with_a_map_per_run(rendition, rf):
    text = hls_event_playlist(rf.get("/"), rendition)
    lines = text.splitlines()

    assert lines[0] == "#EXTM3U"
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines
    assert text.count("#EXTINF:4.000,") == 3  # 0, 1, 2; not 4, after the gap at 3
    assert text.count("#EXT-X-MAP:URI=") == 2
    assert lines.index("#EXT-X-DISCONTINUITY") < lines.index(
        next(line for line in lines if "seg-2" in line)
    )
    assert "#EXT-X-ENDLIST" not in lines
    assert all("md5=" in line for line in lines if line.startswith("/media/"))


def test_the_list_ends_once_every_segment_exists(rendition, rf):
    segment = rendition.segments.get(number=4)
    ProgressiveSegment.objects.create(
        rendition=rendition, number=3, start=12.0, duration=4.0, init=segment.init,
        stored=store_file(segment_file(segment), "seg-3.m4s", kind="m4s"),
    )  # fmt: skip
    assert hls_event_playlist(rf.get("/"), rendition).rstrip().endswith("#EXT-X-ENDLIST")


def segment_file(segment):
    return get_backend(segment.stored.backend).local_path(segment.stored.key)


def test_members_get_it_and_their_demand_is_recorded(rendition, alpha, client, alice):
    url = reverse("watch-progressive-hls", args=[rendition.media_file_id])
    assert client.get(url, HTTP_HOST="a.test").status_code == 403

    client.force_login(alice)
    response = client.get(url, HTTP_HOST="a.test")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.mpegurl"
    assert response["Cache-Control"] == "private, max-age=1"
    assert rendition.viewers.get().position == 12.0  # past the three segments it was given


def test_a_replaced_rendition_sends_the_player_to_the_file(rendition, alpha, client, alice):
    ProgressiveRendition.objects.filter(pk=rendition.pk).update(state="replaced")
    client.force_login(alice)
    url = reverse("watch-progressive-hls", args=[rendition.media_file_id])
    response = client.get(url, HTTP_HOST="a.test")
    assert response.status_code == 404
    assert "plays from its file" in response.json()["detail"]


def test_the_admin_shows_a_file_still_being_made_and_its_encoders(rendition, alpha, client, olivia):
    ProgressiveRendition.objects.filter(pk=rendition.pk).update(
        rung="720p ultrafast", encoding_at=[[48.0, 60.5]], message="Waiting for an encoder."
    )
    client.force_login(olivia)
    listing = client.get("/admin/streaming/mediafile/", HTTP_HOST="a.test")
    page = client.get(
        f"/admin/streaming/mediafile/{rendition.media_file_id}/change/", HTTP_HOST="a.test"
    )

    assert listing.status_code == 200
    assert 'alt="False"' in listing.content.decode()  # no final file yet
    text = page.content.decode()
    assert page.status_code == 200
    assert "720p ultrafast" in text
    assert "Waiting for an encoder." in text
    assert "Segments made" in text
