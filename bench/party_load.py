"""Watch parties under load (issue 18's second figure): many parties of simulated members on
one uvicorn worker, with the embedded in-memory channel layer.

    .venv/bin/python bench/party_load.py                        # 200 parties of 5, ~2 min
    .venv/bin/python bench/party_load.py --parties 20 --rounds 3 # a quick look

A throwaway install (SQLite in a temp folder, `bootstrap --no-sample`, one uvicorn process:
tests/support/live_site.py) with one film, parties x members members of the site, each
signed in by a session made in the install's shell, and one host-only party per group. Every
member is a websocket client in this process (the `websockets` package, as
tests/test_party_live.py uses it) speaking the protocol of docs/watch-party.md as the
player's client would: `ready` after the room's state and after every seek. Each host then
sends, one every `--every` seconds and staggered across parties, play, pause and a seek,
`--rounds` times. Reported:

- connected: sockets opened and given the room's state, of parties x members;
- delivered: commands the hosts caused that reached each member (play, pause, seek), of
  those expected;
- latency: the host's send -> a member's receipt, p50/p95/max (one clock: one machine);
- memory: the uvicorn process's resident set before the members connect and at the end, and
  per member;
- CPU seconds the uvicorn process used while the commands ran.

The clients run on the same 2 cores as the server: the figures include their share. It exits
0 once the report is printed (a report, not a test), 1 if it could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from live_installs import log, run_bench

CONNECT_TIMEOUT = 60.0
DELIVERY_WAIT = 30.0  # s after the last command for deliveries still on their way

SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from parties.starting import start_party
from stored_media.objects import store_file
from streaming.catalogue.sample_media import make_sample_video
from streaming.models import MediaFile, Title
from tenants.models import Domain, Membership

PARTIES, MEMBERS = {parties}, {members}
site = Domain.objects.get(hostname="127.0.0.1").tenant
User = get_user_model()
password = make_password(None)  # nobody signs in with it: sessions are made below
User.objects.bulk_create(
    [User(username=f"m{{n}}", password=password) for n in range(PARTIES * MEMBERS)]
)
users = list(User.objects.filter(username__startswith="m").order_by("pk"))
Membership.objects.bulk_create([Membership(tenant=site, user=user) for user in users])
path = make_sample_video(settings.DATA_DIR / "party.mp4", seconds=20)
title = Title.objects.create(title="Party Load", year=2026, status="published")
media = MediaFile.objects.create(
    title=title, stored=store_file(path, "party.mp4", kind="mp4"), duration_seconds=20.0,
    quality_label="360p", width=640, height=360,
)
backend = "django.contrib.auth.backends.ModelBackend"  # what a sign-in records
groups = []
for p in range(PARTIES):
    group = users[p * MEMBERS:(p + 1) * MEMBERS]
    party = start_party(site, group[0], media, "host")
    sessions = []
    for user in group:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    groups.append({{"code": party.code, "sessions": sessions}})
print(json.dumps({{"groups": groups, "cookie": settings.SESSION_COOKIE_NAME}}))
"""


@dataclass
class Tally:
    connected: int = 0
    refused: list[str] = field(default_factory=list)
    expected: int = 0
    delivered: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)  # party code -> host's last send


def now_ms() -> float:
    return time.time() * 1000


class Member:
    """One simulated player: joins, says ready when the room asks, counts commands."""

    def __init__(self, url: str, code: str, cookie: str, tally: Tally) -> None:
        self.url, self.code, self.cookie, self.tally = url, code, cookie, tally
        self.socket = None
        self.joined = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        import websockets

        origin = self.url.replace("ws://", "http://").split("/party/")[0]
        try:
            async with websockets.connect(
                self.url, origin=origin, additional_headers={"Cookie": self.cookie},
                open_timeout=CONNECT_TIMEOUT, max_queue=None,
            ) as socket:  # fmt: skip
                self.socket = socket
                reader = asyncio.create_task(self._read(socket))
                await stop.wait()
                reader.cancel()
        except Exception as exc:  # counted, not raised: the report says how many
            self.tally.refused.append(f"{type(exc).__name__}: {exc}")
            self.joined.set()

    async def _read(self, socket) -> None:
        async for frame in socket:
            message = json.loads(frame)
            kind = message.get("type")
            if kind == "state":
                self.tally.connected += 1
                self.joined.set()
                await socket.send(json.dumps({"type": "ready"}))
            elif kind == "command":
                self._count(message)
                if message.get("action") == "seek":
                    await socket.send(json.dumps({"type": "ready"}))
            elif kind == "error":
                self.tally.errors.append(message.get("message", ""))

    def _count(self, message: dict) -> None:
        sent = self.tally.sent_at.get(self.code)
        if sent is not None and message.get("by") is not None:
            self.tally.delivered += 1
            self.tally.latencies_ms.append(now_ms() - sent)

    async def send(self, message: dict) -> None:
        self.tally.sent_at[self.code] = now_ms()
        await self.socket.send(json.dumps(message))


async def drive(base: str, groups: list[dict], cookie_name: str, args, uvicorn_pid: int):
    tally = Tally()
    stop = asyncio.Event()
    parties: list[list[Member]] = []
    for group in groups:
        url = f"{base}/party/ws/{group['code']}/"
        cookies = [f"{cookie_name}={session}" for session in group["sessions"]]
        parties.append([Member(url, group["code"], cookie, tally) for cookie in cookies])
    everyone = [member for members in parties for member in members]
    rss_before = rss_kib(uvicorn_pid)
    log(f"connecting {len(everyone)} members")
    tasks = [asyncio.create_task(member.run(stop)) for member in everyone]
    await asyncio.wait_for(
        asyncio.gather(*(member.joined.wait() for member in everyone)), CONNECT_TIMEOUT * 2
    )
    log(f"{tally.connected} joined, {len(tally.refused)} refused; the hosts send commands")
    cpu_before = cpu_seconds(uvicorn_pid)
    # Each party: play, pause, seek, staggered so the commands spread over each interval
    # instead of arriving as one burst. Only the commands a host caused are counted (`by`
    # set): after a seek the room's own command once all are ready has `by` null.
    steps = [{"type": "play"}, {"type": "pause"}, {"type": "seek", "position": 5.0}]
    size = len(parties[0])
    for _ in range(args.rounds):
        for step in steps:
            for members in parties:
                if members[0].socket is not None:
                    await members[0].send(step)
                    tally.expected += size
                await asyncio.sleep(args.every / len(parties))
    # The last commands' deliveries: late ones are slow, not lost, so wait for them a while.
    deadline = time.monotonic() + DELIVERY_WAIT
    while tally.delivered < tally.expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    cpu = cpu_seconds(uvicorn_pid) - cpu_before
    rss_after = rss_kib(uvicorn_pid)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return tally, rss_before, rss_after, cpu


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(args, tally: Tally, rss_before: int, rss_after: int, cpu: float) -> dict:
    members = args.parties * args.members
    lat = tally.latencies_ms
    figures = {
        "parties": args.parties,
        "members": members,
        "connected": tally.connected,
        "refused": len(tally.refused),
        "expected": tally.expected,
        "delivered": tally.delivered,
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
        "latency_max_ms": max(lat) if lat else float("nan"),
        "rss_before_mib": rss_before / 1024,
        "rss_after_mib": rss_after / 1024,
        "kib_per_member": (rss_after - rss_before) / max(1, members),
        "uvicorn_cpu_s": cpu,
        "errors": len(tally.errors),
    }
    print(f"bench/party_load.py: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print(f"  {args.parties} parties x {args.members} members on one uvicorn worker")
    print(f"  connected {tally.connected}/{members} ({len(tally.refused)} refused)")
    print(f"  delivered {tally.delivered}/{tally.expected} commands to members")
    print(
        f"  latency host -> member: p50 {figures['latency_p50_ms']:.0f} ms, "
        f"p95 {figures['latency_p95_ms']:.0f} ms, max {figures['latency_max_ms']:.0f} ms"
    )
    print(
        f"  uvicorn RSS {figures['rss_before_mib']:.0f} MiB -> {figures['rss_after_mib']:.0f} "
        f"MiB ({figures['kib_per_member']:.0f} KiB a member); {cpu:.1f} CPU-s for the commands"
    )
    if tally.errors:
        print(f"  errors from the server: {len(tally.errors)}, e.g. {tally.errors[0]!r}")
    if tally.refused:
        print(f"  refused, e.g. {tally.refused[0]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=200)
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="play, pause, seek this often")
    parser.add_argument("--every", type=float, default=2.0, help="s between a party's commands")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    def body() -> dict:
        from tests.support.live_site import live_site

        work = Path(os.environ["DATA_DIR"])
        with live_site(work) as site:
            log(f"making {args.parties * args.members} members and {args.parties} parties")
            made = site.shell_json(SETUP.format(parties=args.parties, members=args.members))
            server = site.serve()
            base = site.url.replace("http://", "ws://")
            tally, before, after, cpu = asyncio.run(
                drive(base, made["groups"], made["cookie"], args, server.pid)
            )
            if tally.refused:
                log("the server's log ends:\n" + site.logs()[-3000:])
        return report(args, tally, before, after, cpu)

    return run_bench("party-load", body, args.json, setup_django=False)


if __name__ == "__main__":
    sys.exit(main())
