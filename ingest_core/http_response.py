"""Reading what an HTTP response says about its body: pure functions, no I/O.

Content-Range (RFC 9110 14.4), Content-Disposition file names (RFC 6266, with RFC 8187
`filename*`), a safe local file name, and whether the body is a page rather than media.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from ingest_core.errors import DownloadFailed

CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
# One `; name=value` parameter; value is a quoted-string (with \-escapes) or a token.
PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', re.DOTALL)
EXT_VALUE = re.compile(r"([A-Za-z0-9!#$%&+^_`{}~-]*)'[^']*'(.*)", re.DOTALL)
MAX_NAME_BYTES = 200
FALLBACK_NAME = "download"

PAGE_TYPES = {"text/html", "application/xhtml+xml"}
PLAYLIST_TYPES = {
    "application/vnd.apple.mpegurl",
    "application/x-mpegurl",
    "audio/mpegurl",
    "audio/x-mpegurl",
}
SNIFF_BYTES = 1024


def parse_content_range(value: str | None) -> tuple[int, int, int | None] | None:
    """(first, last, complete length or None for `*`) of `bytes first-last/length`, else None."""
    match = CONTENT_RANGE.fullmatch((value or "").strip())
    if not match:
        return None
    first, last = int(match[1]), int(match[2])
    total = None if match[3] == "*" else int(match[3])
    if last < first or (total is not None and last >= total):
        return None
    return first, last, total


def content_length(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def if_range_validator(etag: str | None, last_modified: str | None) -> str | None:
    """RFC 9110 13.1.5: If-Range needs a strong validator; a weak ETag (W/...) is not one."""
    if etag and not etag.startswith("W/"):
        return etag
    return last_modified


def filename_from_disposition(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives; `filename*` wins over `filename`."""
    params: dict[str, str] = {}
    for match in PARAMETER.finditer(value or ""):
        raw = match[2].strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1], flags=re.DOTALL)
        params.setdefault(match[1].lower(), raw)
    extended = params.get("filename*")
    if extended is not None:
        decoded = _decode_ext_value(extended)
        if decoded:
            return decoded
    return params.get("filename") or None


def _decode_ext_value(value: str) -> str | None:
    """RFC 8187: charset'language'percent-encoded; UTF-8 and ISO-8859-1 are the ones in use."""
    match = EXT_VALUE.fullmatch(value)
    if not match:
        return None
    charset = match[1].lower() or "utf-8"
    if charset not in {"utf-8", "iso-8859-1"}:
        return None
    return unquote(match[2], encoding=charset, errors="replace")


def safe_filename(name: str) -> str:
    """A plain file name: no directories, no `..`, no control characters, not empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\.{2,}", ".", name).strip(" .")
    return _shorten(name) or FALLBACK_NAME


def _shorten(name: str) -> str:
    """Cut to MAX_NAME_BYTES of UTF-8 (file systems allow 255), keeping a short extension."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = name, ""
    room = MAX_NAME_BYTES - len(ext.encode()) - (1 if ext else 0)
    stem = stem.encode()[:room].decode(errors="ignore").strip(" .")
    return f"{stem}.{ext}" if ext else stem


def filename_for(disposition: str | None, url: str) -> str:
    """The name to save as: Content-Disposition's, else the URL path's last segment."""
    name = filename_from_disposition(disposition)
    if not name:
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1], errors="replace")
    return safe_filename(name)


def page_reason(content_type: str | None, head: bytes = b"") -> str | None:
    """Why this body is a page or a playlist (for yt-dlp), or None for a media file."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime in PAGE_TYPES:
        return f"an HTML page ({mime})"
    if mime in PLAYLIST_TYPES:
        return f"an HLS playlist ({mime})"
    start = head[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"#extm3u"):
        return "an HLS playlist (the body starts with #EXTM3U)"
    if b"<!doctype html" in start or b"<html" in start:
        return "an HTML page (the body looks like HTML)"
    return None


def status_failure(status: int, url: str) -> DownloadFailed:
    """The error for an HTTP error status: 5xx and 429 may pass, other 4xx will not."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    transient = status >= 500 or status in {408, 429}
    return DownloadFailed(f"the server answered {status} {phrase} for {url}", transient=transient)


def format_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} TiB"
