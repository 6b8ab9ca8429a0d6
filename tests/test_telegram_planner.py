"""The getFile planner: every request is one Telegram accepts, and trimming the answers gives
exactly the wanted bytes, with one request per 1 MiB chunk touched."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stored_media.storage.telegram_plan import CHUNK, PAGE, FileRequest, is_legal, plan_get_file

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
def test_it_sends_one_request_per_chunk_touched(size, start, stop):
    plan = plan_get_file(start, stop, size)
    stop = min(stop, size)
    if start >= stop:
        assert plan == []
        return
    chunks = [request.offset // CHUNK for request in plan]
    assert chunks == list(range(start // CHUNK, (stop - 1) // CHUNK + 1))
    assert len(plan) <= -(-(stop - start) // CHUNK) + 1


@property_settings
@given(size=positions, start=positions, stop=positions)
def test_it_fetches_nothing_it_does_not_need(size, start, stop):
    for request in plan_get_file(start, stop, size):
        assert request.keep > 0
        assert request.offset < size
        assert 0 <= request.skip < request.limit
        assert request.skip + request.keep <= request.limit
        if request.limit > PAGE:
            # No naturally aligned window of half the size covers the kept bytes.
            first = request.offset + request.skip
            last = first + request.keep - 1
            assert first // (request.limit // 2) != last // (request.limit // 2)


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


def test_bytes_straddling_the_half_chunk_line_take_a_whole_chunk():
    half = CHUNK // 2
    assert plan_get_file(half - 1, half + 1, CHUNK) == [FileRequest(0, CHUNK, half - 1, 2)]


def test_a_read_past_the_end_stops_at_the_end():
    size = 2 * CHUNK + 5
    assert plan_get_file(2 * CHUNK, 3 * CHUNK, size) == [FileRequest(2 * CHUNK, PAGE, 0, 5)]
    assert plan_get_file(size, size + 10, size) == []


def test_negative_positions_are_refused():
    with pytest.raises(ValueError, match="negative"):
        plan_get_file(-1, 10, 100)
