"""Title search on PostgreSQL: a weighted tsvector with a GIN index, and spelling fixes from
a vocabulary of title words with a trigram index.

`streaming_title.search_vector` (made by migration 0003, kept by a trigger) holds the title
and original title at weight A and the overview at weight C. A query is an AND of its terms
as quoted lexemes, so nothing a viewer types is read as tsquery syntax.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import transaction
from django.db.models import Expression, F, QuerySet, Value

from streaming.search.schema import TEXT_SEARCH_CONFIG, VOCABULARY_FILL
from streaming.search.terms import (
    MAX_ALTERNATIVES,
    MIN_INFIX_CHARS,
    QueryTerm,
    boolean_query,
    candidates_for,
    needing_trigrams,
)

# ts_rank weights for D, C, B, A: a title word counts five times an overview word.
RANK_WEIGHTS = [0.05, 0.2, 0.4, 1.0]


class TitleVector(Expression):
    """The `search_vector` column of the title row at hand, or its title words only.

    The column is not a model field, so it is reached through the primary key column: that
    carries Django's table alias (`streaming_title`, or `U0` inside a subquery) with it.
    `title_only` gives `ts_filter(search_vector, '{a}')`, the expression of the title-words
    GIN index (schema.TITLE_WORDS), so that the index serves it.
    """

    output_field = SearchVectorField()

    def __init__(self, title_only: bool = False) -> None:
        super().__init__()
        self.title_only = title_only
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        column = f"{compiler.quote_name_unless_alias(self.pk.alias)}.search_vector"
        return (f"ts_filter({column}, '{{a}}')" if self.title_only else column), []


def tsquery(terms: Sequence[QueryTerm], *, prefix: bool = False) -> str:
    """`'heat' & 'mann'`: each term a quoted lexeme, with `:*` for prefixes; a tuple is a
    group any one of which may match: `('shadow' | 'shadowvault') & 'vault'`, and a tuple
    inside it words that must all match: `('shadowvault' | ('shadow' & 'vault'))`.

    Terms are runs of letters and digits (streaming.search.terms), so the escaping below never
    fires; it is there so that this function is safe whatever it is given.
    """
    star = ":*" if prefix else ""

    def lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + star

    return boolean_query(terms, lexeme, "&", "|")


def _search_query(terms: list[str], *, prefix: bool) -> SearchQuery:
    return SearchQuery(tsquery(terms, prefix=prefix), search_type="raw", config=TEXT_SEARCH_CONFIG)


def matching(
    titles: QuerySet, terms: list[str], *, prefix: bool = False, title_only: bool = False
) -> QuerySet:
    query = _search_query(terms, prefix=prefix)
    return titles.alias(search_vector=TitleVector(title_only)).filter(search_vector=query)


def pool(
    visible: QuerySet,
    terms: list[str],
    *,
    size: int,
    prefix: bool = False,
    title_only: bool = False,
) -> tuple[list[int], bool]:
    """Ids of visible titles matching `terms`, best first, and whether the pool was full (so
    that more titles match than were read). One query.

    The pool is the first `size` visible titles with the words in their title and the first
    `size` with them anywhere (only the former with `title_only`), each read from its GIN
    index with its rank. Reading at most 2 x `size` rows is what keeps a word that half of a
    million titles use ("the") as fast as a rare one; and title matches, which rank first,
    are never crowded out by overview matches.
    """
    unordered = visible.order_by()
    rank = SearchRank(
        TitleVector(title_only), _search_query(terms, prefix=prefix), weights=RANK_WEIGHTS
    )
    parts = [True] if title_only else [True, False]
    reads = [
        matching(unordered, terms, prefix=prefix, title_only=in_title)
        .annotate(part=Value(n), rank=rank)
        .values_list("pk", "part", "rank", "title")[:size]
        for n, in_title in enumerate(parts)
    ]
    rows = list(reads[0].union(*reads[1:], all=True))
    full = sum(part == len(parts) - 1 for _, part, _, _ in rows) >= size
    best = {pk: (-rank, title, pk) for pk, _, rank, title in rows}
    return sorted(best, key=best.__getitem__), full


# The exact lookups (terms, neighbours joined, each one slip away) as a join with the list:
# `word = ANY(<hundreds of strings>)` lets the planner pick the trigram index, one GIN scan
# per string (seconds at 20,000 words), where the join hashes the list or uses the key.
_EXACT_LOOKUP = """
    SELECT v.word, v.ndoc FROM unnest(%s::text[]) AS c(word)
    JOIN streaming_search_vocabulary AS v ON v.word = c.word
"""
# For each term, the most used words that hold it, a constant pattern per term so that the
# planner may use the trigram index for it once the vocabulary is large.
_INSIDE_LOOKUP = """
    (SELECT word, ndoc FROM streaming_search_vocabulary WHERE word LIKE %s
     ORDER BY ndoc DESC, word LIMIT %s)
"""


def _lookup(terms: list[str]) -> tuple[str, list]:
    """The one query of exact and inside-word lookups, and its parameters."""
    inside = [term for term in terms if len(term) >= MIN_INFIX_CHARS]
    sql = " UNION ALL ".join([_EXACT_LOOKUP] + [_INSIDE_LOOKUP] * len(inside))
    params: list = [sorted(candidates_for(terms))]
    for term in inside:
        params += [f"%{term}%", MAX_ALTERNATIVES]  # terms hold no `%`, `_` or `\`
    return sql, params


def vocabulary(connection, terms: list[str]) -> dict[str, int]:
    """Vocabulary words that may be what `terms` meant, with how many titles use each.

    First the terms themselves, neighbouring terms joined, every string one slip away from
    those (exact lookups) and the words each term is part of; then, only for
    longer terms with nothing one slip away, the words sharing enough trigrams with them
    (`%`: similarity at least pg_trgm.similarity_threshold, 0.3 unless the server sets it
    otherwise; served by the GIN trigram index), which finds two or three slips in longer
    words. One or two queries.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_lookup(terms))
        words = dict(cursor.fetchall())
        if fuzzy := needing_trigrams(terms, words):
            cursor.execute(
                "SELECT word, ndoc FROM streaming_search_vocabulary, unnest(%s::text[]) AS t(term)"
                " WHERE word %% t.term",
                [fuzzy],
            )
            words.update(cursor.fetchall())
    return words


def add_title_words(connection, title_id: int) -> None:
    """Put a published title's words into the vocabulary (one query, on save).

    New words come in with ndoc 1 and known words keep their count: exact counts would mean
    counting every title with the word on each save. `refresh_vocabulary` recounts and drops
    the words no published title uses any more.
    """
    # ts_filter(search_vector, '{a}'): the title words, as in schema.TITLE_WORDS.
    sql = """
        INSERT INTO streaming_search_vocabulary (word, ndoc)
        SELECT DISTINCT words.lexeme, 1
        FROM streaming_title, unnest(ts_filter(search_vector, '{a}')) AS words
        WHERE streaming_title.id = %s AND streaming_title.status = 'published'
        ON CONFLICT (word) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [title_id])


def refresh_vocabulary(connection) -> int:
    """Rebuild the vocabulary from the published titles; returns its size. Readers keep
    seeing the old vocabulary until the rebuild commits."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("DELETE FROM streaming_search_vocabulary")
        cursor.execute(VOCABULARY_FILL)
        return cursor.rowcount
