"""Benchmark of ReadVault's series search with its index against the same search without it.

    .venv/bin/python bench/series_search.py [--series 50000] [--queries 300]
                                            [--server postgres://postgres@127.0.0.1:5432]
                                            [--only postgresql|sqlite]

For each database it makes a scratch install (measures.run_on_scratch_install: a new
PostgreSQL database on --server, or an SQLite file; removed at the end), migrates it, loads
generated series (romaji-like and English names, half of them with alternative titles, 4 %
drafts, one in 997 hidden by the site, and four landmarks: Naruto, Attack on Titan alias
Shingeki no Kyojin, One Piece, Pokémon Adventures), and runs the same mixed queries (a whole
title, a word, two words, a word of an alternative title, a common word, a typo, a typeahead
prefix) through `readvault.search.series`, the code the site calls, twice:

- with the index: as the site runs it (PostgreSQL's trigram GIN index, SQLite's trigram
  FTS5 table);
- without it: PostgreSQL runs the very same queries with bitmap scans off, the only way a
  GIN index is read, so the planner scans the table; SQLite reads the same candidates with a
  LIKE scan of the folded names (`readvault_series_names`), since without the FTS table
  there is nothing to ask for trigrams.

It prints p50/p95 per kind of query, the ratio without/with, the queries per call, whether
each landmark query put its landmark first, and the build times and index sizes. Target:
p95 under 20 ms with the index at 50,000 series on PostgreSQL. A report, not a test: it
exits 0 unless something broke.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from types import SimpleNamespace

from measures import percentile, run_on_scratch_install, server_version
from scratch_runs import add_database_options, header, log, print_build, timed, total_time

TARGET_P95_MS = 20.0
SYLLABLES = [
    onset + vowel
    for onset in ["", "k", "s", "t", "n", "h", "m", "y", "r", "w", "g", "z", "d", "b", "sh", "ch"]
    for vowel in "aeiou"
]
ENGLISH = [
    "the", "of", "a", "and", "in", "night", "love", "man", "last", "dark", "blade", "sword",
    "king", "hero", "demon", "academy", "world", "sky", "girl", "boy", "story", "tale", "moon",
    "star", "fire", "shadow", "queen", "witch", "dragon", "ghost", "school", "summer",
]  # fmt: skip
LANDMARKS = {
    # query: the title it must put first
    "Nruto": "Naruto",
    "naruto": "Naruto",
    "shingeki": "Attack on Titan",
    "one pice": "One Piece",
    "pokemon": "Pokémon Adventures",
    "pokémon adventures": "Pokémon Adventures",
}
CATEGORIES = ["title", "word", "two words", "alternative", "common", "typo", "prefix"]


# --- generated library ------------------------------------------------------------------------


def romaji(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))


def name(rng: random.Random) -> str:
    pattern = rng.randrange(4)
    if pattern == 0:
        return " ".join(romaji(rng) for _ in range(rng.choice((1, 2, 3)))).title()
    if pattern == 1:
        words = " ".join(rng.choice(ENGLISH) for _ in range(rng.choice((2, 3))))
        return ("The " if rng.random() < 0.3 else "") + words.title()
    if pattern == 2:
        return f"{romaji(rng).title()} no {romaji(rng).title()}"
    return f"{rng.choice(ENGLISH).title()} {romaji(rng).title()}"


def library_rows(count: int, seed: int):
    """(title, alternative titles, status) per series; the landmarks first."""
    yield "Naruto", ["ナルト"], "published"
    yield "Attack on Titan", ["Shingeki no Kyojin", "進撃の巨人"], "published"
    yield "One Piece", [], "published"
    yield "Pokémon Adventures", ["Pocket Monsters Special"], "published"
    rng = random.Random(seed)
    for _ in range(count - 4):
        alternatives = [name(rng) for _ in range(rng.choice((0, 0, 1, 2)))]
        yield name(rng), alternatives, "draft" if rng.random() < 0.04 else "published"


def load(count: int, seed: int, timings: dict):
    from django.db import connection

    from readvault.models import Series, SeriesHiding
    from tenants.models import Tenant

    tenant = Tenant.objects.create(name="Bench", slug="bench")
    rows = [
        Series(
            title=title,
            sort_title=title,
            slug=f"bench-{n}",
            alternative_titles=alternatives,
            status=status,
        )
        for n, (title, alternatives, status) in enumerate(library_rows(count, seed))
    ]
    with timed(timings, "load series (triggers fill the search structures)"):
        Series.objects.bulk_create(rows, batch_size=2000)
    hidden = Series.objects.filter(pk__in=[s.pk for s in rows[4::997]])
    SeriesHiding.objects.bulk_create(SeriesHiding(tenant=tenant, series=s) for s in hidden)
    with connection.cursor() as cursor, timed(timings, "ANALYZE"):
        cursor.execute("ANALYZE")
    return tenant, index_sizes(connection)


def index_sizes(connection) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_size_pretty(pg_table_size('readvault_series')),"
                " pg_size_pretty(pg_relation_size('readvault_series_names_trgm'))"
            )
            table, index = cursor.fetchone()
            return {"series table": table, "trigram GIN index": index}
        cursor.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'readvault_series_fts%'"
            " OR name = 'readvault_series_names'"
        )
        size = cursor.fetchone()[0] or 0
        return {"FTS5 table and folded names": f"{size / 2**20:.1f} MB"}


# --- the queries ------------------------------------------------------------------------------


def make_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(category, text) made from series sampled from the database."""
    from readvault.models import Series

    rng = random.Random(seed)
    top = Series.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = [rng.randint(1, top) for _ in range(count * 2)]
    sample = list(
        Series.objects.filter(pk__in=picks, status="published").values_list(
            "title", "alternative_titles"
        )
    )
    per_kind = max(1, count // len(CATEGORIES))
    queries = []
    for n in range(per_kind):
        title, alternatives = sample[n % len(sample)]
        words = [w for w in title.split() if len(w) >= 3] or [title]
        rare = max(words, key=len)
        queries += [
            ("title", title),
            ("word", rare),
            ("two words", title if len(title.split()) == 2 else " ".join(title.split()[:2])),
            ("alternative", (alternatives or [title])[0].split()[0]),
            ("common", rng.choice(("the", "no", "dark", "love", "story", "a"))),
            ("typo", typo_of(rare, rng)),
            ("prefix", rare[: rng.randint(3, 5)]),
        ]
    rng.shuffle(queries)
    return queries


def typo_of(word: str, rng: random.Random) -> str:
    """One slip (drop, double or replace a letter) inside the word."""
    word = word.lower() if len(word) >= 5 else word.lower() + "s"
    i = rng.randrange(1, len(word) - 1)
    slip = rng.choice(("drop", "double", "replace"))
    if slip == "drop":
        return word[:i] + word[i + 1 :]
    if slip == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioukstnr") + word[i + 1 :]


def call(category: str, text: str, tenant):
    from readvault.search.series import search_series, typeahead_series

    if category == "prefix":
        return typeahead_series(text, tenant)
    return search_series(text, tenant)


def measure(queries: list[tuple[str, str]], tenant) -> dict:
    """{category: (p50 ms, p95 ms, n)}, "all" over every category, and the most queries a
    call ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for category, text in queries[:10]:  # warm caches and the connection; not counted
        call(category, text, tenant)
    times: dict[str, list[float]] = {}
    most = 0
    for category, text in queries:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call(category, text, tenant)
            elapsed = (time.perf_counter() - start) * 1000
        times.setdefault(category, []).append(elapsed)
        most = max(most, len(captured.captured_queries))
    times["all"] = [t for category in CATEGORIES for t in times.get(category, [])]
    figures = {c: (percentile(t, 50), percentile(t, 95), len(t)) for c, t in times.items()}
    return {"times": figures, "most queries": most}


@contextmanager
def without_index():
    """The same search without its index (see the module's docstring)."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from readvault.search import series

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_bitmapscan = off")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_bitmapscan")
        return

    from readvault.search.sqlite import index_words

    def scanning(visible, query, size):
        words = index_words(query.text)
        if not words:
            return visible.none()
        where = " AND ".join(["names LIKE %s"] * len(words))
        sql = f"SELECT id FROM readvault_series_names WHERE {where} LIMIT %s"  # noqa: S608
        return visible.filter(pk__in=RawSQL(sql, [*(f"%{w}%" for w in words), size]))  # noqa: S611

    kept = series._BACKENDS["sqlite"]
    series._BACKENDS["sqlite"] = SimpleNamespace(holding=scanning, resembling=scanning)
    try:
        yield
    finally:
        series._BACKENDS["sqlite"] = kept


def landmarks(tenant) -> dict[str, bool]:
    from readvault.search.series import search_series

    return {
        query: bool(hits := search_series(query, tenant).hits) and hits[0].title == expected
        for query, expected in LANDMARKS.items()
    }


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    timings: dict[str, float] = {}
    tenant, sizes = load(args.series, args.seed, timings)
    queries = make_queries(args.queries, args.seed)
    indexed = measure(queries, tenant)
    log(f"{connection.vendor}: {len(queries)} searches with the index done")
    with without_index():
        scanned = measure(queries, tenant)
        found_without = landmarks(tenant)
    log(f"{connection.vendor}: {len(queries)} searches without the index done")
    result = {
        "vendor": connection.vendor,
        "version": server_version(connection),
        "series": args.series,
        "timings": timings,
        "sizes": sizes,
        "indexed": indexed,
        "scanned": scanned,
        "landmarks": landmarks(tenant),
        "landmarks without": found_without,
    }
    print(json.dumps(result))
    return 0


# --- parent: scratch databases and the report -------------------------------------------------


def report(result: dict) -> None:
    print(f"\n== {result['version']}: {result['series']:,} series")
    print_build(result["timings"], result["sizes"], 52)
    print(
        f"\n   {'queries':<12}{'n':>4}   {'index p50':>9} {'p95':>8}   {'none p50':>9}"
        f" {'p95':>9}   {'none/index p50':>14} {'p95':>5}"
    )
    for category in [*CATEGORIES, "all"]:
        i50, i95, n = result["indexed"]["times"][category]
        s50, s95, _ = result["scanned"]["times"][category]
        print(
            f"   {category:<12}{n:>4}   {i50:>7.1f}ms {i95:>6.1f}ms   {s50:>7.1f}ms {s95:>7.1f}ms"
            f"   {s50 / i50:>13.1f}x {s95 / i95:>4.1f}x"
        )
    most = result["indexed"]["most queries"], result["scanned"]["most queries"]
    print(f"   queries per call, at most: {most[0]} with the index, {most[1]} without")
    for label, key in (("with the index", "landmarks"), ("without", "landmarks without")):
        found = result[key]
        first = [query for query, ok in found.items() if ok]
        print(f"   landmark first, {label}: {len(first)}/{len(found)} {sorted(first)}")
    if result["vendor"] == "postgresql":
        p95 = result["indexed"]["times"]["all"][1]
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(f"   target: p95 < {TARGET_P95_MS:.0f} ms with the index: {p95:.1f} ms, {verdict}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="ReadVault's series search with its index vs without it, on generated "
        "libraries in scratch databases (made and removed here)."
    )
    parser.add_argument("--series", type=int, default=50_000, help="default 50,000")
    parser.add_argument("--queries", type=int, default=280, help="mixed queries (default 280)")
    add_database_options(parser)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        return run_child(args)
    print(
        header(
            __file__,
            f"{args.queries} mixed queries per database",
            f"load {os.getloadavg()[0]:.1f}",
        )
    )
    for engine in ("postgresql", "sqlite"):
        if args.only in (None, engine):
            log(f"{engine}: {args.series:,} series into a scratch database")
            child = [*("--series", str(args.series), "--queries", str(args.queries))]
            child += ["--seed", str(args.seed)]
            postgres = args.server if engine == "postgresql" else ""
            report(run_on_scratch_install("series-search", __file__, child, postgres))
    print(total_time())
    return 0


if __name__ == "__main__":
    sys.exit(main())
