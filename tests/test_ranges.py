"""Byte ranges (RFC 9110 section 14) and If-Range (13.1.5), planned by stored_media.ranges.

Examples pin each rule; property tests compare the bytes a client would receive with a plain
slicing of the body done independently here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stored_media.ranges import (
    MAX_RANGES,
    ByteRange,
    RangePlan,
    if_range_allows,
    multipart_boundary,
    multipart_layout,
    parse_range_header,
    plan_ranges,
    unsatisfiable_content_range,
)

OK, PARTIAL, UNSATISFIABLE = 200, 206, 416
ETAG = '"v1-abc"'
LAST_MODIFIED = datetime(2025, 6, 29, 12, 0, 0, tzinfo=UTC)
LAST_MODIFIED_HTTP = "Sun, 29 Jun 2025 12:00:00 GMT"


def ranges_of(plan: RangePlan) -> list[tuple[int, int]]:
    return [(r.start, r.stop) for r in plan.ranges]


# --- parsing: syntax only ---------------------------------------------------------------------


def test_it_parses_closed_open_ended_and_suffix_specs():
    assert parse_range_header("bytes=0-99, 200-, -50") == [(0, 99), (200, None), (None, 50)]


@pytest.mark.parametrize(
    "value",
    [
        "bytes=0-99,200-",
        "bytes=0-99 , 200-",
        "bytes=0-99,\t200-",
        " bytes=0-99,200- ",
        "bytes=0-99,,200-",  # RFC 9110 5.6.1.2: empty list elements are ignored
        "bytes=,0-99, ,200-,",
    ],
)
def test_it_accepts_optional_whitespace_and_empty_elements_in_the_list(value):
    assert parse_range_header(value) == [(0, 99), (200, None)]


@pytest.mark.parametrize("unit", ["bytes", "BYTES", "Bytes", "bYtEs"])
def test_the_unit_is_case_insensitive(unit):
    assert parse_range_header(f"{unit}=0-1") == [(0, 1)]


def test_it_accepts_leading_zeros():
    assert parse_range_header("bytes=007-010") == [(7, 10)]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes= , ",
        "bytes=-",
        "bytes=5-1",  # reversed: last-pos < first-pos
        "bytes=0-1,5-1",  # one invalid spec spoils the whole field
        "bytes=-5-6",
        "bytes=1-2-3",
        "bytes=--5",
        "bytes=0--1",
        "bytes=-1-",
        "bytes=+1-2",
        "bytes=1.5-2",
        "bytes=0x10-",
        "bytes=a-b",
        "bytes=0 -1",
        "bytes=0- 1",
        "bytes = 0-1",
        "bytes =0-1",
        "bytes 0-1",
        "bytes=0-1;q=1",
        "bytes=0-1=2",
        "items=0-1",
        "bits=0-1",
        "bytes=\uff11-2",  # fullwidth digit one: DIGIT is ASCII only
        "bytes=²-3",
        "bytes=٣-4",
        "byte\u017f=0-1",  # long s is not an "s", whatever Unicode case rules say
    ],
)
def test_it_rejects_malformed_values(value):
    assert parse_range_header(value) is None


def test_it_rejects_values_longer_than_8_kib():
    value = "bytes=" + ",".join(["0-0"] * 3000)
    assert len(value) > 8 * 1024
    assert parse_range_header(value) is None


def test_it_accepts_values_up_to_8_kib():
    value = "bytes=0-0" + "," * (8 * 1024 - len("bytes=0-0"))
    assert len(value) == 8 * 1024
    assert parse_range_header(value) == [(0, 0)]


@pytest.mark.parametrize(
    "value", ["bytes=0-" + "9" * 5000, "bytes=" + "9" * 5000 + "-", "bytes=-" + "9" * 5000]
)
def test_it_rejects_absurdly_long_numbers_without_converting_them(value):
    # int() of more than 4,300 digits raises in Python 3.11, so None proves no conversion ran.
    assert parse_range_header(value) is None


def test_it_accepts_twenty_digit_numbers():
    assert parse_range_header("bytes=0-99999999999999999999") == [(0, 99999999999999999999)]


def test_leading_zeros_do_not_count_towards_the_digit_limit():
    assert parse_range_header("bytes=" + "0" * 100 + "1-") == [(1, None)]


# --- planning ---------------------------------------------------------------------------------


def test_it_serves_the_whole_body_without_a_range_header():
    assert plan_ranges(None, 1000) == RangePlan(OK, ())


@pytest.mark.parametrize("header", ["bytes=5-1", "bytes=garbage", "bytes=", "bytes=-", ""])
def test_it_serves_the_whole_body_for_an_invalid_header(header):
    assert plan_ranges(header, 1000) == RangePlan(OK, ())


def test_it_serves_the_whole_body_for_another_range_unit():
    assert plan_ranges("items=0-1", 1000) == RangePlan(OK, ())


def test_it_serves_a_single_range():
    plan = plan_ranges("bytes=0-99", 1000)
    assert plan.status == PARTIAL
    assert ranges_of(plan) == [(0, 100)]
    assert plan.ranges[0].content_range(1000) == "bytes 0-99/1000"


def test_it_clamps_a_last_position_beyond_the_end():
    plan = plan_ranges("bytes=0-99999999999999999999", 10)
    assert (plan.status, ranges_of(plan)) == (PARTIAL, [(0, 10)])


def test_an_open_ended_range_runs_to_the_end():
    assert ranges_of(plan_ranges("bytes=990-", 1000)) == [(990, 1000)]


def test_a_single_byte_range_selects_one_byte():
    assert ranges_of(plan_ranges("bytes=999-999", 1000)) == [(999, 1000)]


def test_a_suffix_range_selects_the_last_bytes():
    assert ranges_of(plan_ranges("bytes=-50", 1000)) == [(950, 1000)]


def test_a_suffix_range_larger_than_the_file_selects_the_whole_file():
    plan = plan_ranges("bytes=-5000", 1000)
    assert (plan.status, ranges_of(plan)) == (PARTIAL, [(0, 1000)])


def test_a_zero_length_suffix_is_unsatisfiable():
    assert plan_ranges("bytes=-0", 1000) == RangePlan(UNSATISFIABLE, ())


def test_a_first_position_equal_to_the_size_is_unsatisfiable():
    assert plan_ranges("bytes=1000-", 1000) == RangePlan(UNSATISFIABLE, ())
    assert plan_ranges("bytes=1000-2000", 1000) == RangePlan(UNSATISFIABLE, ())


def test_a_first_position_one_before_the_size_is_satisfiable():
    assert ranges_of(plan_ranges("bytes=999-", 1000)) == [(999, 1000)]


def test_unsatisfiable_specs_are_dropped_when_another_is_satisfiable():
    plan = plan_ranges("bytes=5000-6000, -0, 10-19", 1000)
    assert (plan.status, ranges_of(plan)) == (PARTIAL, [(10, 20)])


def test_it_coalesces_overlapping_ranges():
    assert ranges_of(plan_ranges("bytes=0-49, 20-99, 90-", 1000)) == [(0, 1000)]


def test_it_coalesces_adjacent_ranges():
    assert ranges_of(plan_ranges("bytes=0-9, 10-19", 1000)) == [(0, 20)]


def test_it_coalesces_a_range_contained_in_another():
    assert ranges_of(plan_ranges("bytes=0-99, 10-19", 1000)) == [(0, 100)]


def test_it_keeps_ranges_with_a_gap_apart_in_ascending_order():
    plan = plan_ranges("bytes=500-599, 0-9, 11-19", 1000)
    assert plan.status == PARTIAL
    assert ranges_of(plan) == [(0, 10), (11, 20), (500, 600)]


def test_it_serves_the_whole_body_for_too_many_ranges():
    header = "bytes=" + ",".join(f"{i * 10}-{i * 10}" for i in range(MAX_RANGES + 1))
    assert plan_ranges(header, 1000) == RangePlan(OK, ())


def test_it_serves_exactly_the_maximum_number_of_ranges():
    header = "bytes=" + ",".join(f"{i * 10}-{i * 10}" for i in range(MAX_RANGES))
    plan = plan_ranges(header, 1000)
    assert (plan.status, len(plan.ranges)) == (PARTIAL, MAX_RANGES)


def test_it_counts_ranges_after_coalescing():
    header = "bytes=" + ",".join(f"{i}-{i}" for i in range(MAX_RANGES * 4))
    plan = plan_ranges(header, 1000)
    assert (plan.status, ranges_of(plan)) == (PARTIAL, [(0, MAX_RANGES * 4)])


def test_it_counts_ranges_after_dropping_unsatisfiable_ones():
    header = "bytes=0-0," + ",".join(f"{2000 + i}-" for i in range(MAX_RANGES * 2))
    assert ranges_of(plan_ranges(header, 1000)) == [(0, 1)]


def test_the_maximum_number_of_ranges_can_be_lowered():
    assert plan_ranges("bytes=0-0, 5-5", 1000, max_ranges=1) == RangePlan(OK, ())


# RFC 9110 14.1.2: on a zero-length representation only a non-zero suffix-range is satisfiable.
@pytest.mark.parametrize("header", ["bytes=0-0", "bytes=0-", "bytes=0-99", "bytes=-0", "bytes=5-"])
def test_a_positioned_range_on_an_empty_file_is_unsatisfiable(header):
    assert plan_ranges(header, 0) == RangePlan(UNSATISFIABLE, ())


@pytest.mark.parametrize("header", ["bytes=-1", "bytes=-500", "bytes=0-0, -1"])
def test_a_suffix_range_on_an_empty_file_serves_the_empty_whole_body(header):
    assert plan_ranges(header, 0) == RangePlan(OK, ())


def test_an_empty_file_without_a_range_is_served_whole():
    assert plan_ranges(None, 0) == RangePlan(OK, ())


# --- If-Range -----------------------------------------------------------------------------------


def allows(if_range: str | None, last_modified: datetime | None = LAST_MODIFIED) -> bool:
    return if_range_allows(if_range, ETAG, last_modified)


def test_it_allows_the_range_without_if_range():
    assert allows(None)


def test_an_equal_strong_etag_allows_the_range():
    assert allows(ETAG)


def test_a_weak_etag_never_allows_the_range():
    assert not allows('W/"v1-abc"')


def test_our_own_weak_etag_never_allows_the_range():
    assert not if_range_allows('W/"v1-abc"', 'W/"v1-abc"', LAST_MODIFIED)
    assert not if_range_allows('"v1-abc"', 'W/"v1-abc"', LAST_MODIFIED)


def test_a_different_etag_does_not_allow_the_range():
    assert not allows('"v2-def"')


def test_an_etag_does_not_match_when_we_have_none():
    assert not if_range_allows('""', "", LAST_MODIFIED)
    assert not if_range_allows('"x"', "", LAST_MODIFIED)


def test_an_equal_date_allows_the_range():
    assert allows(LAST_MODIFIED_HTTP)


def test_the_date_is_compared_at_one_second_precision():
    assert allows(LAST_MODIFIED_HTTP, LAST_MODIFIED + timedelta(microseconds=999_999))


def test_the_date_is_compared_as_an_instant_whatever_the_timezone():
    paris = timezone(timedelta(hours=2))
    assert allows(LAST_MODIFIED_HTTP, LAST_MODIFIED.astimezone(paris))


@pytest.mark.parametrize(
    "value",
    [
        "Sunday, 29-Jun-25 12:00:00 GMT",  # rfc850-date, RFC 9110 5.6.7
        "Sun Jun 29 12:00:00 2025",  # asctime-date
    ],
)
def test_obsolete_date_formats_are_accepted(value):
    assert allows(value)


def test_an_asctime_date_pads_a_one_digit_day_with_a_space():
    assert allows("Tue Jul  1 12:00:00 2025", datetime(2025, 7, 1, 12, tzinfo=UTC))


def test_an_rfc850_year_reads_as_the_nearest_past_century():
    assert allows("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC))


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 29 Jun 2025 12:00:01 GMT",
        "Sun, 29 Jun 2025 11:59:59 GMT",
        "Sun, 29 Jun 2024 12:00:00 GMT",
    ],
)
def test_a_different_date_does_not_allow_the_range(value):
    assert not allows(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "v1-abc",  # an unquoted tag is neither an entity-tag nor a date
        "Sun, 29 Jun 2025 12:00:00 +0000",  # HTTP-dates are GMT only
        "Sun, 29 Jun 2025 12:00 GMT",
        "29 Jun 2025 12:00:00 GMT",
        "Sun, 31 Feb 2025 12:00:00 GMT",
        "Sun, 29 Jun 2025 25:00:00 GMT",
        "sun, 29 jun 2025 12:00:00 gmt",
    ],
)
def test_an_unparsable_if_range_does_not_allow_the_range(value):
    assert not allows(value)


def test_a_date_does_not_match_without_a_last_modified():
    assert not allows(LAST_MODIFIED_HTTP, None)


def test_plan_ranges_honours_a_matching_if_range():
    plan = plan_ranges("bytes=0-9", 1000, if_range=ETAG, etag=ETAG, last_modified=LAST_MODIFIED)
    assert ranges_of(plan) == [(0, 10)]


@pytest.mark.parametrize("if_range", ['"stale"', 'W/"v1-abc"', "Mon, 30 Jun 2025 12:00:00 GMT"])
def test_plan_ranges_serves_the_whole_body_when_if_range_does_not_match(if_range):
    plan = plan_ranges("bytes=0-9", 1000, if_range=if_range, etag=ETAG, last_modified=LAST_MODIFIED)
    assert plan == RangePlan(OK, ())


def test_a_stale_if_range_beats_an_unsatisfiable_range():
    # 13.1.5: a failed If-Range means "send me the whole new representation", never a 416.
    plan = plan_ranges("bytes=5000-", 1000, if_range='"stale"', etag=ETAG)
    assert plan == RangePlan(OK, ())


# --- Content-Range and the multipart framing ----------------------------------------------------


def test_a_byte_range_knows_its_length_and_content_range():
    byte_range = ByteRange(950, 1000)
    assert byte_range.length == 50
    assert byte_range.content_range(1000) == "bytes 950-999/1000"


@pytest.mark.parametrize(("start", "stop"), [(6, 5), (-1, 3), (-2, -1)])
def test_a_byte_range_cannot_be_reversed_or_negative(start, stop):
    with pytest.raises(ValueError, match="not a byte range"):
        ByteRange(start, stop)


def test_a_byte_range_may_be_empty_to_describe_a_whole_empty_file():
    assert ByteRange(0, 0).length == 0


def test_an_unsatisfiable_content_range_names_only_the_size():
    assert unsatisfiable_content_range(1000) == "bytes */1000"


def test_a_boundary_is_random_hex():
    first, second = multipart_boundary(), multipart_boundary()
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", first)


def test_the_multipart_framing_is_exact():
    body = b"0123456789"
    layout = multipart_layout((ByteRange(0, 2), ByteRange(5, 7)), len(body), "video/mp4", "XYZ")
    assert layout.content_type == "multipart/byteranges; boundary=XYZ"
    assert assemble_multipart(layout, body) == (
        b"--XYZ\r\n"
        b"Content-Type: video/mp4\r\n"
        b"Content-Range: bytes 0-1/10\r\n"
        b"\r\n"
        b"01"
        b"\r\n--XYZ\r\n"
        b"Content-Type: video/mp4\r\n"
        b"Content-Range: bytes 5-6/10\r\n"
        b"\r\n"
        b"56"
        b"\r\n--XYZ--\r\n"
    )
    assert layout.content_length == len(assemble_multipart(layout, body))


# --- properties against a reference slicing -----------------------------------------------------


def assemble_multipart(layout, body: bytes) -> bytes:
    """The bytes the view sends: each part header, then the slice; then the closing."""
    out = b"".join(header + body[r.start : r.stop] for header, r in layout.parts)
    return out + layout.closing


def read_multipart(payload: bytes, boundary: str) -> list[tuple[str, int, int, int, bytes]]:
    """(content type, first, last, size, body) of each part, checking the framing as it goes."""
    delimiter = b"--" + boundary.encode()
    parts = []
    position, lead = 0, b""
    while True:
        assert payload.startswith(lead + delimiter, position)
        position += len(lead + delimiter)
        if payload.startswith(b"--\r\n", position):
            assert position + 4 == len(payload)
            return parts
        assert payload.startswith(b"\r\n", position)
        position += 2
        header_end = payload.index(b"\r\n\r\n", position)
        lines = payload[position:header_end].decode().split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines)
        content_range = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", headers["Content-Range"])
        first, last, size = map(int, content_range.groups())
        position = header_end + 4
        length = last + 1 - first
        parts.append((headers["Content-Type"], first, last, size, payload[position:][:length]))
        position += length
        lead = b"\r\n"


def reference_runs(size: int, specs: list[tuple[int | None, int | None]]) -> list[range]:
    """The maximal runs of byte positions that any spec covers, worked out byte by byte."""
    covered: set[int] = set()
    for first, last in specs:
        if first is None:
            covered.update(range(max(size - last, 0), size))
        else:
            end = size if last is None else min(last + 1, size)
            covered.update(range(first, end))
    runs: list[list[int]] = []
    for position in sorted(covered):
        if runs and runs[-1][-1] == position - 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    return [range(run[0], run[-1] + 1) for run in runs]


@st.composite
def range_specs(draw, size: int) -> tuple[int | None, int | None]:
    # Mostly short closed ranges, so that gaps survive and multipart plans are common; open
    # ends, suffixes and far-off positions often enough to cover clamping and unsatisfiable specs.
    short = st.integers(min_value=0, max_value=3)
    position = st.integers(min_value=0, max_value=size + 3)
    far = st.integers(min_value=0, max_value=10**20)
    kind = draw(st.sampled_from(["closed"] * 6 + ["open", "suffix"]))
    if kind == "suffix":
        return None, draw(short | position | far)
    first = draw(position | far) if kind == "open" else draw(position)
    if kind == "open":
        return first, None
    return first, first + draw(st.one_of(short, short, short, position, far))


@st.composite
def range_requests(draw):
    size = draw(st.integers(min_value=0, max_value=64))
    body = draw(st.binary(min_size=size, max_size=size))
    specs = draw(st.lists(range_specs(len(body)), min_size=1, max_size=8))
    unit = draw(st.sampled_from(["bytes", "BYTES", "Bytes"]))
    ows = st.sampled_from(["", " ", "\t", "  "])
    rendered = [
        ("" if first is None else str(first)) + "-" + ("" if last is None else str(last))
        for first, last in specs
    ]
    separators = [f"{draw(ows)},{draw(ows)}" for _ in rendered[1:]]
    header = unit + "=" + rendered[0] + "".join(map(str.__add__, separators, rendered[1:]))
    return body, specs, header


@given(range_requests())
def test_a_rendered_header_parses_back_to_its_specs(case):
    _body, specs, header = case
    assert parse_range_header(header) == specs


@settings(max_examples=500)
@given(range_requests(), st.integers(min_value=1, max_value=4))
def test_the_bytes_sent_match_a_reference_slicing(case, max_ranges):
    body, specs, header = case
    size = len(body)
    runs = reference_runs(size, specs)
    plan = plan_ranges(header, size, max_ranges=max_ranges)

    if not runs:
        suffix_on_empty = size == 0 and any(first is None and last for first, last in specs)
        assert plan == RangePlan(OK if suffix_on_empty else UNSATISFIABLE, ())
    elif len(runs) > max_ranges:
        assert plan == RangePlan(OK, ())
    elif len(runs) == 1:
        assert plan.status == PARTIAL
        (byte_range,) = plan.ranges
        assert body[byte_range.start : byte_range.stop] == body[runs[0].start : runs[0].stop]
        assert range(byte_range.start, byte_range.stop) == runs[0]
    else:
        assert plan.status == PARTIAL
        boundary = multipart_boundary()
        layout = multipart_layout(plan.ranges, size, "video/mp4", boundary)
        payload = assemble_multipart(layout, body)
        assert len(payload) == layout.content_length
        assert read_multipart(payload, boundary) == [
            ("video/mp4", run.start, run.stop - 1, size, body[run.start : run.stop]) for run in runs
        ]


range_like_text = st.text(alphabet="bytesBYTES=0123456789-, \t\"'W/;²", max_size=40)


@given(st.text() | range_like_text)
def test_parsing_never_raises(value):
    parse_range_header(value)


@given(
    st.none() | st.text() | range_like_text | st.just("bytes=-1"),
    st.integers(min_value=0) | st.integers(min_value=0, max_value=3),
    st.none() | st.text() | st.just(ETAG) | st.just(LAST_MODIFIED_HTTP),
    st.integers(min_value=0, max_value=20),
)
def test_planning_never_raises_and_keeps_its_invariants(header, size, if_range, max_ranges):
    plan = plan_ranges(
        header,
        size,
        if_range=if_range,
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        max_ranges=max_ranges,
    )
    assert plan.status in {OK, PARTIAL, UNSATISFIABLE}
    if plan.status != PARTIAL:
        assert plan.ranges == ()
        return
    assert 1 <= len(plan.ranges) <= max_ranges
    assert all(r.length > 0 for r in plan.ranges)
    assert plan.ranges[-1].stop <= size
    for before, after in pairwise(plan.ranges):
        assert before.stop < after.start  # disjoint, not even adjacent: coalesced


@given(st.text(), st.text(), st.datetimes(timezones=st.just(UTC)) | st.none())
def test_if_range_never_raises(if_range, etag, last_modified):
    if_range_allows(if_range, etag, last_modified)
