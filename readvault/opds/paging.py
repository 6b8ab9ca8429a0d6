"""Pages of a feed: `?page=N` (1-based, PAGE_SIZE entries each). Any value is answered:
not a number is a 400, past the last page a 404, each with a sentence, never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Window

from shadowvault.request_numbers import parse_bounded_int

PAGE_SIZE = 50
MAX_PAGE = 10**6


class BadPage(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Paged:
    items: list[Any]
    number: int
    last: int
    total: int

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1


def page_number(raw: str | None) -> int:
    if raw is None:
        return 1
    number = parse_bounded_int(raw, 1, MAX_PAGE)
    if number is None:
        raise BadPage(400, f"page is a whole number from 1 to {MAX_PAGE}.")
    return number


def paged(rows, raw_page: str | None, total: int | None = None) -> Paged:
    """One page of `rows` (a queryset: a count and a slice, two queries; or a list)."""
    number = page_number(raw_page)
    if total is None:
        total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    last = max(1, -(-total // PAGE_SIZE))
    if number > last:
        raise BadPage(404, f"No page {number}: this list has {last} page(s).")
    start = (number - 1) * PAGE_SIZE
    return Paged(list(rows[start : start + PAGE_SIZE]), number, last, total)


def paged_counted_along(rows: QuerySet, raw_page: str | None) -> Paged:
    """`paged` in one query: each row of the page carries the list's length (COUNT(*)
    OVER ()). For lists the database reads in full for either query anyway (a series'
    chapters); not for one read from an index until a page is full (newest chapters), where
    the window would make it read every row. A page with no rows (an empty list, a page past
    the end) is counted apart, to say which."""
    number = page_number(raw_page)
    start = (number - 1) * PAGE_SIZE
    items = list(rows.annotate(listed_total=Window(Count("pk")))[start : start + PAGE_SIZE])
    if not items:
        return paged(rows, raw_page)
    total = items[0].listed_total
    return Paged(items, number, max(1, -(-total // PAGE_SIZE)), total)
