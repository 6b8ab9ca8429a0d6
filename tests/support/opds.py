"""Reading the OPDS catalogue in tests: HTTP Basic headers, feeds fetched and checked by an
independent Atom parser (feedparser) and by the RELAX NG schema of Atom in atom.rng (lxml),
and a walk over every link from the root."""

from __future__ import annotations

import base64
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from django.test import Client
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
PSE_NS = "http://vaemendis.net/opds-pse/ns"
NS = {"a": ATOM_NS, "pse": PSE_NS, "os": "http://a9.com/-/spec/opensearch/1.1/"}
ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("atom.rng"))))
FEED_TYPES = ("kind=navigation", "kind=acquisition")
REL_STREAM = "http://vaemendis.net/opds-pse/stream"
REL_ACQUISITION = "http://opds-spec.org/acquisition"


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


class CheckedFeed:
    """A feed that passed both checks: `tree` (lxml) and `parsed` (feedparser)."""

    def __init__(self, body: bytes) -> None:
        problems = []
        self.tree = etree.fromstring(body)
        if not ATOM_SCHEMA.validate(self.tree):
            problems.append(f"not Atom (RFC 4287): {ATOM_SCHEMA.error_log}")
        self.parsed = feedparser.parse(body)
        if self.parsed.bozo:
            problems.append(f"feedparser: {self.parsed.bozo_exception}")
        assert not problems, problems

    def links(self, rel: str | None = None, *, feed_only: bool = False) -> list[etree._Element]:
        path = "a:link" if feed_only else ".//a:link"
        found = self.tree.xpath(path, namespaces=NS)
        return [link for link in found if rel is None or link.get("rel") == rel]

    def href(self, rel: str) -> str:
        (link,) = self.links(rel, feed_only=True)
        return link.get("href")

    @property
    def entries(self) -> list[etree._Element]:
        return self.tree.xpath("a:entry", namespaces=NS)

    def titles(self) -> list[str]:
        return [entry.title for entry in self.parsed.entries]


def get_feed(client: Client, url: str, **headers) -> CheckedFeed:
    answer = client.get(url, **headers)
    assert answer.status_code == 200, (url, answer.status_code, answer.content[:300])
    assert answer["Content-Type"].startswith("application/atom+xml;profile=opds-catalog;")
    assert answer["Content-Type"].endswith(FEED_TYPES)
    return CheckedFeed(answer.content)


def fill(href: str, **values: str) -> str:
    for name, value in values.items():
        href = href.replace("{" + name + "}", value)
    return href


def walk(client: Client, start: str, **headers) -> dict[str, int]:
    """Every link reachable from `start` (feeds followed; templates filled in: a search
    word, page 0 at 800 px), fetched once: {url: status}. Links off the catalogue (the
    site's HTML pages) are left out; signed image links are fetched too."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        answer = client.get(url, **headers)
        seen[url] = answer.status_code
        kind = answer.get("Content-Type", "")
        if answer.status_code == 302:
            queue.append(answer["Location"])
            continue
        if answer.status_code != 200:
            continue
        if kind.startswith("application/atom+xml"):
            for link in CheckedFeed(answer.content).links():
                href = fill(link.get("href"), searchTerms="a", pageNumber="0", maxWidth="800")
                if link.get("type", "").startswith("text/html"):
                    continue
                queue.append(href)
        elif kind.startswith("application/opensearchdescription+xml"):
            template = etree.fromstring(answer.content).xpath("//os:Url", namespaces=NS)[0]
            target = urlsplit(fill(template.get("template"), searchTerms="a"))
            queue.append(f"{target.path}?{target.query}")
    return seen
