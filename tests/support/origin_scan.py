"""Finding references to another origin in HTML and CSS: what a page would make the browser
load (or submit to) from a host that is not the one it was served from.

A plain `<a href>` to another site is allowed: it loads nothing until the viewer follows it
(e.g. a source's home page in the admin, or "API docs by Redocly" in the docs). Everything
else that names a URL (src, srcset, poster, <link href>, form actions, meta images, CSS
url() and @import) must stay on the request's own host.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

URL_ATTRIBUTES = {
    "src", "href", "srcset", "imagesrcset", "poster", "action", "formaction", "data",
    "background", "xlink:href", "manifest", "ping",
}  # fmt: skip
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""", re.IGNORECASE)


def foreign(url: str, host: str) -> bool:
    """True when `url` names a host other than `host` (absolute or protocol-relative)."""
    url = url.strip()
    if not re.match(r"(?i)^(https?:)?//", url):
        return False  # relative, data:, blob:, mailto:, a fragment...
    return urlsplit(url if "://" in url else "http:" + url).netloc.lower() != host.lower()


def css_references(text: str) -> list[str]:
    return CSS_URL.findall(text) + CSS_IMPORT.findall(text)


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (where, url)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if not value:
                continue
            if name == "style":
                self.found += [(f"<{tag} style>", url) for url in css_references(value)]
            elif name == "content" and tag == "meta":
                self.found.append(("<meta content>", value))
            elif name in URL_ATTRIBUTES and not (tag == "a" and name == "href"):
                urls = srcset_urls(value) if name.endswith("srcset") else [value]
                self.found += [(f"<{tag} {name}>", url) for url in urls]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [("<style>", url) for url in css_references(data)]


def foreign_in_html(html: str, host: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return [f"{where} {url}" for where, url in parser.found if foreign(url, host)]


def foreign_in_css(css: str, host: str) -> list[str]:
    return [url for url in css_references(css) if foreign(url, host)]
