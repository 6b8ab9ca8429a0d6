"""What to do with a probed file so every browser plays it: keep, remux or transcode.

Browsers play H.264 (8-bit 4:2:0) with AAC or MP3 in MP4, and VP8/VP9/AV1 with Opus or Vorbis
in WebM. A file already like that is kept; one with the right codecs in another container
(or an MP4 with its index at the end) is remuxed into an MP4 without re-encoding; the rest is
encoded, the video only when it has to be. Every audio track is kept, so languages survive;
subtitles never go into the MP4, they become WebVTT files beside it (artifacts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from streaming.ingest.probe import Probe

MP4_FAMILY = frozenset({"mov", "mp4", "m4a", "3gp", "3g2", "mj2"})
MP4_AUDIO = frozenset({"aac", "mp3"})
WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})
WEBM_AUDIO = frozenset({"opus", "vorbis"})
# Browsers decode 8-bit 4:2:0 H.264 only (no 10-bit, 4:2:2 or 4:4:4); yuvj420p is its
# full-range twin, as phones and cameras write it.
BROWSER_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})

CODEC_NAMES = {
    "h264": "H.264", "hevc": "HEVC", "mpeg2video": "MPEG-2", "mpeg4": "MPEG-4 Part 2",
    "mpeg1video": "MPEG-1", "vc1": "VC-1", "wmv3": "WMV", "vp8": "VP8", "vp9": "VP9",
    "av1": "AV1", "aac": "AAC", "mp3": "MP3", "ac3": "AC-3", "eac3": "E-AC-3", "dts": "DTS",
    "truehd": "TrueHD", "flac": "FLAC", "opus": "Opus", "vorbis": "Vorbis", "mp2": "MP2",
    "hdmv_pgs_subtitle": "PGS", "dvd_subtitle": "VobSub", "dvb_subtitle": "DVB",
}  # fmt: skip
CONTAINER_NAMES = {"matroska": "MKV", "webm": "WebM", "mpegts": "MPEG-TS", "avi": "AVI"}


class Action(StrEnum):
    KEEP = "keep"
    REMUX = "remux"
    TRANSCODE = "transcode"


class VideoStep(StrEnum):
    COPY = "copy"
    ENCODE = "encode"


class AudioStep(StrEnum):
    COPY = "copy"
    ENCODE = "encode"
    NONE = "none"


@dataclass(frozen=True)
class AudioTrack:
    """One audio stream of the source, as it goes into the output (in this order)."""

    index: int
    step: AudioStep
    downmix: bool = False  # more than two channels, encoded to stereo AAC


@dataclass(frozen=True)
class Plan:
    action: Action
    video: VideoStep
    audio: AudioStep  # ENCODE when any track is encoded
    container: str
    reasons: list[str]
    video_index: int | None = None
    audio_tracks: list[AudioTrack] = field(default_factory=list)


def plan_for(probe: Probe, faststart: bool | None) -> Plan:
    """Decide keep / remux / transcode for a probed file; `faststart` from is_faststart()."""
    video = probe.video
    container = container_label(probe.format_names)
    is_mp4 = bool(MP4_FAMILY.intersection(probe.format_names))
    video_index = video.index if video else None
    reasons = []

    if (
        "webm" in probe.format_names
        and video is not None
        and video.codec in WEBM_VIDEO
        and all(audio.codec in WEBM_AUDIO for audio in probe.audio)
    ):
        reasons.append(f"WebM with {_codecs(probe)}: browsers play it as is")
        return Plan(
            Action.KEEP,
            VideoStep.COPY,
            AudioStep.COPY if probe.audio else AudioStep.NONE,
            "webm",
            [*reasons, *_subtitle_reasons(probe)],
            video_index,
            [AudioTrack(audio.index, AudioStep.COPY) for audio in probe.audio],
        )

    tracks = [
        AudioTrack(
            audio.index,
            AudioStep.COPY if audio.codec in MP4_AUDIO else AudioStep.ENCODE,
            downmix=audio.codec not in MP4_AUDIO and audio.channels > 2,
        )
        for audio in probe.audio
        if audio.codec
    ]
    reasons.extend(
        f"audio stream {audio.index}: ffmpeg has no decoder for its codec, left out"
        for audio in probe.audio
        if not audio.codec
    )
    if not tracks:
        audio_step = AudioStep.NONE
    elif any(track.step is AudioStep.ENCODE for track in tracks):
        audio_step = AudioStep.ENCODE
    else:
        audio_step = AudioStep.COPY
    browser_h264 = video is not None and video.codec == "h264" and video.pix_fmt in BROWSER_PIX_FMTS

    if browser_h264 and audio_step is not AudioStep.ENCODE:
        if is_mp4 and faststart is True:
            action = Action.KEEP
            reasons = [f"MP4 with {_codecs(probe)}, moov first: browsers play it as is"]
        elif is_mp4:
            action = Action.REMUX
            where = "is at the end" if faststart is False else "could not be found"
            reasons.insert(
                0,
                f"MP4 with {_codecs(probe)} but its moov atom {where}: remux with moov "
                "first (faststart), no re-encode",
            )
        else:
            action = Action.REMUX
            reasons.insert(0, f"{container} with {_codecs(probe)}: remux to MP4, no re-encode")
        return Plan(
            action,
            VideoStep.COPY,
            audio_step,
            "mp4",
            [*reasons, *_subtitle_reasons(probe)],
            video_index,
            tracks,
        )

    if browser_h264:
        video_step = VideoStep.COPY
        reasons.insert(
            0,
            f"{container} with {_codecs(probe)}: copy the H.264 video, encode the audio to "
            "AAC (browsers do not play the other audio codecs)",
        )
    else:
        video_step = VideoStep.ENCODE
        reasons.insert(0, f"{container} with {_codecs(probe)}: {_why_encode_video(probe)}")
    reasons.extend(_audio_reasons(probe, tracks))
    return Plan(
        Action.TRANSCODE,
        video_step,
        audio_step,
        "mp4",
        [*reasons, *_subtitle_reasons(probe)],
        video_index,
        tracks,
    )


def container_label(format_names: list[str]) -> str:
    if MP4_FAMILY.intersection(format_names):
        return "MP4"
    for name in format_names:
        if name in CONTAINER_NAMES:
            return CONTAINER_NAMES[name]
    return format_names[0].upper() if format_names else "an unknown container"


def codec_label(codec: str) -> str:
    return CODEC_NAMES.get(codec, codec.upper() or "an unknown codec")


def _codecs(probe: Probe) -> str:
    video = codec_label(probe.video.codec) if probe.video else "no video"
    audio = list(dict.fromkeys(codec_label(stream.codec) for stream in probe.audio))
    return f"{video}/{'+'.join(audio)}" if audio else f"{video} (no audio)"


def _why_encode_video(probe: Probe) -> str:
    video = probe.video
    if video is None:
        return "no video stream was found, encode whatever ffmpeg finds to H.264"
    if video.codec == "h264":
        return (
            f"the H.264 video is {video.pix_fmt or 'of an unknown pixel format'} and browsers "
            "play only 8-bit 4:2:0, encode it to H.264 (libx264, yuv420p, same size)"
        )
    return (
        f"browsers do not play {codec_label(video.codec)} video in MP4, encode it to H.264 "
        "(libx264, yuv420p, same size)"
    )


def _audio_reasons(probe: Probe, tracks: list[AudioTrack]) -> list[str]:
    codecs = {audio.index: audio for audio in probe.audio}
    reasons = []
    for track in tracks:
        audio = codecs[track.index]
        if track.step is AudioStep.COPY:
            reasons.append(f"audio stream {track.index} ({codec_label(audio.codec)}): copy")
        else:
            stereo = f", {audio.channels} channels downmixed to stereo" if track.downmix else ""
            reasons.append(
                f"audio stream {track.index} ({codec_label(audio.codec)}): encode to AAC{stereo}"
            )
    return reasons


def _subtitle_reasons(probe: Probe) -> list[str]:
    text = [stream for stream in probe.subtitles if stream.is_text]
    other = [stream for stream in probe.subtitles if not stream.is_text]
    reasons = []
    if text:
        reasons.append(
            f"{len(text)} text subtitle track(s) become WebVTT files, not part of the video"
        )
    reasons.extend(
        f"subtitle stream {stream.index} ({codec_label(stream.codec)}) is not text and cannot "
        "become WebVTT, left out"
        for stream in other
    )
    return reasons
