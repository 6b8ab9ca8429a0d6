"""An SSRF-guarding HTTP forward proxy on loopback, for tools ingest runs (aria2c, yt-dlp).

A tool told to use this proxy reaches only what `ssrf.check_host` allows, on every request
and every redirect it follows. `CONNECT host:port` is checked, connected to by address and
relayed byte for byte (TLS stays end to end between the tool and the server); an absolute-URI
`GET http://...` is checked, rewritten to origin form with `Connection: close` and relayed.
A refused target gets 403 with the reason, which is also kept in `proxy.refusals`.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

from django.conf import settings

from ingest_core.errors import IngestError, SourceRefused
from ingest_core.guarded_http import request_target
from ingest_core.ssrf import check_host, check_url, connect_to, normalise_host

logger = logging.getLogger(__name__)

RELAY_BUFFER = 1024 * 1024
MAX_HEAD = 64 * 1024
# RFC 9110 7.6.1: hop-by-hop fields are for this connection only and are not forwarded.
HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "host"}
HOP_BY_HOP |= {"trailer", "upgrade", "proxy-authenticate"}
VIA = "1.1 shadowvault-ingest-guard"  # RFC 9110 7.6.3: a proxy adds itself to Via
LISTEN_HOST = "127.0.0.1"  # the tools it serves run on this machine


class BadRequest(ValueError):
    pass


class GuardProxy:
    def __init__(self) -> None:
        self.refusals: list[str] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{LISTEN_HOST}:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            for sock in list(self._sockets):
                _close(sock)

    def serve(self, client: socket.socket) -> None:
        """One client connection: one CONNECT tunnel or one forwarded request."""
        self._track(client)
        upstream = None
        try:
            client.settimeout(settings.INGEST_STALL_TIMEOUT)
            method, target, version, headers, rest = _read_request(client)
            if method == "CONNECT":
                upstream = self._open_tunnel(client, target)
                if upstream is not None:
                    _relay(client, upstream, rest)
            else:
                upstream = self._open_forward(client, method, target, version, headers, rest)
                if upstream is not None:
                    _relay(client, upstream, b"", closing=True)
        except BadRequest as exc:
            _reply(client, 400, "Bad Request", str(exc))
        except OSError:
            pass  # the client or the server went away; nothing to tell anyone
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    self._untrack(sock)

    def _open_tunnel(self, client: socket.socket, target: str) -> socket.socket | None:
        try:
            parts = urlsplit(f"//{target}")
            port = parts.port or 443
        except ValueError:
            raise BadRequest(f"CONNECT target {target!r} has a bad port") from None
        upstream = self._connect(client, lambda: _check_host(parts.hostname or "", port, target))
        if upstream is not None:
            client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        return upstream

    def _open_forward(
        self,
        client: socket.socket,
        method: str,
        target: str,
        version: str,
        headers: list[tuple[str, str]],
        rest: bytes,
    ) -> socket.socket | None:
        if not target.lower().startswith("http://"):
            raise BadRequest("this proxy forwards absolute http:// URLs and CONNECT only")
        upstream = self._connect(client, lambda: _check_url(target))
        if upstream is not None:
            host = urlsplit(target).netloc
            head = f"{method} {request_target(target)} {version}\r\nHost: {host}\r\n"
            kept = "".join(f"{name}: {value}\r\n" for name, value in _end_to_end(headers))
            ending = f"Via: {VIA}\r\nConnection: close\r\n\r\n"
            upstream.sendall(f"{head}{kept}{ending}".encode("latin-1") + rest)
        return upstream

    def _connect(
        self, client: socket.socket, check: Callable[[], tuple[str, int]]
    ) -> socket.socket | None:
        """Check the target, then connect to the checked address; answer the client if not."""
        try:
            address, port = check()
        except SourceRefused as refused:
            self.refusals.append(str(refused))
            logger.warning("ingest proxy: %s", refused)
            _reply(client, 403, "Forbidden", str(refused))
            return None
        except IngestError as failed:
            _reply(client, 502, "Bad Gateway", str(failed))
            return None
        try:
            upstream = connect_to(address, port, settings.INGEST_CONNECT_TIMEOUT)
        except OSError as exc:
            _reply(client, 502, "Bad Gateway", f"could not connect to {address}:{port}: {exc}")
            return None
        upstream.settimeout(settings.INGEST_STALL_TIMEOUT)
        self._track(upstream)
        return upstream

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        _close(sock)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, proxy: GuardProxy) -> None:
        super().__init__((LISTEN_HOST, 0), _Handler)
        self.proxy = proxy


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.server.proxy.serve(self.request)


@contextmanager
def guarded_proxy() -> Iterator[GuardProxy]:
    """A running proxy for the duration of the block; `proxy.url` is its http:// address."""
    proxy = GuardProxy()
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


def _check_host(host: str, port: int, target: str) -> tuple[str, int]:
    return check_host(normalise_host(host, target), port), port


def _check_url(url: str) -> tuple[str, int]:
    checked = check_url(url)
    return checked.address, checked.port


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """A message's head (without its blank line) and whatever bytes came after it."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEAD:
            raise BadRequest("the message head is too long")
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("the peer closed before sending a whole head")
        data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    return head, rest


def _read_request(client: socket.socket) -> tuple[str, str, str, list[tuple[str, str]], bytes]:
    """Method, target, version, header fields and whatever body bytes came with the head."""
    head, rest = _read_head(client)
    lines = head.decode("latin-1").split("\r\n")
    request_line = lines[0].split(" ")
    if len(request_line) != 3 or not request_line[2].startswith("HTTP/"):
        raise BadRequest(f"not an HTTP request line: {lines[0][:100]!r}")
    fields = [line.split(":", 1) for line in lines[1:] if ":" in line]
    headers = [(name.strip(), value.strip()) for name, value in fields]
    return request_line[0].upper(), request_line[1], request_line[2], headers, rest


def _end_to_end(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers minus hop-by-hop ones, including those the Connection field names."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP | named]


def _reply(client: socket.socket, status: int, phrase: str, message: str) -> None:
    body = f"{message}\n".encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with suppress(OSError):
        client.sendall(head.encode() + body)


def _relay(
    client: socket.socket, upstream: socket.socket, early: bytes, closing: bool = False
) -> None:
    """Copy bytes both ways until the server has finished sending.

    The exchange is over then (the caller closes both sockets, which also ends the
    client-to-server direction if the client is still holding its side open). With
    `closing` (a forwarded request) the response's head says so to the client.
    """
    if early:
        upstream.sendall(early)
    threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
    if closing:
        _pump_closing_response(upstream, client)
    else:
        _pump(upstream, client)


def _pump_closing_response(upstream: socket.socket, client: socket.socket) -> None:
    """Relay a forwarded request's response with `Connection: close` in its head.

    This proxy forwards one request per connection. A server's keep-alive answer relayed
    as it came would let the client (yt-dlp's connection pool) send its next request on a
    connection the proxy is closing, and see "RemoteDisconnected" instead of an answer."""
    try:
        head, rest = _read_head(upstream)
    except (OSError, BadRequest):
        with suppress(OSError):
            client.shutdown(socket.SHUT_WR)
        return
    status, *lines = head.decode("latin-1").split("\r\n")
    fields = [line.split(":", 1) for line in lines if ":" in line]
    kept = _end_to_end([(name.strip(), value.strip()) for name, value in fields])
    rewritten = "".join(f"{name}: {value}\r\n" for name, value in kept)
    with suppress(OSError):
        client.sendall(
            f"{status}\r\n{rewritten}Via: {VIA}\r\nConnection: close\r\n\r\n".encode("latin-1")
            + rest
        )
    _pump(upstream, client)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    buffer = bytearray(RELAY_BUFFER)
    view = memoryview(buffer)
    try:
        while count := source.recv_into(buffer):
            sink.sendall(view[:count])
    except OSError:
        pass  # a reset or a timeout ends this direction like a close does
    finally:
        # Pass the end of this direction on, so the other side sees EOF and can finish too.
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        sock.close()
