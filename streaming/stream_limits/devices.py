"""A device's name from its User-Agent, as a viewer would say it: "Chrome on Android",
"Firefox on Windows". Only for telling one's own devices apart in a list, so a rough guess
is enough; a header we do not recognise reads "A browser"."""

from __future__ import annotations

import re

MAX_LENGTH = 80
UNKNOWN = "A browser"

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux",
# iPadOS and iOS say "Mac OS X".
_BROWSERS = [
    (re.compile(r"\bEdg(?:e|A|iOS)?/"), "Edge"),
    (re.compile(r"\bOPR/|\bOpera\b"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\bFirefox/|\bFxiOS/"), "Firefox"),
    (re.compile(r"\bChrom(?:e|ium)/|\bCriOS/"), "Chrome"),
    (re.compile(r"\bSafari/"), "Safari"),
]
_SYSTEMS = [
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\biPhone\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bMac OS X\b|\bMacintosh\b"), "macOS"),
    (re.compile(r"\bLinux\b"), "Linux"),
]


def device_label(user_agent: str) -> str:
    """ "<browser> on <system>", either part alone when the other is unknown."""
    text = user_agent[:512]  # a browser's header is far shorter; a hostile one may not be
    browser = next((name for pattern, name in _BROWSERS if pattern.search(text)), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(text)), None)
    if browser and system:
        return f"{browser} on {system}"[:MAX_LENGTH]
    return browser or (f"A browser on {system}" if system else UNKNOWN)
