"""What file and folder names say about a chapter: series, volume, chapter number, chapter
title, year. Names are written by people and scanlation groups in every style, so this reads
them leniently and must answer for any string whatsoever: what it cannot read stays unsaid.

The conventions followed are the ones manga and comic servers (Komga, Kavita, Mylar) read:

- volume: "Vol.2", "Vol. 41", "Volume 3", "v01", "Tome 3", "第3巻", "3권";
- chapter: "Ch.10.5", "Chapter 12", "c001", "#5", "第10話", "第10话", "10화", and a bare
  number after the series ("Series - 012", "One Piece 1000");
- a range ("c010-011") is its first chapter;
- groups in brackets ("[Group]", "(Digital)", "{HQ}") are dropped, and a bracketed year
  ("(2019)") is the year;
- folders: the caller passes the path relative to the library root; its top folder names the
  series ("Berserk/Volume 3/Chapter 21.cbz"), and a folder may give the volume.

Numbers are exact `Decimal`s built from the digits as written (never through float), and only
ASCII digits count, after NFKC has turned full-width ones (U+FF10 to U+FF19) into ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

MAX_INPUT = 1024  # a path's far end is what matters; file names are at most 255 bytes
MAX_SERIES = 300  # Series.title's max_length
MAX_CHAPTER = Decimal("999999.999")  # Chapter.number: DecimalField(max_digits=9, places=3)
MAX_VOLUME = 32767  # Volume.number: PositiveSmallIntegerField
ARCHIVE_SUFFIXES = (
    ".cbz",
    ".cbr",
    ".cb7",
    ".cbt",
    ".zip",
    ".rar",
    ".7z",
    ".tar",
    ".pdf",
    ".epub",
)

_NUMBER = r"([0-9]{1,6}(?:\.[0-9]{1,3})?)(?![0-9])"
# "c010-011": a range is written without spaces ("Series 2 - 010" is a series and a chapter).
_RANGE_END = r"(?:[-~][0-9]{1,6}(?:\.[0-9]{1,3})?(?![0-9]))?"
# A marker's letters must not be the end of a word ("Nov 2" is no volume): (?<![^\W\d_])
# is "not after a letter".
_VOLUME = re.compile(
    r"(?<![^\W\d_])(?:volume|vol\.?|v\.?|tome|t\.)\s*" + _NUMBER + r"(?![^\W\d_])"
    r"|第\s*" + _NUMBER + r"\s*巻"
    r"|" + _NUMBER + r"\s*권",
    re.IGNORECASE,
)
_CHAPTER = re.compile(
    r"(?<![^\W\d_])(?:chapter|chap\.?|ch\.?|c\.?|episode|ep\.?|issue)\s*"
    + _NUMBER
    + _RANGE_END
    + r"(?![^\W\d_])"
    r"|#\s*" + _NUMBER + _RANGE_END + r"|第\s*" + _NUMBER + r"\s*[話话章回]"
    r"|" + _NUMBER + r"\s*[화話话]",
    re.IGNORECASE,
)
# A number standing alone: not inside a word ("20th", "x264") nor glued to a letter.
_BARE = re.compile(r"(?<![^\W_])" + _NUMBER + _RANGE_END + r"(?![^\W_])")
_BRACKETS = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}|【[^【】]*】")
_TRAILING_PARENS = re.compile(r"(?:\s*\([^()]*\))+\s*$")
_PAREN = re.compile(r"\(([^()]*)\)")
_YEAR = re.compile(r"(?<![0-9])(1[89][0-9]{2}|2[01][0-9]{2})(?![0-9])")
_LEADING_SEPARATORS = re.compile(r"^[\s\-\u2013\u2014:_.~,|]+")
_TRAILING_SEPARATORS = re.compile(r"[\s\-\u2013\u2014:_.~,|#(]+$")
# Joiners are Cf characters that Persian and Indic names need; other Cf characters (bidi
# overrides that disguise a file's extension, BOMs) are dropped with the control characters.
_KEPT_FORMAT = {"\u200c", "\u200d"}


@dataclass(frozen=True)
class NameFacts:
    """What a name says; empty text and None mean "not said"."""

    series: str = ""
    volume: int | None = None
    chapter: Decimal | None = None
    title: str = ""  # the chapter's title
    year: int | None = None


def parse_name(path: str) -> NameFacts:
    """Read a file or folder name, or a path relative to the library root whose top folder
    names the series ("Series/Vol 1/Chapter 5.cbz"). Never raises for a string."""
    parts = [p for p in _clean(str(path)[-MAX_INPUT:]).replace("\\", "/").split("/") if p]
    if not parts:
        return NameFacts()
    item = _read_one(_strip_suffix(parts[-1]))
    if len(parts) == 1:
        return item
    series, folder_year = _folder_series(parts[0])
    # The nearest folder that names a volume ("Series/Volume 3/Chapter 21.cbz").
    folder_volumes = (_volume(_VOLUME.search(_drop_groups(_spaced(p))[0])) for p in parts[-2::-1])
    volume = item.volume
    if volume is None:
        volume = next((v for v in folder_volumes if v is not None), None)
    return NameFacts(
        series=series or item.series,
        volume=volume,
        chapter=item.chapter,
        title=item.title,
        year=item.year if item.year is not None else folder_year,
    )


def exact_number(text: str) -> Decimal:
    """ "012" → 12, "10.50" → 10.5: a Decimal with no leading or trailing zeros."""
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return Decimal(f"{int(whole)}.{fraction}" if fraction else str(int(whole)))


def _read_one(name: str) -> NameFacts:
    text, year = _drop_groups(_spaced(name))
    volume_match = _VOLUME.search(text)
    chapter_match = _CHAPTER.search(text, volume_match.end() if volume_match else 0)
    if chapter_match is None and volume_match is not None:
        chapter_match = _CHAPTER.search(text)  # "Ch.3 Vol.1": the chapter came first
    if chapter_match is None:
        chapter_match = _bare_number(text, volume_match)
    volume = _volume(volume_match)
    chapter = _chapter(chapter_match)
    markers = [m for m in (volume_match, chapter_match) if m is not None]
    if not markers:
        return NameFacts(series=_series(text), year=year)
    series = _series(text[: min(m.start() for m in markers)])
    title = ""
    if chapter_match is not None:
        # The title follows the last number ("Ch. 7.5 Extra", "Chapter 12 - Title").
        tail = text[max(m.end() for m in markers) :]
        title = _series(_LEADING_SEPARATORS.sub("", tail))
    return NameFacts(series=series, volume=volume, chapter=chapter, title=title, year=year)


def _bare_number(text: str, volume_match: re.Match[str] | None) -> re.Match[str] | None:
    """The last number standing alone is the chapter ("One Piece 1000", "Series - 012"),
    but not one before a volume marker: that one is the series' ("Mob Psycho 100 v01")."""
    found = None
    for match in _BARE.finditer(text, volume_match.end() if volume_match else 0):
        found = match
    return found


def _folder_series(name: str) -> tuple[str, int | None]:
    """A top folder is named after its series ("Mob Psycho 100", "One Piece (1997)"), unless
    it holds nothing but a volume or chapter marker ("Volume 3", "012")."""
    text, year = _drop_groups(_spaced(name))
    rest = _BARE.sub(" ", _CHAPTER.sub(" ", _VOLUME.sub(" ", text)))
    return (_series(text) if _series(rest) else ""), year


def _volume(match: re.Match[str] | None) -> int | None:
    number = _group(match)
    if number is None or "." in number:
        return None
    value = int(number)
    return value if value <= MAX_VOLUME else None


def _chapter(match: re.Match[str] | None) -> Decimal | None:
    number = _group(match)
    if number is None:
        return None
    value = exact_number(number)
    return value if value <= MAX_CHAPTER else None


def _group(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return next((g for g in match.groups() if g is not None), None)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    kept = (
        ch if not unicodedata.category(ch).startswith("C") or ch in _KEPT_FORMAT else " "
        for ch in text
    )
    return "".join(kept)


def _strip_suffix(name: str) -> str:
    # Only archive suffixes: a bare "Berserk Vol. 41" must keep its " 41".
    lowered = name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _spaced(name: str) -> str:
    """Underscores, and the dots of scene-style names ("Series.Name.v03.c021"), as spaces;
    dots between digits stay (10.5)."""
    name = name.replace("_", " ")
    if " " not in name.strip() and name.count(".") >= 2:
        name = re.sub(r"(?<![0-9])\.|\.(?![0-9])", " ", name)
    return name


def _drop_groups(text: str) -> tuple[str, int | None]:
    """Remove scanlation groups and tags; a bracketed year is the year."""
    year = None
    for group in _BRACKETS.findall(text) + _PAREN.findall(text):
        found = _YEAR.fullmatch(group.strip("[]{}【】 "))
        if found and year is None:
            year = int(found.group(1))
    text = _BRACKETS.sub(" ", text)
    # Parentheses at the end are tags ("(2020) (Digital) (Group)"); inside they may be part
    # of a title ("Ch. 5 - The End (Part 1)"), except a year.
    text = _TRAILING_PARENS.sub(" ", text)
    text = _PAREN.sub(lambda m: " " if _YEAR.fullmatch(m.group(1).strip()) else m.group(0), text)
    return " ".join(text.split()), year


def _series(text: str) -> str:
    text = _TRAILING_SEPARATORS.sub("", _LEADING_SEPARATORS.sub("", text))
    return " ".join(text.split())[:MAX_SERIES].strip()
