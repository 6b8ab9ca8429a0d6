"""The ingest guard proxy forwards one request per connection, and says so to the client.

Stands for what yt-dlp's pool does with a keep-alive answer: it keeps the connection to the
proxy and sends its next request there. The proxy ends the connection after one answer, so
unless the answer carries `Connection: close` (RFC 9112 9.6) the next request meets a closed
socket ("RemoteDisconnected"), which failed an ingest job now and then under load.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from ingest_core.guard_proxy import guarded_proxy

KEEP_ALIVE_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    b"Connection: keep-alive\r\nKeep-Alive: timeout=30\r\nX-Kept: yes\r\n\r\nhello"
)


@pytest.fixture
def keep_alive_server():
    """Answers every request on a connection with a keep-alive 200 and keeps it open."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            while not stop.is_set():
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(KEEP_ALIVE_ANSWER)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


@pytest.fixture
def proxied(settings) -> Iterator[http.client.HTTPConnection]:
    """A client connection to a running guard proxy that lets loopback through."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    with guarded_proxy() as proxy:
        address = urlsplit(proxy.url)
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        yield conn
        conn.close()


def test_a_forwarded_answer_tells_the_client_the_connection_ends(proxied, keep_alive_server):
    proxied.request("GET", f"http://127.0.0.1:{keep_alive_server}/a")
    answer = proxied.getresponse()
    assert answer.read() == b"hello"
    assert answer.getheader("Connection") == "close"
    assert answer.getheader("Keep-Alive") is None
    assert answer.getheader("X-Kept") == "yes"  # end-to-end fields pass unchanged
    assert "shadowvault-ingest-guard" in answer.getheader("Via")
    assert answer.will_close  # so http.client (and urllib3) open a new connection


def test_a_client_asking_twice_gets_two_answers(proxied, keep_alive_server):
    for path in ("/first", "/second"):
        proxied.request("GET", f"http://127.0.0.1:{keep_alive_server}{path}")
        assert proxied.getresponse().read() == b"hello"
