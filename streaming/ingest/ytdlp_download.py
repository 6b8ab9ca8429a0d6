"""Find and download the video a web page shows (or an HLS playlist), with yt-dlp.

The native downloader hands a URL here when it answers with an HTML page or a playlist
(`PageNotMedia`). yt-dlp's extractors find the video: a site's own extractor, or the generic
one, which reads `<video>`/`<source>` tags, JSON-LD, Open Graph and player setups.

Every request must go through the SSRF-guarding proxy (`proxy`). yt-dlp passes it to its own
HTTP stack and to its native downloaders (plain files, HLS, DASH), but an external program it
may call instead (ffmpeg for live or some encrypted HLS, rtmpdump, mpv) would open its own
connections. So only native downloaders are chosen, videos served over other protocols and
live streams are refused before any download starts, and ffmpeg, should yt-dlp still hand it
a stream, may open local files only. ffmpeg still merges and remuxes the local files, each
read only as one local video container (`ffmpeg_run.INPUT_GUARD`).
"""

from __future__ import annotations

import errno
import logging
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yt_dlp
from django.conf import settings
from yt_dlp.networking.exceptions import HTTPError, TransportError

from ingest_core.errors import DownloadFailed, IngestError
from ingest_core.guard_proxy import guarded_proxy
from streaming.ingest.errors import MediaRejected
from streaming.ingest.ffmpeg_run import INPUT_GUARD
from streaming.ingest.probe import probe

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]

OUTPUT_NAME = "video.%(ext)s"
# A single file browsers play first; else the best video and audio, merged into MP4.
FORMAT = "best[ext=mp4]/bv*[ext=mp4]+ba[ext=m4a]/bv*+ba/best"
# Protocols yt-dlp downloads with its own HTTP stack, which honours `proxy`.
NATIVE_PROTOCOLS = frozenset(
    {
        "http",
        "https",
        "m3u8",
        "m3u8_native",
        "http_dash_segments",
        "http_dash_segments_generator",
        "f4m",
        "ism",
    }
)
LIVE = frozenset({"is_live", "is_upcoming", "post_live"})
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# "[generic] some-id: " in front of an extractor's message.
EXTRACTOR_PREFIX = re.compile(r"^\[[^\]]+\] (?:[^\s:]+: )?")
TRANSIENT_TEXT = re.compile(
    r"HTTP Error (?:5\d\d|408|429)|timed? ?out|Connection (?:reset|refused|aborted)"
    r"|Temporary failure|Remote end closed",
    re.IGNORECASE,
)
# yt-dlp's postprocessors that run ffmpeg on what was downloaded (merging video and audio,
# HLS's MPEG-TS into MP4, ...). Their inputs are as untrusted as any download: a "segment"
# holding a DASH manifest would make ffmpeg read the local files it names into the video.
# yt-dlp looks their arguments up as "<postprocessor>+ffmpeg_i" (utils._configuration_args).
POSTPROCESSORS = (
    *("Merger", "FixupM3u8", "FixupM4a", "FixupStretched", "FixupTimestamp"),
    *("FixupDuration", "FixupDuplicateMoov", "CopyStream", "VideoRemuxer", "VideoConvertor"),
)
# yt-dlp's html5 extractor names the n-th <video> of a page "<page title> (n)".
HTML5_NUMBER = re.compile(r"\s\(\d+\)$")


@dataclass(frozen=True)
class PageDownload:
    path: Path
    size: int
    title: str  # the title yt-dlp found (page or video title), for guessing the film's name
    extractor: str  # yt-dlp's extractor name: "html5", "generic", a site's name
    final_url: str  # the page the video came from, after redirects


def download_page(
    url: str,
    target_dir: Path,
    progress: Progress | None = None,
    *,
    proxy: str | None = None,
) -> PageDownload:
    """Download the one video at `url` into `target_dir` as `video.<ext>`.

    `progress(done, total)` is called as bytes arrive (total may be an estimate or None); it
    may raise `IngestCancelled` to stop the download. On any failure the files this call
    created are removed. Raises `DownloadFailed` with a reason an operator can act on.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    existing = set(target_dir.iterdir())
    log = _Logger()
    finished = False
    try:
        with yt_dlp.YoutubeDL(_options(url, target_dir, progress, proxy, log)) as ydl:
            info = ydl.extract_info(url, download=True)
        result = _result(url, info, target_dir, log)
        finished = True
        return result
    except yt_dlp.utils.DownloadError as error:
        if log.handed_to_ffmpeg:
            raise DownloadFailed(
                f"{log.handed_to_ffmpeg}: yt-dlp would let ffmpeg download this stream, "
                "bypassing the SSRF guard, so ingest does not fetch it"
            ) from error
        refused = _refused_part(target_dir, existing) if "Postprocessing" in str(error) else ""
        if refused:
            raise DownloadFailed(f"yt-dlp could not join what it downloaded: {refused}") from error
        raise DownloadFailed(_reason(str(error), url), transient=_is_transient(error)) from error
    except OSError as error:
        raise DownloadFailed(
            f"could not write the download: {error.strerror or error}",
            transient=error.errno == errno.ENOSPC,  # space may be freed; permissions won't be
        ) from error
    finally:
        # Whatever stopped it (an error, a cancel, a time limit): leave no partial files.
        if not finished:
            _remove_new_files(target_dir, existing)


def download_page_guarded(
    url: str, target_dir: Path, progress: Progress | None = None
) -> PageDownload:
    """`download_page` with every request yt-dlp makes going through the SSRF-guarding proxy.
    yt-dlp reports a refused request as a bare "HTTP Error 403"; the guard's own reason (which
    address, and why) replaces it in the error, so the operator sees what was refused."""
    with guarded_proxy() as guard:
        try:
            return download_page(url, target_dir, progress, proxy=guard.url)
        except DownloadFailed as error:
            if not guard.refusals:
                raise
            raise DownloadFailed(f"refused by the SSRF guard: {guard.refusals[-1]}") from error


def _options(url: str, target_dir: Path, progress: Progress | None, proxy, log) -> dict:
    # The Python API reads no configuration files (only yt-dlp's command line does) and,
    # without cookiefile / cookiesfrombrowser, sends no cookies but the site's own.
    options = {
        "paths": {"home": str(target_dir), "temp": str(target_dir)},
        "outtmpl": {"default": OUTPUT_NAME},
        "restrictfilenames": True,
        "noplaylist": True,
        "playlist_items": "1",  # a page with several videos: the first one
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "color": "never",
        "logger": log,
        "cachedir": False,
        "updatetime": False,
        "format": FORMAT,
        "merge_output_format": "mp4",
        "max_filesize": settings.INGEST_MAX_BYTES,
        "socket_timeout": settings.INGEST_STALL_TIMEOUT,
        "retries": settings.INGEST_DOWNLOAD_RETRIES,
        "fragment_retries": settings.INGEST_DOWNLOAD_RETRIES,
        "extractor_retries": settings.INGEST_DOWNLOAD_RETRIES,
        "hls_prefer_native": True,
        "external_downloader": {"default": "native"},
        # yt-dlp falls back to ffmpeg for HLS its native downloader cannot read (live, some
        # encryption). ffmpeg would fetch on its own; allowed only local files, it fails.
        "external_downloader_args": {"ffmpeg_i": ["-protocol_whitelist", "file"]},
        "postprocessor_args": {f"{pp.lower()}+ffmpeg_i": INPUT_GUARD for pp in POSTPROCESSORS},
        "match_filter": _refuse_unfetchable(url),
        "progress_hooks": [_progress_hook(progress)],
    }
    if proxy:
        options["proxy"] = proxy
    return options


def _refuse_unfetchable(url: str):
    def check(info: dict, *, incomplete: bool = False) -> None:
        if info.get("is_live") or info.get("live_status") in LIVE:
            raise DownloadFailed(f"{url} is a live stream; only recorded videos can be ingested")
        if incomplete or info.get("_type", "video") != "video":
            return None
        protocols = {f.get("protocol") for f in info.get("requested_formats") or [info]}
        others = sorted(str(p) for p in protocols - NATIVE_PROTOCOLS)
        if others:
            raise DownloadFailed(
                f"the video at {url} is offered only over {', '.join(others)}, "
                "which ingest does not fetch"
            )
        return None

    return check


def _progress_hook(progress: Progress | None):
    limit = settings.INGEST_MAX_BYTES

    def hook(status: dict) -> None:
        done = int(status.get("downloaded_bytes") or 0)
        total = status.get("total_bytes") or status.get("total_bytes_estimate")
        # max_filesize stops only downloads whose size is known up front.
        if done > limit:
            raise DownloadFailed(f"the video is larger than the {limit:,} byte cap")
        if progress is not None:
            progress(done, int(total) if total else None)

    return hook


def _result(url: str, info: dict, target_dir: Path, log: _Logger) -> PageDownload:
    entry = info
    if info.get("_type") in ("playlist", "multi_video"):
        first: dict | None = next(iter(info.get("entries") or []), None)
        entry = first or {}
    downloads = entry.get("requested_downloads") or [{}]
    found = downloads[0].get("filepath") or downloads[0].get("_filename")
    path = Path(found) if found else None
    if path is None or not path.is_file():
        if log.too_big:
            raise DownloadFailed(
                f"the video is larger than the {settings.INGEST_MAX_BYTES:,} byte cap"
            )
        raise DownloadFailed(f"yt-dlp found a video on {url} but wrote no file")
    if path.resolve().parent != target_dir.resolve():
        raise DownloadFailed(f"yt-dlp wrote {path.name} outside the job's folder")
    size = path.stat().st_size
    if size == 0:
        raise DownloadFailed(f"the video downloaded from {url} is empty")
    extractor = str(entry.get("extractor") or info.get("extractor") or "")
    title = _plain_text(str(entry.get("title") or info.get("title") or ""))
    if extractor == "html5":
        title = HTML5_NUMBER.sub("", title)
    return PageDownload(
        path=path,
        size=size,
        title=title.strip(),
        extractor=extractor,
        final_url=str(entry.get("webpage_url") or info.get("webpage_url") or url),
    )


def _plain_text(text: str) -> str:
    """A page's title without control characters, runs of white space made one space: it
    names the job and its title, and PostgreSQL refuses a NUL in any text column."""
    return " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text).split())


def _reason(message: str, url: str) -> str:
    """yt-dlp's error line as a reason for the job list."""
    text = ANSI_ESCAPE.sub("", message).strip().removeprefix("ERROR: ")
    if text.startswith("Unsupported URL"):
        return f"no video found on the page {url}"
    text = EXTRACTOR_PREFIX.sub("", text)
    text = re.sub(r";?\s*please report this issue on .*$", "", text, flags=re.DOTALL)
    text = re.sub(r"\s*\(caused by .*\)$", "", text, flags=re.DOTALL)
    return text.strip() or f"yt-dlp could not download {url}"


def _is_transient(error: yt_dlp.utils.DownloadError) -> bool:
    cause = error.exc_info[1] if error.exc_info else None
    seen = 0
    while cause is not None and seen < 5:
        if isinstance(cause, HTTPError):
            return cause.status >= 500 or cause.status in (408, 429)
        if isinstance(cause, TransportError | TimeoutError | ConnectionError):
            return True
        cause = getattr(cause, "cause", None) or cause.__cause__
        seen += 1
    return bool(TRANSIENT_TEXT.search(str(error)))


def _refused_part(target_dir: Path, existing: set[Path]) -> str:
    """Why the guarded probe refuses a part yt-dlp downloaded (ffmpeg, run by yt-dlp to join
    them, says only "Invalid argument" when INPUT_GUARD refuses one); "" if none is refused."""
    for path in sorted(set(target_dir.iterdir()) - existing):
        if path.is_file():
            try:
                probe(path)
            except MediaRejected as rejected:
                return f"{path.name} is {rejected}"
            except IngestError:
                continue
    return ""


def _remove_new_files(target_dir: Path, existing: set[Path]) -> None:
    for path in set(target_dir.iterdir()) - existing:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


class _Logger:
    """yt-dlp's messages into Python logging (yt-dlp sends its screen lines as debug)."""

    def __init__(self) -> None:
        self.too_big = False
        self.handed_to_ffmpeg = ""  # why yt-dlp gave a stream to ffmpeg, when it did

    def debug(self, message: str) -> None:
        # yt-dlp reports a file over max_filesize only as a screen line, then writes nothing.
        if "larger than max-filesize" in message:
            self.too_big = True
        logger.debug("yt-dlp: %s", ANSI_ESCAPE.sub("", message))

    def info(self, message: str) -> None:
        logger.info("yt-dlp: %s", ANSI_ESCAPE.sub("", message))

    def warning(self, message: str) -> None:
        message = ANSI_ESCAPE.sub("", message)
        # hls.py: "<why>; extraction will be delegated to ffmpeg"
        if "delegated to ffmpeg" in message:
            self.handed_to_ffmpeg = message.partition(";")[0].strip()
        logger.warning("yt-dlp: %s", message)

    def error(self, message: str) -> None:
        # The same message comes back as the DownloadError the caller turns into a reason.
        logger.info("yt-dlp: %s", ANSI_ESCAPE.sub("", message))
