"""Server time of the viewer's pages at 50,000 titles against a near-empty catalogue, in one run.

    .venv/bin/python bench/pages.py [--titles 50000] [--requests 40]
                                    [--database-url postgres://postgres@127.0.0.1:5432]

For each of two catalogues, the smallest that fills every page (32 titles) and --titles, it
makes a scratch database (an SQLite file in a temp folder by default; a new PostgreSQL database
on the --database-url server when given), migrates it, makes a site and a member, builds the
catalogue with tests/support/catalogue_at_scale.py (the one the query-count tests use), and times
each page: warm-up requests first, then --requests timed ones, through Django's test Client in the
same process as the catalogue, signed in as the member. That is server time: URL routing,
middleware, the view, its queries and the template; no HTTP server and no network. It prints
p50 and p95 per page at both sizes, the queries each page ran at each size, and the ratio of
the p95s (50,000 titles / near-empty), which is the figure to read: it says how much a page
slows down as the catalogue grows, on this machine and in this minute. A report, not a test:
it exits 0 once the report is printed, 1 when it could not run, 130 when interrupted.

Each catalogue is measured in a child process of this script (Django reads its settings once
per process); the parent creates and removes the scratch databases, also on Ctrl-C and failure.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from measures import percentile, run_on_scratch_install, server_version
from scratch_runs import header, log, total_time

REPO = Path(__file__).resolve().parent.parent
HOST = "bench.test"
WARM_UP = 3


# --- child: one catalogue in one scratch database ---------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenants.models import Domain, Membership, Tenant
    from tests.support.catalogue_at_scale import SMALL, build_catalogue, viewer_pages

    call_command("migrate", verbosity=0)
    titles = args.titles or SMALL
    site = Tenant.objects.create(name="Bench", slug="bench")
    Domain.objects.create(tenant=site, hostname=HOST, is_primary=True)
    viewer = get_user_model().objects.create_user("viewer")  # no password: force_login below
    Membership.objects.create(tenant=site, user=viewer, role=Membership.Role.VIEWER)
    start = time.perf_counter()
    with transaction.atomic():
        landmarks = build_catalogue(site, viewer, titles)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have done by now
    build_seconds = time.perf_counter() - start
    # A server process does not carry the build's few hundred thousand objects: leave them
    # out of the garbage collector's full passes, which would otherwise land in the timings.
    gc.collect()
    gc.freeze()
    log(f"{connection.vendor}: {titles:,} titles built in {build_seconds:.1f} s")

    client = Client(HTTP_HOST=HOST)
    client.force_login(viewer)
    pages = {}
    for name, path in viewer_pages(landmarks).items():
        for _ in range(WARM_UP):  # caches, the connection, the first template compile
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        queries = len(captured.captured_queries)  # read now: each request empties the log
        times = []
        for _ in range(args.requests):
            begin = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
        pages[name] = {
            "queries": queries,
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
        }
    print(
        json.dumps(
            {
                "version": server_version(connection),
                "titles": titles,
                "build": build_seconds,
                "pages": pages,
            }
        )
    )
    return 0


# --- parent: scratch databases and the report -------------------------------------------------


def measure(args: argparse.Namespace, titles: int) -> dict:
    log(f"{f'{titles:,}' if titles else 'the fewest'} titles into a scratch database")
    child = ["--titles", str(titles), "--requests", str(args.requests)]
    return run_on_scratch_install("pages", __file__, child, args.database_url or "")


def report(small: dict, large: dict) -> None:
    few, many = f"{small['titles']:,} titles", f"{large['titles']:,} titles"
    print(
        f"\n== {large['version']}: {few} (near-empty) vs {many} (built in"
        f" {large['build']:.0f} s); server time per request, ms"
    )
    print(f"   {'':<28}{'':>8}   {few:^17}   {many:^17}")
    print(
        f"   {'page':<28}{'queries':>8}   {'p50':>8}{'p95':>9}   {'p50':>8}{'p95':>9}"
        f"   {'p95 ratio':>9}"
    )
    for name, at_small in small["pages"].items():
        at_large = large["pages"][name]
        queries = str(at_small["queries"])
        if at_large["queries"] != at_small["queries"]:
            queries += f"->{at_large['queries']}"
        print(
            f"   {name:<28}{queries:>8}   {at_small['p50']:>8.1f}{at_small['p95']:>9.1f}"
            f"   {at_large['p50']:>8.1f}{at_large['p95']:>9.1f}"
            f"   {at_large['p95'] / at_small['p95']:>8.1f}x"
        )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Server time (Django's test Client, in process) of each viewer page at "
        "--titles titles vs a near-empty catalogue, in scratch databases made and removed here."
    )
    parser.add_argument("--titles", type=int, default=50_000, help="default 50,000 (min 32)")
    parser.add_argument(
        "--requests", type=int, default=40, help="timed requests per page, after 3 warm-ups"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server, postgres://user@host:port (a database name is ignored); "
        "the scratch database is made there. Default: an SQLite file in a temp folder",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        return run_child(args)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        print("bench/pages.py: --database-url must be postgres://...", file=sys.stderr)
        return 1
    load = os.getloadavg()[0]
    print(header(__file__, f"load average {load:.1f}", f"{args.requests} requests per page"))
    try:
        small = measure(args, 0)  # 0: the smallest catalogue that fills every page
        large = measure(args, args.titles)
    except subprocess.CalledProcessError as exc:
        print(f"bench could not run: the child exited with {exc.returncode}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; the scratch databases are removed", file=sys.stderr)
        return 130
    report(small, large)
    print(total_time())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # tests.support.catalogue_at_scale, whatever the working folder
    sys.exit(main())
