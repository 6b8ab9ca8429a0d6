"""Reading a file before ingest: what ffprobe finds, what is refused, faststart, the plan.

Real files made by tests/support/media_factory.py; plans and faststart parsing are also checked on
generated values (Hypothesis), since they are pure functions of what they are given.
"""

from __future__ import annotations

import io
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streaming.ingest.errors import MediaRejected
from streaming.ingest.faststart import is_faststart
from streaming.ingest.media_plan import Action, AudioStep, Plan, VideoStep, plan_for
from streaming.ingest.probe import (
    AudioStream,
    Probe,
    SubtitleStream,
    VideoStream,
    normalise_language,
    probe,
)


def test_it_reads_an_mp4s_streams(test_media):
    facts = probe(test_media.mp4_faststart)

    assert "mp4" in facts.format_names
    assert facts.duration == pytest.approx(4, abs=0.1)
    assert facts.size == test_media.mp4_faststart.stat().st_size
    assert facts.bitrate > 0
    video = facts.video
    assert (video.codec, video.width, video.height, video.pix_fmt) == ("h264", 320, 180, "yuv420p")
    assert video.fps == 25
    assert [(a.codec, a.channels, a.language) for a in facts.audio] == [("aac", 1, "en")]
    assert facts.subtitles == []


def test_it_reads_an_mkvs_audio_and_subtitle_languages(test_media):
    facts = probe(test_media.mkv_h264_aac_srt)

    assert facts.format_names == ["matroska"], "the DocType tells MKV from WebM"
    assert facts.video.codec == "h264"
    assert [(a.codec, a.language) for a in facts.audio] == [("aac", "en"), ("aac", "pt")]
    english, portuguese = facts.subtitles
    assert (english.codec, english.language, english.is_default) == ("subrip", "en", True)
    assert (portuguese.language, portuguese.title, portuguese.is_default) == (
        "pt",
        "Português",
        False,
    )
    assert english.is_text
    assert not english.is_image


def test_it_reads_mpeg2_video_with_ac3_audio(test_media):
    facts = probe(test_media.mpeg2_ac3)

    assert facts.format_names == ["mpegts"]
    assert facts.video.codec == "mpeg2video"
    assert [(a.codec, a.channels, a.language) for a in facts.audio] == [("ac3", 2, "")]


@pytest.mark.parametrize(
    ("sample", "words"),
    [
        ("audio_only", "the file has no video stream (audio only)"),
        ("corrupt", "not a media file ffmpeg can read (Invalid data found when processing input"),
        ("not_media", "not a media file ffmpeg can read (it is a text file)"),
        ("undecodable", "is not one ffmpeg can decode"),
    ],
)
def test_it_rejects_a_file_it_cannot_use_in_words_an_operator_understands(
    test_media, sample, words
):
    with pytest.raises(MediaRejected) as rejected:
        probe(getattr(test_media, sample))

    assert words in str(rejected.value)
    assert rejected.value.transient is False


def test_it_says_which_truncated_box_made_an_mp4_unreadable(test_media):
    with pytest.raises(MediaRejected, match="moov atom not found"):
        probe(test_media.corrupt)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("eng", "en"), ("por", "pt"), ("fre", "fr"), ("fra", "fr"), ("und", ""), (None, ""),
     ("EN", "en"), ("tlh", "tlh")],
)  # fmt: skip
def test_it_normalises_iso_639_2_languages(code, expected):
    assert normalise_language(code) == expected


# faststart: where the moov box is


def test_it_tells_a_faststart_mp4_from_one_with_moov_at_the_end(test_media):
    assert is_faststart(test_media.mp4_faststart) is True
    assert is_faststart(test_media.mp4_moov_at_end) is False


def test_it_does_not_call_other_files_mp4s(test_media):
    assert is_faststart(test_media.mkv_h264_aac_srt) is None
    assert is_faststart(test_media.not_media) is None
    assert is_faststart(io.BytesIO(b"")) is None


def _box(kind: bytes, body_size: int, large: bool) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + body_size) + bytes(body_size)
    return struct.pack(">I4s", 8 + body_size, kind) + bytes(body_size)


boxes = st.lists(
    st.tuples(
        st.sampled_from([b"free", b"skip", b"uuid", b"moov", b"mdat", b"meta", b"wide"]),
        st.integers(0, 64),
        st.booleans(),
    ),
    max_size=8,
)


@given(boxes)
def test_it_finds_whichever_of_moov_and_mdat_comes_first(layout):
    data = _box(b"ftyp", 16, False) + b"".join(_box(*box) for box in layout)
    kinds = [kind for kind, _, _ in layout if kind in (b"moov", b"mdat")]
    expected = {b"moov": True, b"mdat": False}[kinds[0]] if kinds else None

    assert is_faststart(io.BytesIO(data)) is expected


@given(st.binary(max_size=512))
def test_faststart_parsing_never_raises_on_garbage(data):
    assert is_faststart(io.BytesIO(data)) in (True, False, None)


@given(st.binary(max_size=256))
def test_faststart_parsing_never_raises_on_a_damaged_mp4_header(tail):
    assert is_faststart(io.BytesIO(_box(b"ftyp", 16, False) + tail)) in (True, False, None)


# The plan: keep, remux or transcode


def test_a_faststart_h264_aac_mp4_is_kept(test_media):
    plan = plan_for(probe(test_media.mp4_faststart), True)

    assert (plan.action, plan.video, plan.audio, plan.container) == ("keep", "copy", "copy", "mp4")
    assert "browsers play it as is" in plan.reasons[0]


def test_an_mp4_with_moov_at_the_end_is_remuxed(test_media):
    plan = plan_for(probe(test_media.mp4_moov_at_end), False)

    assert (plan.action, plan.video, plan.audio) == ("remux", "copy", "copy")
    assert "moov atom is at the end" in plan.reasons[0]


def test_an_mkv_with_h264_and_aac_is_remuxed_keeping_every_audio_track(test_media):
    plan = plan_for(probe(test_media.mkv_h264_aac_srt), None)

    assert (plan.action, plan.video, plan.audio, plan.container) == (
        "remux",
        "copy",
        "copy",
        "mp4",
    )
    assert plan.reasons[0] == "MKV with H.264/AAC: remux to MP4, no re-encode"
    assert [track.index for track in plan.audio_tracks] == [1, 2]
    assert any("2 text subtitle track(s) become WebVTT" in reason for reason in plan.reasons)


def test_h264_with_ac3_copies_the_video_and_encodes_the_audio(test_media):
    plan = plan_for(probe(test_media.h264_ac3_mkv), None)

    assert (plan.action, plan.video, plan.audio) == ("transcode", "copy", "encode")
    assert "copy the H.264 video, encode the audio to AAC" in plan.reasons[0]


def test_mpeg2_with_ac3_is_encoded_to_h264_and_aac(test_media):
    plan = plan_for(probe(test_media.mpeg2_ac3), None)

    assert (plan.action, plan.video, plan.audio) == ("transcode", "encode", "encode")
    assert "browsers do not play MPEG-2 video" in plan.reasons[0]


def _facts(**changes) -> Probe:
    video = VideoStream(0, "h264", "High", 1920, 1080, "yuv420p", 25.0, None)
    audio = AudioStream(1, "aac", 2, "en", "", True)
    fields = {"format_names": ["matroska"], "duration": 60.0, "size": 1, "bitrate": 1,
              "video": video, "audio": [audio], "subtitles": []}  # fmt: skip
    return Probe(**(fields | changes))


def test_10_bit_h264_is_encoded_to_8_bit():
    video = VideoStream(0, "h264", "High 10", 1920, 1080, "yuv420p10le", 25.0, None)
    plan = plan_for(_facts(video=video), None)

    assert (plan.action, plan.video, plan.audio) == ("transcode", "encode", "copy")
    assert "only 8-bit 4:2:0" in plan.reasons[0]


def test_hevc_is_encoded_and_51_audio_is_downmixed_but_aac_is_copied():
    facts = _facts(
        video=VideoStream(0, "hevc", "Main", 3840, 2160, "yuv420p", 24.0, None),
        audio=[
            AudioStream(1, "eac3", 6, "en", "", True),
            AudioStream(2, "aac", 2, "ja", "", False),
        ],
    )
    plan = plan_for(facts, None)

    assert (plan.video, plan.audio) == ("encode", "encode")
    assert [(t.index, t.step, t.downmix) for t in plan.audio_tracks] == [
        (1, AudioStep.ENCODE, True),
        (2, AudioStep.COPY, False),
    ]
    assert "audio stream 1 (E-AC-3): encode to AAC, 6 channels downmixed to stereo" in plan.reasons


def test_webm_with_vp9_and_opus_is_kept():
    facts = _facts(
        format_names=["webm"],
        video=VideoStream(0, "vp9", "Profile 0", 1280, 720, "yuv420p", 30.0, None),
        audio=[AudioStream(1, "opus", 2, "", "", True)],
    )

    plan = plan_for(facts, None)

    assert (plan.action, plan.container) == ("keep", "webm")


def test_picture_subtitles_are_said_to_be_left_out():
    pgs = SubtitleStream(3, "hdmv_pgs_subtitle", "en", "", False, False)

    plan = plan_for(_facts(subtitles=[pgs]), None)

    assert "subtitle stream 3 (PGS) is not text and cannot become WebVTT, left out" in plan.reasons


def test_a_file_without_audio_is_remuxed_without_audio():
    plan = plan_for(_facts(audio=[]), None)

    assert (plan.action, plan.audio, plan.audio_tracks) == ("remux", "none", [])
    assert "H.264 (no audio)" in plan.reasons[0]


names = st.text(max_size=12) | st.sampled_from(
    ["h264", "hevc", "vp9", "av1", "aac", "ac3", "opus", "mp3", "", "subrip", "dvd_subtitle"]
)
pixel_formats = st.sampled_from(["yuv420p", "yuvj420p", "yuv420p10le", "yuv444p", ""]) | st.text()
optional_numbers = st.none() | st.floats(allow_nan=True) | st.integers()
probes = st.builds(
    Probe,
    format_names=st.lists(
        st.sampled_from(["mov", "mp4", "matroska", "webm", "mpegts", "avi", ""]) | st.text()
    ),
    duration=st.none() | st.floats(allow_nan=True),
    size=st.none() | st.integers(),
    bitrate=st.none() | st.integers(),
    video=st.none()
    | st.builds(VideoStream, st.integers(), names, st.text(), st.integers(), st.integers(),
                pixel_formats, optional_numbers, st.none() | st.integers()),
    audio=st.lists(st.builds(AudioStream, st.integers(), names, st.integers(), st.text(),
                             st.text(), st.booleans()), max_size=4),
    subtitles=st.lists(st.builds(SubtitleStream, st.integers(), names, st.text(), st.text(),
                                 st.booleans(), st.booleans()), max_size=4),
)  # fmt: skip


@settings(max_examples=300)
@given(probes, st.sampled_from([True, False, None]))
def test_plan_for_never_raises_and_gives_a_consistent_plan(facts, faststart):
    plan = plan_for(facts, faststart)

    assert isinstance(plan, Plan)
    assert plan.reasons
    if plan.action is Action.KEEP:
        assert plan.video is VideoStep.COPY
        assert plan.audio is not AudioStep.ENCODE
    elif plan.action is Action.REMUX:
        assert plan.container == "mp4"
        assert plan.video is VideoStep.COPY
        assert all(track.step is AudioStep.COPY for track in plan.audio_tracks)
    else:
        assert plan.container == "mp4"
        assert "encode" in (plan.video, plan.audio)
    assert (plan.audio is AudioStep.NONE) == (plan.audio_tracks == [])
