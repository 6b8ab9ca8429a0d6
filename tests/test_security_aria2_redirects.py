"""aria2c runs through the SSRF guard even for a host the operator allowed.

Issue 11: with the source's host in INGEST_ALLOWED_HOSTS, aria2c ran without the guard proxy
and followed a 302 to an internal listener. The allowed host is still reached (through the
proxy); a redirect from it to another private address that is not allowed is refused, by
aria2c's proxy and by the native downloader alike. Real loopback servers throughout: the
source on 127.0.0.1 (allowed), the internal listener on 127.0.0.2 (not allowed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from ingest_core import aria2_download, ssrf
from ingest_core.errors import SourceRefused
from ingest_core.native_download import download
from tests.support.http_sources import MediaFile, Redirect, source_server
from tests.test_ingest_download import BIG, aria2c, file_sha256, folder, sha256, source, waits

__all__ = ["aria2c", "folder", "source", "waits"]  # fixtures shared with the download tests


@dataclass
class RangesGoElsewhere:
    """The whole file to a plain GET; every Range request (aria2c's) redirected to `location`:
    the native downloader sees an honest server, aria2c is sent inward."""

    whole: MediaFile
    elsewhere: Redirect

    def respond(self, handler, nth: int) -> None:
        chosen = self.elsewhere if "Range" in handler.headers else self.whole
        chosen.respond(handler, nth)


def test_aria2c_is_refused_a_redirect_from_an_allowed_host_to_an_internal_one(
    aria2c, source, folder
):
    with source_server("127.0.0.2") as internal:
        internal.route("/admin", MediaFile(b"internal secret"))
        url = source.route("/big.mkv", Redirect(internal.url("/admin")))
        with pytest.raises(aria2_download.Aria2Failed) as failed:
            aria2_download.run_aria2(url, folder / "big.mkv", expected_size=len(BIG))
    assert internal.seen == []
    assert "127.0.0.2 is a loopback address" in failed.value.refusals[0]
    assert all(seen.headers.get("via") for seen in source.seen), "aria2c went round the proxy"
    assert os.listdir(folder) == []


def test_a_download_handed_to_aria2c_never_reaches_where_the_allowed_host_redirects_it(
    aria2c, source, folder
):
    with source_server("127.0.0.2") as internal:
        internal.route("/admin", MediaFile(BIG))
        url = source.route(
            "/big.mkv", RangesGoElsewhere(MediaFile(BIG), Redirect(internal.url("/admin")))
        )
        result = download(url, folder)
    assert internal.seen == []
    # aria2c was refused; the native downloader, on the allowed host only, finished the job.
    assert result.method == "native"
    assert file_sha256(result.path) == sha256(BIG)


def test_the_native_downloader_refuses_the_same_redirect(source, folder):
    with source_server("127.0.0.2") as internal:
        internal.route("/admin", MediaFile(b"internal secret"))
        url = source.route("/film.mp4", Redirect(internal.url("/admin")))
        with pytest.raises(SourceRefused, match=r"127\.0\.0\.2 is a loopback address"):
            download(url, folder)
    assert internal.seen == []


def test_a_host_allowed_by_name_is_fetched_through_the_proxy(
    aria2c, settings, source, folder, monkeypatch
):
    # The proxy runs in this process, so it sees this DNS; aria2c asks the proxy, not DNS.
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["127.0.0.1"])
    settings.INGEST_ALLOWED_HOSTS = ["nas.lan"]
    url = source.route("/big.mkv", MediaFile(BIG)).replace("127.0.0.1", "nas.lan")
    aria2_download.run_aria2(url, folder / "big.mkv", expected_size=len(BIG))
    assert file_sha256(folder / "big.mkv") == sha256(BIG)
    assert source.seen
    assert all(seen.headers.get("via") for seen in source.seen)
