"""What a viewer typed, turned into plain search terms, and spelling fixes for those terms.

Pure functions, no database. Search boxes receive anything (quotes, `*`, `NEAR`, `AND`, `:`,
backslashes, NUL, emoji, 10 kB of pasted text); nothing of it may reach FTS5's or
PostgreSQL's query parser as syntax. So a query is reduced to its words, and each backend
quotes every word as a literal string of its own query language. Both backends receive the
same terms, so the same input finds the same titles on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping

MAX_QUERY_CHARS = 200  # longer input is cut here, before anything else looks at it
MAX_TERMS = 8  # the words of a query that count; more only slow the query down
MAX_TERM_CHARS = 40  # a longer "word" is a pasted hash or URL, not a title word
MIN_CORRECTABLE_CHARS = 3  # one edit away from a 2-letter word is almost every 2-letter word

# A word is a run of letters and digits in any script. `_` is excluded because the
# PostgreSQL parser and FTS5's unicode61 tokenizer both split words at it.
_WORD = re.compile(r"[^\W_]+")
_ASCII_ALPHABET = string.ascii_lowercase + string.digits


def _strip_latin_diacritics(text: str) -> str:
    """`Amélie` -> `amelie`, as FTS5 (`remove_diacritics 2`) and PostgreSQL's `unaccent` do.

    Only Latin letters lose their marks: decomposing Hangul or kana and dropping the marks
    would turn a Korean or Japanese word into another word.
    """
    out = []
    for char in text:
        if ord(char) < 0x250 or 0x1E00 <= ord(char) < 0x1F00:
            base = unicodedata.normalize("NFD", char)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


def terms_of(text: object) -> list[str]:
    """The distinct words of a query, lower-cased, in order; at most MAX_TERMS of them."""
    if not isinstance(text, str):
        return []
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS])
    words = _WORD.findall(_strip_latin_diacritics(text).lower())
    terms: list[str] = []
    for word in words:
        word = word[:MAX_TERM_CHARS]
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters each count one (the four usual typing slips)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(term: str) -> int:
    """How many slips a word may have and still be corrected: none for very short words,
    one up to 5 letters, two up to 10, three beyond."""
    if len(term) < MIN_CORRECTABLE_CHARS:
        return 0
    if len(term) <= 5:
        return 1
    return 2 if len(term) <= 10 else 3


def one_edit_away(term: str) -> set[str]:
    """Every string one slip away from `term` (a deleted, swapped, replaced or inserted
    letter), for an exact lookup in the vocabulary. Replacements and insertions draw on
    a-z, 0-9 and the word's own letters, so in other scripts they cover repeated letters
    only; PostgreSQL's trigram neighbours cover the rest there."""
    if len(term) < MIN_CORRECTABLE_CHARS:
        return set()
    alphabet = set(_ASCII_ALPHABET) | set(term)
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    variants = {left + right[1:] for left, right in splits if right}
    variants |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    variants |= {left + c + right[1:] for left, right in splits if right for c in alphabet}
    variants |= {left + c + right for left, right in splits for c in alphabet}
    variants.discard(term)
    return variants


def correct(term: str, vocabulary: Mapping[str, int]) -> str:
    """`term` itself when the vocabulary knows it, else the closest vocabulary word within
    `allowed_edits` (fewest slips, then the word more titles use, then alphabetical), else
    `term` unchanged. `vocabulary` maps candidate words to how many titles use them."""
    if term in vocabulary:
        return term
    limit = allowed_edits(term)
    best: tuple[int, int, str] | None = None
    for word, ndoc in vocabulary.items():
        if abs(len(word) - len(term)) > limit:
            continue
        distance = edit_distance(term, word)
        if distance <= limit:
            key = (distance, -ndoc, word)
            best = key if best is None or key < best else best
    return best[2] if best else term


def needing_trigrams(terms: Iterable[str], vocabulary: Mapping[str, int]) -> list[str]:
    """Terms that may have more than one slip and have no vocabulary word within one: the
    ones worth a (slower) trigram search of the vocabulary."""
    return [
        term
        for term in terms
        if allowed_edits(term) > 1
        and term not in vocabulary
        and not any(edit_distance(term, word) <= 1 for word in vocabulary)
    ]


def correct_all(terms: Iterable[str], vocabulary: Mapping[str, int]) -> list[str]:
    return [correct(term, vocabulary) for term in terms]
