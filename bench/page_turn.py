"""Page turn to image displayed in Chromium: ReadVault's pages through the gateway against a
plain nginx serving the same image files from disk.

    .venv/bin/python bench/page_turn.py            # 30 pages, 8 warm and 4 cold rounds: ~1 min
    .venv/bin/python bench/page_turn.py --quick    # 8 pages, 2 + 1 rounds: a quick look

Builds a throwaway install in a temp folder (SQLite, local media, moto's S3 server), makes one
chapter of generated JPEG pages (1200x1800, ~300-500 KB, like a scan) stored as a CBZ twice,
in local storage and in S3, and writes the same pages to disk as files. It starts a uvicorn
origin, the gateway nginx (`manage.py gateway_config`) in front of it, and a reference nginx
serving the page files from disk (sendfile, a plain location). Then Debian's Chromium,
headless through Playwright, opens a small harness page on each server (same origin as the
images) and turns pages as the reader does: it sets an <img>'s src to the page's link and
awaits `load` and `decode()`, timed with performance.now() in the page.

The browser's cache is off (CDP Network.setCacheDisabled) and every turn's link carries a
query string of its own (`&turn=N`, which neither nginx's link check nor its cache keys read),
so every turn reaches the server and the image is decoded again: "warm" is the gateway's
cache, never the browser's.

- warm: every page fetched once through the gateway (not counted), then `--rounds` rounds in
  which each page is turned on the reference and through the gateway, interleaved.
- warm paced: the same through a second gateway that keeps no authorize answer, so each turn
  also asks the origin whether the site shows the chapter: a reader who spends longer on a
  page than the ~10 s the gateway keeps that answer (the pages themselves are cached).
- cold: each of `--cold-rounds` rounds restarts the gateway with its page and authorize caches
  emptied, then turns every page once on the reference, from local storage and from S3 (the
  first page of a chapter also waits for the chapter's authorize answer).

It prints p50 and p95 per case and each gateway case's ratio to the reference turned in the
same rounds; goals: warm p95 <= 1.2x, cold from S3 p95 <= 1.5x. `--json FILE` writes the
figures. It exits 0 once the report is printed (it is a report, not a test), 1 if it could
not run. Everything it starts is stopped and the temp folder removed on exit.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import stream
from comic_pages import restart_cold, setup_django
from measures import percentile
from stream import Install, Nginx, Services, log

GOAL_WARM = 1.2  # warm page turn through the gateway, p95 <= 1.2x the reference's
GOAL_COLD_S3 = 1.5  # cold page turn from S3, p95 <= 1.5x the reference's
WIDTH, HEIGHT = 1200, 1800
HARNESS = "page-turn.html"

# What the reader does on a page turn: point the page's <img> at the link, wait until the
# image has loaded and is decoded (ready to paint). The time is the browser's own.
HARNESS_HTML = """<!doctype html>
<meta charset="utf-8">
<title>page turn</title>
<link rel="icon" href="data:,">
<img id="page" alt="" style="width: 600px; height: 900px">
<script>
async function turn(url) {
    const img = document.getElementById("page");
    const began = performance.now();
    const loaded = new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(new Error("failed: " + url));
    });
    img.src = url;
    await loaded;
    await img.decode();
    const took = performance.now() - began;
    // The fetch's own share (request sent to last byte), from the Resource Timing entry.
    const entry = performance.getEntriesByName(img.src).pop();
    performance.clearResourceTimings();
    const fetched = entry ? entry.responseEnd - entry.startTime : NaN;
    return [took, fetched, img.naturalWidth, img.naturalHeight];
}
</script>
"""

REFERENCE_CONF = """{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy_temp;
    fastcgi_temp_path {run}/fastcgi_temp;
    uwsgi_temp_path {run}/uwsgi_temp;
    scgi_temp_path {run}/scgi_temp;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            root {root};
        }}
    }}
}}
"""


@dataclass
class Timings:
    name: str
    ms: list[float] = field(default_factory=list)
    fetch_ms: list[float] = field(default_factory=list)  # the image's fetch alone
    problems: list[str] = field(default_factory=list)

    def p(self, pct: int) -> float:
        return percentile(self.ms, pct)


@dataclass
class World:
    reference_paths: list[str]
    local_links: list[str]
    s3_links: list[str]
    sizes: list[int]


def page_jpeg(seed: int) -> bytes:
    """A 1200x1800 page of noise over gradients (it compresses like a scan): 300-500 KB."""
    from PIL import Image

    rng = random.Random(seed)
    noise = Image.frombytes("L", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT))
    bands = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    rings = Image.radial_gradient("L").resize((WIDTH, HEIGHT))
    image = Image.merge("RGB", [Image.blend(noise, bands, 0.66 + 0.02 * (seed % 5)), bands, rings])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_world(root: Path, pages: int) -> World:
    from readvault.pages.links import page_uri
    from stored_media.signing import signed_link
    from tests.factories import comic_series, make_site
    from tests.support.comic_pages import chapter_with_pages

    make_site("Bench", "localhost")
    bodies = [page_jpeg(n) for n in range(pages)]
    series = comic_series("Bench Manga")
    local = chapter_with_pages(series, bodies, number="1", backend="local")
    remote = chapter_with_pages(series, bodies, number="2", backend="s3")
    folder = root / "reference" / "pages"
    folder.mkdir(parents=True)
    for index, body in enumerate(bodies):
        (folder / f"p{index:03d}.jpg").write_bytes(body)
    lifetime = 24 * 3600
    return World(
        [f"/pages/p{i:03d}.jpg" for i in range(pages)],
        [signed_link(page_uri(local.pk, i, "orig"), lifetime) for i in range(pages)],
        [signed_link(page_uri(remote.pk, i, "orig"), lifetime) for i in range(pages)],
        [len(body) for body in bodies],
    )


def gateway_nginx(install: Install, origin_port: int, name: str, authorize_seconds: str) -> Nginx:
    """The gateway `manage.py gateway_config` renders, its authorize answers kept this long."""
    run_dir = install.root / name.replace(" ", "-")
    port = stream.free_port()
    config = run_dir / "nginx.conf"
    args = [
        "gateway_config",
        "--listen", f"127.0.0.1:{port}",
        "--site-upstream", f"127.0.0.1:{origin_port}",
        "--stream-upstream", f"127.0.0.1:{origin_port}",
        "--run-dir", str(run_dir),
        "--workers", "1",
        "--authorize-cache-seconds", authorize_seconds,
        "--output", str(config),
    ]  # fmt: skip
    if os.geteuid() == 0:
        args += ["--user", "root"]  # the temp folder is private to root
    stream.manage(dict(install.env, STREAM_BEHIND_GATEWAY="true"), *args)
    return Nginx(name, run_dir, config, port)


def reference_nginx(root: Path) -> Nginx:
    run_dir = root / "reference-nginx"
    run_dir.mkdir()
    port = stream.free_port()
    config = run_dir / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(
        REFERENCE_CONF.format(user=user, run=run_dir, port=port, root=root / "reference")
    )
    return Nginx("reference nginx", run_dir, config, port)


class Tab:
    """One browser tab on one server's harness page, the browser's cache off."""

    def __init__(self, browser, base: str, harness: str) -> None:
        self.base, self.harness = base, f"{base}{harness}"
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.turns = 0
        self.open()

    def open(self) -> None:
        self.page.goto(self.harness)

    def turn(self, path: str, into: Timings) -> None:
        self.turns += 1
        joiner = "&" if "?" in path else "?"
        url = f"{self.base}{path}{joiner}turn={self.turns}"
        try:
            ms, fetched, width, height = self.page.evaluate("turn", url)
        except Exception as exc:  # a failed load: counted, reported, not timed
            into.problems.append(f"{into.name}: {str(exc).splitlines()[0]}")
            return
        if (width, height) != (WIDTH, HEIGHT):
            into.problems.append(f"{into.name}: {path} decoded as {width}x{height}")
        into.ms.append(ms)
        into.fetch_ms.append(fetched)


def measure(args, world: World, services: Services, gateways: list[Nginx], reference: Nginx):
    from tests.support.browser import chromium

    found = {
        name: Timings(name)
        for name in (
            "reference warm",
            "gateway warm",
            "gateway warm paced",
            "reference cold",
            "gateway cold local",
            "gateway cold S3",
        )
    }
    with chromium() as browser:
        gateway, paced = gateways
        ref = Tab(browser, f"http://localhost:{reference.port}", f"/{HARNESS}")
        gw = Tab(browser, f"http://localhost:{gateway.port}", f"/static/{HARNESS}")
        slow = Tab(browser, f"http://localhost:{paced.port}", f"/static/{HARNESS}")
        log(f"warm: {args.rounds} rounds of {args.pages} page turns")
        # Fill the gateway's caches (not counted). The S3 pages also warm the origin's S3
        # client (its first request sets up a session: a process's start, not a cold page).
        for link in world.local_links + world.s3_links:
            gw.turn(link, Timings("fill"))
        for link in world.local_links:
            slow.turn(link, Timings("fill"))
        for round_number in range(args.rounds):
            for index, link in enumerate(world.local_links):
                in_turn(
                    round_number + index,
                    (ref, world.reference_paths[index], found["reference warm"]),
                    (gw, link, found["gateway warm"]),
                    (slow, link, found["gateway warm paced"]),
                )
        log(f"cold: {args.cold_rounds} rounds, the gateway's caches emptied before each")
        for round_number in range(args.cold_rounds):
            restart_cold(services, gateway)
            gw.open()
            for index in range(args.pages):
                in_turn(
                    round_number + index,
                    (ref, world.reference_paths[index], found["reference cold"]),
                    (gw, world.local_links[index], found["gateway cold local"]),
                    (gw, world.s3_links[index], found["gateway cold S3"]),
                )
    return found


def in_turn(shift: int, *turns: tuple[Tab, str, Timings]) -> None:
    """Each case's turn of one page, the order rotated by `shift`: no case always goes first
    (right after the previous page's decode) or last."""
    start = shift % len(turns)
    for tab, path, into in turns[start:] + turns[:start]:
        tab.turn(path, into)


def run(args, services: Services, root: Path) -> dict:
    moto_port = stream.free_port()
    install = Install(root, stream.make_env(root, moto_port), 0, b"", moto_port=moto_port)
    (root / "data" / "staticfiles").mkdir(parents=True)
    (root / "media").mkdir()
    log("starting moto (S3)")
    stream.start_moto(services, install, stock=False)
    log("migrating a scratch database")
    setup_django(install)
    log(f"making a chapter of {args.pages} pages, stored locally and in S3")
    world = make_world(root, args.pages)
    for folder in (root / "data" / "staticfiles", root / "reference"):
        (folder / HARNESS).write_text(HARNESS_HTML)
    origin_port = stream.start_origin(services, install, "origin", behind_gateway=True)
    gateway = gateway_nginx(install, origin_port, "gateway nginx", "10")
    # A reader spends longer on a page than the ~10 s the gateway keeps an authorize answer:
    # this one keeps none, so each warm turn also asks the origin (the page itself cached).
    paced = gateway_nginx(install, origin_port, "paced gateway nginx", "0")
    for nginx in (gateway, paced):
        stream.start_nginx(services, nginx)
    reference = reference_nginx(root)
    stream.start_nginx(services, reference)
    found = measure(args, world, services, [gateway, paced], reference)
    return figures(args, world, found)


def figures(args, world: World, found: dict[str, Timings]) -> dict:
    """Every case's p50 and p95 (ms), the ratios to the reference, the verdicts."""
    pairs = {
        "gateway warm": "reference warm",
        "gateway warm paced": "reference warm",
        "gateway cold local": "reference cold",
        "gateway cold S3": "reference cold",
    }
    cases = {
        t.name: {
            "p50": t.p(50),
            "p95": t.p(95),
            "fetch p50": percentile(t.fetch_ms, 50),
            "fetch p95": percentile(t.fetch_ms, 95),
            "turns": len(t.ms),
        }
        for t in found.values()
    }
    for case, ref in pairs.items():
        for pct in ("p50", "p95"):
            cases[case][f"{pct} ratio"] = cases[case][pct] / cases[ref][pct]
    goals = {
        f"warm p95 <= {GOAL_WARM}x": cases["gateway warm"]["p95 ratio"] <= GOAL_WARM,
        f"cold from S3 p95 <= {GOAL_COLD_S3}x": cases["gateway cold S3"]["p95 ratio"]
        <= GOAL_COLD_S3,
        "every page loaded and decoded at its size": not any(t.problems for t in found.values()),
    }
    return {
        "pages": args.pages,
        "rounds": args.rounds,
        "cold_rounds": args.cold_rounds,
        "page_kib_p50": percentile(world.sizes, 50) / 1024,
        "load": list(os.getloadavg()),
        "cases": cases,
        "goals": goals,
        "problems": [p for t in found.values() for p in t.problems][:10],
    }


def report(result: dict) -> list[str]:
    load = result["load"]
    lines = [
        "",
        f"Page turn in Chromium (img load + decode): {result['pages']} pages of"
        f" {WIDTH}x{HEIGHT} JPEG, {result['page_kib_p50']:.0f} KiB p50; warm"
        f" {result['rounds']} rounds, cold {result['cold_rounds']}; 1 nginx worker, 1 uvicorn"
        f" worker; load {load[0]:.2f} {load[1]:.2f}",
        "  (browser cache off; warm: the gateway's page and authorize caches hold the turn;"
        " paced: pages cached,",
        "  the authorize answer asked every turn, as for a reader slower than its ~10 s;"
        " fetch: the image's request alone)",
    ]
    for name, case in result["cases"].items():
        line = f"  {name:<20} p50 {case['p50']:7.2f} ms   p95 {case['p95']:7.2f} ms"
        if "p95 ratio" in case:
            line += f"   x ref: p50 {case['p50 ratio']:5.2f}  p95 {case['p95 ratio']:5.2f}"
        else:
            line += " " * 31
        line += f"   (fetch p50 {case['fetch p50']:6.2f}  p95 {case['fetch p95']:6.2f})"
        lines.append(line)
    lines += [f"  {'PASS' if ok else 'FAIL'}  {text}" for text, ok in result["goals"].items()]
    missed = [text for text, ok in result["goals"].items() if not ok]
    lines.append("goals: all met" if not missed else f"goals missed: {'; '.join(missed)}")
    return lines + result["problems"]


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See bench/README.md (page_turn.py) for what each figure means.",
    )
    parser.add_argument("--pages", type=int, default=30, help="pages in the chapter (30)")
    parser.add_argument("--rounds", type=int, default=8, help="warm rounds over every page (8)")
    parser.add_argument(
        "--cold-rounds", type=int, default=4, help="cold rounds over every page (4)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="8 pages, 2 warm and 1 cold round: a quick look"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.rounds, args.cold_rounds = 8, 2, 1
    if min(args.pages, args.rounds, args.cold_rounds) < 1:
        parser.error("--pages, --rounds and --cold-rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def body(services: Services, root: Path) -> list[str]:
        result = run(args, services, root)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
        return report(result)

    return stream.run_report("page-turn", args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
