"""What a media file holds, read with ffprobe, and whether it is a video we can work with.

`probe()` raises MediaRejected, in words an operator can act on, for a file ffmpeg cannot
read, one without a video stream, one whose video ffmpeg cannot decode, and an image.
"""

from __future__ import annotations

import functools
import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from streaming.ingest.errors import MediaRejected, ProcessingFailed
from streaming.ingest.ffmpeg_run import ffprobe_binary

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
_UNSAID_LANGUAGES = {"", "und", "mis", "mul", "zxx", "unknown", "none"}


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
    if "tty" in found.format_names:
        # ffmpeg's tty demuxer shows any text file (a release's .nfo, a .txt) as ANSI art.
        raise MediaRejected("not a media file ffmpeg can read (it is a text file)")
    if any(name == "image2" or name.endswith("_pipe") for name in found.format_names):
        raise MediaRejected(f"the file is a still image ({found.format_names[0]}), not a video")
    if found.video is None:
        if found.audio:
            raise MediaRejected("the file has no video stream (audio only)")
        raise MediaRejected("no video stream")
    if found.video.codec not in decodable_codecs():
        streams = report.get("streams") or []
        video = next((s for s in streams if s.get("index") == found.video.index), {})
        raise MediaRejected(f"the video codec {_codec_label(video)} is not one ffmpeg can decode")
    if found.duration is not None and found.duration < MIN_DURATION:
        raise MediaRejected(
            f"the video lasts {found.duration:.2f} s; shorter than {MIN_DURATION} s is a still"
        )


def normalise_language(code: str | None) -> str:
    """ISO 639-2 "eng" -> "en"; "und" (undetermined) -> ""; anything else as given."""
    code = (code or "").strip().lower()
    if code in _UNSAID_LANGUAGES:
        return ""
    known = LANGUAGES.get(code)
    return known[0] if known else code


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
