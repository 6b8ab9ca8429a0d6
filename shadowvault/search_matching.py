"""How well a name matches what a viewer typed: one scale that every search source ranks
by, so that results of several kinds can share one list (shadowvault.search_sources).

Pure functions, no database. A query is reduced to its words (runs of letters and digits,
lower case, Latin letters without their marks), as the indexes keep them, so nothing typed
reaches a query language as syntax. Each query word is scored against the name's words:

    1.0   the same word
    0.9   the start of a word ("pice" would not be; "pie" is)
    0.8   one slip away (a letter missing, extra, wrong, or two swapped), same first letter
    0.7   one slip away, first letter included
    0.6   inside a word ("ruto" in "naruto")
    <0.5  sharing at least half of its trigrams with the name (two or three slips)

and a name scores 1.0 when its words are the query's, 0.95 when it starts with them, else
0.9 x the mean of its words' scores, less a little per extra word in the name, so that of
two names with the same words the shorter comes first. A query word that matches nothing
makes the name score 0: every word must be found, as in the title search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_QUERY_CHARS = 200  # longer input is cut here, before anything else looks at it
MAX_WORDS = 8  # the words of a query that count
MAX_WORD_CHARS = 40  # a longer "word" is a pasted hash or URL, not a name
MIN_SLIP_CHARS = 3  # one slip away from a 2-letter word is almost every 2-letter word
MIN_TRIGRAM_SHARE = 0.5
EXTRA_WORD_PENALTY = 0.002

# A word is a run of letters and digits in any script; `_` splits words, as it does for
# PostgreSQL's parser and SQLite's tokenizers.
_WORD = re.compile(r"[^\W_]+")

# Letters without a decomposition that PostgreSQL's `unaccent` still folds.
_UNDECOMPOSED = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH",
    "\u0131": "i",  # dotless i
}  # fmt: skip


def _latin_folds() -> dict[str, str]:
    """Each precomposed Latin letter (Latin-1 Supplement, Extended-A and -B, Extended
    Additional) and its letters without marks: "é" -> "e", "Ǆ" -> "DŽ" -> ... Other scripts
    keep their marks: without them a kana or Hangul syllable is another syllable."""
    folds = dict(_UNDECOMPOSED)
    for point in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(point)
        bare = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if bare and bare != char and char not in folds:
            folds[char] = bare
    return folds


LATIN_FOLDS = _latin_folds()
_FOLD_TABLE = str.maketrans(LATIN_FOLDS)


def fold(text: str) -> str:
    """Lower case, Latin letters without their marks: "Amélie" -> "amelie"."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).casefold()


def words_of(text: str) -> list[str]:
    """Every word of `text`, folded, in order."""
    return _WORD.findall(fold(text))


def query_words(text: object) -> list[str]:
    """The distinct words of a query, folded, in order; at most MAX_WORDS of them, each cut
    to MAX_WORD_CHARS. Anything but a string gives none."""
    if not isinstance(text, str):
        return []
    found: list[str] = []
    for word in words_of(text[:MAX_QUERY_CHARS]):
        word = word[:MAX_WORD_CHARS]
        if word not in found:
            found.append(word)
        if len(found) == MAX_WORDS:
            break
    return found


def one_slip(a: str, b: str) -> bool:
    """`a` and `b` differ by exactly one slip: a letter inserted, deleted or replaced, or
    two neighbouring letters swapped. Linear time."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
    return swapped and a[start + 2 :] == b[start + 2 :]


def trigrams(words: Iterable[str]) -> set[str]:
    """The words' trigrams as PostgreSQL's pg_trgm makes them: each word padded with two
    spaces in front and one behind ("  a", " ab", "abc", "bc ")."""
    found: set[str] = set()
    for word in words:
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


@dataclass(frozen=True)
class Query:
    """A query's words, ready to score names against, and its text as typed (cut to
    MAX_QUERY_CHARS), for an index that folds otherwise. `prefix`: the last word may be
    unfinished (a search box's typeahead)."""

    words: tuple[str, ...]
    text: str = ""
    prefix: bool = False

    @classmethod
    def of(cls, text: object, *, prefix: bool = False) -> Query:
        typed = text[:MAX_QUERY_CHARS] if isinstance(text, str) else ""
        return cls(tuple(query_words(typed)), typed, prefix)


def word_score(word: str, name_words: Sequence[str], *, unfinished: bool = False) -> float:
    """How well one query word is found among a name's words (the table in the module's
    docstring, trigrams aside). `unfinished`: the word may be the start of a longer one,
    so a slip is also looked for in the start of each name word."""
    best = 0.0
    for candidate in name_words:
        if candidate == word:
            return 1.0
        if candidate.startswith(word):
            best = max(best, 0.9)
        elif len(word) >= MIN_SLIP_CHARS and _one_slip_in(word, candidate, unfinished):
            best = max(best, 0.8 if word[0] == candidate[0] else 0.7)
        elif len(word) >= MIN_SLIP_CHARS and word in candidate:
            best = max(best, 0.6)
    return best


def _one_slip_in(word: str, candidate: str, unfinished: bool) -> bool:
    if one_slip(word, candidate):
        return True
    if not unfinished:
        return False
    size = len(word)
    return any(
        one_slip(word, candidate[:n]) for n in (size - 1, size, size + 1) if n < len(candidate)
    )


def name_score(query: Query, name: str) -> float:
    """How well `name` matches `query`, from 0 (not at all) to 1 (the same words)."""
    words, name_words = query.words, words_of(name)
    if not words or not name_words:
        return 0.0
    if tuple(name_words) == words:
        return 1.0
    if _starts_with(name_words, words, query.prefix):
        return 0.95 - EXTRA_WORD_PENALTY * min(len(name_words) - len(words), 10)
    last = len(words) - 1
    scores = [
        word_score(word, name_words, unfinished=query.prefix and n == last)
        for n, word in enumerate(words)
    ]
    if 0.0 in scores:
        name_trigrams = trigrams(name_words)
        scores = [s or _trigram_share(w, name_trigrams) for s, w in zip(scores, words, strict=True)]
        if 0.0 in scores:
            return 0.0
    extra = max(len(name_words) - len(words), 0)
    return 0.9 * sum(scores) / len(scores) - EXTRA_WORD_PENALTY * min(extra, 10)


def _starts_with(name_words: list[str], words: tuple[str, ...], prefix: bool) -> bool:
    if len(name_words) < len(words):
        return False
    head = name_words[: len(words)]
    if not prefix:
        return tuple(head) == words
    return tuple(head[:-1]) == words[:-1] and head[-1].startswith(words[-1])


def _trigram_share(word: str, name_trigrams: set[str]) -> float:
    """Up to 0.5 for a word sharing at least MIN_TRIGRAM_SHARE of its trigrams with the
    name; 0 below that."""
    own = trigrams([word])
    share = len(own & name_trigrams) / len(own)
    return 0.5 * share if share >= MIN_TRIGRAM_SHARE else 0.0


def words_found(query: Query, name: str) -> bool:
    """Every word of the query is a word of `name` or the start of one: the name was found
    as typed, no spelling fix needed."""
    name_words = words_of(name)
    return bool(query.words) and all(
        any(candidate.startswith(word) for candidate in name_words) for word in query.words
    )


def best_name(query: Query, names: Iterable[str]) -> tuple[float, str]:
    """The best-matching of `names` and its score; (0.0, "") when none matches."""
    best = (0.0, "")
    for name in names:
        if name and (score := name_score(query, name)) > best[0]:
            best = (score, name)
    return best
