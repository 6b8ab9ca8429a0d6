"""`/watch/<id>/progressive.json` (streaming/site/progressive_views.py), the player's view of a
progressive rendition, and what the watch page and the link renewal say about one.

The renditions here are rows made directly (a MediaFile with no final file yet, segments
stored in local storage with a gap in their numbers), so each test states exactly what the
encoders would have left; tests/test_progressive_backends.py makes real ones with ffmpeg.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stored_media.models import StoredObject
from stored_media.signing import signed_link
from streaming.models import (
    MediaFile,
    ProgressiveRendition,
    ProgressiveSegment,
    ProgressiveViewer,
    Title,
    TitleHiding,
)
from tests import factories
from tests.factories import publish_film, stored
from tests.support.progressive_rows import CODECS, INIT_BYTES, progressive_film, segment_bytes

pytestmark = pytest.mark.django_db

ENCODING = ProgressiveRendition.State.ENCODING
FINISHED = ProgressiveRendition.State.FINISHED
REPLACED = ProgressiveRendition.State.REPLACED


def url_of(media: MediaFile) -> str:
    return f"/watch/{media.pk}/progressive.json"


def player_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="player-config" type="application/json">')
    return json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])


def body_of(response) -> bytes:
    if not response.streaming:
        return response.content
    return async_to_sync(_joined)(response.streaming_content)


async def _joined(chunks) -> bytes:
    return b"".join([chunk async for chunk in chunks])


@pytest.fixture
def member(on_alpha, alice) -> Client:
    on_alpha.force_login(alice)
    return on_alpha


@pytest.fixture
def media(alpha) -> MediaFile:
    return progressive_film()


@pytest.fixture
def rendition(media) -> ProgressiveRendition:
    return media.progressive


# --- who may ask ---------------------------------------------------------------------------


def test_an_anonymous_visitor_gets_403_json(on_alpha, media):
    answer = on_alpha.get(url_of(media))

    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/json"
    assert "member" in answer.json()["detail"]


def test_a_member_of_another_site_is_refused_here(on_alpha, bob, media):
    on_alpha.force_login(bob)

    assert on_alpha.get(url_of(media)).status_code == 403


def test_a_title_the_members_own_site_hides_is_not_found_there(on_beta, bob, beta, media):
    on_beta.force_login(bob)
    shown = on_beta.get(url_of(media))
    TitleHiding.objects.create(tenant=beta, title=media.title)

    hidden = on_beta.get(url_of(media))

    assert shown.status_code == 200
    assert hidden.status_code == 404
    assert ProgressiveViewer.objects.count() == 0


def test_a_draft_title_is_not_found(member):
    draft = progressive_film("Draft", status=Title.Status.DRAFT)

    assert member.get(url_of(draft), {"at": "5"}).status_code == 404
    assert ProgressiveViewer.objects.count() == 0


@pytest.mark.parametrize("media_id", ["0", str(2**63), "99999"])
def test_no_such_video_is_404_never_500(member, media, media_id):
    assert member.get(f"/watch/{media_id}/progressive.json").status_code == 404


def test_only_get_is_answered(member, media):
    assert member.post(url_of(media), {"at": "1"}).status_code == 405


# --- the position asked for ----------------------------------------------------------------


@pytest.mark.parametrize(
    "at", ["abc", "nan", "NaN", "-1", "-0.5", "inf", "-inf", "1e309", "", "²", "0x10", "1,5"]
)
def test_an_at_that_is_no_finite_position_is_400(member, media, at):
    answer = member.get(url_of(media), {"at": at})

    assert answer.status_code == 400
    assert "at" in answer.json()["detail"]
    assert ProgressiveViewer.objects.count() == 0


@pytest.mark.parametrize("at", ["1e300", str(2**64), "9" * 40])
def test_a_position_past_the_end_is_clamped_to_the_duration(member, media, at):
    answer = member.get(url_of(media), {"at": at})

    assert answer.status_code == 200
    assert ProgressiveViewer.objects.get().position == media.progressive.duration
    # The window is the last segments' (4 is the last of five, missing: asked again soon).
    assert [s[0] for s in answer.json()["segments"]] == [3]
    assert answer.json()["pollIn"] == 1


def test_arabic_indic_digits_are_a_number_to_float(member, media):
    # float() reads "١٢" as 12: a position like any other, never an error.
    assert member.get(url_of(media), {"at": "١٢"}).status_code == 200
    assert ProgressiveViewer.objects.get().position == 12.0


# --- the answer ----------------------------------------------------------------------------


def test_the_answer_describes_the_rendition_with_signed_links(member, media):
    answer = member.get(url_of(media))
    body = answer.json()
    init_id = str(media.progressive.segments.first().init_id)

    assert answer.status_code == 200
    assert body["state"] == "encoding"
    assert body["duration"] == 20.0
    assert body["segmentSeconds"] == 4.0
    assert body["segmentCount"] == 5
    assert body["mime"] == f'video/mp4; codecs="{CODECS}"'
    assert body["rung"] == "720p ultrafast"
    assert body["encoding"] == [[12.0, 13.5]]
    assert body["message"] == ""
    assert body["final"] is None
    assert list(body["inits"]) == [init_id]
    assert body["inits"][init_id].startswith(f"/media/{init_id}/slow-film-init.mp4?md5=")
    assert [s[:4] for s in body["segments"]] == [
        [0, 0.0, 4.0, init_id],
        [1, 4.0, 4.0, init_id],
        [3, 12.0, 4.0, init_id],
    ]
    assert all("?md5=" in s[4] and "expires=" in s[4] for s in body["segments"])
    assert body["segments"][2][4].startswith("/media/")
    assert "slow-film-seg-00003.m4s?md5=" in body["segments"][2][4]
    assert body["ranges"] == [[0.0, 8.0], [12.0, 16.0]]


def test_a_growing_rendition_is_cached_privately_for_a_second(member, media):
    answer = member.get(url_of(media))

    assert answer["Cache-Control"] == "private, max-age=1"
    assert answer.json()["pollIn"] == 2  # segment 0 is there: the next poll in two seconds


def test_a_finished_rendition_is_cached_longer_and_polled_rarely(member):
    done = progressive_film("Done", numbers=range(5), state=FINISHED)

    answer = member.get(url_of(done), {"at": "3"})

    # Only the final file is still to come: a poll every 10 s, never answered from a cache
    # older than that.
    assert answer["Cache-Control"] == "private, max-age=5"
    assert answer.json()["pollIn"] == 10
    assert answer.json()["ranges"] == [[0.0, 20.0]]


def test_a_position_in_a_gap_asks_for_the_next_poll_sooner(member, media):
    answer = member.get(url_of(media), {"at": "9"})  # segment 2 is missing

    assert answer.json()["pollIn"] == 1


@pytest.fixture
def long_film(alpha) -> MediaFile:
    """200 s: 50 segments, 10 to 14 missing (an encoder started at 60 s for a seek)."""
    return progressive_film("Long Film", [*range(0, 10), *range(15, 50)], duration=200.0)


def listed(member, media, **query) -> list[int]:
    return [s[0] for s in member.get(url_of(media), query).json()["segments"]]


def test_without_at_the_window_starts_at_the_beginning(member, long_film):
    assert listed(member, long_film) == [*range(0, 10), *range(15, 31)]


def test_the_window_is_two_segments_behind_and_thirty_ahead(member, long_film):
    assert listed(member, long_film, at="100") == list(range(23, 50))  # 25: 23 .. 55
    assert listed(member, long_film, at="84") == list(range(19, 50))  # 21: 19 .. 51
    assert listed(member, long_film, at="20") == [3, 4, 5, 6, 7, 8, 9, *range(15, 36)]


def test_the_ranges_cover_the_whole_film_whatever_the_window(member, long_film):
    for at in (None, "0", "100", "199.9"):
        body = member.get(url_of(long_film), {"at": at} if at else {}).json()
        assert body["ranges"] == [[0.0, 40.0], [60.0, 200.0]]


def test_a_seek_into_the_gap_lists_what_is_around_it(member, long_film):
    answer = member.get(url_of(long_film), {"at": "47.5"}).json()  # segment 11

    assert [s[0] for s in answer["segments"]] == [9, *range(15, 42)]
    assert answer["pollIn"] == 1


# --- demand --------------------------------------------------------------------------------


def test_at_records_where_the_viewer_is_and_a_second_poll_moves_it(member, rendition):
    member.get(url_of(rendition.media_file), {"at": "6.5"})
    first = ProgressiveViewer.objects.get()
    member.get(url_of(rendition.media_file), {"at": "14"})

    again = ProgressiveViewer.objects.get()
    assert (first.rendition_id, first.position) == (rendition.pk, 6.5)
    assert again.pk == first.pk
    assert again.position == 14.0
    assert again.seen_at >= first.seen_at
    assert len(again.viewer) == 32
    assert str(member.session.session_key) not in again.viewer  # an opaque key


def test_a_poll_without_at_records_nothing(member, rendition):
    member.get(url_of(rendition.media_file))

    assert ProgressiveViewer.objects.count() == 0


def test_two_viewers_are_two_rows(member, rendition, alpha):
    other = Client(HTTP_HOST="a.test")
    other.force_login(factories.make_member("carol", alpha))

    member.get(url_of(rendition.media_file), {"at": "1"})
    other.get(url_of(rendition.media_file), {"at": "17"})

    assert sorted(ProgressiveViewer.objects.values_list("position", flat=True)) == [1.0, 17.0]


@pytest.mark.parametrize("state", [FINISHED, REPLACED, ProgressiveRendition.State.FAILED])
def test_no_demand_is_recorded_once_encoding_is_over(member, state):
    done = progressive_film("Done", state=state)

    answer = member.get(url_of(done), {"at": "8"})

    assert answer.status_code == 200
    assert answer.json()["state"] == state
    assert ProgressiveViewer.objects.count() == 0


# --- the final file ------------------------------------------------------------------------


def replace_with_final(media: MediaFile) -> StoredObject:
    final = stored("slow-film.mp4")
    media.stored = final
    media.save(update_fields=["stored"])
    ProgressiveRendition.objects.filter(media_file=media).update(state=REPLACED)
    return final


def test_once_replaced_the_answer_carries_the_final_link(member, media):
    final = replace_with_final(media)

    body = member.get(url_of(media), {"at": "5"}).json()

    assert body["state"] == "replaced"
    assert body["final"]["src"].startswith(f"{final.media_uri}?md5=")
    assert body["pollIn"] == 30
    assert len(body["segments"]) == 3  # still listed until they are removed


def test_when_the_rendition_is_gone_the_final_link_is_the_whole_answer(member, media):
    final = replace_with_final(media)
    ProgressiveRendition.objects.filter(media_file=media).delete()

    answer = member.get(url_of(media), {"at": "5"})

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, max-age=30"
    assert set(answer.json()) == {"state", "final", "pollIn"}
    assert answer.json()["state"] == "replaced"
    assert answer.json()["final"]["src"].startswith(f"{final.media_uri}?md5=")
    assert answer.json()["pollIn"] == 30


def test_a_file_that_never_had_a_rendition_answers_with_its_file(member, alpha):
    plain = publish_film(name="Plain")

    body = member.get(url_of(plain)).json()

    assert body["final"]["src"].startswith(f"{plain.stored.media_uri}?md5=")


def test_a_file_with_neither_rendition_nor_final_is_404_json(member, media):
    ProgressiveRendition.objects.filter(media_file=media).delete()

    answer = member.get(url_of(media))

    assert answer.status_code == 404
    assert answer.json()["detail"]


# --- the links serve -----------------------------------------------------------------------


def test_the_segment_and_init_links_serve_through_the_stream_view(member, media):
    body = member.get(url_of(media)).json()
    number, _, _, init_id, link = body["segments"][2]

    segment = member.get(link)
    part = member.get(link, HTTP_RANGE="bytes=4-7")
    init = member.get(body["inits"][init_id])

    assert segment.status_code == 200
    assert segment["Content-Type"] == "video/iso.segment"
    assert body_of(segment) == segment_bytes(number)
    assert part.status_code == 206
    assert body_of(part) == b"moof"
    assert init.status_code == 200
    assert init["Content-Type"] == "video/mp4"
    assert body_of(init) == INIT_BYTES


def test_segment_links_are_refused_on_a_site_that_hides_the_title(member, media, beta):
    TitleHiding.objects.create(tenant=beta, title=media.title)
    body = member.get(url_of(media)).json()
    elsewhere = Client(HTTP_HOST="b.test")

    segment = elsewhere.get(body["segments"][0][4])
    init = elsewhere.get(next(iter(body["inits"].values())))

    assert (segment.status_code, init.status_code) == (404, 404)


def test_segments_of_a_hidden_or_draft_title_are_not_served(on_alpha, alpha):
    hidden = progressive_film("Hidden")
    TitleHiding.objects.create(tenant=alpha, title=hidden.title)
    draft = progressive_film("Draft", status=Title.Status.DRAFT)

    for media in (hidden, draft):
        segment = media.progressive.segments.select_related("stored", "init").first()
        for obj in (segment.stored, segment.init):
            assert on_alpha.get(signed_link(obj.media_uri)).status_code == 404


def test_the_segments_are_objects_this_site_may_serve(alpha, beta, media):
    TitleHiding.objects.create(tenant=beta, title=media.title)
    segments = media.progressive.segments.all()
    ids = {s.stored_id for s in segments} | {s.init_id for s in segments}

    assert ids <= set(StoredObject.objects.visible_on(alpha).values_list("pk", flat=True))
    assert not ids & set(StoredObject.objects.visible_on(beta).values_list("pk", flat=True))


# --- the watch page and the link renewal ---------------------------------------------------


def test_the_watch_page_of_a_progressive_file_plays_the_rendition(member, media):
    answer = member.get(f"/watch/{media.pk}/")
    config = player_config(answer)

    assert answer.status_code == 200
    assert config["src"] is None
    assert config["progressive"] == url_of(media)


def test_the_watch_page_of_a_file_with_its_final_mp4_plays_the_file(member, media):
    final = replace_with_final(media)

    config = player_config(member.get(f"/watch/{media.pk}/"))

    assert config["src"].startswith(f"{final.media_uri}?md5=")
    assert config["progressive"] is None


def test_the_link_renewal_says_progressive_until_the_final_file_exists(member, media):
    before = member.get(f"/watch/{media.pk}/link/").json()
    final = replace_with_final(media)
    after = member.get(f"/watch/{media.pk}/link/").json()

    assert (before["src"], before["progressive"]) == (None, url_of(media))
    assert after["src"].startswith(f"{final.media_uri}?md5=")
    assert after["progressive"] is None


def test_the_title_page_of_a_progressive_only_film_shows(member, media):
    assert member.get(f"/title/{media.title.slug}/").status_code == 200


def test_the_api_lists_a_progressive_only_version_without_a_stream_link(member, media):
    answer = member.get(f"/api/titles/{media.title.pk}/")

    assert answer.status_code == 200
    [version] = answer.json()["media_files"]
    assert version["id"] == media.pk
    assert version["stream_url"] is None


def test_the_api_lists_a_progressive_only_episode(member, alpha):
    show = factories.series("Slow Show", {1: [1]}, with_files=False)
    episode = show.seasons.get().episodes.get()
    media = progressive_film("Episode Host")
    MediaFile.objects.filter(pk=media.pk).update(title=None, episode=episode)

    answer = member.get(f"/api/titles/{show.pk}/seasons/")
    page = member.get(f"/title/{show.slug}/")

    assert answer.status_code == 200
    [season] = answer.json()
    [version] = season["episodes"][0]["media_files"]
    assert (version["id"], version["stream_url"]) == (media.pk, None)
    assert page.status_code == 200


# --- queries -------------------------------------------------------------------------------


def many_segments(media: MediaFile, count: int) -> None:
    """`count` segment rows for `media`'s rendition (rows only: the answer reads no bytes)."""
    rendition = media.progressive
    init = rendition.segments.first().init
    rendition.segments.all().delete()
    objects = StoredObject.objects.bulk_create(
        StoredObject(
            backend="local",
            key=f"media/scale/{media.pk}-{n}.m4s",
            filename=f"seg-{n:05d}.m4s",
            content_type="video/iso.segment",
            size=1,
        )
        for n in range(count)
    )
    if not all(obj.pk for obj in objects):  # SQLite before 3.35 returns no ids
        objects = list(StoredObject.objects.filter(key__startswith=f"media/scale/{media.pk}-"))
    ProgressiveSegment.objects.bulk_create(
        ProgressiveSegment(
            rendition=rendition, number=n, start=n * 4.0, duration=4.0, init=init, stored=obj
        )
        for n, obj in enumerate(objects)
        if n % 7 != 3  # gaps: a range per run of segments
    )
    rendition.segment_count = count
    rendition.duration = count * 4.0
    rendition.save(update_fields=["segment_count", "duration"])


def queries_for(client: Client, url: str, **query) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("query", [{}, {"at": "600"}], ids=["no at", "at"])
def test_the_answer_runs_as_many_queries_for_300_segments_as_for_3(member, alpha, query):
    short = progressive_film("Short", duration=12.0, numbers=(0, 1, 2))
    long = progressive_film("Long", duration=12.0, numbers=(0, 1, 2))
    many_segments(long, 300)
    member.get(url_of(short), query)  # the viewer's row exists for both afterwards
    member.get(url_of(long), query)

    assert queries_for(member, url_of(long), **query) == queries_for(member, url_of(short), **query)
