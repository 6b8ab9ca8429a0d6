"""A stand-in for ad servers: VAST documents served per path from a loopback http.server.

`serve(path, body)` answers that path with the body ("{base}" in it becomes the double's own
URL, so wrappers can point at each other); `status`, `delay` and `trickle` (a byte at a
time) make it fail, stall or crawl.
Anything not set up answers 404. Every request's path and query is kept in `requests`, so a
test can see which Error URLs were called and with which [ERRORCODE].

The SSRF guard refuses loopback: tests let it through with
settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"], as the ingest download tests do.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.support.api_double import ApiDouble, send_answer


@dataclass
class Answer:
    body: bytes
    status: int = 200
    delay: float = 0.0
    trickle: float = 0.0  # seconds between one byte of the body and the next


class VastDouble(ApiDouble):
    def __init__(self) -> None:
        super().__init__(_Handler)
        self.server.double = self  # type: ignore[attr-defined]
        self.answers: dict[str, Answer] = {}
        self.requests: list[str] = []

    def serve(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        delay: float = 0.0,
        trickle: float = 0.0,
    ) -> str:
        """Answer `path` with `body`; returns the URL to ask for it."""
        base = self.url.rstrip("/")
        data = body.replace("{base}", base).encode() if isinstance(body, str) else body
        with self._lock:
            self.answers[path] = Answer(data, status, delay, trickle)
        return f"{base}{path}"

    def answer(self, target: str) -> Answer:
        with self._lock:
            self.requests.append(target)
            return self.answers.get(target.split("?")[0], Answer(b"not found", 404))

    def hits(self, prefix: str) -> list[str]:
        with self._lock:
            return [target for target in self.requests if target.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        answer = self.server.double.answer(self.path)  # type: ignore[attr-defined]
        if answer.delay:
            time.sleep(answer.delay)
        if answer.trickle:
            self._trickle(answer)
            return
        send_answer(self, answer.status, {"Content-Type": "application/xml"}, answer.body)

    def _trickle(self, answer: Answer) -> None:
        # Headers at once, then the body a byte at a time: each read succeeds, the whole never
        # arrives in time.
        try:
            self.send_response(answer.status)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(answer.trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet
