"""The figures as CSV files: each daily figure, the revenue and the top lists of a range.

Text cells are written through `cell`, against formula injection (OWASP, "CSV Injection"): a
spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula,
and a title's name is anyone's text. Such a cell gets a leading apostrophe, and every text
cell is quoted. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from billing.money import from_minor
from figures.report import KIND_BY_KEY, Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAMES = (*KIND_BY_KEY, "revenue", "top-titles", "top-series")


def cell(value: object) -> object:
    """A value as written: numbers as they are, text defused when it could be a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def rows_of(name: str, report: Report) -> list[list[object]]:
    """The header and rows of CSV `name` (one of NAMES) for the report's range."""
    rows: list[list[object]]
    if name in KIND_BY_KEY:
        kind = KIND_BY_KEY[name]
        figure = next((f for f in report.figures if f.kind.key == name), None)
        unit = "watch seconds" if kind.column == "watch_seconds" else kind.unit
        raw = figure.raw if figure else [(day, 0) for day in report.span.days]
        rows = [["day", unit]]
        rows += ([day.isoformat(), value] for day, value in raw)
    elif name == "revenue":
        rows = [["day", "currency", "amount", "payments"]]
        for revenue in report.revenue:
            for day, (amount, payments) in sorted(revenue.minor.items()):
                major = from_minor(amount, revenue.currency)  # a Decimal: written as a number
                rows.append([day.isoformat(), revenue.currency, major, payments])
    elif name == "top-titles":
        rows = [["rank", "title", "views", "watch seconds"]]
        rows += ([n, t["name"], t["views"], t["seconds"]] for n, t in _ranked(report.top_titles))
    else:
        rows = [["rank", "series", "reads", "pages read"]]
        rows += ([n, s["name"], s["readers"], s["pages"]] for n, s in _ranked(report.top_series))
    return rows


def _ranked(rows: list[dict]) -> Iterable[tuple[int, dict]]:
    return enumerate(rows, start=1)
