"""The native downloader (and aria2c for big files), against real loopback servers.

The servers in tests/support/http_sources.py play the sources ingest meets: files that download
cleanly, links that drop or stall half-way, servers without range support, error pages,
web pages and playlists, redirects (some to internal addresses). The test servers live on
127.0.0.1, so the SSRF guard lets them through only because INGEST_ALLOWED_HOSTS says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import ssl
from collections import namedtuple
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest_core import aria2_download, native_download, ssrf
from ingest_core.errors import DownloadFailed, IngestCancelled, PageNotMedia, SourceRefused
from ingest_core.http_response import (
    filename_for,
    filename_from_disposition,
    page_reason,
    parse_content_range,
    safe_filename,
)
from ingest_core.native_download import backoff, download, fetch_bytes
from tests.support.http_sources import (
    HLS_PLAYLIST,
    LAST_MODIFIED,
    MediaFile,
    Page,
    Redirect,
    Status,
    self_signed_certificate,
    source_server,
    tls_server_context,
)
from tests.support.services import free_port, need_binary

MiB = 1024 * 1024
FILM = os.urandom(3 * MiB + 123)  # bigger than one read, so a drop lands mid-file


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    return sha256(path.read_bytes())


@pytest.fixture(autouse=True)
def waits(settings, monkeypatch):
    """Test servers are on 127.0.0.1, allowed here; backoff sleeps are recorded, not slept."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_MIN_FREE_BYTES = 0
    settings.INGEST_DOWNLOAD_RETRIES = 3
    settings.INGEST_CONNECT_TIMEOUT = 5
    settings.INGEST_STALL_TIMEOUT = 5
    settings.INGEST_ARIA2 = "off"
    recorded: list[float] = []
    monkeypatch.setattr(native_download, "sleep", recorded.append)
    return recorded


@pytest.fixture
def source():
    with source_server() as server:
        yield server


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "job"
    target.mkdir()
    return target


class Reports(list):
    """A progress callback that records what it is told."""

    def __call__(self, done: int, total: int | None) -> None:
        self.append((done, total))


# --- pure parts: header parsing and names -----------------------------------------------------


@given(st.integers(0, 2**50), st.integers(0, 2**50), st.integers(1, 2**50))
def test_content_range_parses_what_a_server_sends(first, length, extra):
    last, total = first + length, first + length + extra
    assert parse_content_range(f"bytes {first}-{last}/{total}") == (first, last, total)
    assert parse_content_range(f"bytes {first}-{last}/*") == (first, last, None)


@given(st.integers(0, 2**40), st.integers(1, 2**40))
def test_content_range_refuses_impossible_ranges(first, gap):
    assert parse_content_range(f"bytes {first + gap}-{first}/{first + 2 * gap}") is None
    assert parse_content_range(f"bytes {first}-{first + gap}/{first + gap}") is None


@given(st.text(max_size=40))
def test_content_range_never_raises_on_garbage(value):
    parsed = parse_content_range(value)
    assert parsed is None or parsed[0] <= parsed[1]


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@given(names)
def test_filename_star_carries_any_name_in_utf8(name):
    header = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    assert filename_from_disposition(header) == name


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_a_quoted_filename_is_unescaped(name):
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    assert filename_from_disposition(f'attachment; filename="{escaped}"; size=3') == name


def test_filename_star_wins_over_filename():
    header = "attachment; filename=\"fallback.mp4\"; filename*=UTF-8''%E2%82%AC%20rates.mp4"
    assert filename_from_disposition(header) == "€ rates.mp4"
    assert filename_from_disposition("attachment; filename*=ISO-8859-1''caf%E9.mkv") == "café.mkv"
    assert filename_from_disposition("inline") is None


@given(st.text(max_size=300))
def test_a_safe_filename_is_a_plain_name_whatever_comes_in(name):
    safe = safe_filename(name)
    assert safe
    assert "/" not in safe
    assert "\\" not in safe
    assert ".." not in safe
    assert all(ch.isprintable() for ch in safe)
    assert not safe.startswith(".")
    assert len(safe.encode()) <= 200
    assert safe_filename(safe) == safe


@pytest.mark.parametrize(
    ("disposition", "url", "name"),
    [
        (None, "https://cdn.example/films/My%20Film.mkv?sig=abc", "My Film.mkv"),
        (None, "https://cdn.example/", "download"),
        (None, "https://cdn.example/a/..", "download"),
        (None, "https://cdn.example/a/%2e%2e%2fetc%2fpasswd", "passwd"),
        ('attachment; filename="../../etc/passwd"', "https://x.example/v", "passwd"),
        ('attachment; filename="..\\\\boot.ini"', "https://x.example/v", "boot.ini"),
        ("attachment; filename=film.mp4", "https://x.example/ignored.bin", "film.mp4"),
    ],
)
def test_the_saved_name_comes_from_the_header_or_the_url_and_is_made_safe(disposition, url, name):
    assert filename_for(disposition, url) == name


@pytest.mark.parametrize(
    ("content_type", "head", "is_page"),
    [
        ("text/html; charset=utf-8", b"", True),
        ("application/xhtml+xml", b"", True),
        ("application/vnd.apple.mpegurl", b"", True),
        ("application/x-mpegURL", b"", True),
        ("application/octet-stream", b"\xef\xbb\xbf  #EXTM3U\n#EXTINF:10,", True),
        ("application/octet-stream", b"\n<!DOCTYPE HTML><html>", True),
        ("", b"<HTML><body>", True),
        ("video/mp4", b"\x00\x00\x00\x20ftypisom", False),
        ("video/x-matroska", b"\x1a\x45\xdf\xa3", False),
    ],
)
def test_pages_and_playlists_are_told_from_media(content_type, head, is_page):
    assert (page_reason(content_type, head) is not None) == is_page


def test_backoff_doubles_from_half_a_second_up_to_ten():
    assert [backoff(n) for n in range(1, 8)] == [0.5, 1, 2, 4, 8, 10, 10]


# --- clean downloads --------------------------------------------------------------------------


def test_it_downloads_a_file_under_the_name_the_server_gives(source, folder):
    disposition = "attachment; filename*=UTF-8''Le%20Film.mp4"
    url = source.route("/v/123", MediaFile(FILM, disposition=disposition))
    reports = Reports()

    result = download(url, folder, reports)

    assert result.path == folder / "Le Film.mp4"
    assert (result.size, result.filename, result.content_type) == (
        len(FILM),
        "Le Film.mp4",
        "video/mp4",
    )
    assert (result.final_url, result.method) == (url, "native")
    assert file_sha256(result.path) == sha256(FILM)
    assert os.listdir(folder) == ["Le Film.mp4"]
    assert reports[-1] == (len(FILM), len(FILM))
    assert len(reports) <= 5  # at most ~10 a second, plus the last


def test_a_body_without_content_length_downloads_with_an_unknown_total(source, folder):
    url = source.route("/live.ts", MediaFile(FILM, close_delimited=True))
    reports = Reports()
    result = download(url, folder, reports)
    assert file_sha256(result.path) == sha256(FILM)
    assert reports[-1] == (len(FILM), None)


def test_only_as_many_bytes_as_content_length_says_are_kept(source, folder):
    url = source.route("/liar.mp4", MediaFile(FILM, declared_length=1000))
    result = download(url, folder)
    assert result.path.read_bytes() == FILM[:1000]


@pytest.fixture
def tls_source(folder, monkeypatch, tmp_path):
    """An https server for media.example (on 127.0.0.1) whose certificate ingest trusts."""
    cert, key = self_signed_certificate(need_binary("openssl"), tmp_path, "media.example")
    monkeypatch.setattr(ssrf, "tls_context", lambda: ssl.create_default_context(cafile=cert))
    real = ssrf.resolve
    monkeypatch.setattr(
        ssrf,
        "resolve",
        lambda host, port: ["127.0.0.1"] if host == "media.example" else real(host, port),
    )
    with source_server(tls=tls_server_context(cert, key)) as server:
        yield server


def test_https_reaches_the_checked_address_with_the_real_name(tls_source, folder):
    tls_source.route("/film.mp4", MediaFile(FILM))
    result = download(tls_source.url("/film.mp4", host="media.example"), folder)
    assert file_sha256(result.path) == sha256(FILM)
    assert tls_source.sni_names == ["media.example"]


def test_a_redirect_from_https_to_plain_http_is_followed_and_logged(
    tls_source, source, folder, caplog
):
    tls_source.route("/film.mp4", Redirect(source.url("/film.mp4")))
    source.route("/film.mp4", MediaFile(FILM))
    with caplog.at_level(logging.WARNING, logger="ingest_core.guarded_http"):
        result = download(tls_source.url("/film.mp4", host="media.example"), folder)
    assert result.final_url == source.url("/film.mp4")
    assert "redirects from https to plain http" in caplog.text


# --- drops, stalls and resumes ----------------------------------------------------------------


def test_a_connection_dropped_half_way_resumes_where_it_stopped(source, folder, waits):
    url = source.route("/film.mp4", MediaFile(FILM, drop_first=1))

    result = download(url, folder)

    assert file_sha256(result.path) == sha256(FILM)
    first, second = source.requests_to("/film.mp4")
    assert "range" not in first.headers
    assert second.headers["range"].startswith("bytes=")
    assert int(second.headers["range"][6:-1]) > 0
    assert second.headers["if-range"] == '"v1-source"'
    assert waits == [0.5]


def test_a_weak_etag_is_not_used_for_if_range_last_modified_is(source, folder):
    """RFC 9110 13.1.5: If-Range takes a strong validator only."""
    url = source.route("/film.mp4", MediaFile(FILM, etag='W/"weak"', drop_first=1))
    result = download(url, folder)
    assert file_sha256(result.path) == sha256(FILM)
    assert source.requests_to("/film.mp4")[1].headers["if-range"] == LAST_MODIFIED


def test_a_server_that_ignores_range_makes_the_download_start_over(source, folder):
    url = source.route("/film.mp4", MediaFile(FILM, drop_first=1, ranges=False))
    reports = Reports()

    result = download(url, folder, reports)

    assert file_sha256(result.path) == sha256(FILM)
    assert "range" in source.requests_to("/film.mp4")[1].headers
    assert result.size == len(FILM)


def test_a_file_that_changed_between_attempts_is_downloaded_again_whole(source, folder):
    """If-Range: the validator no longer matches, so the server sends the new file (200)."""
    media = MediaFile(FILM, drop_first=1)
    url = source.route("/film.mp4", media)
    new_film = os.urandom(len(FILM) + 10)

    def replace_the_file(done, total):
        media.data, media.etag, media.last_modified = new_film, '"v2"', None

    result = download(url, folder, replace_the_file)

    assert file_sha256(result.path) == sha256(new_film)
    assert source.requests_to("/film.mp4")[1].headers["if-range"] == '"v1-source"'


def test_a_stall_counts_as_a_drop_and_resumes(settings, source, folder):
    settings.INGEST_STALL_TIMEOUT = 0.3
    url = source.route("/film.mp4", MediaFile(FILM, stall_first=1))
    result = download(url, folder)
    assert file_sha256(result.path) == sha256(FILM)
    assert source.requests_to("/film.mp4")[1].headers["range"] != "bytes=0-"


def test_a_server_that_keeps_stalling_fails_after_the_retries_leaving_nothing(
    settings, source, folder, waits
):
    settings.INGEST_STALL_TIMEOUT = 0.2
    settings.INGEST_DOWNLOAD_RETRIES = 2
    url = source.route("/film.mp4", MediaFile(FILM, stall_first=99))

    with pytest.raises(DownloadFailed, match="stalled") as failed:
        download(url, folder)

    assert failed.value.transient
    assert "gave up after 2 retries" in str(failed.value)
    assert len(source.requests_to("/film.mp4")) == 3
    assert waits == [0.5, 1.0]
    assert os.listdir(folder) == []


def test_a_server_that_cannot_be_reached_fails_as_transient(folder):
    with pytest.raises(DownloadFailed, match="could not connect") as failed:
        download(f"http://127.0.0.1:{free_port()}/film.mp4", folder)
    assert failed.value.transient
    assert os.listdir(folder) == []


# --- what the server answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "phrase"),
    [(404, "Not Found"), (403, "Forbidden"), (401, "Unauthorized"), (410, "Gone")],
)
def test_a_client_error_fails_at_once_and_for_good(source, folder, code, phrase):
    url = source.route("/film.mp4", Status(code))
    with pytest.raises(DownloadFailed) as failed:
        download(url, folder)
    assert str(failed.value) == f"the server answered {code} {phrase} for {url}"
    assert not failed.value.transient
    assert len(source.seen) == 1
    assert os.listdir(folder) == []


@pytest.mark.parametrize("code", [500, 503, 429])
def test_a_server_error_or_rate_limit_is_transient(source, folder, code):
    url = source.route("/film.mp4", Status(code))
    with pytest.raises(DownloadFailed, match=f"answered {code}") as failed:
        download(url, folder)
    assert failed.value.transient


@pytest.mark.parametrize(
    "page",
    [
        Page(),
        Page(content_type="application/octet-stream"),  # sniffed: the body is HTML
        Page(HLS_PLAYLIST, "application/vnd.apple.mpegurl"),
        Page(HLS_PLAYLIST, "application/octet-stream"),  # sniffed: #EXTM3U
    ],
)
def test_a_page_or_a_playlist_is_handed_back_for_yt_dlp(source, folder, page):
    url = source.route("/watch", page)
    with pytest.raises(PageNotMedia, match="not a media file"):
        download(url, folder)
    assert os.listdir(folder) == []


# --- limits -----------------------------------------------------------------------------------


def test_a_file_larger_than_the_cap_is_refused_from_its_content_length(settings, source, folder):
    settings.INGEST_MAX_BYTES = MiB
    url = source.route("/film.mp4", MediaFile(FILM))
    with pytest.raises(DownloadFailed, match="larger than INGEST_MAX_BYTES") as failed:
        download(url, folder)
    assert not failed.value.transient
    assert os.listdir(folder) == []


def test_the_cap_holds_when_the_server_does_not_say_the_size(settings, source, folder):
    settings.INGEST_MAX_BYTES = 2 * MiB
    url = source.route("/film.mp4", MediaFile(FILM, close_delimited=True))
    with pytest.raises(DownloadFailed, match="larger than INGEST_MAX_BYTES"):
        download(url, folder)
    assert os.listdir(folder) == []


def test_it_refuses_to_start_when_the_disk_would_get_too_full(settings, source, folder):
    settings.INGEST_MIN_FREE_BYTES = 10**18
    url = source.route("/film.mp4", MediaFile(FILM))
    with pytest.raises(DownloadFailed, match="not enough free disk space"):
        download(url, folder)
    assert os.listdir(folder) == []


def test_it_stops_when_the_disk_fills_up_while_writing(settings, source, folder, monkeypatch):
    settings.INGEST_MIN_FREE_BYTES = 100 * MiB
    monkeypatch.setattr(native_download, "DISK_CHECK_EVERY", MiB)
    Usage = namedtuple("Usage", "total used free")
    free = iter([10 * 2**30, 10 * 2**30, 50 * MiB])  # someone else fills the disk meanwhile
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(0, 0, next(free, 50 * MiB)))
    url = source.route("/film.mp4", MediaFile(FILM, close_delimited=True))
    with pytest.raises(DownloadFailed, match="not enough free disk space"):
        download(url, folder)
    assert os.listdir(folder) == []


def test_a_cancel_from_the_progress_callback_stops_and_cleans_up(source, folder):
    url = source.route("/film.mp4", MediaFile(FILM))

    def cancel(done, total):
        raise IngestCancelled("cancelled by the operator")

    with pytest.raises(IngestCancelled):
        download(url, folder, cancel)
    assert os.listdir(folder) == []


# --- redirects and the SSRF guard -------------------------------------------------------------


def test_redirects_are_followed_relative_and_to_another_server(source, folder):
    with source_server() as mirror:
        mirror.route("/films/a.mp4", MediaFile(FILM))
        source.route("/short", Redirect("/go?id=1", 301))
        source.route("/go", Redirect(mirror.url("/films/a.mp4"), 307))
        result = download(source.url("/short"), folder)
    assert result.final_url == mirror.url("/films/a.mp4")
    assert result.filename == "a.mp4"
    assert file_sha256(result.path) == sha256(FILM)


def test_a_redirect_loop_gives_up(source, folder):
    url = source.route("/loop", Redirect("/loop"))
    with pytest.raises(DownloadFailed, match="more than 10 redirects"):
        download(url, folder)
    assert len(source.seen) == 11


def test_a_redirect_to_the_metadata_service_is_refused(source, folder):
    url = source.route("/film.mp4", Redirect("http://169.254.169.254/latest/meta-data/"))
    with pytest.raises(SourceRefused, match="cloud metadata"):
        download(url, folder)
    assert os.listdir(folder) == []


def test_a_redirect_to_another_loopback_address_is_refused_though_127_0_0_1_is_allowed(
    source, folder
):
    with source_server("127.0.0.2") as internal:
        internal.route("/admin", MediaFile(b"secret"))
        url = source.route("/film.mp4", Redirect(internal.url("/admin")))
        with pytest.raises(SourceRefused, match=r"127\.0\.0\.2 is a loopback address"):
            download(url, folder)
    assert internal.seen == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/iam/", "link-local address (cloud metadata)"),
        ("http://[::1]/film.mp4", "::1 is a loopback address"),
        ("http://10.0.0.8/film.mp4", "10.0.0.8 is a private address"),
        ("http://private.example/film.mp4", "resolves to 192.168.0.10, a private address"),
    ],
)
def test_urls_to_internal_addresses_are_refused(folder, monkeypatch, url, reason):
    real = ssrf.resolve
    fake = {"private.example": ["192.168.0.10"]}
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: fake.get(host) or real(host, port))
    with pytest.raises(SourceRefused) as refused:
        download(url, folder)
    assert reason in str(refused.value)


def test_loopback_is_refused_unless_the_operator_allows_it(settings, source, folder):
    settings.INGEST_ALLOWED_HOSTS = []
    url = source.route("/film.mp4", MediaFile(FILM))
    with pytest.raises(SourceRefused, match=r"127\.0\.0\.1 is a loopback address"):
        download(url, folder)
    assert source.seen == []


def test_a_download_connects_to_the_address_checked_not_a_rebound_one(source, folder, monkeypatch):
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    lookups = []
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: lookups.append(host) or next(answers))
    url = source.route("/film.mp4", MediaFile(FILM)).replace("127.0.0.1", "rebind.example")

    result = download(url, folder)

    assert file_sha256(result.path) == sha256(FILM)
    assert lookups == ["rebind.example"]
    assert source.seen[0].headers["host"] == f"rebind.example:{source.port}"


def test_fetch_bytes_reads_a_small_body_through_the_guard(source):
    url = source.route("/poster.jpg", MediaFile(b"\xff\xd8jpeg", content_type="image/jpeg"))
    assert fetch_bytes(url) == b"\xff\xd8jpeg"
    with pytest.raises(DownloadFailed, match="larger than"):
        fetch_bytes(url, max_bytes=3)
    with pytest.raises(DownloadFailed, match="answered 404"):
        fetch_bytes(source.url("/missing.jpg"))
    redirect = source.route("/poster2.jpg", Redirect("http://169.254.169.254/"))
    with pytest.raises(SourceRefused):
        fetch_bytes(redirect)


# --- aria2c for big files ---------------------------------------------------------------------

BIG = os.urandom(40 * MiB)  # over the 32 MiB from which aria2c is worth starting


@pytest.fixture
def aria2c(settings, monkeypatch):
    # Every connection counts as slow, and is judged after its first read: aria2c continues.
    settings.INGEST_ARIA2 = "auto"
    settings.INGEST_ARIA2_SLOWER_THAN = 10**15
    monkeypatch.setattr(native_download, "ARIA2_SAMPLE_SECONDS", 0)
    return need_binary("aria2c")


def test_a_fast_connection_is_kept_even_for_a_big_file(aria2c, settings, source, folder):
    settings.INGEST_ARIA2_SLOWER_THAN = 1  # any speed is fast enough
    url = source.route("/big.mkv", MediaFile(BIG))

    result = download(url, folder)

    assert result.method == "native"
    assert file_sha256(result.path) == sha256(BIG)
    assert len(source.requests_to("/big.mkv")) == 1


def test_a_slow_connection_is_continued_by_aria2c_from_where_it_was(aria2c, source, folder):
    url = source.route("/big.mkv", MediaFile(BIG))

    result = download(url, folder)

    assert result.method == "aria2"
    assert file_sha256(result.path) == sha256(BIG)
    starts = [
        int(seen.headers["range"].removeprefix("bytes=").split("-")[0])
        for seen in source.requests_to("/big.mkv")
        if "range" in seen.headers
    ]
    assert starts
    assert min(starts) > 0, "aria2c continued the partial file instead of starting over"


def test_a_big_file_goes_to_aria2c_in_several_connections(aria2c, source, folder):
    url = source.route("/big.mkv", MediaFile(BIG, content_type="video/x-matroska"))
    reports = Reports()

    result = download(url, folder, reports)

    assert (result.method, result.filename, result.size) == ("aria2", "big.mkv", len(BIG))
    assert file_sha256(result.path) == sha256(BIG)
    assert os.listdir(folder) == ["big.mkv"]
    assert reports[-1] == (len(BIG), len(BIG))
    # Our first GET (its headers decide), then aria2c's: one more connection at least.
    requests = source.requests_to("/big.mkv")
    assert len(requests) >= 3
    assert any("range" in seen.headers for seen in requests)


def test_when_aria2c_fails_the_native_downloader_takes_over(
    aria2c, source, folder, monkeypatch, tmp_path, caplog
):
    failing = tmp_path / "aria2c-broken"
    failing.write_text("#!/bin/sh\necho 'errorCode=1 something broke' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(aria2_download, "ARIA2_BINARY", str(failing))
    url = source.route("/big.mkv", MediaFile(BIG))

    with caplog.at_level(logging.WARNING, logger="ingest_core.native_download"):
        result = download(url, folder)

    assert result.method == "native"
    assert file_sha256(result.path) == sha256(BIG)
    assert "something broke" in caplog.text
    assert os.listdir(folder) == ["big.mkv"]


def test_the_disk_guard_also_watches_aria2c(aria2c, settings, source, folder, monkeypatch):
    settings.INGEST_MIN_FREE_BYTES = 100 * MiB
    monkeypatch.setattr(native_download, "DISK_CHECK_EVERY", MiB)
    Usage = namedtuple("Usage", "total used free")
    free = iter([10 * 2**30])  # plenty at the start, then the disk is nearly full
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(0, 0, next(free, 50 * MiB)))
    url = source.route("/big.mkv", MediaFile(BIG, rate=8 * MiB))
    with pytest.raises(DownloadFailed, match="not enough free disk space"):
        download(url, folder)
    assert os.listdir(folder) == []


def test_aria2c_can_be_cancelled_from_progress(aria2c, source, folder):
    url = source.route("/big.mkv", MediaFile(BIG, rate=4 * MiB))
    reports = Reports()

    def cancel_once_aria2c_reports(done, total):
        reports(done, total)
        if done > MiB:  # past the first read, so aria2c is the one reporting
            raise IngestCancelled("cancelled by the operator")

    with pytest.raises(IngestCancelled):
        download(url, folder, cancel_once_aria2c_reports)
    assert os.listdir(folder) == []


def test_aria2c_goes_through_the_guard_proxy(aria2c, source, folder):
    url = source.route("/big.mkv", MediaFile(BIG))
    aria2_download.run_aria2(url, folder / "big.mkv", expected_size=len(BIG))
    assert file_sha256(folder / "big.mkv") == sha256(BIG)
    assert all(seen.headers.get("via") for seen in source.seen)


def test_the_guard_proxy_refuses_a_redirect_aria2c_would_follow(aria2c, source, folder):
    with source_server("127.0.0.2") as internal:
        internal.route("/big.mkv", MediaFile(BIG))
        url = source.route("/big.mkv", Redirect(internal.url("/big.mkv")))
        with pytest.raises(aria2_download.Aria2Failed) as failed:
            aria2_download.run_aria2(url, folder / "big.mkv", expected_size=len(BIG))
    assert internal.seen == []
    assert "127.0.0.2 is a loopback address" in failed.value.refusals[0]
    assert os.listdir(folder) == []
