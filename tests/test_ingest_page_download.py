"""yt-dlp finds the video on a page or behind a playlist, against real HTTP servers on loopback.

The media is made here with ffmpeg: a 3-second 320x180 H.264/AAC MP4 with a keyframe every
second, the same film as a VOD HLS rendition in 1-second segments, and once more with its
segments AES-128 encrypted (which yt-dlp, without pycryptodomex, would hand to ffmpeg).
"""

from __future__ import annotations

import functools
import http.client
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ingest_core.errors import DownloadFailed, IngestCancelled
from ingest_core.guard_proxy import guarded_proxy
from streaming.ingest.ytdlp_download import download_page, download_page_guarded
from tests.support.services import need_binary

SECONDS = 3

PAGE = """<!doctype html>
<html><head><title>The Big Sample (2019)</title></head>
<body><h1>Watch</h1>
<video controls width="320"><source src="film.mp4" type="video/mp4"></video>
</body></html>
"""
# A page whose video sits on a private address: the page is fine, the video is not.
INWARD = """<!doctype html>
<html><head><title>Inward</title></head>
<body><video src="http://10.0.0.1/film.mp4"></video></body></html>
"""
NO_VIDEO = """<!doctype html>
<html><head><title>About us</title></head><body><p>No video here.</p></body></html>
"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The folder the origin serves."""
    root = tmp_path_factory.mktemp("origin")
    film = root / "film.mp4"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"),
        *("-t", str(SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"),
        *("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"),
        str(film),
    )
    hls = ("-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod")
    (root / "hls").mkdir()
    ffmpeg("-i", str(film), *hls, str(root / "hls" / "index.m3u8"))
    # A live playlist: no PLAYLIST-TYPE, no ENDLIST (RFC 8216 6.2.1: segments may be added).
    vod = (root / "hls" / "index.m3u8").read_text().splitlines()
    live = [line for line in vod if not line.startswith(("#EXT-X-ENDLIST", "#EXT-X-PLAYLIST"))]
    (root / "hls" / "live.m3u8").write_text("\n".join(live) + "\n")
    (root / "locked").mkdir()
    (root / "locked" / "film.key").write_bytes(bytes(range(16)))
    key_info = root / "key_info.txt"
    key_info.write_text(f"film.key\n{root / 'locked' / 'film.key'}\n")
    ffmpeg("-i", str(film), *hls, "-hls_key_info_file", str(key_info), str(root / "locked/i.m3u8"))
    (root / "page.html").write_text(PAGE)
    (root / "about.html").write_text(NO_VIDEO)
    (root / "inward.html").write_text(INWARD)
    return root


class Origin(SimpleHTTPRequestHandler):
    """Serves the folder; remembers every path asked for; /busy answers 503."""

    asked: list[str]

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path.startswith("/busy"):
            self.send_error(503, "Busy")
            return
        super().do_GET()

    def log_message(self, format, *args) -> None:
        pass


class RecordingProxy(BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy (absolute-form requests, RFC 9112 3.2.2) that remembers
    every URL it forwarded."""

    forwarded: list[str]

    def do_GET(self) -> None:
        self.forwarded.append(self.path)
        target = urlsplit(self.path)
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        path = target.path + (f"?{target.query}" if target.query else "")
        upstream.request("GET", path, headers=headers)
        answer = upstream.getresponse()
        body = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in {"connection", "transfer-encoding", "keep-alive"}:
                self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        upstream.close()

    def log_message(self, format, *args) -> None:
        pass


def serve(handler) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def origin(site):
    handler = type("OriginHere", (Origin,), {"asked": []})
    server, url = serve(functools.partial(handler, directory=str(site)))
    yield url, handler.asked
    server.shutdown()
    server.server_close()


@pytest.fixture
def recording_proxy():
    handler = type("ProxyHere", (RecordingProxy,), {"forwarded": []})
    server, url = serve(handler)
    yield url, handler.forwarded
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _quick_failures(settings):
    settings.INGEST_DOWNLOAD_RETRIES = 0
    settings.INGEST_STALL_TIMEOUT = 5


def test_it_downloads_the_video_a_page_shows_and_finds_its_title(origin, tmp_path, site):
    base, asked = origin
    reports: list[tuple[int, int | None]] = []

    found = download_page(f"{base}/page.html", tmp_path, lambda d, t: reports.append((d, t)))

    assert found.path == tmp_path / "video.mp4"
    assert found.path.read_bytes() == (site / "film.mp4").read_bytes()
    assert found.size == found.path.stat().st_size
    assert found.title == "The Big Sample (2019)"
    assert found.extractor == "html5"
    assert found.final_url == f"{base}/page.html"
    assert "/film.mp4" in asked
    assert reports[-1] == (found.size, found.size)
    assert [p.name for p in tmp_path.iterdir()] == ["video.mp4"]


def test_it_joins_the_segments_of_an_hls_playlist_into_one_playable_file(origin, tmp_path):
    base, asked = origin

    found = download_page(f"{base}/hls/index.m3u8", tmp_path)

    assert {"/hls/index0.ts", "/hls/index1.ts", "/hls/index2.ts"} <= set(asked)
    media = probe(found.path)
    kinds = {s["codec_type"]: s["codec_name"] for s in media["streams"]}
    assert kinds == {"video": "h264", "audio": "aac"}
    assert abs(float(media["format"]["duration"]) - SECONDS) < 0.5
    assert "mp4" in media["format"]["format_name"]
    assert [p.name for p in tmp_path.iterdir()] == [found.path.name]


def test_a_page_without_a_video_is_refused_with_the_reason(origin, tmp_path):
    base, _ = origin

    with pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/about.html", tmp_path)

    assert str(failure.value) == f"no video found on the page {base}/about.html"
    assert not failure.value.transient
    assert list(tmp_path.iterdir()) == []


def test_a_missing_page_fails_for_good_with_the_http_status(origin, tmp_path):
    base, _ = origin

    with pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/gone.html", tmp_path)

    assert "HTTP Error 404" in str(failure.value)
    assert not str(failure.value).startswith(("ERROR", "["))
    assert not failure.value.transient


def test_a_server_error_is_worth_trying_again(origin, tmp_path):
    base, _ = origin

    with pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/busy.html", tmp_path)

    assert "HTTP Error 503" in str(failure.value)
    assert failure.value.transient


@pytest.mark.parametrize("path", ["page.html", "hls/index.m3u8"])
def test_a_cancel_stops_the_download_and_removes_what_it_wrote(origin, tmp_path, path):
    base, _ = origin
    (tmp_path / "keep.txt").write_text("here before the download")

    def cancel(done: int, total: int | None) -> None:
        raise IngestCancelled("cancelled by the operator")

    with pytest.raises(IngestCancelled):
        download_page(f"{base}/{path}", tmp_path, cancel)

    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_every_request_goes_through_the_proxy(origin, recording_proxy, tmp_path):
    base, asked = origin
    proxy, forwarded = recording_proxy

    found = download_page(f"{base}/page.html", tmp_path, proxy=proxy)

    assert found.size > 0
    assert forwarded == [f"{base}{path}" for path in asked]
    assert [urlsplit(url).path for url in forwarded] == ["/page.html", "/film.mp4"]


def test_an_hls_playlist_through_the_proxy_fetches_every_segment_through_it(
    origin, recording_proxy, tmp_path
):
    base, asked = origin
    proxy, forwarded = recording_proxy

    download_page(f"{base}/hls/index.m3u8", tmp_path, proxy=proxy)

    assert forwarded == [f"{base}{path}" for path in asked]
    assert {"/hls/index0.ts", "/hls/index1.ts", "/hls/index2.ts"} <= set(asked)


def test_a_stream_yt_dlp_would_hand_to_ffmpeg_is_not_fetched_by_ffmpeg(
    origin, recording_proxy, tmp_path
):
    # Without pycryptodomex, yt-dlp delegates AES-128 HLS to ffmpeg, which would connect on
    # its own; ffmpeg may open local files only, so the download fails instead.
    base, asked = origin
    proxy, forwarded = recording_proxy
    need_binary("ffmpeg")

    with pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/locked/i.m3u8", tmp_path, proxy=proxy)

    assert "AES-128" in str(failure.value)
    assert "bypassing the SSRF guard" in str(failure.value)

    assert not [path for path in asked if path.endswith((".ts", ".key"))]
    assert forwarded == [f"{base}{path}" for path in asked]
    assert list(tmp_path.iterdir()) == []


def test_a_live_stream_is_refused_before_anything_is_downloaded(origin, tmp_path):
    # yt-dlp downloads live HLS with ffmpeg only, which would bypass the proxy.
    base, asked = origin

    with pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/hls/live.m3u8", tmp_path)

    assert "live stream" in str(failure.value)
    assert not [path for path in asked if path.endswith(".ts")]


def test_through_the_ssrf_guard_a_page_and_its_playlist_download(origin, tmp_path, settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]  # the test origin is on loopback
    base, _ = origin

    with guarded_proxy() as guard:
        page = download_page(f"{base}/page.html", tmp_path / "page", proxy=guard.url)
        hls = download_page(f"{base}/hls/index.m3u8", tmp_path / "hls", proxy=guard.url)

    assert page.size == (tmp_path / "page" / "video.mp4").stat().st_size
    assert probe(hls.path)["streams"]
    assert guard.refusals == []


def test_the_ssrf_guard_stops_a_video_the_page_points_inward_to(origin, tmp_path, settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    base, _ = origin

    with guarded_proxy() as guard, pytest.raises(DownloadFailed) as failure:
        download_page(f"{base}/inward.html", tmp_path, proxy=guard.url)

    assert "403" in str(failure.value)
    assert not failure.value.transient
    assert any("10.0.0.1" in refusal for refusal in guard.refusals)
    assert list(tmp_path.iterdir()) == []


def test_a_job_says_what_the_ssrf_guard_refused_not_just_http_403(origin, tmp_path, settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    base, _ = origin

    with pytest.raises(DownloadFailed) as failure:
        download_page_guarded(f"{base}/inward.html", tmp_path)

    assert "refused by the SSRF guard" in str(failure.value)
    assert "10.0.0.1" in str(failure.value)
    assert not failure.value.transient


def test_the_ssrf_guard_refuses_the_page_itself_on_a_private_address(origin, tmp_path):
    base, asked = origin

    with guarded_proxy() as guard, pytest.raises(DownloadFailed):
        download_page(f"{base}/page.html", tmp_path, proxy=guard.url)

    assert asked == []
    assert guard.refusals
