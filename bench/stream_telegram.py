"""The Telegram case of bench/stream.py: the gateway in front of an origin whose Telegram
backend talks to the tests' double of Telegram (bench/telegram_origin.py), each getFile
answered after `--telegram-latency` (a data centre's round trip), a pool of two sessions and
objects stored as several documents.

Measured through the gateway, each on a freshly cleared slice cache:
- cold seeks: time to first byte of random 1 MiB ranges, against one round trip;
- a cold sequential read of a whole object: slices delivered per round trip (1 without
  read-ahead; the goal is 3 or more);
and every getFile the double answered is checked against the planner's rules
(stored_media/storage/telegram_plan.py): a legal offset and limit, never at or past the
document's end, answered without a refusal. Chunks fetched twice are counted too.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stored_media.storage.telegram_plan import CHUNK, is_legal  # pure: no Django needed

MIB = 1024 * 1024


@dataclass
class GetFileCheck:
    calls: int = 0
    illegal: list[dict] = field(default_factory=list)
    past_end: list[dict] = field(default_factory=list)
    # A document's 1 MiB chunk asked again: no rule forbids it (the origin's buffer is
    # bounded and lets go of slices nobody came for), but each is a round trip spent twice.
    repeated: int = 0
    refused: Counter = field(default_factory=Counter)
    most_in_flight: int = 0
    by_session: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """Every request one the planner may send and Telegram answers."""
        return not (self.illegal or self.past_end or self.refused)


def read_log(path: Path, since: float = 0.0, until: float = float("inf")) -> list[dict]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if since <= line["sent"] < until]


def check_get_files(calls: list[dict]) -> GetFileCheck:
    """The planner's rules, per request, and no chunk asked twice in the phase."""
    check = GetFileCheck(calls=len(calls))
    seen: Counter = Counter()
    for call in calls:
        offset, limit, size = call["offset"], call["limit"], call["size"]
        check.by_session[call["session"]] += 1
        if call["outcome"] != "ok":
            check.refused[call["outcome"]] += 1
        if not is_legal(offset, limit):
            check.illegal.append(call)
        if size is not None and offset >= size:
            check.past_end.append(call)
        seen[(call["document"], offset // CHUNK)] += 1
    check.repeated = sum(count - 1 for count in seen.values())
    events = sorted([(c["sent"], 1) for c in calls] + [(c["answered"], -1) for c in calls])
    running = 0
    for _when, step in events:
        running += step
        check.most_in_flight = max(check.most_in_flight, running)
    return check


@dataclass
class TelegramReport:
    latency_ms: float
    size: int
    parts: int
    sessions: int
    seek_ttfb_ms: list[float] = field(default_factory=list)
    origin_ttfb_ms: list[float] = field(default_factory=list)
    seek_wrong: int = 0
    seek_errors: int = 0
    seek_check: GetFileCheck | None = None
    read_seconds: float = 0.0
    read_status: int = 0
    read_ok: bool = False
    read_check: GetFileCheck | None = None

    @property
    def slices_per_round_trip(self) -> float:
        if not self.read_seconds:
            return 0.0
        return (self.size / MIB) / (self.read_seconds / (self.latency_ms / 1000))


def report_lines(report: TelegramReport, percentile) -> list[str]:
    rtt = report.latency_ms
    lines = [
        f"Telegram through the gateway: double with {rtt:.0f} ms per getFile, "
        f"{report.sessions} sessions, {report.size / MIB:.0f} MiB object in {report.parts} "
        "documents, cold slice cache",
    ]
    if report.seek_ttfb_ms:
        ttfb = report.seek_ttfb_ms
        lines.append(
            f"  cold seeks ({len(ttfb)} x 1 MiB): first byte p50 {percentile(ttfb, 50):.1f} ms, "
            f"max {max(ttfb):.1f} ms = one round trip + {percentile(ttfb, 50) - rtt:.1f} ms "
            f"(p50), + {max(ttfb) - rtt:.1f} ms (max); wrong bytes {report.seek_wrong}, "
            f"errors {report.seek_errors}"
        )
    if report.origin_ttfb_ms:
        ttfb = report.origin_ttfb_ms
        lines.append(
            f"  the origin alone, lone cold slices ({len(ttfb)}, gateway token): first byte "
            f"p50 {percentile(ttfb, 50):.1f} ms = one round trip + "
            f"{percentile(ttfb, 50) - rtt:.1f} ms; the rest of a seek's is nginx's"
        )
    lines.append(
        f"  cold sequential read: {report.read_seconds:.2f} s for {report.size / MIB:.0f} MiB "
        f"(HTTP {report.read_status}, bytes {'as generated' if report.read_ok else 'WRONG'}) = "
        f"{report.slices_per_round_trip:.2f} slices per round trip"
    )
    for name, check in (("seeks", report.seek_check), ("sequential read", report.read_check)):
        if check is None:
            continue
        lines.append(
            f"  getFile during the {name}: {check.calls} calls "
            f"({', '.join(f'{n}: {c}' for n, c in sorted(check.by_session.items()))}), "
            f"at most {check.most_in_flight} in flight; against the planner's rules: "
            f"illegal {len(check.illegal)}, past a document's end {len(check.past_end)}, "
            f"1 MiB chunk asked again {check.repeated}, refused {dict(check.refused) or 0}"
        )
        for call in (check.illegal + check.past_end)[:3]:
            lines.append(f"    e.g. {call}")
    return lines
