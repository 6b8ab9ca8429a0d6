"""What a media file holds, read with ffprobe, and whether it is a video we can work with.

`probe()` raises MediaRejected, in words an operator can act on, for a file ffmpeg cannot
read, one without a video stream, one whose video ffmpeg cannot decode, and an image.
Only the demuxers of video containers may read the file (`ffmpeg_run.INPUT_GUARD`): a DASH
manifest or a playlist named "film.mp4" is refused before ffmpeg follows what it names.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from streaming.ingest.errors import MediaRejected, ProcessingFailed
from streaming.ingest.ffmpeg_run import INPUT_GUARD, ffprobe_binary

PROBE_TIMEOUT = 120
# A shorter "video" is a single picture (ffprobe gives a JPEG 1/25 s).
MIN_DURATION = 0.1

TEXT_SUBTITLE_CODECS = frozenset({"subrip", "ass", "ssa", "mov_text", "webvtt", "text"})
IMAGE_SUBTITLE_CODECS = frozenset({"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"})

# ISO 639-2 (bibliographic and terminology codes) to ISO 639-1, with the English name for
# track labels. Uncommon codes are kept as they are; "und" and friends mean "not said".
LANGUAGES = {
    "ara": ("ar", "Arabic"), "ben": ("bn", "Bengali"), "bul": ("bg", "Bulgarian"),
    "cat": ("ca", "Catalan"), "ces": ("cs", "Czech"), "cze": ("cs", "Czech"),
    "chi": ("zh", "Chinese"), "zho": ("zh", "Chinese"), "dan": ("da", "Danish"),
    "deu": ("de", "German"), "ger": ("de", "German"), "dut": ("nl", "Dutch"),
    "nld": ("nl", "Dutch"), "ell": ("el", "Greek"), "gre": ("el", "Greek"),
    "eng": ("en", "English"), "est": ("et", "Estonian"), "eus": ("eu", "Basque"),
    "baq": ("eu", "Basque"), "fas": ("fa", "Persian"), "per": ("fa", "Persian"),
    "fil": ("tl", "Filipino"), "tgl": ("tl", "Tagalog"), "fin": ("fi", "Finnish"),
    "fra": ("fr", "French"), "fre": ("fr", "French"), "glg": ("gl", "Galician"),
    "heb": ("he", "Hebrew"), "hin": ("hi", "Hindi"), "hrv": ("hr", "Croatian"),
    "hun": ("hu", "Hungarian"), "ind": ("id", "Indonesian"), "ice": ("is", "Icelandic"),
    "isl": ("is", "Icelandic"), "ita": ("it", "Italian"), "jpn": ("ja", "Japanese"),
    "kor": ("ko", "Korean"), "lav": ("lv", "Latvian"), "lit": ("lt", "Lithuanian"),
    "may": ("ms", "Malay"), "msa": ("ms", "Malay"), "nob": ("nb", "Norwegian Bokmål"),
    "nor": ("no", "Norwegian"), "pol": ("pl", "Polish"), "por": ("pt", "Portuguese"),
    "ron": ("ro", "Romanian"), "rum": ("ro", "Romanian"), "rus": ("ru", "Russian"),
    "slk": ("sk", "Slovak"), "slo": ("sk", "Slovak"), "slv": ("sl", "Slovenian"),
    "spa": ("es", "Spanish"), "srp": ("sr", "Serbian"), "swe": ("sv", "Swedish"),
    "tam": ("ta", "Tamil"), "tel": ("te", "Telugu"), "tha": ("th", "Thai"),
    "tur": ("tr", "Turkish"), "ukr": ("uk", "Ukrainian"), "vie": ("vi", "Vietnamese"),
}  # fmt: skip
LANGUAGE_NAMES = dict(LANGUAGES.values())
# Some files name the language instead of coding it ("English").
_LANGUAGES_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
# BCP 47 subtags (RFC 5646 2.1): a language of 2-3 letters (ISO 639), a script of 4 (ISO
# 15924), a region of 2 letters (ISO 3166-1) or 3 digits (UN M.49).
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_SCRIPT = re.compile(r"[A-Za-z]{4}")
_REGION = re.compile(r"[A-Za-z]{2}|[0-9]{3}")
# normalise_language's longest answer: language (3), script (1 + 4), region (1 + 3).
LANGUAGE_MAX = 12
_UNSAID_LANGUAGES = {"", "und", "mis", "mul", "zxx", "unknown", "none"}
# What ffprobe took a file for when INPUT_GUARD refused its demuxer, in an operator's words.
REFUSED_FORMATS = {
    "dash": "a DASH manifest",
    "webm_dash_manifest": "a WebM DASH manifest",
    "hls": "an HLS playlist",
    "concat": "an ffmpeg concat script",
    "sdp": "an SDP session description",
}
# "[dash @ 0x55d0c3a4e4c0] Format not on whitelist 'mov,...'" (libavformat/demux.c)
_NOT_ON_WHITELIST = re.compile(r"^\[([\w.,-]+) @ 0x[0-9a-f]+\] Format not on whitelist", re.M)


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    profile: str
    width: int
    height: int
    pix_fmt: str
    fps: float | None
    bitrate: int | None


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    language: str
    title: str
    is_default: bool


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str
    language: str
    title: str
    is_default: bool
    is_forced: bool

    @property
    def is_text(self) -> bool:
        return self.codec in TEXT_SUBTITLE_CODECS

    @property
    def is_image(self) -> bool:
        return self.codec in IMAGE_SUBTITLE_CODECS


@dataclass(frozen=True)
class Probe:
    # ffprobe's names for the container ("mov", "mp4", ...). ffprobe calls both Matroska and
    # WebM "matroska,webm"; the file's own EBML DocType narrows that to one of the two.
    format_names: list[str]
    duration: float | None
    size: int | None
    bitrate: int | None
    video: VideoStream | None
    audio: list[AudioStream]
    subtitles: list[SubtitleStream]


def probe(path: Path, *, timeout: float = PROBE_TIMEOUT) -> Probe:
    """Read `path` with ffprobe; MediaRejected when it is not a video we can make playable."""
    if not path.is_file():
        raise ProcessingFailed(f"the file to probe is missing: {path}")
    command = [
        ffprobe_binary(),
        *("-v", "error", "-print_format", "json", "-show_format", "-show_streams"),
        *INPUT_GUARD,
        str(path),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ProcessingFailed(
            f"ffprobe took longer than {timeout:g} s to read the file", transient=True
        ) from error
    if result.returncode != 0:
        refused = _refused_demuxer(result.stderr)
        if refused is not None:
            raise MediaRejected(_refusal_reason(refused))
        raise MediaRejected(
            f"not a media file ffmpeg can read ({_ffprobe_complaint(result.stderr, path)})"
        )
    try:
        report = json.loads(result.stdout)
    except ValueError as error:
        raise MediaRejected("not a media file ffmpeg can read (ffprobe gave no report)") from error
    found = parse_report(report, doctype=_matroska_doctype(path))
    check_usable(found, report)
    return found


def parse_report(report: dict, *, doctype: str | None = None) -> Probe:
    """Turn ffprobe's JSON report into a Probe (no judgement on whether it is usable)."""
    fmt = report.get("format") or {}
    streams = report.get("streams") or []
    format_names = [name for name in str(fmt.get("format_name", "")).split(",") if name]
    if doctype in ("matroska", "webm") and "matroska" in format_names:
        format_names = [doctype]
    videos = [s for s in streams if s.get("codec_type") == "video" and not _is_picture(s)]
    video = _video(videos[0]) if videos else None
    duration = _number(fmt.get("duration"), float)
    if not duration and videos:
        duration = _number(videos[0].get("duration"), float)
    return Probe(
        format_names=format_names,
        duration=duration or None,
        size=_number(fmt.get("size"), int),
        bitrate=_number(fmt.get("bit_rate"), int),
        video=video,
        audio=[_audio(s) for s in streams if s.get("codec_type") == "audio"],
        subtitles=[_subtitle(s) for s in streams if s.get("codec_type") == "subtitle"],
    )


def check_usable(found: Probe, report: dict) -> None:
    # Text files (tty) and pictures (image2, *_pipe) never get here: INPUT_GUARD refuses them.
    if found.video is None:
        if found.audio:
            raise MediaRejected("the file has no video stream (audio only)")
        raise MediaRejected("no video stream")
    if found.video.codec not in decodable_codecs():
        streams = report.get("streams") or []
        video: dict = next((s for s in streams if s.get("index") == found.video.index), {})
        raise MediaRejected(f"the video codec {_codec_label(video)} is not one ffmpeg can decode")
    if found.duration is not None and found.duration < MIN_DURATION:
        raise MediaRejected(
            f"the video lasts {found.duration:.2f} s; shorter than {MIN_DURATION} s is a still"
        )


def normalise_language(code: str | None) -> str:
    """A file's language tag as a short BCP 47 tag (RFC 5646): language, then script and
    region when given. "eng" -> "en", "pt_br" -> "pt-BR", "zh-hant-tw" -> "zh-Hant-TW",
    "English" -> "en"; "und" (undetermined) and anything that is not a language tag -> "".

    Variants, extensions and private-use parts are dropped, so the result always fits in
    LANGUAGE_MAX characters (the Subtitle.language column: a longer tag from a file's metadata
    failed the whole job on PostgreSQL), and normalising it again changes nothing.
    """
    parts = [part for part in re.split(r"[-_]+", (code or "").strip()) if part]
    language = _primary_language(parts[0].lower()) if parts else ""
    if not language:
        return ""
    subtags, rest = [language], parts[1:]
    if rest and _SCRIPT.fullmatch(rest[0]):
        subtags.append(rest.pop(0).title())
    if rest and _REGION.fullmatch(rest[0]):
        subtags.append(rest[0].upper())
    return "-".join(subtags)


def _primary_language(code: str) -> str:
    """ISO 639-1 where there is one, else the ISO 639-2/3 code; "" for none or not said."""
    if code in _UNSAID_LANGUAGES:
        return ""
    if code in LANGUAGES:
        return LANGUAGES[code][0]
    if code in _LANGUAGES_BY_NAME:
        return _LANGUAGES_BY_NAME[code]
    return code if _LANGUAGE.fullmatch(code) else ""


@functools.cache
def decodable_codecs() -> frozenset[str]:
    """Codec names this ffmpeg build can decode (`ffprobe -codecs`, flag D)."""
    result = subprocess.run(
        [ffprobe_binary(), "-hide_banner", "-codecs"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    codecs = set()
    for line in result.stdout.splitlines():
        # " DEV.LS h264   H.264 / AVC ..." after the legend, which ends with " -------".
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] == "D" and parts[1] != "=":
            codecs.add(parts[1])
    return frozenset(codecs)


def _video(stream: dict) -> VideoStream:
    return VideoStream(
        index=_number(stream.get("index"), int) or 0,
        codec=_codec(stream),
        profile=str(stream.get("profile", "")),
        width=_number(stream.get("width"), int) or 0,
        height=_number(stream.get("height"), int) or 0,
        pix_fmt=str(stream.get("pix_fmt", "")),
        fps=_rate(stream.get("avg_frame_rate")) or _rate(stream.get("r_frame_rate")),
        bitrate=_number(stream.get("bit_rate"), int),
    )


def _audio(stream: dict) -> AudioStream:
    tags, disposition = _tags(stream), stream.get("disposition") or {}
    return AudioStream(
        index=_number(stream.get("index"), int) or 0,
        codec=_codec(stream),
        channels=_number(stream.get("channels"), int) or 0,
        language=normalise_language(tags.get("language")),
        title=tags.get("title", ""),
        is_default=bool(disposition.get("default")),
    )


def _subtitle(stream: dict) -> SubtitleStream:
    tags, disposition = _tags(stream), stream.get("disposition") or {}
    return SubtitleStream(
        index=_number(stream.get("index"), int) or 0,
        codec=_codec(stream),
        language=normalise_language(tags.get("language")),
        title=tags.get("title", ""),
        is_default=bool(disposition.get("default")),
        is_forced=bool(disposition.get("forced")),
    )


def _is_picture(stream: dict) -> bool:
    # Cover art and thumbnails ride along as one-picture video streams.
    disposition = stream.get("disposition") or {}
    return bool(disposition.get("attached_pic") or disposition.get("timed_thumbnails"))


def _codec(stream: dict) -> str:
    codec = str(stream.get("codec_name") or "")
    return "" if codec in ("none", "unknown") else codec


def _codec_label(stream: dict) -> str:
    if _codec(stream):
        return _codec(stream)
    tag = str(stream.get("codec_tag_string") or "")
    if tag and not tag.startswith("["):
        return f"'{tag}'"
    return f"of stream {stream.get('index', 0)} (unrecognised)"


def _tags(stream: dict) -> dict[str, str]:
    # Matroska tags are upper case ("LANGUAGE" from mkvmerge), MP4 ones lower case.
    return {str(key).lower(): str(value) for key, value in (stream.get("tags") or {}).items()}


def _number(value, kind):
    try:
        return kind(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _rate(value) -> float | None:
    try:
        rate = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return float(rate) if rate > 0 else None


def _refused_demuxer(stderr: str) -> str | None:
    """The demuxer ffprobe picked for the file when INPUT_GUARD refused it, else None."""
    match = _NOT_ON_WHITELIST.search(stderr)
    return match[1] if match else None


def _refusal_reason(demuxer: str) -> str:
    if demuxer == "tty":  # ffmpeg shows any text file (a release's .nfo) as ANSI art
        return "not a media file ffmpeg can read (it is a text file)"
    if demuxer == "image2" or demuxer.endswith("_pipe"):
        return f"the file is a still image ({demuxer}), not a video"
    what = REFUSED_FORMATS.get(demuxer, f"a {demuxer} file")  # mp3, wav, raw h264, ...
    reason = f"not a video container ingest accepts: ffmpeg reads it as {what} ({demuxer})"
    if demuxer in ("dash", "webm_dash_manifest", "hls", "concat", "sdp"):
        # These name other files or addresses to read; a URL to one goes to yt-dlp instead.
        reason += ", which would make ffmpeg read the files or addresses it names"
    return reason


def _ffprobe_complaint(stderr: str, path: Path) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "ffprobe gave no reason"
    # "<path>: Invalid data found when processing input", after the demuxer's own detail.
    last = lines[-1].removeprefix(f"{path}: ")
    details = [line.split("] ", 1)[-1] for line in lines[:-1] if line.startswith("[")]
    return "; ".join([last, *details[-1:]])


def _matroska_doctype(path: Path) -> str | None:
    """The EBML DocType ("matroska" or "webm") from the first bytes, if this is Matroska."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    # The DocType element (ID 0x4282) holds a short ASCII string, its size a one-byte vint.
    at = head.find(b"\x42\x82")
    if at < 0 or at + 3 > len(head) or not head[at + 2] & 0x80:
        return None
    size = head[at + 2] & 0x7F
    return head[at + 3 : at + 3 + size].decode("ascii", "replace")
