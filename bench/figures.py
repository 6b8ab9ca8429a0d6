"""What several benchmarks share: percentiles and the database server's own name.

The scripts run as `python bench/<name>.py`, so this folder is on their import path.
"""

from __future__ import annotations

import math
import statistics


def percentile(values: list[float], pct: int) -> float:
    """The pct-th percentile (inclusive method); NaN for no values."""
    if len(values) < 2:
        return values[0] if values else math.nan
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def server_version(connection) -> str:
    """'PostgreSQL 15.x (...)' or 'SQLite 3.x' for a Django connection."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        return cursor.fetchone()[0].split(" on ")[0]
