"""The getFile planner: every request is one Telegram accepts, and trimming the answers gives
exactly the wanted bytes, with one request per 1 MiB chunk touched unless that one would fetch
more than MAX_WASTE bytes nobody asked for."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stored_media.storage.telegram_plan import (
    CHUNK,
    MAX_WASTE,
    PAGE,
    FileRequest,
    is_legal,
    plan_get_file,
)

MAX_DOCUMENT = 6 * CHUNK
BODY = random.Random(20261125).randbytes(MAX_DOCUMENT)

# Positions near the lines that matter (4 KiB pages, 1 MiB chunks) as well as anywhere.
near_a_line = st.builds(
    lambda pages, nudge: max(0, pages * PAGE + nudge),
    st.integers(0, MAX_DOCUMENT // PAGE),
    st.integers(-2, 2),
)
positions = st.one_of(st.integers(0, MAX_DOCUMENT), near_a_line).map(lambda p: min(p, MAX_DOCUMENT))
property_settings = settings(max_examples=400, deadline=None)


def get_file(document: bytes, request: FileRequest) -> bytes:
    """What Telegram answers: at most `limit` bytes at `offset`, fewer at the end."""
    assert is_legal(request.offset, request.limit), request
    return document[request.offset : request.offset + request.limit]


def fetch(document: bytes, start: int, stop: int) -> bytes:
    answers = [
        (request, get_file(document, request))
        for request in plan_get_file(start, stop, len(document))
    ]
    return b"".join(data[r.skip : r.skip + r.keep] for r, data in answers)


@property_settings
@given(size=positions, start=positions, stop=positions)
def test_every_request_obeys_telegrams_rules(size, start, stop):
    for request in plan_get_file(start, stop, size):
        assert request.offset % PAGE == 0
        assert request.limit % PAGE == 0
        assert CHUNK % request.limit == 0
        assert request.offset // CHUNK == (request.offset + request.limit - 1) // CHUNK


@property_settings
@given(size=positions, start=positions, stop=positions)
def test_trimmed_answers_are_exactly_the_wanted_bytes(size, start, stop):
    document = BODY[:size]
    assert fetch(document, start, stop) == document[start:stop]


@property_settings
@given(size=positions, start=positions, stop=positions)
def test_each_chunk_touched_costs_few_requests_in_order(size, start, stop):
    plan = plan_get_file(start, stop, size)
    stop = min(stop, size)
    if start >= stop:
        assert plan == []
        return
    chunks = [request.offset // CHUNK for request in plan]
    assert sorted(set(chunks)) == list(range(start // CHUNK, (stop - 1) // CHUNK + 1))
    assert chunks == sorted(chunks)
    assert max(chunks.count(chunk) for chunk in chunks) <= 5  # 1 MiB / 64 KiB in powers of two


@property_settings
@given(size=positions, start=positions, stop=positions)
def test_it_fetches_little_it_does_not_need(size, start, stop):
    plan = plan_get_file(start, stop, size)
    for request in plan:
        assert request.keep > 0
        assert request.offset < size
        assert 0 <= request.skip < request.limit
        assert request.skip + request.keep <= request.limit
    for chunk in {request.offset // CHUNK for request in plan}:
        mine = [request for request in plan if request.offset // CHUNK == chunk]
        fetched = sum(min(r.offset + r.limit, size) - r.offset for r in mine)
        kept = sum(r.keep for r in mine)
        assert fetched - kept <= MAX_WASTE + PAGE


def test_a_comic_page_around_the_half_chunk_line_costs_its_size_and_little_more():
    """A 300 KiB page straddling 512 KiB: a naturally aligned window would be the whole
    1 MiB chunk; two windows fetch 256 + 64 KiB."""
    start, stop = 400 * 1024, 700 * 1024
    plan = plan_get_file(start, stop, 10 * CHUNK)
    assert plan == [
        FileRequest(400 * 1024, 256 * 1024, skip=0, keep=256 * 1024),
        FileRequest(656 * 1024, 64 * 1024, skip=0, keep=44 * 1024),
    ]


def test_a_whole_aligned_slice_is_one_full_request():
    assert plan_get_file(3 * CHUNK, 4 * CHUNK, 10 * CHUNK) == [
        FileRequest(offset=3 * CHUNK, limit=CHUNK, skip=0, keep=CHUNK)
    ]


def test_a_small_read_at_the_start_uses_the_smallest_window():
    assert plan_get_file(0, 100, 10 * CHUNK) == [FileRequest(0, PAGE, skip=0, keep=100)]


def test_a_range_across_a_chunk_line_is_split_there():
    assert plan_get_file(CHUNK - 10, CHUNK + 10, 10 * CHUNK) == [
        FileRequest(CHUNK - PAGE, PAGE, skip=PAGE - 10, keep=10),
        FileRequest(CHUNK, PAGE, skip=0, keep=10),
    ]


def test_bytes_straddling_the_half_chunk_line_take_a_small_window():
    half = CHUNK // 2
    assert plan_get_file(half - 1, half + 1, CHUNK) == [
        FileRequest(half - PAGE, 2 * PAGE, skip=PAGE - 1, keep=2)
    ]


def test_a_window_near_the_chunk_end_starts_earlier_rather_than_cross_it():
    plan = plan_get_file(CHUNK - 5 * PAGE, CHUNK - 10, 10 * CHUNK)
    assert plan == [FileRequest(CHUNK - 8 * PAGE, 8 * PAGE, skip=3 * PAGE, keep=5 * PAGE - 10)]


def test_a_read_past_the_end_stops_at_the_end():
    size = 2 * CHUNK + 5
    assert plan_get_file(2 * CHUNK, 3 * CHUNK, size) == [FileRequest(2 * CHUNK, PAGE, 0, 5)]
    assert plan_get_file(size, size + 10, size) == []


def test_negative_positions_are_refused():
    with pytest.raises(ValueError, match="negative"):
        plan_get_file(-1, 10, 100)
