"""The RFC 6381 `codecs` parameter of an init segment, for MediaSource.isTypeSupported and
SourceBuffer: "avc1.PPCCLL" from the avcC box (profile, constraint flags, level), and
"mp4a.40.2" (AAC-LC, the only audio the progressive encoder writes) when there is audio."""

from __future__ import annotations

AAC_LC = "mp4a.40.2"


def codecs_of(init: bytes) -> str:
    """`avc1.64001f,mp4a.40.2` for an init segment with H.264 High 3.1 and AAC; "" when no
    avcC box is found (the player then asks for plain video/mp4)."""
    at = init.find(b"avcC")
    # The box's payload: configurationVersion (1), then profile, compatibility, level.
    if at < 0 or len(init) < at + 8 or init[at + 4] != 1:
        return ""
    profile, compatibility, level = init[at + 5], init[at + 6], init[at + 7]
    video = f"avc1.{profile:02x}{compatibility:02x}{level:02x}"
    return f"{video},{AAC_LC}" if b"mp4a" in init else video
