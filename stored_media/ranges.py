"""HTTP byte ranges (RFC 9110 section 14, and If-Range from 13.1.5) as pure functions.

The stream view reads the Range and If-Range fields, asks `plan_ranges` what to send, and
streams `[start, stop)` of the stored object for each planned range; for several ranges it
writes the framing from `multipart_layout` around them. Nothing here does I/O.

Section numbers below are RFC 9110's unless another RFC is named.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

# After coalescing. A client asking for more parts than this gets the whole body: 14.2 lets a
# server ignore a Range made of many small ranges, a known denial-of-service shape.
MAX_RANGES = 16

# Range fields longer than this are ignored before any parsing work is done.
MAX_HEADER_LENGTH = 8 * 1024

# A position with more significant digits than this is refused before int() sees it. 32 digits
# is far beyond any file (2**64 has 20) yet keeps the conversion trivial; Python itself refuses
# int() of more than 4,300 digits, which would otherwise surface as an exception.
MAX_POSITION_DIGITS = 32

# (first-pos, last-pos) as written: (0, 99) is "0-99", (200, None) "200-", (None, 50) "-50".
RangeSpec = tuple[int | None, int | None]

_OWS = " \t"
# 14.1.2: int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length. DIGIT is
# ASCII only (RFC 5234), hence [0-9] rather than \d, which would accept "²" or "٣".
_INT_RANGE = re.compile(r"([0-9]+)-([0-9]*)")
_SUFFIX_RANGE = re.compile(r"-([0-9]+)")


@dataclass(frozen=True)
class ByteRange:
    start: int  # first byte, inclusive
    stop: int  # one past the last byte (half-open); stop > start in every planned range

    def __post_init__(self) -> None:
        # Empty is allowed: the view describes the whole of a zero-length file as [0, 0).
        if not 0 <= self.start <= self.stop:
            raise ValueError(f"not a byte range: [{self.start}, {self.stop})")

    @property
    def length(self) -> int:
        return self.stop - self.start

    def content_range(self, size: int) -> str:
        # 14.4: positions in Content-Range are inclusive.
        return f"bytes {self.start}-{self.stop - 1}/{size}"


@dataclass(frozen=True)
class RangePlan:
    status: int  # 200 (whole body), 206 (partial), 416 (unsatisfiable)
    ranges: tuple[ByteRange, ...]  # () for 200 and 416; 1 for single-part 206; >=2 multipart


WHOLE_BODY = RangePlan(HTTPStatus.OK, ())
UNSATISFIABLE = RangePlan(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, ())


def parse_range_header(value: str) -> list[RangeSpec] | None:
    """The range-specs of a Range field value, or None when it is not a valid bytes range-set.

    14.2: a server MAY ignore an invalid ranges-specifier, and one invalid range-spec makes the
    whole field invalid (14.1.1), so any error gives None and the caller serves the whole body.
    """
    if len(value) > MAX_HEADER_LENGTH:
        return None
    # 14.1: range-unit "=" range-set, no whitespace around "=". Unit names are
    # case-insensitive; isascii() keeps Unicode case folding out of the comparison.
    unit, equals, range_set = value.strip(_OWS).partition("=")
    if not equals or not unit.isascii() or unit.lower() != "bytes":
        return None
    specs: list[RangeSpec] = []
    # 5.6.1.2: list elements are separated by OWS "," OWS, and empty elements are ignored.
    for element in range_set.split(","):
        element = element.strip(_OWS)
        if not element:
            continue
        spec = _parse_range_spec(element)
        if spec is None:
            return None
        specs.append(spec)
    # 14.1.1: range-set = 1#range-spec, so at least one.
    return specs or None


def _parse_range_spec(element: str) -> RangeSpec | None:
    if match := _INT_RANGE.fullmatch(element):
        first = _position(match[1])
        last = _position(match[2]) if match[2] else None
        if first is None or (match[2] and last is None):
            return None
        # 14.1.1: an int-range whose last-pos is less than its first-pos is invalid.
        if last is not None and last < first:
            return None
        return first, last
    if match := _SUFFIX_RANGE.fullmatch(element):
        length = _position(match[1])
        return None if length is None else (None, length)
    return None


def _position(digits: str) -> int | None:
    if len(digits.lstrip("0")) > MAX_POSITION_DIGITS:
        return None
    return int(digits)


def if_range_allows(if_range: str | None, etag: str, last_modified: datetime | None) -> bool:
    """Whether the Range field may be honoured given If-Range (13.1.5).

    `etag` is our ETag field value, quotes included ('"abc"'), or "" when there is none.
    `last_modified` must be timezone-aware; it is compared at one-second precision, the
    precision of an HTTP-date.
    """
    if if_range is None:
        return True
    value = if_range.strip(_OWS)
    # 13.1.5: an entity-tag is told from an HTTP-date by a DQUOTE in the first three characters.
    if '"' in value[:3]:
        # 8.8.3.2: strong comparison, so a weak tag on either side never matches.
        return _is_strong_etag(etag) and value == etag
    if last_modified is None:
        return False
    # 13.1.5 also requires the date to be a strong validator (8.8.2.2). Stored media is written
    # once and then only read, so its Last-Modified is treated as strong.
    return _parse_http_date(value, near=last_modified) == last_modified.replace(microsecond=0)


def _is_strong_etag(etag: str) -> bool:
    return len(etag) >= 2 and etag[0] == etag[-1] == '"'


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(" + "|".join(_MONTHS) + ")"
_TIME = r"([0-9]{2}):([0-9]{2}):([0-9]{2})"
_DAY_NAME = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAY_NAME = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# 5.6.7: the three HTTP-date formats a recipient MUST accept.
_IMF_FIXDATE = re.compile(rf"{_DAY_NAME}, ([0-9]{{2}}) {_MONTH} ([0-9]{{4}}) {_TIME} GMT")
_RFC850_DATE = re.compile(rf"{_LONG_DAY_NAME}, ([0-9]{{2}})-{_MONTH}-([0-9]{{2}}) {_TIME} GMT")
_ASCTIME_DATE = re.compile(rf"{_DAY_NAME} {_MONTH} ([0-9]{{2}}| [0-9]) {_TIME} ([0-9]{{4}})")


def _parse_http_date(value: str, *, near: datetime) -> datetime | None:
    """An HTTP-date (5.6.7) as an aware UTC datetime, or None when `value` is not one.

    `near` stands in for "now" when reading the two-digit year of an rfc850-date.
    """
    if match := _IMF_FIXDATE.fullmatch(value):
        day, month, year, hour, minute, second = match.groups()
    elif match := _ASCTIME_DATE.fullmatch(value):
        month, day, hour, minute, second, year = match.groups()
    elif match := _RFC850_DATE.fullmatch(value):
        day, month, short_year, hour, minute, second = match.groups()
        # 5.6.7: a two-digit year more than 50 years in the future means the most recent past
        # year with those digits. Only equality with Last-Modified matters here, so its year
        # is the reference point, which keeps this function pure.
        full_year = near.year - near.year % 100 + int(short_year)
        if full_year > near.year + 50:
            full_year -= 100
        year = str(full_year)
    else:
        return None
    try:
        return datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=UTC,
        )
    except ValueError:  # 31 Feb, hour 25 and the like
        return None


def plan_ranges(
    range_header: str | None,
    size: int,
    *,
    if_range: str | None = None,
    etag: str = "",
    last_modified: datetime | None = None,
    max_ranges: int = MAX_RANGES,
) -> RangePlan:
    """What to send for a GET of a `size`-byte representation with this Range field."""
    if range_header is None:
        return WHOLE_BODY
    specs = parse_range_header(range_header)
    if specs is None or not if_range_allows(if_range, etag, last_modified):
        return WHOLE_BODY
    satisfiable = [r for spec in specs if (r := _resolve(spec, size)) is not None]
    if not satisfiable:
        # 14.1.2: on a zero-length representation a suffix-range with a non-zero length is
        # satisfiable, so 416 would be wrong, yet 14.4 cannot describe an empty range in
        # Content-Range. 14.2 lets a server ignore Range when the representation has no
        # content, so the (empty) whole body is sent.
        if size == 0 and any(first is None and last for first, last in specs):
            return WHOLE_BODY
        return UNSATISFIABLE
    ranges = _coalesce(satisfiable)
    if len(ranges) > max_ranges:
        return WHOLE_BODY
    return RangePlan(HTTPStatus.PARTIAL_CONTENT, tuple(ranges))


def _resolve(spec: RangeSpec, size: int) -> ByteRange | None:
    """The bytes a range-spec selects from `size` bytes, or None when it is unsatisfiable."""
    first, last = spec
    if first is not None:
        # 14.1.1: an int-range is satisfiable only if first-pos < length; 14.1.2: a missing or
        # too large last-pos means "to the end".
        if first >= size:
            return None
        return ByteRange(first, size if last is None else min(last + 1, size))
    # 14.1.2: a suffix longer than the representation selects all of it; "-0" selects nothing.
    if not last or size == 0:
        return None
    return ByteRange(max(size - last, 0), size)


def _coalesce(ranges: list[ByteRange]) -> list[ByteRange]:
    """Merge overlapping and adjacent ranges, in ascending order.

    15.3.7.2 allows coalescing "regardless of the order" of the range-specs. It also says parts
    SHOULD follow request order; ascending order is kept instead, as merged ranges have no
    single place in the request and a forward read suits the storage backends.
    """
    merged: list[ByteRange] = []
    for byte_range in sorted(ranges, key=lambda r: (r.start, r.stop)):
        if merged and byte_range.start <= merged[-1].stop:
            merged[-1] = ByteRange(merged[-1].start, max(merged[-1].stop, byte_range.stop))
        else:
            merged.append(byte_range)
    return merged


def unsatisfiable_content_range(size: int) -> str:
    # 15.5.17: a 416 SHOULD carry Content-Range with the current length (14.4 unsatisfied-range).
    return f"bytes */{size}"


def multipart_boundary() -> str:
    # RFC 2046 5.1.1: the boundary must not occur in any part; 128 random bits make that
    # vanishingly unlikely, and hex needs no quoting in the Content-Type parameter.
    return secrets.token_hex(16)


@dataclass(frozen=True)
class MultipartLayout:
    content_type: str  # 'multipart/byteranges; boundary=...'
    content_length: int
    parts: tuple[tuple[bytes, ByteRange], ...]  # (part header bytes to write first, range)
    closing: bytes  # the final delimiter bytes


def multipart_layout(
    ranges: tuple[ByteRange, ...], size: int, content_type: str, boundary: str
) -> MultipartLayout:
    """The multipart/byteranges framing (14.6, 15.3.7.2) around the given ranges.

    The view writes, for each part, its header bytes and then bytes [start, stop) of the
    representation, and finally `closing`; `content_length` counts exactly those bytes.
    """
    parts = []
    for index, byte_range in enumerate(ranges):
        # RFC 2046 5.1.1: the CRLF before a delimiter belongs to the delimiter, so it ends the
        # previous part's body; the first delimiter opens the payload and has none (as in the
        # example of 15.3.7.2).
        header = (
            ("\r\n" if index else "")
            + f"--{boundary}\r\n"
            + f"Content-Type: {content_type}\r\n"
            + f"Content-Range: {byte_range.content_range(size)}\r\n"
            + "\r\n"
        )
        # 5.5: field values are historically ISO-8859-1; media types are ASCII in practice.
        parts.append((header.encode("latin-1"), byte_range))
    closing = f"\r\n--{boundary}--\r\n".encode("latin-1")
    content_length = sum(len(header) + r.length for header, r in parts) + len(closing)
    return MultipartLayout(
        content_type=f"multipart/byteranges; boundary={boundary}",
        content_length=content_length,
        parts=tuple(parts),
        closing=closing,
    )
