"""What the stand-ins for internet APIs (tests/support/anilist_double.py, tmdb_double.py)
share: an http.server on a free loopback port, served from a thread while the double is
`with`-entered; the two behaviours both services can show (a slow answer, an HTML page from
a proxy or outage page in front of the API); and writing an answer back."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class ApiDouble:
    """A double's server and lifecycle. Subclasses answer, holding `_lock` while they take
    (and count down) what the next request should do."""

    path = "/"  # what follows host:port in the API's base URL

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._lock = threading.Lock()
        self._garbage = 0
        self._delay = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # A short poll interval: shutdown() waits for it, once per test.
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def garbage_next(self, count: int) -> None:
        with self._lock:
            self._garbage = count

    def delay_next(self, seconds: float) -> None:
        with self._lock:
            self._delay = seconds


def send_answer(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
) -> None:
    """Write one answer: JSON unless `headers` names another Content-Type."""
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (a timeout test); nothing to answer
