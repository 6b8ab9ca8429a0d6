"""Series candidates on PostgreSQL: the trigram-indexed `search_names` column
(readvault.search.schema).

Two reads, each one query with the site's visibility rule in it: the series whose names hold
every word as typed (`LIKE '%word%'`; of the first HOLDING_READ, the shortest names, so a
word half of the library holds costs what a rare one does), and, for a query those do not
answer, the series whose names resemble it (trigram word similarity, through
`readvault_series_resembling`). Words are runs of letters and digits
(shadowvault.search_matching), so they hold no LIKE wildcard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Expression, F, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from readvault.models import Series
from shadowvault.search_matching import Query

# Matches read at most before the shortest names are picked: a word half of the library
# holds ("the") costs what a rare one does.
HOLDING_READ = 1000


class _NamesColumn(Expression):
    """SQL about the `search_names` column of the series row at hand. The column is not a
    model field, so it is reached through the primary key column, which carries Django's
    table alias (`readvault_series`, or `U0` in a subquery) with it."""

    def __init__(self) -> None:
        super().__init__()
        self.pk: Any = F("pk")  # a Col with its table alias once the query resolves it

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def column(self, compiler) -> str:
        return f"{compiler.quote_name_unless_alias(self.pk.alias)}.search_names"


class NamesHold(_NamesColumn):
    """The names hold every one of `words` (folded), anywhere; a word of one or two letters
    as the start of a word (the trigram index cannot serve shorter patterns)."""

    output_field = BooleanField()

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__()
        self.words = list(words)

    def as_sql(self, compiler, connection):
        # Patterns as constants the planner can read: folding them in SQL (with the
        # column's function) would hide how rare their trigrams are from it.
        patterns = [f"%{word}%" if len(word) >= 3 else f"% {word}%" for word in self.words]
        condition = f"{self.column(compiler)} LIKE %s"
        return " AND ".join([condition] * len(patterns)), patterns


class NamesLength(_NamesColumn):
    output_field = IntegerField()

    def as_sql(self, compiler, connection):
        return f"length({self.column(compiler)})", []


def holding(visible: QuerySet[Series], query: Query, size: int) -> QuerySet[Series]:
    """The `size` visible series with the shortest names among the first HOLDING_READ
    whose names hold every word."""
    read = (
        visible.filter(NamesHold(query.words))
        .order_by()
        .annotate(series_id=F("pk"), names_length=NamesLength())
        .values("series_id", "names_length")[:HOLDING_READ]
    )
    try:
        sql, params = read.query.sql_with_params()
    except EmptyResultSet:  # the site shows nothing (visible_rule): no query to run
        return visible.none()
    # The read's own SQL and parameters, as Django compiled them.
    shortest = f"SELECT series_id FROM ({sql}) AS holding ORDER BY names_length, series_id"  # noqa: S608
    return Series.objects.filter(pk__in=RawSQL(f"{shortest} LIMIT %s", (*params, size)))  # noqa: S611


def resembling(visible: QuerySet[Series], query: Query, size: int) -> QuerySet[Series]:
    """Visible series among the `size` whose names resemble the words most."""
    words = " ".join(query.words)
    ids = RawSQL("SELECT readvault_series_resembling(%s, %s)", [words, size])
    return visible.filter(pk__in=ids)
