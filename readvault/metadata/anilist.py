"""AniList's public GraphQL API (https://docs.anilist.co) for manga series.

One POST to the API URL per query, with {"query", "variables"} as JSON; no key is needed for
the public data read here. The request goes through the SSRF guard (`ingest_core.ssrf`):
the host is resolved once, refused if it is not public (unless INGEST_ALLOWED_HOSTS lists it),
and connected to by the checked address, so a mistyped or hostile ANILIST_API_URL cannot
reach the private network. Redirects are not followed: the API never sends one.

The answer is the GraphQL envelope {"data": ..., "errors": [{"message", "status"}]}; AniList
puts errors in it even with a 200 (docs: "Errors"), and uses the HTTP status of the first
error (400, 404, 429, 500) otherwise. Rate limits (docs: "Rate Limiting"): 90 requests a
minute (30 while the API is degraded), X-RateLimit-Limit and X-RateLimit-Remaining on every
answer, and on a 429 a one-minute timeout with Retry-After (seconds) and X-RateLimit-Reset
(a Unix time). This client waits a Retry-After up to `max_wait` (a minute unless the caller
says less), a few times, and otherwise raises `RateLimited` naming the wait; once an answer
says no requests remain, the next one is held back for the minute rather than earn a
timeout. That pause is kept in the cache, so every worker process keeps to it.

Settings: ANILIST_API_URL (default the real one), ANILIST_TIMEOUT (seconds),
ANILIST_TITLE_LANGUAGE (english, romaji or native: which title becomes the series' title).
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import logging
import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache

from ingest_core.errors import DownloadFailed, SourceRefused
from ingest_core.guarded_http import request_target
from ingest_core.ssrf import check_url, guarded_connection
from readvault.metadata.provider import (
    Candidate,
    CreditInfo,
    MetadataError,
    MetadataNotFound,
    MetadataUnavailable,
    RateLimited,
    SeriesDetails,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graphql.anilist.co"
USER_AGENT = "ShadowVault-ReadVault/1.0"
CACHE_SECONDS = 24 * 60 * 60
MAX_BODY = 4 * 1024 * 1024  # a Media with 25 staff and all its tags is ~30 KiB
SEARCH_SIZE = 10
STAFF_SIZE = 25
MIN_TAG_RANK = 50  # AniList ranks tags 0-100 by votes; lower ones are often disputed
MAX_TAGS = 20
PAUSE_KEY = "metadata:anilist:pause-until"
RATE_WINDOW = 60.0  # seconds: "you will receive a 1 minute timeout"
ADULT_RATING = "Adults Only 18+"  # ComicInfo's AgeRating for AniList's isAdult
# AniList's "Long Strip" tag: "Manga that are formatted as a long vertical strip" (webtoons).
LONG_STRIP_TAG = "long strip"
_RUN_STATUSES = {
    "FINISHED": "completed",
    "RELEASING": "ongoing",
    "HIATUS": "hiatus",
    "CANCELLED": "cancelled",
}
# Staff roles as AniList writes them ("Story & Art", "Translator (English)"), lower-cased and
# without the bracketed language, to readvault's credit roles.
_ROLES = {
    "story & art": ("writer", "penciller"),
    "original story": ("writer",),
    "original creator": ("writer",),
    "story": ("writer",),
    "art": ("penciller",),
    "illustration": ("penciller",),
    "inking": ("inker",),
    "colorist": ("colorist",),
    "coloring": ("colorist",),
    "color": ("colorist",),
    "lettering": ("letterer",),
    "touch-up art & lettering": ("letterer",),
    "cover art": ("cover_artist",),
    "cover design": ("cover_artist",),
    "editing": ("editor",),
    "editor": ("editor",),
    "translator": ("translator",),
    "translation": ("translator",),
}
_TITLE_LANGUAGES = ("english", "romaji", "native")

MEDIA_FIELDS = """
  id
  title { romaji english native }
  synonyms
  format
  status
  countryOfOrigin
  startDate { year month day }
  coverImage { extraLarge large }
  siteUrl
  isAdult
"""
SEARCH_QUERY = (
    "query ($search: String, $perPage: Int) {\n"
    "  Page(page: 1, perPage: $perPage) {\n"
    "    media(type: MANGA, search: $search, sort: SEARCH_MATCH) {" + MEDIA_FIELDS + "}\n"
    "  }\n"
    "}\n"
)
DETAILS_QUERY = (
    "query ($id: Int, $staffPerPage: Int) {\n"
    "  Media(id: $id, type: MANGA) {"
    + MEDIA_FIELDS
    + """
    description(asHtml: false)
    genres
    tags { name rank isMediaSpoiler }
    staff(perPage: $staffPerPage, sort: [RELEVANCE, ID]) {
      edges { role node { name { full } } }
    }
  }
}
"""
)


class AniListProvider:
    name = "anilist"

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 10.0,
        title_language: str = "english",
        retries: int = 2,
        max_wait: float = RATE_WINDOW,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if title_language not in _TITLE_LANGUAGES:
            raise ValueError(f"title_language must be one of {_TITLE_LANGUAGES}")
        self.api_url = api_url
        self.timeout = timeout
        self.title_language = title_language
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def from_settings(cls, **overrides: Any) -> AniListProvider:
        options = {
            "api_url": getattr(settings, "ANILIST_API_URL", DEFAULT_API_URL),
            "timeout": getattr(settings, "ANILIST_TIMEOUT", 10.0),
            "title_language": getattr(settings, "ANILIST_TITLE_LANGUAGE", "english"),
            **overrides,
        }
        return cls(**options)

    def search(self, name: str, year: int | None = None) -> list[Candidate]:
        """Manga matching `name`, AniList's best match first; hits that started in `year`
        are moved ahead of the rest."""
        query = " ".join(name.split())[:200]
        if not query:
            return []
        variables = {"search": query, "perPage": SEARCH_SIZE}
        page = _dict(self._query(SEARCH_QUERY, variables, what=f"a search for {query!r}"))
        media = _dict(page.get("Page")).get("media")
        if not isinstance(media, list):
            raise MetadataError("AniList answered a search without a list of media")
        found = [c for item in _dicts(media) if (c := self._candidate(item))]
        return sorted(found, key=lambda c: year is not None and c.year != year)

    def details(self, external_id: str) -> SeriesDetails:
        anilist_id = str(external_id).strip()
        if not anilist_id.isascii() or not anilist_id.isdigit() or len(anilist_id) > 9:
            raise MetadataNotFound(f"{anilist_id[:40]!r} is not an AniList id")
        variables = {"id": int(anilist_id), "staffPerPage": STAFF_SIZE}
        data = _dict(self._query(DETAILS_QUERY, variables, what=f"manga {anilist_id}"))
        media = data.get("Media")
        if not isinstance(media, dict):
            raise MetadataNotFound(f"AniList has no manga with id {anilist_id}")
        return self._details(media)

    # The request

    def _query(self, query: str, variables: dict[str, Any], *, what: str) -> Any:
        body = json.dumps({"query": query, "variables": variables}, sort_keys=True).encode()
        key = "metadata:anilist:" + hashlib.sha256(self.api_url.encode() + body).hexdigest()
        if (cached := cache.get(key)) is not None:
            return cached
        data = self._answer(body, what)
        cache.set(key, data, CACHE_SECONDS)
        return data

    def _answer(self, body: bytes, what: str) -> Any:
        attempt = 0
        while True:
            self._hold_back()
            status, headers, payload = self._post(body)
            if headers.get("x-ratelimit-remaining", "").strip() == "0":
                # The next request would earn the one-minute timeout: wait it out first.
                self._pause_for(RATE_WINDOW)
            if status != 429:
                return _data(status, payload, what)
            wait = _retry_after(headers)
            self._pause_for(wait)
            if attempt >= self.retries or wait > self.max_wait:
                raise RateLimited(
                    f"AniList rate limit: asked to wait {wait:.0f} s before the next request",
                    retry_after=wait,
                )
            logger.info("AniList rate limit on %s, waiting %g s", what, wait)
            attempt += 1

    def _pause_for(self, seconds: float) -> None:
        # In the cache, so every worker process holds back, not only this one.
        cache.set(PAUSE_KEY, self._clock() + seconds, timeout=int(seconds) + 1)

    def _hold_back(self) -> None:
        until = cache.get(PAUSE_KEY)
        if not isinstance(until, float):
            return
        wait = until - self._clock()
        if wait > self.max_wait:
            raise RateLimited(
                f"AniList rate limit: no requests for another {wait:.0f} s", retry_after=wait
            )
        if wait > 0:
            self._sleep(wait)
        cache.delete(PAUSE_KEY)

    def _post(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            checked = check_url(self.api_url)
        except SourceRefused as error:
            raise MetadataError(f"ANILIST_API_URL is refused: {error}") from None
        except DownloadFailed as error:
            raise MetadataUnavailable(f"AniList could not be reached: {error}") from None
        connection = guarded_connection(
            checked, connect_timeout=self.timeout, read_timeout=self.timeout
        )
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        try:
            connection.request("POST", request_target(checked.url), body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read(MAX_BODY + 1)
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, answer_headers, payload
        except TimeoutError:
            raise MetadataUnavailable(f"AniList did not answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            raise MetadataUnavailable(f"AniList could not be reached: {error!r}") from None
        finally:
            connection.close()

    # The answer

    def _candidate(self, media: dict[str, Any]) -> Candidate | None:
        anilist_id = _positive(media.get("id"))
        titles = self._titles(media)
        if anilist_id is None or not titles:
            return None
        return Candidate(
            provider=self.name,
            external_id=str(anilist_id),
            title=titles[0],
            alternative_titles=tuple(titles[1:]),
            year=_year(media),
            format=_text(media.get("format")),
            country=_text(media.get("countryOfOrigin")).upper(),
            cover_url=_cover(media) or "",
            is_adult=media.get("isAdult") is True,
        )

    def _details(self, media: dict[str, Any]) -> SeriesDetails:
        titles = self._titles(media)
        if not titles:
            raise MetadataError("AniList answered a manga without a title")
        tags = _dicts(media.get("tags"))
        return SeriesDetails(
            provider=self.name,
            title=titles[0],
            alternative_titles=titles[1:],
            summary=_plain_text(media.get("description")) or None,
            run_status=_RUN_STATUSES.get(_text(media.get("status"))),
            genres=[g for item in _list(media.get("genres")) if (g := _text(item))],
            tags=_tags(tags),
            credits=_credits(_dict(media.get("staff")).get("edges")),
            reading_direction=_reading_direction(media, tags),
            age_rating=ADULT_RATING if media.get("isAdult") is True else None,
            year=_year(media),
            anilist_id=_positive(media.get("id")),
            web_url=_https(media.get("siteUrl")),
            cover_url=_cover(media),
        )

    def _titles(self, media: dict[str, Any]) -> list[str]:
        """The preferred language's title first, then the others and the synonyms."""
        title = _dict(media.get("title"))
        order = [self.title_language] + [t for t in _TITLE_LANGUAGES if t != self.title_language]
        names = [_text(title.get(language)) for language in order]
        names += [_text(s) for s in _list(media.get("synonyms"))]
        unique: dict[str, str] = {}
        for name in names:
            if name:
                unique.setdefault(name.casefold(), name)
        return list(unique.values())


def _data(status: int, payload: bytes, what: str) -> Any:
    if len(payload) > MAX_BODY:
        raise MetadataError(f"AniList answered more than {MAX_BODY // 1024 // 1024} MiB")
    try:
        envelope = json.loads(payload)
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        if status >= 500 or 200 <= status < 300:
            # An outage or proxy page in front of the API, not AniList itself.
            raise MetadataUnavailable(f"AniList answered {status} with something not JSON")
        raise MetadataError(f"AniList refused the request ({status})")
    errors = _dicts(envelope.get("errors"))
    data = envelope.get("data")
    if 200 <= status < 300 and not errors:
        return data
    first = errors[0] if errors else {}
    code = _positive(first.get("status")) or status
    message = _text(first.get("message"))[:200]
    detail = f": {message}" if message else ""
    if 200 <= status < 300 and isinstance(data, dict) and any(v is not None for v in data.values()):
        # GraphQL answers what it could; a failed side field does not spoil the rest.
        logger.warning("AniList answered %s with errors%s", what, detail)
        return data
    if code == 404:
        raise MetadataNotFound(f"AniList has no {what} (404)")
    if 300 <= status < 400:
        raise MetadataError(f"AniList answered with a redirect ({status}); check ANILIST_API_URL")
    if code >= 500:
        raise MetadataUnavailable(f"AniList is failing ({code}){detail}")
    raise MetadataError(f"AniList refused {what} ({code}){detail}")


def _retry_after(headers: dict[str, str]) -> float:
    # Retry-After in seconds (RFC 9110 10.2.3 also allows an HTTP-date), else
    # X-RateLimit-Reset as a Unix time, else AniList's documented one-minute timeout.
    value = headers.get("retry-after", "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    if value:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    reset = headers.get("x-ratelimit-reset", "").strip()
    if reset.isascii() and reset.isdigit():
        return min(max(0.0, int(reset) - time.time()), RATE_WINDOW * 10)
    return RATE_WINDOW


# AniList's JSON is outside input: every field is checked for its type before use.
def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _positive(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _year(media: dict[str, Any]) -> int | None:
    year = _positive(_dict(media.get("startDate")).get("year"))
    return year if year is not None and 1000 <= year <= 2999 else None


def _https(value: object) -> str | None:
    url = _text(value)
    return url if url.startswith("https://") and len(url) <= 500 else None


def _cover(media: dict[str, Any]) -> str | None:
    images = _dict(media.get("coverImage"))
    return _https(images.get("extraLarge")) or _https(images.get("large"))


def _plain_text(value: object) -> str:
    """AniList descriptions carry HTML (<br>, <i>) even with asHtml: false."""
    if not isinstance(value, str):
        return ""
    text = re.sub(r"(?i)<\s*br\s*/?\s*>", "\n", value)
    text = html.unescape(re.sub(r"<[^<>]{0,200}>", "", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _tags(tags: list[dict[str, Any]]) -> list[str]:
    kept = [
        (rank, name)
        for tag in tags
        if (name := _text(tag.get("name")))
        and tag.get("isMediaSpoiler") is not True
        and isinstance(rank := tag.get("rank"), int)
        and rank >= MIN_TAG_RANK
    ]
    return [name for _, name in sorted(kept, key=lambda pair: -pair[0])][:MAX_TAGS]


def _credits(edges: object) -> list[CreditInfo]:
    credits: dict[tuple[str, str], CreditInfo] = {}
    for edge in _dicts(edges):
        name = _text(_dict(_dict(edge.get("node")).get("name")).get("full"))
        role = re.sub(r"\s*\([^)]*\)", "", _text(edge.get("role"))).strip().lower()
        for readvault_role in _ROLES.get(role, ()):
            if name:
                credits.setdefault(
                    (name.casefold(), readvault_role), CreditInfo(name, readvault_role)
                )
    return list(credits.values())


def _reading_direction(media: dict[str, Any], tags: list[dict[str, Any]]) -> str | None:
    """Japanese manga read right to left; a long strip (most Korean and Chinese webtoons)
    scrolls; other Korean and Chinese comics read left to right. Novels have no direction."""
    if _text(media.get("format")) == "NOVEL":
        return None
    country = _text(media.get("countryOfOrigin")).upper()
    if any(_text(tag.get("name")).lower() == LONG_STRIP_TAG for tag in tags):
        return "webtoon"
    if country == "JP":
        return "rtl"
    if country in {"KR", "CN", "TW", "HK"}:
        return "ltr"
    return None
