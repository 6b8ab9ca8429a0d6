"""Benchmark of title search against a plain ILIKE/LIKE scan of the same table, in one run.

    .venv/bin/python bench/search.py [--pg-titles 1000000] [--sqlite-titles 100000]
                                     [--queries 200] [--server postgres://postgres@127.0.0.1:5432]

For each database it makes a scratch install (a new PostgreSQL database on --server, dropped
at the end; a SQLite file in a temp folder, removed at the end), migrates it, loads generated
titles (words drawn from one generated vocabulary with a Zipf distribution, so that "the"
is in most overviews and most words are rare, as in real catalogues), builds the indexes and
the spelling vocabulary, and runs the same mixed queries (words, prefixes, typos, words with
filters or sorts) twice: through `streaming.search` (search_titles, typeahead) and as a plain
case-insensitive LIKE scan of the same table through the ORM (ILIKE on PostgreSQL) returning
the same page and total. It prints p50/p95 per kind of query and overall, and the ratio of
the scan's latency to the search's; list pages (filters and sorts without words) are timed
apart. Target: search p95 under 30 ms on PostgreSQL at 1,000,000 titles. A report, not a
test: it exits 0 unless something broke.

Each database runs in a child process of this script (Django reads its settings once per
process); the parent creates and removes the scratch databases, also on Ctrl-C and failure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from measures import percentile, run_on_scratch_install, server_version
from scratch_runs import add_database_options, header, log, print_build, timed, total_time

REPO = Path(__file__).resolve().parent.parent
COMMON_WORDS = ["the", "of", "a", "and", "in", "night", "love", "man", "last", "dark"]
ONSETS = [*"bcdfghjklmnprstvwz", "br", "ch", "cl", "cr", "dr", "fl", "gr", "pl", "sh", "st", "tr"]
VOWELS = [*"aeiouy", "ai", "ea", "ee", "oa", "ou"]
CODAS = ["", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "rk", "st", "ng", "x"]
GENRES = [
    "action", "adventure", "animation", "comedy", "crime", "documentary", "drama", "family",
    "fantasy", "history", "horror", "music", "mystery", "romance", "science-fiction",
    "thriller", "war", "western", "kids", "reality",
]  # fmt: skip
SHARES = {"word": 0.35, "two words": 0.15, "prefix": 0.15, "typo": 0.15, "filter": 0.20}
CATEGORIES = list(SHARES)
LIST_PAGES = 20  # filters and sorts without words, timed apart from the mixed queries
TARGET_P95_MS = 30.0


# --- generated catalogue ----------------------------------------------------------------------


class Words:
    """A vocabulary drawn from with Zipf-Mandelbrot frequencies (rank k weighs 1/(k+2))."""

    def __init__(self, size: int, rng: random.Random) -> None:
        words = list(COMMON_WORDS)
        known = set(words)
        while len(words) < size:
            syllables = rng.choice((1, 2, 2, 2, 3))
            word = "".join(
                rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                for _ in range(syllables)
            )
            if len(word) >= 3 and word not in known:
                known.add(word)
                words.append(word)
        self.words = words
        self.known = known
        self.ranks = {word: rank for rank, word in enumerate(words)}
        self.cum = list(itertools.accumulate(1.0 / (k + 2) for k in range(1, size + 1)))

    def draw(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choices(self.words, cum_weights=self.cum, k=count))

    def rarest_first(self, text: str) -> list[str]:
        words = set(text.lower().split())
        return sorted(words, key=lambda w: self.ranks.get(w, len(self.words)), reverse=True)


def title_rows(count: int, words: Words, seed: int):
    """(kind, title, original_title, slug, year, overview, status, created) per title."""
    rng = random.Random(seed)
    now = time.time()
    for n in range(1, count + 1):
        title = words.draw(rng, rng.choice((1, 2, 2, 3, 3, 4))).title()
        original = ""
        if rng.random() < 0.2:  # a foreign film's original title
            original = words.draw(rng, rng.randint(1, 3)).title()
        overview = words.draw(rng, rng.randint(8, 25)).capitalize() + "."
        created = now - rng.uniform(0, 20 * 365) * 86400
        yield (
            "series" if rng.random() < 0.25 else "film",
            title,
            original,
            f"bench-{n}",
            rng.randint(1920, 2025) if rng.random() < 0.97 else None,
            overview,
            "published" if rng.random() < 0.95 else "draft",
            time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime(created)),
        )


# --- the queries ------------------------------------------------------------------------------


@dataclass
class Query:
    category: str
    text: str
    filters: dict = field(default_factory=dict)


def make_queries(count: int, sample: list[tuple[str, str]], words: Words, seed: int) -> list[Query]:
    """`count` queries made from titles sampled from the database, [(title, kind)].

    People search for the distinctive words of a title, so mostly its rarest word; one word
    query in eight is one of the ten commonest words ("the", "night") instead.
    """
    rng = random.Random(seed)
    titles = itertools.cycle(sample)
    queries: list[Query] = []
    for category, share in SHARES.items():
        for i in range(round(count * share)):
            title, kind = next(titles)
            rarest = words.rarest_first(title)
            if category == "word":
                queries.append(
                    Query(category, rng.choice(COMMON_WORDS) if i % 8 == 0 else rarest[0])
                )
            elif category == "two words":
                pair = rarest[:2] if len(rarest) > 1 else [rarest[0], rng.choice(COMMON_WORDS)]
                queries.append(Query(category, " ".join(pair)))
            elif category == "prefix":
                queries.append(Query(category, rarest[0][: rng.randint(3, 5)]))
            elif category == "typo":
                queries.append(Query(category, typo_of(rarest[0], words, rng)))
            else:
                queries.append(Query(category, rarest[0], filters_for(i, kind, rng)))
    rng.shuffle(queries)
    return queries[:count]


def typo_of(word: str, words: Words, rng: random.Random) -> str:
    """One slip (swap, drop, double or replace a letter) that makes no other known word."""
    word = word if len(word) >= 5 else word + "s"
    for _ in range(50):
        i = rng.randrange(1, len(word) - 1)
        slip = rng.choice(("swap", "drop", "double", "replace"))
        if slip == "swap":
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif slip == "drop":
            typo = word[:i] + word[i + 1 :]
        elif slip == "double":
            typo = word[:i] + word[i] + word[i:]
        else:
            typo = word[:i] + rng.choice("aeioustrnl") + word[i + 1 :]
        if typo != word and typo not in words.known:
            return typo
    return word + "q"


def filters_for(i: int, kind: str, rng: random.Random) -> dict:
    year = rng.randint(1930, 2010)
    variants = [
        {"kind": kind, "year_from": year, "year_to": year + 15},
        {"genre": rng.choice(GENRES)},
        {"sort": rng.choice(("newest", "title", "year"))},
        {"genre": rng.choice(GENRES), "kind": kind, "sort": "year"},
    ]
    return variants[i % len(variants)]


def list_page_queries(count: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    queries = []
    for i in range(count):
        year = rng.randint(1930, 2010)
        variants = [
            {"sort": "newest"},
            {"kind": "series", "sort": "newest"},
            {"genre": rng.choice(GENRES), "sort": "newest"},
            {"year_from": year, "year_to": year + 5, "sort": "year"},
        ]
        queries.append(Query("list pages", "", variants[i % len(variants)]))
    return queries


# --- child: one database ----------------------------------------------------------------------


def run_child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    register_like_lookup()
    words = Words(args.vocabulary, random.Random(args.seed))
    timings: dict[str, float] = {}
    load = load_postgres if connection.vendor == "postgresql" else load_sqlite
    tenant, sizes = load(args.titles, words, args.seed, timings)

    queries = make_queries(args.queries, sample_titles(args.queries), words, args.seed)
    searched, fixed = measure(queries, tenant, search_call)
    listed, _ = measure(list_page_queries(LIST_PAGES, args.seed), tenant, search_call)
    log(f"{connection.vendor}: {len(queries)} searches and {LIST_PAGES} list pages done")
    scanned, _ = measure(queries, tenant, scan_call)
    log(f"{connection.vendor}: {len(queries)} scans done")
    result = {
        "vendor": connection.vendor,
        "version": server_version(connection),
        "titles": args.titles,
        "timings": timings,
        "sizes": sizes,
        "search": searched,
        "scan": scanned,
        "list pages": listed["list pages"],
        "typos fixed": fixed,
        "typos": sum(q.category == "typo" for q in queries),
    }
    print(json.dumps(result))
    return 0


def make_site_and_genres():
    from streaming.models import Genre
    from tenants.models import Tenant

    Genre.objects.bulk_create(Genre(name=g.title(), slug=g) for g in GENRES)
    return Tenant.objects.create(name="Bench", slug="bench")


# Every title gets one genre and every other title a second; the site hides one in a thousand
# titles, so that the visibility rule has work to do.
GENRES_AND_HIDINGS = [
    """INSERT INTO streaming_title_genres (title_id, genre_id)
       SELECT id, (SELECT min(id) FROM streaming_genre) + (id * 7919) % 20 FROM streaming_title
       UNION ALL
       SELECT id, (SELECT min(id) FROM streaming_genre) + (id * 104729) % 20 FROM streaming_title
       WHERE id % 2 = 0 AND (id * 104729) % 20 <> (id * 7919) % 20""",
    """INSERT INTO streaming_titlehiding (tenant_id, title_id, created_at)
       SELECT (SELECT max(id) FROM tenants_tenant), id, CURRENT_TIMESTAMP FROM streaming_title
       WHERE id % 997 = 0""",
]
EMPTY_COLUMNS = " content_rating, poster, backdrop, imdb_id, metadata_error"


def load_postgres(count: int, words: Words, seed: int, timings: dict):
    from django.db import connection

    from streaming.search import refresh_vocabulary, schema

    tenant = make_site_and_genres()
    indexes = [s for s in schema.POSTGRES_INSTALL if s.startswith("CREATE INDEX streaming_title_")]
    columns = "kind, title, original_title, slug, year, overview, status, created_at"
    columns += f", updated_at, is_skeleton, {EMPTY_COLUMNS}"
    with connection.cursor() as cursor, timed(timings, "load titles (COPY; trigger tsvector)"):
        # The GIN indexes are built once after the load: much faster than row by row.
        cursor.execute("DROP INDEX streaming_title_search_vector, streaming_title_title_vector")
        copy_sql = f"COPY streaming_title ({columns}) FROM STDIN"
        with connection.connection.cursor() as raw, raw.copy(copy_sql) as copy:
            for row in title_rows(count, words, seed):
                copy.write_row((*row, row[-1], False, "", "", "", "", ""))
    with connection.cursor() as cursor:
        with timed(timings, "genres and hidings"):
            for statement in GENRES_AND_HIDINGS:
                cursor.execute(statement)
        with timed(timings, "GIN indexes (all words, title words)"):
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for statement in indexes:
                cursor.execute(statement)
        with timed(timings, "VACUUM ANALYZE"):
            cursor.execute("VACUUM ANALYZE streaming_title")
            cursor.execute("VACUUM ANALYZE streaming_title_genres")
    with timed(timings, "spelling vocabulary (ts_stat)"):
        vocabulary = refresh_vocabulary()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE streaming_search_vocabulary")
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('streaming_title')),"
            " pg_size_pretty(pg_relation_size('streaming_title_search_vector')),"
            " pg_size_pretty(pg_relation_size('streaming_title_title_vector'))"
        )
        table, index, title_index = cursor.fetchone()
    return tenant, {
        "table": table,
        "GIN index, all words": index,
        "GIN index, title words": title_index,
        "vocabulary words": vocabulary,
    }


def load_sqlite(count: int, words: Words, seed: int, timings: dict):
    from django.db import connection, transaction

    tenant = make_site_and_genres()
    with (
        timed(timings, "load titles (FTS5 triggers)"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.executemany(
            "INSERT INTO streaming_title (kind, title, original_title, slug, year, overview,"
            " status, created_at, updated_at, is_skeleton, content_rating, poster, backdrop,"
            " imdb_id, metadata_error)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '', '', '', '', '')",
            ((*row, row[-1]) for row in title_rows(count, words, seed)),
        )
    with connection.cursor() as cursor:
        with timed(timings, "genres and hidings"):
            for statement in GENRES_AND_HIDINGS:
                cursor.execute(statement)
        with timed(timings, "FTS5 optimize, ANALYZE"):
            cursor.execute(
                "INSERT INTO streaming_title_fts (streaming_title_fts) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT count(DISTINCT term) FROM streaming_title_fts_vocab"
            " WHERE col IN ('title', 'original_title')"
        )
        vocabulary = cursor.fetchone()[0]
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        size = cursor.fetchone()[0]
    return tenant, {"database file": f"{size / 2**20:.0f} MB", "vocabulary words": vocabulary}


def sample_titles(count: int) -> list[tuple[str, str]]:
    from streaming.models import Title

    rng = random.Random(count)
    top = Title.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = [rng.randint(1, top) for _ in range(count * 2)]
    rows = Title.objects.filter(pk__in=picks, status="published").values_list("title", "kind")
    return list(rows)[:count]


def search_call(query: Query, tenant):
    from streaming.search import search_titles, typeahead

    if query.category == "prefix":
        return typeahead(query.text, tenant)
    return search_titles(query.text, tenant, **query.filters)


def scan_call(query: Query, tenant):
    """What search is without an index: the same page and total from a LIKE scan, in one
    query (the total is a window count over the same scan)."""
    from django.db.models import Count, Q, Window

    from streaming.models import Title
    from streaming.search.titles import ORDERINGS

    titles = Title.objects.visible_on(tenant)
    if query.category == "prefix":
        found = titles.filter(title__like=f"%{query.text}%").order_by("title")
        return list(found.values("id", "title", "year", "kind", "slug")[:8])
    filters = dict(query.filters)
    order = ORDERINGS.get(filters.pop("sort", ""), ("title",))
    if "genre" in filters:
        filters["genres__slug"] = filters.pop("genre")
    if "year_from" in filters:
        filters["year__gte"] = filters.pop("year_from")
    if "year_to" in filters:
        filters["year__lte"] = filters.pop("year_to")
    titles = titles.filter(**filters)
    for word in query.text.split():
        pattern = f"%{word}%"
        titles = titles.filter(
            Q(title__like=pattern) | Q(original_title__like=pattern) | Q(overview__like=pattern)
        )
    page = list(titles.order_by(*order).annotate(total=Window(Count("pk")))[:20])
    return page, page[0].total if page else 0


def register_like_lookup() -> None:
    """`field__like`: ILIKE on PostgreSQL, LIKE (case-insensitive for ASCII) on SQLite: the
    plain scans a search box without an index runs."""
    from django.db.models import CharField, Lookup, TextField

    class Like(Lookup):
        lookup_name = "like"

        def as_sql(self, compiler, connection):
            lhs, lhs_params = self.process_lhs(compiler, connection)
            rhs, rhs_params = self.process_rhs(compiler, connection)
            operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
            return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]

    CharField.register_lookup(Like)
    TextField.register_lookup(Like)


def measure(queries: list[Query], tenant, call) -> tuple[dict, int]:
    """{category: (p50 ms, p95 ms, n)} with "all" over the mixed categories; typos fixed."""
    for query in queries[:10]:  # warm caches and the connection; not counted
        call(query, tenant)
    times: dict[str, list[float]] = {}
    fixed = 0
    for query in queries:
        start = time.perf_counter()
        result = call(query, tenant)
        times.setdefault(query.category, []).append((time.perf_counter() - start) * 1000)
        fixed += bool(getattr(result, "corrected_query", None))
    mixed = [t for category in CATEGORIES for t in times.get(category, [])]
    if mixed:
        times["all"] = mixed
    return {c: (percentile(t, 50), percentile(t, 95), len(t)) for c, t in times.items()}, fixed


# --- parent: scratch databases and the report -------------------------------------------------


def run_engine(args: argparse.Namespace, engine: str, titles: int) -> dict:
    log(f"{engine}: {titles:,} titles into a scratch database")
    child = [
        *("--titles", str(titles), "--queries", str(args.queries)),
        *("--seed", str(args.seed), "--vocabulary", str(args.vocabulary)),
    ]
    postgres = args.server if engine == "postgresql" else ""
    return run_on_scratch_install("search", __file__, child, postgres)


def report(result: dict) -> None:
    print(f"\n== {result['version']}: {result['titles']:,} titles")
    print_build(result["timings"], result["sizes"], 42)
    print(
        f"\n   {'queries':<12}{'n':>4}   {'search p50':>10} {'p95':>8}   {'scan p50':>9}"
        f" {'p95':>9}   {'scan/search p50':>15} {'p95':>5}"
    )
    for category in [*CATEGORIES, "all"]:
        s50, s95, n = result["search"][category]
        r50, r95, _ = result["scan"][category]
        print(
            f"   {category:<12}{n:>4}   {s50:>8.1f}ms {s95:>6.1f}ms   {r50:>7.1f}ms {r95:>7.1f}ms"
            f"   {r50 / s50:>14.0f}x {r95 / s95:>4.0f}x"
        )
    p50, p95, n = result["list pages"]
    print(f"   {'list pages':<12}{n:>4}   {p50:>8.1f}ms {p95:>6.1f}ms   (no words; not in 'all')")
    fixed, typos = result["typos fixed"], result["typos"]
    print(f"   typo queries answered with a corrected spelling: {fixed}/{typos}")
    if result["vendor"] == "postgresql":
        p95 = result["search"]["all"][1]
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(f"   target: search p95 < {TARGET_P95_MS:.0f} ms: {p95:.1f} ms, {verdict}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Title search (PostgreSQL FTS, SQLite FTS5) vs a plain ILIKE/LIKE scan of "
        "the same table, on generated catalogues in scratch databases (made and removed here)."
    )
    parser.add_argument("--pg-titles", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument("--sqlite-titles", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--queries", type=int, default=200, help="mixed queries (default 200)")
    add_database_options(parser)
    parser.add_argument("--vocabulary", type=int, default=30_000, help="distinct words")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--titles", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.child:
        return run_child(args)
    print(header(__file__, f"{args.queries} mixed queries per database"))
    for engine, titles in [("postgresql", args.pg_titles), ("sqlite", args.sqlite_titles)]:
        if args.only in (None, engine):
            report(run_engine(args, engine, titles))
    print(total_time())
    return 0


if __name__ == "__main__":
    sys.exit(main())
