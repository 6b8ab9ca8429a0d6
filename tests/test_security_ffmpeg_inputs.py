"""ffprobe and ffmpeg read an ingested file only as one local video container.

Issue 11: a 478-byte DASH manifest served as video/mp4, with `<BaseURL>file:///…/private.mp4`,
was ingested: ffprobe and ffmpeg sniffed the DASH demuxer and remuxed the private file into
the catalogue. Every hostile input below is first shown to work on the real ffmpeg without
the guard (so the test proves the guard is what stops it), then refused with it: by probe,
by the whole pipeline for a file on this machine and for a URL, and nothing of the private
file reaches storage. Good MP4, MKV and WebM files still go through (see also
tests/test_ingest_pipeline.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yt_dlp

from ingest_core import native_download
from ingest_core.errors import DownloadFailed
from stored_media.models import StoredObject
from streaming.ingest import service, ytdlp_download
from streaming.ingest.errors import MediaRejected
from streaming.ingest.ffmpeg_run import INPUT_GUARD, failure_reason
from streaming.ingest.probe import probe
from streaming.ingest.runner import run_inline
from streaming.ingest.ytdlp_download import download_page_guarded
from streaming.models import IngestJob, MediaFile, Title
from tests.support.http_sources import MediaFile as Served
from tests.support.http_sources import Page, source_server
from tests.support.ingest_helpers import ingest_file, leftovers, not_queued

DONE, FAILED = IngestJob.State.DONE, IngestJob.State.FAILED


def ffmpeg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def private(tmp_path_factory) -> Path:
    """A video on the worker that no job was asked to ingest: what the attacker is after."""
    path = tmp_path_factory.mktemp("private") / "private.mp4"
    made = ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p"),
        str(path),
    )
    assert made.returncode == 0, made.stderr
    return path


def dash_manifest(private: Path) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT2S"
 minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"><Period>
<AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="1000" codecs="avc1">
<BaseURL>file://{private}</BaseURL></Representation></AdaptationSet></Period></MPD>
"""


def hls_playlist(entry: str) -> str:
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n{entry}\n#EXT-X-ENDLIST\n"


# name: (what the file holds, given the private video's path; the demuxer ffmpeg picks)
HOSTILE_FILES = {
    "dash": (dash_manifest, "dash"),
    "hls-file-url": (lambda p: hls_playlist(f"file://{p}"), "hls"),
    "m3u8-file-entry": (lambda p: hls_playlist(f"file:{p}"), "hls"),
    "ffconcat": (lambda p: f"ffconcat version 1.0\nfile '{p.name}'\n", "concat"),
    "sdp": (
        lambda p: (
            "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\n"
            "m=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n"
        ),
        "sdp",
    ),
}


def hostile_file(private: Path, name: str) -> Path:
    """The hostile text under an innocent video name, beside the private file (ffconcat
    names it relatively: ffmpeg calls an absolute name in a script unsafe)."""
    body, _ = HOSTILE_FILES[name]
    path = private.parent / f"Some.Film.2019.{name}.mp4"
    path.write_text(body(private))
    return path


def unguarded_copy(source: str, out: Path) -> subprocess.CompletedProcess:
    return ffmpeg("-i", source, "-map", "0:v:0", "-c", "copy", "-f", "matroska", str(out))


def guarded_copy(source: str, out: Path) -> subprocess.CompletedProcess:
    return ffmpeg(*INPUT_GUARD, "-i", source, "-map", "0:v:0", "-c", "copy", "-f", "matroska",
                  str(out))  # fmt: skip


def video_packets(path: Path) -> list[str] | None:
    """Each video packet's size and CRC (`framecrc`, timing left out: a demuxer may shift
    it), or None when ffmpeg cannot read the file."""
    ran = ffmpeg("-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-")
    if ran.returncode != 0:
        return None
    lines = [line.split(",") for line in ran.stdout.splitlines() if not line.startswith("#")]
    return [",".join(fields[4:6]) for fields in lines]


def has_private_video(path: Path, private: Path) -> bool:
    """Whether `path` carries the private video (nearly all its packets: the concat demuxer
    changes the first one)."""
    found = video_packets(path) if path.exists() else None
    wanted = video_packets(private)
    return bool(found) and len(set(wanted) & set(found)) >= 0.9 * len(set(wanted))


# --- the guard on the real ffmpeg ------------------------------------------------------------


@pytest.mark.parametrize("name", ["dash", "hls-file-url", "m3u8-file-entry", "ffconcat"])
def test_without_the_guard_ffmpeg_reads_the_file_a_hostile_input_names(private, tmp_path, name):
    out = tmp_path / "out.mkv"
    assert unguarded_copy(str(hostile_file(private, name)), out).returncode == 0
    assert has_private_video(out, private)


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_the_guard_refuses_the_demuxer_of_a_hostile_input(private, tmp_path, name):
    out = tmp_path / "out.mkv"
    ran = guarded_copy(str(hostile_file(private, name)), out)
    demuxer = HOSTILE_FILES[name][1]
    assert ran.returncode != 0
    assert f"[{demuxer} @ " in ran.stderr
    assert "Format not on whitelist" in ran.stderr
    assert not has_private_video(out, private)


@pytest.mark.parametrize("protocol", ["concat:{p}|{p}", "subfile,,start,0,end,0,,:{p}", "file:{p}"])
def test_the_guard_lets_ffmpeg_open_one_plain_local_file_only(private, tmp_path, protocol):
    source = protocol.format(p=private)
    out = tmp_path / "out.mkv"
    assert unguarded_copy(source, out).returncode == 0  # each protocol does reach the file
    out.unlink()
    ran = guarded_copy(source, out)
    if source.startswith("file:"):
        assert ran.returncode == 0, ran.stderr
        assert has_private_video(out, private)
    else:
        assert f"Protocol '{source.split(':')[0].split(',')[0]}' not on whitelist" in ran.stderr
        assert not has_private_video(out, private)


def test_the_guard_refuses_an_image_sequence_pattern(private, tmp_path):
    for number in (1, 2, 3):
        made = ffmpeg("-f", "lavfi", "-i", "color=red:size=32x32", "-frames:v", "1",
                      str(tmp_path / f"img{number}.jpg"))  # fmt: skip
        assert made.returncode == 0, made.stderr
    pattern = tmp_path / "img%d.jpg"
    pattern.write_bytes((tmp_path / "img1.jpg").read_bytes())  # so probe finds the file
    assert unguarded_copy(str(pattern), tmp_path / "seq.mkv").returncode == 0

    with pytest.raises(MediaRejected, match=r"still image \(image2\)"):
        probe(pattern)


# --- probe and the pipeline -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("dash", "a DASH manifest (dash)"),
        ("hls-file-url", "an HLS playlist (hls)"),
        ("m3u8-file-entry", "an HLS playlist (hls)"),
        ("ffconcat", "an ffmpeg concat script (concat)"),
        ("sdp", "an SDP session description (sdp)"),
    ],
)
def test_probe_refuses_a_hostile_input_saying_what_it_is(private, name, words):
    with pytest.raises(MediaRejected) as rejected:
        probe(hostile_file(private, name))
    assert "not a video container ingest accepts" in str(rejected.value)
    assert words in str(rejected.value)


def assert_nothing_stored(ingest_dirs: Path, private: Path) -> None:
    assert not MediaFile.objects.exists()
    assert not StoredObject.objects.exists()
    assert not Title.objects.exists()
    stored = [p for p in (ingest_dirs / "media").rglob("*") if p.is_file()]
    assert not any(has_private_video(p, private) for p in stored)
    assert stored == []
    assert leftovers(ingest_dirs) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_fails_its_job_and_stores_nothing(
    alpha, ingest_dirs, private, tmp_path, name
):
    job = ingest_file(hostile_file(private, name), alpha)

    assert job.state == FAILED
    assert "not a video container ingest accepts" in job.error
    assert_nothing_stored(ingest_dirs, private)


@pytest.mark.django_db(transaction=True)
def test_a_dash_manifest_served_as_video_mp4_fails_its_job(
    alpha, ingest_dirs, private, settings, monkeypatch
):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_MAX_ATTEMPTS = 1
    monkeypatch.setattr(native_download, "sleep", lambda seconds: None)
    manifest = dash_manifest(private).encode()
    with source_server() as server:
        url = server.route("/Some.Film.2019.mp4", Served(manifest, "video/mp4"))
        [job] = service.submit_urls([url], tenant=alpha, via="test", queue=not_queued)
        job = run_inline(job)

    assert job.state == FAILED
    assert "a DASH manifest (dash)" in job.error
    assert_nothing_stored(ingest_dirs, private)


@pytest.fixture(scope="module")
def webm(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("webm") / "Small.Film.2018.webm"
    made = ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=2"),
        *("-f", "lavfi", "-i", "sine=duration=2"),
        *("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"),
        *("-c:a", "libopus", str(path)),
    )
    assert made.returncode == 0, made.stderr
    return path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sample", ["mp4_faststart", "mp4_moov_at_end", "mkv_h264_aac_srt", "webm"])
def test_an_ordinary_video_still_goes_through(alpha, ingest_dirs, test_media, webm, sample):
    source = webm if sample == "webm" else getattr(test_media, sample)

    job = ingest_file(source, alpha)

    assert job.state == DONE, job.error
    assert job.media_file.stored.size > 0
    assert job.media_file.sprite is not None, "the previews read the video through the guard"


# --- the page path: yt-dlp's own ffmpeg runs -------------------------------------------------


def test_yt_dlp_joining_a_manifest_posing_as_a_video_part_is_refused(private, tmp_path, settings):
    """HLS with separate audio: yt-dlp downloads both through the guard proxy, then has ffmpeg
    join them. A video "segment" holding a DASH manifest would have joined the private file."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_DOWNLOAD_RETRIES = 0
    audio = tmp_path / "audio"
    audio.mkdir()
    hls = ("-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod")
    made = ffmpeg("-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", *hls,
                  str(audio / "audio.m3u8"))  # fmt: skip
    assert made.returncode == 0, made.stderr
    playlist = "application/vnd.apple.mpegurl"
    master = (
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,'
        'URI="audio.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=160x90,'
        'CODECS="avc1.64000d,mp4a.40.2",AUDIO="aud"\nvideo.m3u8\n'
    )
    with source_server() as server:
        server.route("/master.m3u8", Page(master.encode(), playlist))
        server.route("/video.m3u8", Page(hls_playlist("v0.ts").encode(), playlist))
        server.route("/v0.ts", Served(dash_manifest(private).encode(), "video/mp2t"))
        for part in audio.iterdir():
            server.route(f"/{part.name}", Served(part.read_bytes(), "video/mp2t"))
        with pytest.raises(DownloadFailed) as failed:
            download_page_guarded(server.url("/master.m3u8"), tmp_path / "job")
    assert "a DASH manifest (dash)" in str(failed.value)
    assert list((tmp_path / "job").iterdir()) == []


def test_every_ffmpeg_run_of_yt_dlp_on_a_download_gets_the_guard():
    """yt-dlp looks each postprocessor's input arguments up by its own rule; ask it."""
    options = ytdlp_download._options("http://example.com/", Path("."), None, None, None)
    with yt_dlp.YoutubeDL(options) as ydl:
        for name in ytdlp_download.POSTPROCESSORS:
            runner = getattr(yt_dlp.postprocessor, f"FFmpeg{name}PP")(ydl)
            assert runner._configuration_args("ffmpeg", ["_i1", "_i"]) == INPUT_GUARD, name


def test_a_refused_input_is_named_in_ffmpeg_s_failure_reason(private, tmp_path):
    ran = guarded_copy(str(hostile_file(private, "dash")), tmp_path / "out.mkv")
    said = failure_reason(ran.returncode, ran.stderr.splitlines())
    assert said.startswith("ffmpeg failed: dash: Format not on whitelist")
