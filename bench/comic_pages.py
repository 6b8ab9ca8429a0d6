"""Benchmark of ReadVault's page path against nginx serving the same page images, in one run.

    .venv/bin/python bench/comic_pages.py [--pages 40] [--rounds 5]

Builds a throwaway install in a temp folder (SQLite, local media, moto's S3 server), makes one
chapter of generated JPEG pages (~460 KB, 1000x1400) stored as a CBZ twice, in local storage
and in S3, writes the same pages to disk as files, starts a uvicorn origin, the gateway nginx
(`manage.py gateway_config`) in front of it, and a reference nginx serving the page files
with sendfile. Then it times page fetches (keep-alive connections, whole answers):

- warm: through the gateway, the page and the authorize answer cached, against the
  reference nginx sending the same image file, interleaved page by page;
- cold: each page asked once after the gateway's caches were emptied (so nginx asks the
  origin for the chapter's authorize answer and for the page), from local storage and S3;
  for S3 against moto's own ranged GET of the same bytes with boto3 (the floor);
- bytes read per page, in this process: what the S3 backend fetched and what the Telegram
  double (tests/support/telegram_double.py) sent for each page, against the page's size.

It prints a report and exits 0 (it is a report, not a test); see bench/README.md. Everything it
starts is stopped and the temp folder removed on exit, on Ctrl-C and on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import stream
import stream_slices
from measures import percentile
from stream import Install, Nginx, Services, log

REPO = Path(__file__).resolve().parent.parent
GOAL_WARM = 1.2  # warm page through the gateway <= 1.2x nginx sending the file (p50 and p95)
GOAL_COLD_LOCAL = 2.0  # cold page from local storage <= 2x nginx sending the file
GOAL_COLD_S3_SLACK_MS = 10.0  # cold page from S3 <= moto's own ranged GET + 10 ms
GOAL_BYTES_SLACK = 64 * 1024  # bytes fetched for a page <= its size + 64 KiB


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)
    caches: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, answer: stream_slices.Answer, expected: bytes) -> None:
        self.ms.append(answer.total_ms)
        self.caches[answer.cache] = self.caches.get(answer.cache, 0) + 1
        if answer.status != 200 or answer.body != expected:
            self.problems.append(f"{self.name}: HTTP {answer.status}, {len(answer.body)} bytes")

    def p(self, pct: int) -> float:
        return percentile(self.ms, pct)


@dataclass
class World:
    bodies: list[bytes]
    local_links: list[str]
    s3_links: list[str]
    s3_ranges: list[tuple[str, int, int]]  # archive key, first byte, last byte
    reference_paths: list[str]


def setup_django(install: Install) -> None:
    os.environ.update(install.env)
    sys.path.insert(0, str(REPO))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_world(install: Install, pages: int) -> World:
    from readvault.pages.links import page_uri
    from stored_media.signing import signed_link
    from tests.factories import comic_series, make_site
    from tests.support.comic_pages import chapter_with_pages, page_image

    make_site("Bench", "localhost")
    bodies = [page_image(1000, 1400, seed=n) for n in range(pages)]
    series = comic_series("Bench Manga")
    local = chapter_with_pages(series, bodies, number="1", backend="local")
    remote = chapter_with_pages(series, bodies, number="2", backend="s3")
    folder = install.root / "media" / "reference"
    folder.mkdir(parents=True)
    for index, body in enumerate(bodies):
        (folder / f"p{index:03d}.jpg").write_bytes(body)
    lifetime = 24 * 3600
    return World(
        bodies,
        [signed_link(page_uri(local.pk, i, "orig"), lifetime) for i in range(pages)],
        [signed_link(page_uri(remote.pk, i, "orig"), lifetime) for i in range(pages)],
        [
            (remote.archive.key, p.data_offset, p.data_offset + p.compressed_size - 1)
            for p in remote.pages.order_by("index")
        ],
        [f"/ref/reference/p{i:03d}.jpg" for i in range(pages)],
    )


def restart_cold(services: Services, nginx: Nginx) -> None:
    """Stop the gateway, empty its page and authorize caches, start it again."""
    services.stop(nginx.name)
    for folder in ("pages", "authorize"):
        shutil.rmtree(nginx.run_dir / folder, ignore_errors=True)
        (nginx.run_dir / folder).mkdir()
    stream.start_nginx(services, nginx)


def measure_warm(world: World, gateway_port: int, reference_port: int, rounds: int):
    reference = Timings("reference")
    local, remote = Timings("warm local"), Timings("warm S3")
    ref_conn = stream_slices.Connection(reference_port)
    gw_conn = stream_slices.Connection(gateway_port)
    try:
        for index in range(len(world.bodies)):  # fill the caches (not counted)
            gw_conn.get(world.local_links[index], {})
            gw_conn.get(world.s3_links[index], {})
        for _ in range(rounds):
            for index, body in enumerate(world.bodies):
                reference.add(ref_conn.get(world.reference_paths[index], {}), body)
                local.add(gw_conn.get(world.local_links[index], {}), body)
                remote.add(gw_conn.get(world.s3_links[index], {}), body)
    finally:
        ref_conn.close()
        gw_conn.close()
    return reference, local, remote


@dataclass
class Cold:
    reference: Timings = field(default_factory=lambda: Timings("reference"))
    local: Timings = field(default_factory=lambda: Timings("cold local"))
    remote: Timings = field(default_factory=lambda: Timings("cold S3"))
    moto: Timings = field(default_factory=lambda: Timings("moto ranged GET"))
    # The origin asked directly, as nginx asks it: where a cold page's time goes.
    authorize: Timings = field(default_factory=lambda: Timings("origin authorize"))
    origin_local: Timings = field(default_factory=lambda: Timings("origin page local"))
    origin_remote: Timings = field(default_factory=lambda: Timings("origin page S3"))


def measure_cold(world, services, nginx, install, origin_port: int, reference_port: int, rounds):
    cold = Cold()
    s3 = stream.s3_client(install)
    token = {"X-ShadowVault-Gateway": stream_slices.gateway_token(install.env["LINK_SECRET"])}
    authorize = {"X-ShadowVault-Authorize": token["X-ShadowVault-Gateway"]}
    for _ in range(rounds):
        restart_cold(services, nginx)
        ref_conn = stream_slices.Connection(reference_port)
        gw_conn = stream_slices.Connection(nginx.port)
        origin = stream_slices.Connection(origin_port)
        try:
            for index, body in enumerate(world.bodies):
                cold.reference.add(ref_conn.get(world.reference_paths[index], {}), body)
                cold.local.add(gw_conn.get(world.local_links[index], {}), body)
                key, first, last = world.s3_ranges[index]
                began = time.perf_counter()
                answer = s3.get_object(Bucket=stream.BUCKET, Key=key, Range=f"bytes={first}-{last}")
                answer["Body"].read()
                cold.moto.ms.append((time.perf_counter() - began) * 1000)
                cold.remote.add(gw_conn.get(world.s3_links[index], {}), body)
                cold.origin_local.add(origin.get(world.local_links[index], token), body)
                cold.origin_remote.add(origin.get(world.s3_links[index], token), body)
                cold.authorize.ms.append(origin.get(world.local_links[index], authorize).total_ms)
        finally:
            ref_conn.close()
            gw_conn.close()
            origin.close()
    return cold


def bytes_per_page(pages: int) -> dict[str, list[tuple[int, int]]]:
    """(page size, bytes the backend fetched) for each page, read in this process from S3
    (what boto3 received) and from the Telegram double (what getFile answered)."""
    from readvault.models import Series
    from readvault.pages.member_bytes import read_page
    from stored_media.storage import get_backend, override_backend
    from stored_media.storage.telegram import TelegramBackend
    from tests.support.comic_pages import chapter_with_pages, page_image
    from tests.support.telegram_double import FakeTelegram

    found: dict[str, list[tuple[int, int]]] = {"s3": [], "telegram": []}
    series = Series.objects.get(title="Bench Manga")
    remote = series.chapters.get(number=2)
    counting = CountingS3(get_backend("s3"))
    with override_backend("s3", counting):
        for page in remote.pages.order_by("index"):
            before = counting.fetched
            asyncio.run(read_page(page, remote.archive))
            found["s3"].append((page.size, counting.fetched - before))
    server = FakeTelegram()
    telegram = TelegramBackend(
        channel=server.channel, sessions=["bench"], client_factory=server.connect
    )
    with override_backend("telegram", telegram):
        bodies = [page_image(1000, 1400, seed=n) for n in range(pages)]
        chapter = chapter_with_pages(series, bodies, number="3", backend="telegram")
        for page in chapter.pages.order_by("index"):
            before = len(server.requests)
            asyncio.run(read_page(page, chapter.archive))
            sent = sum(limit for _, _, limit in server.requests[before:])
            found["telegram"].append((page.size, sent))
    return found


class CountingS3:
    """The S3 backend, counting the bytes its ranged GETs returned."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.fetched = 0

    async def read_range(self, key, parts, start, stop, chunk_size=1 << 20):
        async for chunk in self.inner.read_range(key, parts, start, stop, chunk_size):
            self.fetched += len(chunk)
            yield chunk


def run(args, services: Services, root: Path) -> list[str]:
    moto_port = stream.free_port()
    install = Install(root, stream.make_env(root, moto_port), 0, b"", moto_port=moto_port)
    (root / "data").mkdir()
    (root / "media").mkdir()
    log("starting moto (S3)")
    stream.start_moto(services, install, stock=False)
    log("migrating a scratch database")
    setup_django(install)
    log(f"making a chapter of {args.pages} pages, stored locally and in S3")
    world = make_world(install, args.pages)
    origin_port = stream.start_origin(services, install, "origin", behind_gateway=True)
    gateway = stream.gateway(install, origin_port)
    stream.start_nginx(services, gateway)
    reference = stream.reference(install)
    stream.start_nginx(services, reference)
    log(f"warm: {args.rounds} rounds of {args.pages} pages")
    warm = measure_warm(world, gateway.port, reference.port, args.rounds)
    log(f"cold: {args.rounds} rounds of {args.pages} pages after emptying the gateway's caches")
    cold = measure_cold(world, services, gateway, install, origin_port, reference.port, args.rounds)
    log("bytes read per page from S3 and the Telegram double")
    fetched = bytes_per_page(args.pages)
    return report(args, warm, cold, fetched)


def row(timings: Timings, reference: Timings | None) -> str:
    line = f"  {timings.name:<18} p50 {timings.p(50):7.2f} ms   p95 {timings.p(95):7.2f} ms"
    if reference is not None:
        line += f"   x ref: p50 {timings.p(50) / reference.p(50):5.2f}"
        line += f"  p95 {timings.p(95) / reference.p(95):5.2f}"
    if timings.caches and set(timings.caches) != {"-"}:
        line += "   cache " + " ".join(f"{k}:{v}" for k, v in sorted(timings.caches.items()))
    return line


def report(args, warm, cold: Cold, fetched) -> list[str]:
    ref_warm, warm_local, warm_s3 = warm
    ref_cold, cold_local, cold_s3, moto = cold.reference, cold.local, cold.remote, cold.moto
    load = os.getloadavg()
    page_kib = percentile([size for size, _ in fetched["s3"]], 50) / 1024
    lines = [
        "",
        f"ReadVault pages: {args.pages} pages x {args.rounds} rounds, JPEG {page_kib:.0f} KiB"
        f" (p50), 1 nginx worker, 1 uvicorn worker; load {load[0]:.2f} {load[1]:.2f}",
        "warm (page and authorize answer cached by the gateway):",
        row(ref_warm, None),
        row(warm_local, ref_warm),
        row(warm_s3, ref_warm),
        "cold (gateway caches emptied; each page asked once):",
        row(ref_cold, None),
        row(cold_local, ref_cold),
        row(moto, None),
        row(cold_s3, ref_cold) + f"   - moto p50 {cold_s3.p(50) - moto.p(50):+.2f} ms",
        "  where it goes (the origin asked directly, as nginx asks it):",
        row(cold.authorize, None),
        row(cold.origin_local, None),
        row(cold.origin_remote, None),
        "bytes fetched per page (fetched - page size):",
    ]
    verdicts = [
        (warm_local.p(50) <= GOAL_WARM * ref_warm.p(50), f"warm local p50 <= {GOAL_WARM}x"),
        (warm_local.p(95) <= GOAL_WARM * ref_warm.p(95), f"warm local p95 <= {GOAL_WARM}x"),
        (warm_s3.p(50) <= GOAL_WARM * ref_warm.p(50), f"warm S3 p50 <= {GOAL_WARM}x"),
        (cold_local.p(50) <= GOAL_COLD_LOCAL * ref_cold.p(50), "cold local p50 <= 2x"),
        (cold_local.p(95) <= GOAL_COLD_LOCAL * ref_cold.p(95), "cold local p95 <= 2x"),
        (
            cold_s3.p(50) <= moto.p(50) + GOAL_COLD_S3_SLACK_MS,
            "cold S3 p50 <= moto ranged GET p50 + 10 ms",
        ),
        (
            cold_s3.p(95) <= moto.p(95) + GOAL_COLD_S3_SLACK_MS,
            "cold S3 p95 <= moto ranged GET p95 + 10 ms",
        ),
    ]
    for backend, pairs in fetched.items():
        over = [sent - size for size, sent in pairs]
        lines.append(
            f"  {backend:<9} page {percentile([s for s, _ in pairs], 50) / 1024:6.0f} KiB p50;"
            f" over by p50 {percentile(over, 50) / 1024:6.1f} KiB, max {max(over) / 1024:6.1f} KiB"
        )
        verdicts.append(
            (max(over) <= GOAL_BYTES_SLACK, f"{backend}: every page <= its size + 64 KiB")
        )
    cold_rows = (cold_local, cold_s3, cold.origin_local, cold.origin_remote)
    problems = [p for t in (*warm, *cold_rows) for p in t.problems]
    verdicts.append((not problems, "every page's bytes right"))
    lines += [f"  {'PASS' if ok else 'FAIL'}  {text}" for ok, text in verdicts]
    missed = [text for ok, text in verdicts if not ok]
    lines.append("targets: all met" if not missed else f"targets missed: {'; '.join(missed)}")
    lines += problems[:10]
    return lines


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="pages in the chapter (40)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every page (5)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return stream.run_report("comic", args.keep, lambda services, root: run(args, services, root))


if __name__ == "__main__":
    sys.exit(main())
