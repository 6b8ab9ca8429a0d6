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
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise

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


def words_of(text: str) -> list[str]:
    """Every word of a text as the indexes keep it: lower case, Latin letters unmarked."""
    return _WORD.findall(_strip_latin_diacritics(unicodedata.normalize("NFC", text)).lower())


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


# --- the second try: what a query may have meant when its words found nothing ---------------

# A bare number in this range is read as a release year too ("heat 1995", "2026").
_YEAR = re.compile(r"(18[89]\d|19\d\d|20\d\d|2100)")
MIN_INFIX_CHARS = 3  # shorter pieces are inside too many words to narrow anything
MAX_ALTERNATIVES = 8  # per word, the words most titles use first


def is_year(term: str) -> bool:
    return bool(_YEAR.fullmatch(term))


def inside_words(term: str, vocabulary: Mapping[str, int]) -> list[str]:
    """Vocabulary words that hold `term` inside them ("vault" is in "shadowvault"), the
    most used first: titles written as one word (ShadowVault) are one word to both indexes."""
    if len(term) < MIN_INFIX_CHARS:
        return []
    found = [word for word in vocabulary if term in word and word != term]
    return sorted(found, key=lambda word: (-vocabulary[word], word))[:MAX_ALTERNATIVES]


def joined_pairs(terms: list[str]) -> list[str]:
    """Each two neighbouring terms written as one word: "shadow vault" -> "shadowvault"."""
    return [left + right for left, right in pairwise(terms)]


def with_neighbours_joined(terms: list[str]) -> list[str | tuple[str, ...]]:
    """The terms, each also matched by it and a neighbour written as one word, so that
    "shadow vault" finds "ShadowVault" as well as "Shadow Vault" (no lookup needed)."""
    if len(terms) < 2:
        return list(terms)
    groups = [[term] for term in terms]
    for index, joined in enumerate(joined_pairs(terms)):
        groups[index].append(joined)
        groups[index + 1].append(joined)
    return [tuple(group) for group in groups]


def halves(term: str) -> list[tuple[str, str]]:
    """Each way to cut a word in two words of at least MIN_INFIX_CHARS letters."""
    cuts = range(MIN_INFIX_CHARS, len(term) - MIN_INFIX_CHARS + 1)
    return [(term[:cut], term[cut:]) for cut in cuts]


def split_in_two(term: str, vocabulary: Mapping[str, int]) -> tuple[str, str] | None:
    """Two title words the term may be written together ("shadowvault" for "Shadow Vault"):
    the cut whose rarer half more titles use."""
    known = [pair for pair in halves(term) if pair[0] in vocabulary and pair[1] in vocabulary]
    return max(known, key=lambda pair: (min(vocabulary[w] for w in pair), pair), default=None)


# One way a term may match: a word, or (a tuple) words that must all match.
Alternative = str | tuple[str, ...]
# A term of a query: a word, or (a tuple) a group of alternatives any one of which may match.
QueryTerm = str | tuple[Alternative, ...]


def alternatives(
    terms: list[str], vocabulary: Mapping[str, int], *, prefix: bool = False
) -> list[tuple[Alternative, ...]]:
    """For each term, the words it may stand for, as a group any one of which may match:
    its spelling fix, the two words it may be written together of ("shadowvault" ->
    "shadow" and "vault"), the words it is part of, and two neighbours written as one word
    and respelt ("shdow vault" -> "shadowvault" in both groups). `prefix` (typeahead): a
    joined pair counts as typed, since the second word may be unfinished."""
    groups: list[list[Alternative]] = [[correct(term, vocabulary)] for term in terms]
    for group, term in zip(groups, terms, strict=True):
        if pair := split_in_two(term, vocabulary):
            group.append(pair)
    for index, joined in enumerate(joined_pairs(terms)):
        fixed = correct(joined, vocabulary)
        if fixed in vocabulary or prefix:
            groups[index].append(fixed)
            groups[index + 1].append(fixed)
    for group, term in zip(groups, terms, strict=True):
        group.extend(inside_words(term, vocabulary))
    return [tuple(dict.fromkeys(group))[:MAX_ALTERNATIVES] for group in groups]


def candidates_for(terms: list[str]) -> set[str]:
    """Every string `alternatives` may look up exactly in the vocabulary: the terms, their
    joined pairs, each of those one slip away, and the halves of each term."""
    looked_up = set(terms) | set(joined_pairs(terms))
    for word in list(looked_up):
        looked_up |= one_edit_away(word)
    for term in terms:
        looked_up.update(half for pair in halves(term) for half in pair)
    return looked_up


def spelt_as(groups: list[tuple[Alternative, ...]], vocabulary: Mapping[str, int]) -> str:
    """The query as the groups read it, for "Showing results for …": each group's first
    word (or pair of words) titles use, a word repeated by neighbours once."""

    def used(option: Alternative) -> bool:
        return all(w in vocabulary for w in ([option] if isinstance(option, str) else option))

    words: list[str] = []
    for group in groups:
        option = next((o for o in group if used(o)), group[0])
        word = option if isinstance(option, str) else " ".join(option)
        if not words or words[-1] != word:
            words.append(word)
    return " ".join(words)


def boolean_query(
    terms: Sequence[QueryTerm],
    quote: Callable[[str], str],
    all_of: str,
    any_of: str,
) -> str:
    """Terms as one backend's boolean query: every term must match (`all_of`); a tuple term is
    a group any one of which may match (`any_of`), and a tuple inside it words that must all
    match. `quote` turns a word into a literal of that backend's query language."""

    def option(words: str | tuple[str, ...]) -> str:
        if isinstance(words, str):
            return quote(words)
        return "(" + f" {all_of} ".join(map(quote, words)) + ")"

    def part(term: QueryTerm) -> str:
        if isinstance(term, str):
            return quote(term)
        return "(" + f" {any_of} ".join(map(option, term)) + ")"

    return f" {all_of} ".join(map(part, terms))
