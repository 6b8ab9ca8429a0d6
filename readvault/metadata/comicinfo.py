"""ComicInfo.xml, the Anansi Project's schema (v2.0, v2.1 draft) that comic and manga archives
carry at their root: https://anansi-project.github.io/docs/comicinfo/schemas/v2.1

A ComicInfo file comes from outside (a release, a tagger with bugs), so `parse_comicinfo`
parses it with defusedxml, caps its size and refuses any DTD: the schema never needs one, and
a DTD is how entity-expansion bombs and external-entity reads work. Everything else is taken
leniently, field by field: a missing, empty or malformed field is "not said" (None or empty),
never an error, because one bad <Year> must not cost the reader the series name. Only a file
that is not XML at all, or not a <ComicInfo>, is a `ComicInfoError`.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from readvault.metadata.provider import COMICINFO, CreditInfo, SeriesDetails

MAX_COMICINFO_BYTES = 2 * 1024 * 1024  # a 2,000-page book with a long summary is ~300 KiB
MAX_PAGES = 10_000

# Schema enum `Manga`: Unknown, No, Yes, YesAndRightToLeft.
_MANGA = {"yes": True, "yesandrighttoleft": True, "no": False}
# Schema enum `AgeRating`, by its spelling folded to compare.
_AGE_RATINGS = {
    _key: _value
    for _value in (
        "Adults Only 18+",
        "Early Childhood",
        "Everyone",
        "Everyone 10+",
        "G",
        "Kids to Adults",
        "M",
        "MA15+",
        "Mature 17+",
        "PG",
        "R18+",
        "Rating Pending",
        "Teen",
        "X18+",
    )
    for _key in [re.sub(r"[^a-z0-9+]", "", _value.lower())]
}
# ComicInfo's credit fields in the order a credits list shows them: (the dataclass field,
# the role as the readvault models name it).
CREDIT_FIELDS = (
    ("writers", "writer"),
    ("pencillers", "penciller"),
    ("inkers", "inker"),
    ("colorists", "colorist"),
    ("letterers", "letterer"),
    ("cover_artists", "cover_artist"),
    ("editors", "editor"),
    ("translators", "translator"),
)
# Schema enum ComicPageType, by its spelling folded to compare.
_PAGE_TYPES = {
    t.lower(): t
    for t in (
        "FrontCover",
        "InnerCover",
        "Roundup",
        "Story",
        "Advertisement",
        "Editorial",
        "Letters",
        "Preview",
        "BackCover",
        "Other",
        "Deleted",
    )
}
# XML 1.0 section 2.2: characters a document may not contain, even escaped.
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.ASCII)
_HTML_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});", re.ASCII)
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DECIMAL = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,6})?", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]{1,9}(?:\.0*)?", re.ASCII)
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", re.ASCII)
_LIST_SEPARATORS = re.compile(r"[,;]")
_TRUE = {"true", "yes", "1"}


class ComicInfoError(ValueError):
    """The file is not a ComicInfo document that can be read (the message says why)."""


@dataclass(frozen=True)
class PageInfo:
    """One <Page> of <Pages>: `image` is the page's 0-based index in the archive."""

    image: int
    type: str = "Story"  # schema enum ComicPageType: FrontCover, Story, BackCover, ...
    double_page: bool = False


@dataclass(frozen=True)
class ComicInfo:
    """What one ComicInfo.xml says; empty text, empty tuples and None mean "not said"."""

    series: str = ""
    number: str = ""  # as written: "10.5", "1a", "½"
    chapter: Decimal | None = None  # `number` when it is a plain decimal number
    count: int | None = None
    volume: int | None = None
    title: str = ""
    summary: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    writers: tuple[str, ...] = ()
    pencillers: tuple[str, ...] = ()
    inkers: tuple[str, ...] = ()
    colorists: tuple[str, ...] = ()
    letterers: tuple[str, ...] = ()
    cover_artists: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    publisher: str = ""
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    web: tuple[str, ...] = ()
    language: str = ""  # LanguageISO, e.g. "en", "pt-BR"
    manga: bool | None = None
    reading_direction: str | None = None  # "rtl" or "ltr" (from Manga), None when unsaid
    age_rating: str = ""
    page_count: int | None = None
    pages: tuple[PageInfo, ...] = ()

    @property
    def release_date(self) -> date | None:
        """Year, Month and Day as a date, when all three are there and make one."""
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:  # 31 February
            return None

    @property
    def credits(self) -> tuple[tuple[str, str], ...]:
        """(person, role) pairs in the schema's order, roles as readvault names them."""
        return tuple((name, role) for field, role in CREDIT_FIELDS for name in getattr(self, field))

    @property
    def cover_page(self) -> int | None:
        """The image index of the first page marked FrontCover, if any page is."""
        return next((p.image for p in self.pages if p.type == "FrontCover"), None)


def parse_comicinfo(data: bytes, source: str = "ComicInfo.xml") -> ComicInfo:
    """Read a ComicInfo.xml file's bytes; `source` names it in error messages."""
    if not data.strip():
        raise ComicInfoError(f"{source} is empty")
    if len(data) > MAX_COMICINFO_BYTES:
        raise ComicInfoError(f"{source} is larger than 2 MiB, which no ComicInfo file is")
    root = _parse_xml(data, source)
    if _local_name(root.tag).lower() != "comicinfo":
        raise ComicInfoError(f"{source} has root <{_local_name(root.tag)}>; expected <ComicInfo>")
    fields = _children(root)

    def text(name: str) -> str:
        return _line(fields.get(name.lower()))

    number = text("Number")
    manga = _MANGA.get(text("Manga").lower())
    return ComicInfo(
        series=text("Series"),
        number=number,
        chapter=decimal_number(number),
        count=_integer(text("Count"), 0, 1_000_000),
        volume=_integer(text("Volume"), 0, 1_000_000),
        title=text("Title"),
        summary=_paragraphs(fields.get("summary")),
        year=_integer(text("Year"), 1000, 2999),
        month=_integer(text("Month"), 1, 12),
        day=_integer(text("Day"), 1, 31),
        writers=_names(text("Writer")),
        pencillers=_names(text("Penciller")),
        inkers=_names(text("Inker")),
        colorists=_names(text("Colorist")),
        letterers=_names(text("Letterer")),
        cover_artists=_names(text("CoverArtist")),
        editors=_names(text("Editor")),
        translators=_names(text("Translator")),
        publisher=text("Publisher"),
        genres=_names(text("Genre")),
        tags=_names(text("Tags")),
        web=_urls(text("Web")),
        language=_language(text("LanguageISO")),
        manga=manga,
        reading_direction=None if manga is None else ("rtl" if manga else "ltr"),
        age_rating=_AGE_RATINGS.get(re.sub(r"[^a-z0-9+]", "", text("AgeRating").lower()), ""),
        page_count=_integer(text("PageCount"), 1, 1_000_000),
        pages=_pages(root),
    )


def series_details(info: ComicInfo) -> SeriesDetails | None:
    """What a book's ComicInfo says about its series, or None when it names no series.

    Year and Summary describe the book, not the series: they are the series' only when the
    book is its first (volume 1 or chapter 0/1), as Komga and Kavita read them too."""
    if not info.series:
        return None
    first = info.volume == 1 or (info.chapter is not None and info.chapter <= 1)
    return SeriesDetails(
        provider=COMICINFO,
        title=info.series,
        summary=(info.summary or None) if first else None,
        publisher=info.publisher or None,
        language=info.language or None,
        age_rating=info.age_rating or None,
        genres=list(info.genres) or None,
        tags=list(info.tags) or None,
        credits=[CreditInfo(name, role) for name, role in info.credits] or None,
        reading_direction=info.reading_direction,
        year=info.year if first else None,
        web_url=info.web[0] if info.web else None,
    )


def decimal_number(text: str) -> Decimal | None:
    """A plain decimal number ("12", "10.5", "10,5") as an exact Decimal, else None."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    whole, _, fraction = text.replace(",", ".").partition(".")
    fraction = fraction.rstrip("0")
    return Decimal(f"{int(whole)}.{fraction}" if fraction else str(int(whole)))


def _parse_xml(data: bytes, source: str) -> Element:
    try:
        try:
            return _defused(data)
        except (ParseError, LookupError, _NotDecodable):
            pass
        # Taggers write Windows-1252 under a UTF-8 declaration, name encodings Python lacks,
        # put blank lines and control characters where XML forbids them, or HTML entities
        # (&nbsp;) XML does not define. The text is decoded here instead, without its
        # declaration, and parsed again through the same guard.
        text = _NOT_XML_CHARS.sub("", _DECLARATION.sub("", _decode(data), count=1)).strip()
        text = _HTML_ENTITY.sub(_html_entity, text)
        try:
            return _defused(text)
        except (ParseError, LookupError, _NotDecodable) as error:
            raise ComicInfoError(f"{source} is not well-formed XML: {error}") from None
    except defusedxml.DefusedXmlException:
        raise ComicInfoError(
            f"{source} declares a DTD or entities; ComicInfo never needs them (that is how "
            "entity-expansion bombs and external-entity reads work), so it is refused"
        ) from None


def _html_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    return html.escape(html.unescape(match.group(0)), quote=False)


class _NotDecodable(Exception):
    pass


def _defused(data: bytes | str) -> Element:
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise
    except ValueError as error:  # e.g. a declared encoding the parser cannot use
        raise _NotDecodable(str(error)) from None


def _decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is what ComicRack-era taggers wrote; it leaves five bytes undefined,
        # which Latin-1 (every byte a character) still reads.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _local_name(tag: object) -> str:
    # A default namespace ("{http://...}Series") is written by some taggers; the schema has none.
    return str(tag).rpartition("}")[2]


def _children(root: Element) -> dict[str, Element]:
    found: dict[str, Element] = {}
    for child in root:
        # Element names are matched case-blind ("summary", "SERIES"); the first one wins.
        found.setdefault(_local_name(child.tag).lower(), child)
    return found


def _line(element: Element | None) -> str:
    raw = "".join(element.itertext()) if element is not None else ""
    return " ".join(_CONTROL.sub(" ", raw).split())


def _paragraphs(element: Element | None) -> str:
    raw = "".join(element.itertext()) if element is not None else ""
    # Some taggers store the summary as escaped HTML (&lt;p&gt;...); keep its line breaks.
    if "<" in raw and ">" in raw:
        raw = re.sub(r"(?i)<\s*(br|/p|/div)\s*/?\s*>", "\n", raw)
        raw = html.unescape(re.sub(r"<[^<>]{0,200}>", "", raw))
    lines = (" ".join(_CONTROL.sub(" ", line).split()) for line in raw.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _integer(text: str, low: int, high: int) -> int | None:
    # ComicRack writes -1 for "unset"; "2019.0" comes from spreadsheets.
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text.partition(".")[0])
    return value if low <= value <= high else None


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated list (the schema's rule; semicolons seen too), without repeats."""
    seen: dict[str, str] = {}
    for part in _LIST_SEPARATORS.split(text):
        name = part.strip()
        if name:
            seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def _urls(text: str) -> tuple[str, ...]:
    # v2.1: Web holds several URLs separated by spaces; only web addresses are kept.
    words = (w.rstrip(",;") for w in text.split())
    return tuple(
        dict.fromkeys(w for w in words if re.match(r"(?i)https?://[^/\s]", w) and len(w) <= 2000)
    )


def _language(text: str) -> str:
    return text.replace("_", "-") if _LANGUAGE.fullmatch(text) else ""


def _pages(root: Element) -> tuple[PageInfo, ...]:
    container = _children(root).get("pages")
    if container is None:
        return ()
    pages = []
    for element in list(container)[:MAX_PAGES]:
        if _local_name(element.tag).lower() != "page":
            continue
        attributes = {k.lower(): v.strip() for k, v in element.attrib.items()}
        image = _integer(attributes.get("image", ""), 0, 1_000_000)
        if image is None:
            continue
        pages.append(
            PageInfo(
                image=image,
                type=_PAGE_TYPES.get(attributes.get("type", "").lower(), "Other")
                if attributes.get("type")
                else "Story",
                double_page=attributes.get("doublepage", "").lower() in _TRUE,
            )
        )
    return tuple(pages)
