"""Loopback HTTP servers standing in for the places ingest downloads from.

`source_server()` runs a ThreadingHTTPServer on 127.0.0.1 (or another loopback address) in
a thread; `server.route(path, behaviour)` says what a path does and returns its URL. Every
behaviour is one thing real servers do:

- `MediaFile`: a static file server (nginx, S3, a CDN) with ETag, Last-Modified,
  Accept-Ranges, Range and If-Range; and its failure modes:
  `drop_first=N` the first N answers are cut half-way (a flaky link, a CDN edge restarting),
  `stall_first=N` they stop half-way and hang (a stuck upstream, a black-holed route),
  `ranges=False` Range is ignored, always 200 (dynamic scripts, some proxies),
  `declared_length` Content-Length says less than what is sent (a lying or buggy server),
  `close_delimited` no Content-Length, the body ends at close (generated output, HTTP/1.0),
  `rate` bytes per second per connection (a far-away, slow server).
- `Status`: an error answer: 404 gone, 403 hotlink protection or expired link, 500 a crash,
  503 overloaded or in maintenance, 429 rate limited.
- `Page`: a body that is not media: a video's HTML watch page, an HLS playlist.
- `Redirect`: a Location hop: URL shorteners, CDN hand-offs to signed URLs, moved files, or
  an attacker bouncing the fetch to an internal address (http://169.254.169.254/).
"""

from __future__ import annotations

import mimetypes
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

ETAG = '"v1-source"'
LAST_MODIFIED = "Sun, 29 Jun 2025 12:00:00 GMT"
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Watch</title></head><body>video</body></html>"
HLS_PLAYLIST = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10.0,\nsegment0.ts\n#EXT-X-ENDLIST\n"


@dataclass
class Seen:
    """One request as the server received it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]


class Behaviour(Protocol):
    def respond(self, handler: _Handler, nth: int) -> None: ...


@dataclass
class MediaFile:
    """A static file (nginx, S3, a CDN), optionally misbehaving as the module doc says."""

    data: bytes
    content_type: str = "video/mp4"
    etag: str | None = ETAG
    last_modified: str | None = LAST_MODIFIED
    disposition: str | None = None
    ranges: bool = True
    drop_first: int = 0
    stall_first: int = 0
    declared_length: int | None = None
    close_delimited: bool = False
    rate: int | None = None

    def respond(self, handler: _Handler, nth: int) -> None:
        status, start, end = 200, 0, len(self.data)
        wanted = handler.headers.get("Range") if self.ranges else None
        if wanted and self._if_range_holds(handler.headers.get("If-Range")):
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted.strip())
            status, start = 206, int(match[1])
            end = min(int(match[2]) + 1, end) if match[2] else end
            if start >= len(self.data):
                return self._unsatisfiable(handler)
        body = memoryview(self.data)[start:end]
        handler.send_response(status)
        self._headers(handler, status, start, end, len(body))
        if nth < self.drop_first:
            handler.write_body(body[: len(body) // 2], self.rate)
            handler.drop()
        elif nth < self.stall_first:
            handler.write_body(body[: len(body) // 2], self.rate)
            handler.stall()
        else:
            handler.write_body(body, self.rate)
        return None

    def _if_range_holds(self, validator: str | None) -> bool:
        return validator is None or validator in {self.etag, self.last_modified}

    def _unsatisfiable(self, handler: _Handler) -> None:
        handler.send_response(416)
        handler.send_header("Content-Range", f"bytes */{len(self.data)}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _headers(self, handler: _Handler, status: int, start: int, end: int, size: int) -> None:
        handler.send_header("Content-Type", self.content_type)
        if self.ranges:
            handler.send_header("Accept-Ranges", "bytes")
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(self.data)}")
        for name, value in (
            ("ETag", self.etag),
            ("Last-Modified", self.last_modified),
            ("Content-Disposition", self.disposition),
        ):
            if value:
                handler.send_header(name, value)
        if self.close_delimited:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        else:
            handler.send_header("Content-Length", str(self.declared_length or size))
        handler.end_headers()


@dataclass
class Status:
    """An error answer with a short text body (Retry-After on 429 and 503, as servers do)."""

    code: int
    body: bytes = b"no such thing here\n"

    def respond(self, handler: _Handler, nth: int) -> None:
        handler.send_response(self.code)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(self.body)))
        if self.code in {429, 503}:
            handler.send_header("Retry-After", "1")
        handler.end_headers()
        handler.write_body(memoryview(self.body))


@dataclass
class Page:
    """A page or a playlist where a video was expected (a watch page, an m3u8)."""

    body: bytes = HTML_PAGE
    content_type: str = "text/html; charset=utf-8"

    def respond(self, handler: _Handler, nth: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.write_body(memoryview(self.body))


@dataclass
class Redirect:
    """A redirect to `location` (relative, another server, or an internal address)."""

    location: str
    code: int = 302

    def respond(self, handler: _Handler, nth: int) -> None:
        handler.send_response(self.code)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@dataclass
class SourceServer:
    host: str
    routes: dict[str, Behaviour] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)
    scheme: str = "http"
    port: int = 0
    sni_names: list[str | None] = field(default_factory=list)

    def route(self, path: str, behaviour: Behaviour) -> str:
        self.routes[path] = behaviour
        return self.url(path)

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if urlsplit(seen.path).path == path]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        source = self.server.source
        path = urlsplit(self.path).path
        nth = len(source.requests_to(path))
        headers = {name.lower(): value for name, value in self.headers.items()}
        source.seen.append(Seen(self.command, self.path, headers))
        behaviour = source.routes.get(path, Status(404))
        with suppress(ConnectionError, TimeoutError):
            behaviour.respond(self, nth)

    def write_body(self, body: memoryview, rate: int | None = None) -> None:
        step = max(1, rate // 20) if rate else 1024 * 1024
        for offset in range(0, len(body), step):
            if self.server.source.closing.is_set():
                return
            self.wfile.write(body[offset : offset + step])
            if rate:
                time.sleep(step / rate)
        self.wfile.flush()

    def drop(self) -> None:
        """Cut the connection with the body half sent, as a reset link or a dead edge does."""
        self.wfile.flush()
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def stall(self) -> None:
        """Send nothing more until the server shuts down, as a stuck upstream does."""
        self.wfile.flush()
        self.server.source.closing.wait()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests look at `source.seen`, not at a log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, source: SourceServer) -> None:
        super().__init__((source.host, source.port), _Handler)
        self.source = source

    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up mid-body (aria2c ending a segment) are normal here


@contextmanager
def source_server(
    host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
) -> Iterator[SourceServer]:
    """A running source server; routes can be added while it runs."""
    source = SourceServer(host, scheme="https" if tls else "http")
    server = _Server(source)
    source.port = server.server_address[1]
    if tls is not None:
        tls.sni_callback = lambda _sock, name, _ctx: source.sni_names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield source
    finally:
        source.closing.set()
        server.shutdown()
        server.server_close()


@contextmanager
def serve_file(path: Path, **options: object) -> Iterator[str]:
    """One file on a static file server under its own name; yields its URL."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    options.setdefault("content_type", content_type)
    with source_server() as server:
        yield server.route(f"/{quote(path.name)}", MediaFile(path.read_bytes(), **options))


def self_signed_certificate(openssl: str, folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` that is its own CA: (certificate, key) PEM files."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def tls_server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
