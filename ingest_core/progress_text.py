"""Sizes and durations in the words a job's progress line uses ("12.3 MB", "01:20"), for
any vault's import jobs."""

from __future__ import annotations


def human_bytes(count: int | None) -> str:
    if count is None:
        return "?"
    size = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def human_duration(seconds: int | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def eta_words(seconds: int | None) -> str:
    """ "01:20", or "" while a job can say nothing about its end."""
    return human_duration(seconds) if seconds is not None else ""


def progress_line(
    number: int, state: str, percent: int | None, speed: str, eta: str, name: str, width: int = 24
) -> str:
    """One line for a command following a job: "#12  Downloading  [######......]  25%
    1.2 MB/s  ETA 00:42  film.mkv" (`state` already padded to the vault's widest)."""
    if percent is None:
        bar = "[" + "." * width + "]   ?%"
    else:
        filled = width * percent // 100
        bar = "[" + "#" * filled + "." * (width - filled) + f"] {percent:3d}%"
    parts = [f"#{number}", state, bar]
    if speed:
        parts.append(speed)
    if eta:
        parts.append(f"ETA {eta}")
    parts.append(name)
    return "  ".join(parts)
