"""The origin of bench/stream.py's Telegram case: the project under uvicorn, its Telegram
backend talking to the tests' double of Telegram's servers (tests/support/telegram_double.py),
which answers each getFile after a data centre's round trip.

    python bench/telegram_origin.py --port P --latency 0.15 --part-size BYTES \\
        --sessions 2 --log GETFILE.jsonl FILE:NAME [FILE:NAME ...]

Telegram cannot be reached from here, and the double lives in memory, so it must live in the
process that serves. This script stores each FILE as a published film in the Telegram backend
(through the double, with no latency), prints `link: <signed link>` for each, then sets the
round trip and serves. Every getFile the double answers is appended to GETFILE.jsonl
(session, document, offset, limit, the document's size, when it was sent and answered), so
the bench can check each request against the planner's rules (telegram_plan.py).

A bench helper, not part of the product: it swaps the backend in the delivery view and in
store_file the way the tests do, by replacing their `get_backend`.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def double_module():
    """The tests' Telegram double (moving from tests/ to tests/support/)."""
    try:
        from tests.support import telegram_double
    except ImportError:
        from tests import telegram_double
    return telegram_double


def record_get_files(double, log_path: Path) -> None:
    """Append one JSON line per getFile the double answers (or refuses)."""
    log = log_path.open("a", buffering=1)
    answer = double.FakeClient.__call__

    async def logged(client, request):
        sent = time.time()
        outcome = "ok"
        try:
            return await answer(client, request)
        except Exception as exc:
            outcome = type(exc).__name__
            raise
        finally:
            location = getattr(request, "location", None)
            stored = next(
                (
                    s
                    for s in client.server._stored.values()
                    if location is not None and s.document.id == getattr(location, "id", None)
                ),
                None,
            )
            line = {
                "session": client.name,
                "document": getattr(location, "id", None),
                "size": len(stored.body) if stored else None,
                "offset": getattr(request, "offset", None),
                "limit": getattr(request, "limit", None),
                "sent": sent,
                "answered": time.time(),
                "outcome": outcome,
            }
            log.write(json.dumps(line) + "\n")

    double.FakeClient.__call__ = logged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per getFile")
    parser.add_argument("--part-size", type=int, required=True, help="bytes per document")
    parser.add_argument("--sessions", type=int, default=2, help="sessions in the pool")
    parser.add_argument("--log", type=Path, required=True, help="getFile log (JSON lines)")
    parser.add_argument("files", nargs="+", help="FILE:NAME to store and publish")
    args = parser.parse_args()

    from shadowvault import config

    config.prepare_environment()
    import django

    django.setup()
    import uvicorn

    from stored_media import delivery, objects
    from stored_media.signing import signed_link
    from stored_media.storage import get_backend
    from stored_media.storage.telegram import TelegramBackend
    from streaming.catalogue.publish import publish_as_film

    double = double_module()
    server = double.FakeTelegram(latency=0.0)
    backend = TelegramBackend(
        channel=server.channel,
        sessions=[f"bench-session-{n}" for n in range(args.sessions)],
        client_factory=server.connect,
        part_size=args.part_size,
    )

    def backend_for(name: str):
        return backend if name == "telegram" else get_backend(name)

    objects.get_backend = backend_for
    delivery.get_backend = backend_for
    for item in args.files:
        path, _, name = item.partition(":")
        stored = objects.store_file(Path(path), name, "telegram", kind="mp4")
        publish_as_film(stored, f"Bench {name}")
        print(f"link: {signed_link(stored.media_uri)}", flush=True)
    record_get_files(double, args.log)
    server.latency = args.latency

    def stop(_signum, _frame):
        raise SystemExit(0)

    # uvicorn hands SIGTERM back to the handler it found once it has shut down.
    signal.signal(signal.SIGTERM, stop)
    from shadowvault.asgi import application  # the entry point production serves

    config_ = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=args.port,
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    uvicorn.Server(config_).run()


if __name__ == "__main__":
    main()
