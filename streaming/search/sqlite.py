"""Title search on SQLite: an FTS5 table over `streaming_title` with bm25 ranking.

`streaming_title_fts` (made by migration 0003) indexes title, original title and overview and
is kept in step by triggers; its `rank` is bm25 with the title columns worth five overview
words. A query is an AND of its terms as FTS5 strings (`"heat" "mann"`), so nothing a viewer
types is read as FTS5 syntax (`NEAR`, `AND`, `*`, `:`, `^`, column filters).

Spelling fixes, best effort: the vocabulary is FTS5's own word list of the title columns
(`streaming_title_fts_vocab`), always in step with the index. SQLite has no trigram index, so
only words one slip away from a title word (a letter missing, extra, wrong, or two letters
swapped) are looked up and fixed; PostgreSQL also fixes two or three slips in longer words.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connections, transaction
from django.db.models import QuerySet

from streaming.search.schema import FTS_REBUILD, FTS_TABLE, FTS_TRIGGERS
from streaming.search.terms import (
    MIN_INFIX_CHARS,
    QueryTerm,
    boolean_query,
    candidates_for,
    words_of,
)

# Titles read at most for the words a term is part of.
_INSIDE_TITLES_READ = 500


def match_expression(
    terms: Sequence[QueryTerm], *, prefix: bool = False, title_only: bool = False
) -> str:
    """`"heat" AND "mann"`, with `*` after each term for prefixes and a title column filter; a
    tuple is a group any one of which may match: `("shadow" OR "shadowvault")`, and a tuple
    inside it words that must all match: `("shadowvault" OR ("shadow" AND "vault"))`.

    Terms are runs of letters and digits (streaming.search.terms); doubling `"` is the FTS5
    rule for a quote inside a string, there so that this function is safe whatever it gets.
    """
    star = "*" if prefix else ""

    def string(word: str) -> str:
        return '"' + word.replace('"', '""') + '"' + star

    # FTS5 reads two strings side by side as AND, but not a string next to a bracket.
    phrase = boolean_query(terms, string, "AND", "OR")
    return f"{{title original_title}} : ({phrase})" if title_only else phrase


def pool(
    visible: QuerySet,
    terms: list[str],
    *,
    size: int,
    prefix: bool = False,
    title_only: bool = False,
) -> tuple[list[int], bool]:
    """Ids of visible titles matching `terms`, best first by bm25, and whether the pool was
    full (so that more titles match than were read). Two queries: FTS5 ranks its matches
    (in C) and hands over the best 2 x `size` (`size` with `title_only`), as many as
    PostgreSQL's pool holds; then the site's visibility rule keeps its own."""
    limit = size if title_only else 2 * size
    with connections[visible.db].cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM streaming_title_fts WHERE streaming_title_fts MATCH %s"
            " ORDER BY rank LIMIT %s",
            [match_expression(terms, prefix=prefix, title_only=title_only), limit],
        )
        best = [row[0] for row in cursor.fetchall()]
    if not best:
        return [], False
    kept = set(visible.order_by().filter(pk__in=best).values_list("pk", flat=True))
    return [pk for pk in best if pk in kept], len(best) == limit


# The exact lookups in FTS5's word list of the title columns.
_EXACT_LOOKUP = """
    SELECT term, sum(doc), NULL FROM streaming_title_fts_vocab
    WHERE col IN ('title', 'original_title')
      AND term IN (SELECT value FROM json_each(%s))
    GROUP BY term
"""
# Titles holding a term inside a word, whose words are then picked out here. Reading FTS5's
# word list whole (no index serves `instr`) costs ~80 ms at 50,000 titles, as it counts every
# word's documents; a LIKE scan of the titles costs a fraction of that.
_INSIDE_LOOKUP = """
    SELECT * FROM (
        SELECT NULL, title, original_title FROM streaming_title WHERE {matches} LIMIT %s
    )
"""
_INSIDE_MATCH = "(title LIKE %s OR original_title LIKE %s)"


def _lookup(terms: list[str]) -> tuple[str, list[str | int], list[str]]:
    """The one query of exact and inside-word lookups, its parameters, and the terms looked
    for inside words."""
    inside = [term for term in terms if len(term) >= MIN_INFIX_CHARS]
    sql = _EXACT_LOOKUP
    params: list[str | int] = [json.dumps(sorted(candidates_for(terms)))]
    if inside:
        matches = " OR ".join([_INSIDE_MATCH] * len(inside))
        sql += " UNION ALL " + _INSIDE_LOOKUP.format(matches=matches)
        for term in inside:
            params += [f"%{term}%"] * 2  # terms hold no `%` or `_`
        params.append(_INSIDE_TITLES_READ)
    return sql, params, inside


def vocabulary(connection, terms: list[str]) -> dict[str, int]:
    """Title words that may be what `terms` meant (the terms themselves, neighbouring terms
    joined, every word one slip away from those, and the words each term is part of), with
    how many titles use each (of the titles read, for words a term is part of). One query."""
    sql, params, inside = _lookup(terms)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    words = {word: titles for word, titles, _ in rows if word is not None}
    holding: dict[str, int] = {}
    for _, title, original_title in (row for row in rows if row[0] is None):
        for word in set(words_of(f"{title or ''} {original_title or ''}")):
            if word not in words and any(term in word for term in inside):
                holding[word] = holding.get(word, 0) + 1
    return holding | words


def restore_triggers(connection) -> bool:
    """Put back the triggers that keep the FTS table in step, if a migration lost them.

    Django's SQLite schema editor alters a table by copying it into a new one and dropping
    the old, and triggers die with the old table: after a later migration that changes
    `Title`, the FTS table would silently stop following the catalogue. Called after every
    migrate; re-creates the missing triggers and rebuilds the index. Returns whether it did.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            ["streaming_title_fts%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in FTS_TRIGGERS if name not in present]
        if FTS_TABLE not in present or not missing:
            return False
        with transaction.atomic(using=connection.alias):
            for name in missing:
                cursor.execute(FTS_TRIGGERS[name])
            cursor.execute(FTS_REBUILD)
    return True
