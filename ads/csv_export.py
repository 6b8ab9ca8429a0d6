"""A campaign report as CSV: one line per campaign, site and day of the span, every count,
and the errors by VAST code. Written through figures.csv_export, so a campaign's or a
site's name (anyone's text) cannot turn into a spreadsheet formula."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify

from ads.report import COUNTED, Report, error_codes_text
from figures.csv_export import write

HEADER = [
    "day", "campaign", "site", "impressions", "starts", "first quartiles", "midpoints",
    "third quartiles", "completes", "skips", "clicks", "pauses", "mutes", "errors",
    "errors by VAST code",
]  # fmt: skip


def rows_of(report: Report) -> list[list[object]]:
    rows: list[list[object]] = [list(HEADER)]
    for row in report.rows:
        counts = [getattr(row, name) for name in COUNTED]
        line = [row.day.isoformat(), row.campaign.name, row.tenant.name, *counts]
        rows.append([*line, error_codes_text(row.error_codes or {})])
    return rows


def write_rows(report: Report) -> str:
    return write(rows_of(report))


def answer(report: Report, name: str) -> HttpResponse:
    """The report as a CSV download named "<name>-<first>-to-<last>.csv"."""
    response = HttpResponse(write_rows(report), content_type="text/csv; charset=utf-8")
    stem = slugify(name)[:60] or "campaigns"
    span = report.span
    filename = f"{stem}-{span.first}-to-{span.last}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
