"""Series candidates on SQLite: the trigram FTS5 table `readvault_series_fts`
(readvault.search.schema).

Every string asked of the table is one trigram, quoted, so nothing a viewer types is read as
FTS5 syntax. Two reads, each one query with the site's visibility rule around it:

- holding: every trigram of every word (a word of one or two letters: a word starting so),
  ranked by bm25 among the first HOLDING_READ matches, so a word half of the library holds
  costs what a rare one does;
- resembling: any trigram of the words, a space before and after each word counting too
  (pg_trgm pads words the same way), ranked by bm25: the names sharing the most, and the
  rarest, trigrams with the query come first. This is what finds "naruto" for "nruto".
"""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from readvault.models import Series
from readvault.search.schema import sqlite_fold
from shadowvault.search_matching import MAX_QUERY_CHARS, MAX_WORD_CHARS, MAX_WORDS, Query

HOLDING_READ = 1000
MAX_TRIGRAMS = 64  # of a query, for the resembling read: more only slow it down
_WORD = re.compile(r"[^\W_]+")

# Constant SQL; the match expression and the numbers are parameters.
_HOLDING = (
    "SELECT rowid FROM (SELECT rowid, rank FROM readvault_series_fts"
    " WHERE readvault_series_fts MATCH %s LIMIT %s) ORDER BY rank LIMIT %s"
)
_RESEMBLING = (
    "SELECT rowid FROM readvault_series_fts WHERE readvault_series_fts MATCH %s"
    " ORDER BY rank LIMIT %s"
)


def _quoted(trigram: str) -> str:
    return '"' + trigram.replace('"', '""') + '"'


def index_words(text: str) -> list[str]:
    """The distinct words of a query as the table holds words: folded the triggers' way
    (sqlite_fold; the tokenizer folds case), not shadowvault.search_matching's, which also
    strips marks the triggers keep. At most MAX_WORDS, each cut to MAX_WORD_CHARS."""
    found: list[str] = []
    for word in _WORD.findall(sqlite_fold(text[:MAX_QUERY_CHARS])):
        word = word[:MAX_WORD_CHARS]
        if word not in found:
            found.append(word)
        if len(found) == MAX_WORDS:
            break
    return found


def holding_expression(text: str, *, prefix: bool = False) -> str:
    """Every trigram of every word; a two-letter word as a word start, a one-letter word
    as a word, or, unfinished (the last of a typeahead's), not at all: " a" is no trigram."""
    words = index_words(text)
    parts: list[str] = []
    for n, word in enumerate(words):
        if len(word) >= 3:
            parts += [word[i : i + 3] for i in range(len(word) - 2)]
        elif len(word) == 2:
            parts.append(f" {word}")
        elif not (prefix and n == len(words) - 1):
            parts.append(f" {word} ")
    return " AND ".join(map(_quoted, dict.fromkeys(parts)))


def resembling_expression(text: str) -> str:
    trigrams: list[str] = []
    for word in index_words(text):
        padded = f" {word} "
        trigrams += [padded[i : i + 3] for i in range(len(padded) - 2)]
    return " OR ".join(map(_quoted, list(dict.fromkeys(trigrams))[:MAX_TRIGRAMS]))


def holding(visible: QuerySet[Series], query: Query, size: int) -> QuerySet[Series]:
    """Visible series among the `size` best whose names hold every word's trigrams."""
    expression = holding_expression(query.text, prefix=query.prefix)
    if not expression:  # no word the table could hold
        return visible.none()
    return visible.filter(pk__in=RawSQL(_HOLDING, [expression, HOLDING_READ, size]))  # noqa: S611


def resembling(visible: QuerySet[Series], query: Query, size: int) -> QuerySet[Series]:
    """Visible series among the `size` whose names share the most trigrams with the words."""
    expression = resembling_expression(query.text)
    if not expression:
        return visible.none()
    return visible.filter(pk__in=RawSQL(_RESEMBLING, [expression, size]))  # noqa: S611
