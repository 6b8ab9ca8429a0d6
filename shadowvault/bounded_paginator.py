"""A paginator that counts only as far as the page it shows needs.

Django's Paginator counts every matching row (COUNT(*)) to know the number of pages. On a big
catalogue that count is most of a list page's work (tens of milliseconds at 50,000 titles,
bench/pages.py), for a figure nobody reads beyond "more than a thousand". This one counts at
most `at_least` rows, or up to one row past the asked page when that is deeper: a deep page
then costs a count as long as its own OFFSET, and every page stays reachable, since there is
always a next page while rows remain.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from shadowvault.request_numbers import parse_bounded_int


class BoundedPaginator(Paginator):
    # A queryset, not any sliceable list: `count` below asks the database.
    object_list: QuerySet[Any]

    def __init__(
        self, object_list: QuerySet[Any], per_page: int, page: str | None, at_least: int
    ) -> None:
        super().__init__(object_list, per_page)
        number = parse_bounded_int(page, 1, 999_999) or 1
        # One row past the asked page (or past `at_least`): enough to know a next page exists.
        self.limit = max(at_least, number * per_page) + 1

    @cached_property
    def count(self) -> int:
        """The exact count when there are fewer than `limit` rows, else `limit`."""
        # Unordered: which rows are counted does not change how many there are, and without
        # the ORDER BY the database may stop after `limit` rows of any index instead of
        # sorting every match first.
        return self.object_list.order_by()[: self.limit].count()

    @property
    def is_capped(self) -> bool:
        """More rows may exist than `count` says (show "1,000+", not the number of pages)."""
        return self.count >= self.limit

    @property
    def shown_count(self) -> int:
        """What to print before a "+" when capped: the rows counted short of the extra one."""
        return self.count - 1 if self.is_capped else self.count
