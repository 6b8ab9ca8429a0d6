"""Server time of the OPDS catalogue's feeds with 2,000 series and a 500-chapter series.

    .venv/bin/python bench/opds.py [--series 2000] [--chapters 500] [--requests 200]
                                   [--server postgres://postgres@127.0.0.1:5432]
                                   [--only postgresql|sqlite]

For each database it makes a scratch install (measures.run_on_scratch_install: a new
PostgreSQL database on --server, or an SQLite file; removed at the end), migrates it, builds
the library the scale test uses (tests/support/opds_library.py: --series series, one in forty
hidden by the site, and "Long Run" with --chapters chapters, some of them read), and times
each feed as a reader app asks for it: HTTP Basic with an app password, through Django's
test Client in the same process (routing, middleware, the sign-in, the view, its queries and
the XML; no HTTP server, no network). Warm-up requests first, then --requests timed ones.

The same is measured on a small library first (40 series, a 30-chapter series), the
reference of the run (bench/README.md): it prints p50/p95 and the queries of each feed at
both sizes and the ratio of the p95s, which says how much a feed slows down as the library
grows on this machine in this minute. Feeds: the root, the A-Z list's first and last pages,
the long series' first and tenth pages, new chapters, and one PSE page (its redirect).
Target: p95 under 50 ms for the root and the 500-chapter series on PostgreSQL. A report, not a
test: it exits 0 unless something broke.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

from measures import percentile, run_on_scratch_install, server_version
from scratch_runs import add_database_options, header, log, timed, total_time

HOST = "opds-bench.test"
WARM_UP = 5
TARGET_P95_MS = 50.0
TARGETS = ("root", "long series")
SMALL = (40, 30)  # the reference library: series, chapters of the long one


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from readvault.opds import app_passwords
    from readvault.opds.paging import PAGE_SIZE
    from tests.factories import make_member, make_site
    from tests.support.opds import basic
    from tests.support.opds_library import build_opds_library

    call_command("migrate", verbosity=0)
    timings: dict[str, float] = {}
    site = make_site("Bench", HOST)
    reader = make_member("rita", site)
    with timed(timings, "build the library"), transaction.atomic():
        library = build_opds_library(site, reader, args.series, args.chapters)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have done by now
    secret = app_passwords.issue(reader, site, "Panels").secret
    gc.collect()
    gc.freeze()  # the build's objects stay out of the collector's passes during timing
    shown = args.series - len(range(0, args.series, 40)) + 1
    last = -(-shown // PAGE_SIZE)
    tenth = min(10, -(-args.chapters // PAGE_SIZE))  # the last page of a short series
    feeds = {
        "root": "/opds/",
        "series A-Z": "/opds/series/",
        "series A-Z last page": f"/opds/series/?page={last}",
        "long series": "/opds/series/long-run/",
        "long series page 10": f"/opds/series/long-run/?page={tenth}",
        "new chapters": "/opds/new/",
        "page stream": f"/opds/pages/{library.first_chapter.pk}/0?width=800",
    }
    client = Client(HTTP_HOST=HOST, **basic("rita", secret))
    results = {}
    for name, path in feeds.items():
        for _ in range(WARM_UP):
            client.get(path)
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(path)
        if answer.status_code not in (200, 302):
            raise SystemExit(f"{path} answered {answer.status_code}")
        queries = len(captured.captured_queries)
        times = []
        for _ in range(args.requests):
            begin = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
        results[name] = {
            "queries": queries,
            "bytes": len(answer.content),
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
        }
        log(f"{connection.vendor}: {name} done")
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "version": server_version(connection),
                "timings": timings,
                "feeds": results,
            }
        )
    )
    return 0


def report(small: dict, large: dict, args: argparse.Namespace) -> None:
    print(
        f"\n{large['version']}: {args.series:,} series and a {args.chapters}-chapter series"
        f" against {SMALL[0]} and a {SMALL[1]}-chapter one"
    )
    for label, seconds in large["timings"].items():
        print(f"   build  {label:<24} {seconds:>7.1f} s")
    print(
        f"   {'feed':<22} {'p50 ms':>8} {'p95 ms':>8} {'small p95':>10} {'ratio':>6} {'queries':>8}"
    )
    for name, row in large["feeds"].items():
        reference = small["feeds"][name]
        mark = ""
        if large["vendor"] == "postgresql" and name in TARGETS:
            mark = "  ok" if row["p95"] < TARGET_P95_MS else f"  over {TARGET_P95_MS:.0f} ms"
        queries = f"{reference['queries']}/{row['queries']}"
        print(
            f"   {name:<22} {row['p50']:>8.1f} {row['p95']:>8.1f} {reference['p95']:>10.1f}"
            f" {row['p95'] / reference['p95']:>6.2f} {queries:>8}{mark}"
        )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--chapters", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    add_database_options(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        return run_child(args)
    print(header(__file__, f"{args.requests} requests per feed", f"load {os.getloadavg()[0]:.1f}"))
    for engine in ("postgresql", "sqlite"):
        if args.only in (None, engine):
            postgres = args.server if engine == "postgresql" else ""
            results = []
            for series, chapters in (SMALL, (args.series, args.chapters)):
                log(f"{engine}: {series:,} series and {chapters} chapters, a scratch database")
                child = ["--series", str(series), "--chapters", str(chapters)]
                child += ["--requests", str(args.requests)]
                results.append(run_on_scratch_install("opds", __file__, child, postgres))
            report(*results, args)
    print(total_time())
    return 0


if __name__ == "__main__":
    sys.exit(main())
