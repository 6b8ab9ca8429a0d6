"""TMDB API v3 (https://developer.themoviedb.org/docs) over the standard library.

urllib rather than requests: one GET with a timeout needs nothing more, and the runtime
requirements stay as chosen (requirements.txt). Settings: TMDB_API_KEY, TMDB_API_URL,
TMDB_LANGUAGE, TMDB_TIMEOUT. The API URL is the operator's setting, never user input, so it is
not put through the SSRF guard; images are (see apply.store_images).

The API key never leaves this module in a message: it is sent as the `api_key` query
parameter (or, for a v4 read access token, as a Bearer header), cache keys and logs use the
URL without it, and every error message is scrubbed of it before it is raised.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from shadowvault import stored_settings
from streaming.metadata.base import (
    FILM,
    SERIES,
    Candidate,
    CreditInfo,
    Details,
    MetadataError,
    MetadataNotFound,
    MetadataUnavailable,
    SeasonInfo,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.themoviedb.org/3"
IMAGE_URL = "https://image.tmdb.org/t/p/"
POSTER_SIZE = "w780"  # sizes TMDB's /configuration lists; "original" posters run to megabytes
BACKDROP_SIZE = "w1280"
CACHE_SECONDS = 24 * 60 * 60
MAX_BODY = 4 * 1024 * 1024  # a details answer with credits is ~100 KiB; more is not TMDB
MAX_CAST = 50  # TMDB lists every extra; the site shows the top billing
_PATHS = {FILM: "movie", SERIES: "tv"}
_CREW_ROLES = {
    "Director": "director",
    "Screenplay": "writer",
    "Writer": "writer",
    "Teleplay": "writer",
    "Story": "writer",
    "Producer": "producer",
}
_IMAGE_PATH = re.compile(r"/[\w.-]+")
_IMDB_ID = re.compile(r"tt\d{7,10}")


class _NoRedirect(HTTPRedirectHandler):
    # TMDB's API does not redirect; following one would carry the key to another URL.
    def redirect_request(self, *args, **kwargs):
        return None


class TMDBProvider:
    name = "tmdb"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_API_URL,
        language: str = "en-US",
        timeout: float = 10.0,
        retries: int = 3,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.language = language
        # Certifications are per country; the language's region picks one (en-US -> US).
        self.region = language.partition("-")[2].upper() or "US"
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._opener = build_opener(_NoRedirect)

    @classmethod
    def from_settings(cls, **overrides: Any) -> TMDBProvider:
        options = {
            "base_url": getattr(settings, "TMDB_API_URL", DEFAULT_API_URL),
            "language": getattr(settings, "TMDB_LANGUAGE", "en-US"),
            "timeout": getattr(settings, "TMDB_TIMEOUT", 10.0),
            **overrides,
        }
        # The admin's stored key, else the environment's (shadowvault/stored_settings.py).
        return cls(stored_settings.tmdb_api_key(), **options)

    def search(
        self, title: str, year: int | None = None, kind: str | None = None
    ) -> list[Candidate]:
        query = title.strip()
        if not query:
            return []
        found: list[Candidate] = []
        for each in [kind] if kind else [FILM, SERIES]:
            params: dict[str, Any] = {"query": query, "language": self.language}
            if year:
                params["year" if each == FILM else "first_air_date_year"] = year
            path = f"/search/{_path(each)}"
            results = self._get(path, params, what=path).get("results")
            if not isinstance(results, list):
                raise MetadataError("TMDB answered a search without a list of results")
            found += [c for item in _dicts(results) if (c := _candidate(item, each))]
        return found

    def details(self, external_id: str, kind: str) -> Details:
        tmdb_id = str(external_id).strip()
        # Only digits reach the URL path: an id is never allowed to add path segments.
        if not tmdb_id.isascii() or not tmdb_id.isdigit():
            raise MetadataNotFound(f"{tmdb_id[:40]!r} is not a TMDB id")
        path = _path(kind)
        ratings = "release_dates" if kind == FILM else "content_ratings"
        params = {
            "language": self.language,
            "append_to_response": f"credits,{ratings},external_ids",
        }
        data = self._get(f"/{path}/{tmdb_id}", params, what=f"{path} with id {tmdb_id}")
        if kind == FILM:
            return _movie(data, self.region)
        return _series(data, self.region)

    def _get(self, path: str, params: dict[str, Any], *, what: str) -> dict:
        if not self._api_key:
            raise MetadataError("TMDB is not configured: set TMDB_API_KEY or Admin → Settings")
        public_url = f"{self.base_url}{path}?{urlencode(sorted(params.items()))}"
        cache_key = "metadata:tmdb:" + hashlib.sha256(public_url.encode()).hexdigest()
        if (cached := cache.get(cache_key)) is not None:
            return cached
        try:
            data = self._fetch(public_url, what)
        except MetadataError as error:
            # One place makes sure no message can carry the key, whatever TMDB echoed.
            scrubbed = type(error)(str(error).replace(self._api_key, "***"))
            logger.warning("TMDB lookup failed for %s: %s", public_url, scrubbed)
            raise scrubbed from None
        cache.set(cache_key, data, CACHE_SECONDS)
        return data

    def _fetch(self, public_url: str, what: str) -> dict:
        attempt = 0
        while True:
            status, retry_after, body = self._send(public_url)
            if status != 429:
                return _decode(status, body, what)
            # TMDB answers 429 with Retry-After (status_code 25) when a key asks too fast.
            if attempt >= self.retries or retry_after > self.max_wait:
                raise MetadataUnavailable(f"TMDB rate limit: retry after {retry_after:g} s")
            logger.info("TMDB rate limit on %s, waiting %g s", public_url, retry_after)
            self._sleep(retry_after)
            attempt += 1

    def _send(self, public_url: str) -> tuple[int, float, bytes]:
        url, headers = public_url, {"Accept": "application/json"}
        if self._api_key.startswith("eyJ"):  # a v4 read access token (a JWT)
            headers["Authorization"] = f"Bearer {self._api_key}"
        else:
            url += "&" + urlencode({"api_key": self._api_key})
        request = Request(url, headers=headers)  # noqa: S310 - the operator's https URL
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, 0.0, response.read(MAX_BODY + 1)
        except HTTPError as error:
            with error:
                body = error.read(MAX_BODY + 1)
            return error.code, _retry_after(error.headers.get("Retry-After")), body
        except TimeoutError:
            raise MetadataUnavailable(f"TMDB did not answer within {self.timeout:g} s") from None
        except URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise MetadataUnavailable(
                    f"TMDB did not answer within {self.timeout:g} s"
                ) from None
            raise MetadataUnavailable(f"TMDB could not be reached: {error.reason}") from None
        except (OSError, http.client.HTTPException) as error:
            raise MetadataUnavailable(f"TMDB broke off the answer: {error!r}") from None


def _decode(status: int, body: bytes, what: str) -> dict:
    if len(body) > MAX_BODY:
        raise MetadataError(f"TMDB answered more than {MAX_BODY // 1024 // 1024} MiB")
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if 200 <= status < 300:
        if not isinstance(payload, dict):
            raise MetadataError("TMDB answered something that is not JSON")
        return payload
    # TMDB errors are {"success": false, "status_code": 7, "status_message": "..."}.
    message = _text(payload.get("status_message"))[:200] if isinstance(payload, dict) else ""
    detail = f": {message}" if message else ""
    if status == 401:
        raise MetadataError(f"TMDB refused the API key (401){detail}")
    if status == 404:
        raise MetadataNotFound(f"TMDB has no {what} (404)")
    if 300 <= status < 400:
        raise MetadataError(f"TMDB answered with a redirect ({status}); check TMDB_API_URL")
    if status >= 500:
        raise MetadataUnavailable(f"TMDB is failing ({status}){detail}")
    raise MetadataError(f"TMDB refused the request ({status}){detail}")


def _retry_after(value: str | None) -> float:
    # RFC 9110 10.2.3: delay-seconds or an HTTP-date. Without one, wait a second.
    if not value:
        return 1.0
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return 1.0


def _path(kind: str) -> str:
    try:
        return _PATHS[kind]
    except KeyError:
        raise ValueError(f"kind must be {FILM!r} or {SERIES!r}, not {kind!r}") from None


# TMDB's JSON is outside input: every field is checked for its type before use.
def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _positive(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _year(value: object) -> int | None:
    head = _text(value)[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def _image(value: object, size: str) -> str | None:
    path = _text(value)
    return f"{IMAGE_URL}{size}{path}" if _IMAGE_PATH.fullmatch(path) else None


def _imdb(value: object) -> str | None:
    text = _text(value)
    return text if _IMDB_ID.fullmatch(text) else None


def _candidate(item: dict, kind: str) -> Candidate | None:
    tmdb_id = _positive(item.get("id"))
    name = _text(item.get("title" if kind == FILM else "name"))
    if not tmdb_id or not name:
        return None
    return Candidate(
        provider="tmdb",
        external_id=str(tmdb_id),
        title=name,
        original_title=_text(item.get("original_title" if kind == FILM else "original_name")),
        year=_year(item.get("release_date" if kind == FILM else "first_air_date")),
        kind=kind,
        overview=_text(item.get("overview")),
        poster_url=_image(item.get("poster_path"), POSTER_SIZE) or "",
    )


def _common(data: dict, kind: str, title: str) -> Details:
    if not title:
        raise MetadataError("TMDB answered a title without a name")
    return Details(
        provider="tmdb",
        kind=kind,
        title=title,
        overview=_text(data.get("overview")) or None,
        genres=[n for g in _dicts(data.get("genres")) if (n := _text(g.get("name")))],
        tmdb_id=_positive(data.get("id")),
        imdb_id=_imdb(data.get("imdb_id")) or _imdb(_dict(data.get("external_ids")).get("imdb_id")),
        poster=_image(data.get("poster_path"), POSTER_SIZE),
        backdrop=_image(data.get("backdrop_path"), BACKDROP_SIZE),
    )


def _movie(data: dict, region: str) -> Details:
    details = _common(data, FILM, _text(data.get("title")))
    details.original_title = _text(data.get("original_title")) or None
    details.year = _year(data.get("release_date"))
    details.runtime_minutes = _positive(data.get("runtime"))
    countries = _by_country(_dict(data.get("release_dates")).get("results"), region)
    for country in countries:
        # Theatrical (type 3) is the rating people know; other release types often have none.
        dates = sorted(_dicts(country.get("release_dates")), key=lambda d: d.get("type") != 3)
        if rating := next((c for d in dates if (c := _text(d.get("certification")))), ""):
            details.content_rating = rating
            break
    details.credits = _credits(_dict(data.get("credits")), creators=[])
    return details


def _series(data: dict, region: str) -> Details:
    details = _common(data, SERIES, _text(data.get("name")))
    details.original_title = _text(data.get("original_name")) or None
    details.year = _year(data.get("first_air_date"))
    runtimes = data.get("episode_run_time")
    details.runtime_minutes = next(
        (r for r in (runtimes if isinstance(runtimes, list) else []) if _positive(r)), None
    )
    countries = _by_country(_dict(data.get("content_ratings")).get("results"), region)
    details.content_rating = next((r for c in countries if (r := _text(c.get("rating")))), None)
    details.credits = _credits(_dict(data.get("credits")), _dicts(data.get("created_by")))
    details.seasons = [
        SeasonInfo(
            number=number,
            name=_text(season.get("name")),
            overview=_text(season.get("overview")),
            year=_year(season.get("air_date")),
        )
        for season in _dicts(data.get("seasons"))
        if isinstance(number := season.get("season_number"), int) and number >= 0
    ]
    return details


def _by_country(results: object, region: str) -> list[dict]:
    """The entries for the configured region, then for the US as the usual fallback."""
    rows = _dicts(results)
    return [
        r for want in dict.fromkeys([region, "US"]) for r in rows if r.get("iso_3166_1") == want
    ]


def _credits(credits: dict, creators: list[dict]) -> list[CreditInfo]:
    cast = sorted(_dicts(credits.get("cast")), key=_billing)
    people = [(c, "cast", _text(c.get("character"))) for c in cast[:MAX_CAST]]
    people += [(c, "creator", "") for c in creators]
    people += [
        (c, role, "")
        for c in _dicts(credits.get("crew"))
        if (role := _CREW_ROLES.get(_text(c.get("job")), ""))
    ]
    result, seen, order = [], set(), dict.fromkeys(["cast", "creator", *_CREW_ROLES.values()], 0)
    for person, role, character in people:
        name, person_id = _text(person.get("name")), _positive(person.get("id"))
        # A writer credited for both "Screenplay" and "Story" is one writer credit here.
        key = (person_id or name, role)
        if not name or key in seen:
            continue
        seen.add(key)
        result.append(CreditInfo(name, role, character, order[role], person_id))
        order[role] += 1
    return result


def _billing(cast_member: dict) -> int:
    # TMDB's "order" is the billing position (0 = top); entries without one go last.
    order = cast_member.get("order")
    return order if isinstance(order, int) else 1 << 30
