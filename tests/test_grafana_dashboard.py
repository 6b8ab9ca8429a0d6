"""deploy/grafana/shadowvault.json charts only figures /metrics exposes: every metric name in
its queries is one that a scrape declares (a counter's `_total`, a histogram's `_bucket`,
`_sum` and `_count`), and every family /metrics declares is charted somewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.metrics import MetricWrapperBase

from shadowvault.metrics import families

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "deploy" / "grafana" / "shadowvault.json"
SUFFIXES = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}


def queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    found = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    found += [v["definition"] for v in dashboard["templating"]["list"] if v.get("definition")]
    return found


def exposed(text: str) -> dict[str, list[str]]:
    """Family -> the sample names a scrape may carry for it, from its # TYPE lines."""
    types = re.findall(r"^# TYPE (shadowvault_\w+) (\w+)$", text, re.MULTILINE)
    names = {}
    for name, kind in types:
        if name.endswith("_created"):  # when a series began (one process's own): not charted
            continue
        family = name.removesuffix("_total") if kind == "counter" else name
        names[family] = [family + suffix for suffix in SUFFIXES[kind]]
    return names


def touch_every_instrument() -> None:
    """A labelled figure shows from its first series on: give each instrument one, as the
    first request, stream or FLOOD_WAIT would."""
    for instrument in vars(families).values():
        if isinstance(instrument, MetricWrapperBase):
            instrument.labels(*["dashboard-test"] * len(instrument._labelnames))


@pytest.mark.django_db
def test_every_metric_the_dashboard_queries_is_exposed(alpha, olivia):
    touch_every_instrument()
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    families = exposed(client.get("/metrics").content.decode())
    samples = {name for names in families.values() for name in names}

    used = {name for expr in queries() for name in re.findall(r"\bshadowvault_\w+", expr)}

    assert used, "the dashboard has no queries"
    assert used - samples == set()
    charted = {f for f, names in families.items() if set(names) & used}
    assert set(families) - charted == set()
