"""Kodi NFO sidecar files (https://kodi.wiki/view/NFO_files): movie.nfo, tvshow.nfo, <name>.nfo.

An NFO file comes from outside (a release, a folder the operator imports), so it is parsed
with defusedxml, capped in size, and may not declare a DTD: NFO files never need one, and a
DTD is how entity-expansion bombs and external-entity reads work. Whatever is wrong with a
file becomes a MetadataError naming the file, so the skeleton entry stays and the operator
reads why.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from streaming.metadata.base import (
    FILM,
    SERIES,
    CreditInfo,
    Details,
    MetadataError,
    SeasonInfo,
)

MAX_NFO_BYTES = 1024 * 1024  # real NFO files are a few KiB
_ROOTS = {"movie": FILM, "tvshow": SERIES}
_DIGITS = re.compile(r"\d+")
_IMDB_ID = re.compile(r"tt\d{7,10}")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def find_nfo(video_path: str | Path) -> Path | None:
    """The NFO that describes a video: `<stem>.nfo`, then `movie.nfo`, then a `tvshow.nfo`
    beside it or one folder up (Kodi's `Show/Season 1/episode.mkv` layout)."""
    video = Path(video_path)
    candidates = [
        video.with_suffix(".nfo"),
        video.parent / "movie.nfo",
        video.parent / "tvshow.nfo",
        video.parent.parent / "tvshow.nfo",
    ]
    return next((path for path in candidates if path.is_file()), None)


def read_nfo(path: str | Path) -> Details:
    """Parse an NFO file; artwork files beside it (poster.jpg, fanart.jpg...) become the
    poster and backdrop paths, preferred over remote URLs in the file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_NFO_BYTES + 1)
    except OSError as error:
        raise MetadataError(f"{path.name} could not be read: {error.strerror}") from None
    details = parse_nfo(data, source=path.name)
    stem = "" if path.name in {"movie.nfo", "tvshow.nfo"} else path.stem
    details.poster = _local_art(path.parent, stem, "poster", "folder") or details.poster
    details.backdrop = _local_art(path.parent, stem, "fanart", "backdrop") or details.backdrop
    return details


def parse_nfo(data: bytes, source: str = "the NFO file") -> Details:
    if len(data) > MAX_NFO_BYTES:
        raise MetadataError(f"{source} is larger than 1 MiB, which no NFO file is; refused")
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise MetadataError(
            f"{source} declares a DTD or entities; NFO files never need them "
            "(that is how entity-expansion bombs work), so it is refused"
        ) from None
    except (ParseError, ValueError, LookupError) as error:  # LookupError: unknown encoding
        raise MetadataError(f"{source} is not well-formed XML: {error}") from None
    if root.tag not in _ROOTS:
        raise MetadataError(f"{source} has root <{root.tag}>; expected <movie> or <tvshow>")
    title = _text(root, "title")
    if not title:
        raise MetadataError(f"{source} has no <title>")
    return Details(
        provider="nfo",
        kind=_ROOTS[root.tag],
        title=title,
        original_title=_text(root, "originaltitle") or None,
        year=_year(_text(root, "year")) or _year(_text(root, "premiered")),
        overview=_text(root, "plot") or _text(root, "outline") or None,
        genres=_split(root, "genre") or None,
        runtime_minutes=_number(_text(root, "runtime")),
        content_rating=_rating(_text(root, "mpaa")),
        tmdb_id=_number(_unique_id(root, "tmdb") or _text(root, "tmdbid")),
        imdb_id=_imdb(root),
        poster=_remote(root.findall("thumb[@aspect='poster']")),
        backdrop=_remote(root.findall("fanart/thumb")),
        credits=_credits(root) or None,
        seasons=_named_seasons(root),
    )


def _text(element: Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _split(root: Element, tag: str) -> list[str]:
    # Kodi writes one element per value, but older scrapers joined values with " / ".
    values = [part.strip() for el in root.findall(tag) for part in (el.text or "").split(" / ")]
    return list(dict.fromkeys(v for v in values if v))


def _number(text: str) -> int | None:
    # "120", "120 min": Kodi's runtime is minutes; ids are plain digits.
    match = _DIGITS.match(text)
    value = int(match.group()) if match else 0
    return value or None


def _year(text: str) -> int | None:
    head = text[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def _rating(mpaa: str) -> str | None:
    # Kodi scrapers write "Rated PG-13" or "US:PG-13" / "DE:FSK 16"; keep the rating itself.
    value = mpaa.removeprefix("Rated ").strip()
    country, colon, rating = value.partition(":")
    if colon and len(country) == 2:
        value = rating.strip()
    return value or None


def _unique_id(root: Element, kind: str) -> str:
    for element in root.findall("uniqueid"):
        text = (element.text or "").strip()
        if element.get("type", "").lower() == kind and text:
            return text
    return ""


def _imdb(root: Element) -> str | None:
    for value in (_unique_id(root, "imdb"), _text(root, "imdbid"), _text(root, "id")):
        if _IMDB_ID.fullmatch(value):
            return value
    return None


def _remote(thumbs: list[Element]) -> str | None:
    # Only web URLs; they are fetched later through the SSRF-guarded fetcher, if at all.
    urls = [(t.text or "").strip() for t in thumbs]
    return next((u for u in urls if u.startswith(("https://", "http://"))), None)


def _credits(root: Element) -> list[CreditInfo]:
    actors = []
    for position, actor in enumerate(root.findall("actor")):
        name = _text(actor, "name")
        if name:
            order = _DIGITS.fullmatch(_text(actor, "order"))
            billing = int(order.group()) if order else 10_000 + position
            actors.append((billing, name, _text(actor, "role")))
    credits = [
        CreditInfo(name, "cast", role, order)
        for order, (_, name, role) in enumerate(sorted(actors, key=lambda a: a[0]))
    ]
    for tag, role in (("director", "director"), ("credits", "writer")):
        credits += [CreditInfo(name, role, "", n) for n, name in enumerate(_split(root, tag))]
    return credits


def _named_seasons(root: Element) -> list[SeasonInfo]:
    seasons = {}
    for element in root.findall("namedseason"):
        number = element.get("number", "")
        if number.isascii() and number.isdigit():
            seasons[int(number)] = SeasonInfo(int(number), name=(element.text or "").strip())
    return [seasons[n] for n in sorted(seasons)]


def _local_art(folder: Path, stem: str, *names: str) -> str | None:
    # Kodi's artwork names: "<video name>-poster.jpg" beside the file, or "poster.jpg".
    bases = [f"{stem}-{names[0]}"] if stem else []
    bases += list(names)
    for base in bases:
        for suffix in _IMAGE_SUFFIXES:
            if (folder / f"{base}{suffix}").is_file():
                return str(folder / f"{base}{suffix}")
    return None
