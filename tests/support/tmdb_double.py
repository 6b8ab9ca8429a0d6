"""A stand-in for TMDB's API v3: an http.server on a free loopback port, in a thread.

TMDB cannot be reached from the test machines. The JSON below is written from TMDB's
documentation (https://developer.themoviedb.org/reference/intro/getting-started) with the
field names and nesting the real service uses. What each piece stands for:

- Authentication: the v3 key as the `api_key` query parameter, or a v4 read access token as
  `Authorization: Bearer`. Anything else answers 401 with TMDB's error body
  {"success": false, "status_code": 7, "status_message": "Invalid API key: You must be
  granted a valid key."}.
- GET /3/search/movie (query, year, language) and /3/search/tv (query, first_air_date_year):
  a page {"page", "results", "total_pages", "total_results"}; movie hits carry title,
  original_title, release_date; tv hits carry name, original_name, first_air_date.
- GET /3/movie/{id} and /3/tv/{id}: the details object. `append_to_response` nests the named
  sub-answers (credits, release_dates, content_ratings, external_ids) under their own keys,
  and only when asked for, as TMDB does.
- An unknown id answers 404 {"success": false, "status_code": 34, "status_message": "The
  resource you requested could not be found."}.
- `rate_limit_next(n, retry_after)`: the next n requests answer 429 with a Retry-After header
  and status_code 25, as TMDB does when a key asks too fast.
- `garbage_next(n)`: the next n requests answer 200 with an HTML page, as a proxy or an outage
  page in front of the API does.
- `delay_next(seconds)`: the next request waits before answering (a slow or hung server).

Every request is recorded in `requests` as (path, query parameters, headers), so tests can
count what reached the server. Simplifications: one page of results, search matches a
case-insensitive substring of the title, and records hold the fields the client reads plus a
few neighbours.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.support.api_double import ApiDouble, send_answer

API_KEY = "double-api-key-5f2b9c"
READ_TOKEN = "eyJhbGciOiJIUzI1NiJ9.double-read-token.c2lnbmF0dXJl"

MOVIES = {
    603: {
        "adult": False,
        "backdrop_path": "/fNG7i7RqMErkcqhohV2a6cV1Ehy.jpg",
        "genres": [{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}],
        "id": 603,
        "imdb_id": "tt0133093",
        "original_language": "en",
        "original_title": "The Matrix",
        "overview": "Set in the 22nd century, The Matrix tells the story of a computer hacker.",
        "popularity": 80.1,
        "poster_path": "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg",
        "release_date": "1999-03-30",
        "runtime": 136,
        "status": "Released",
        "title": "The Matrix",
        "vote_average": 8.2,
        "_credits": {
            # Listed out of billing order on purpose: the client must sort by "order".
            "cast": [
                {"id": 2975, "name": "Laurence Fishburne", "character": "Morpheus", "order": 1},
                {"id": 6384, "name": "Keanu Reeves", "character": "Neo", "order": 0},
                {"id": 530, "name": "Carrie-Anne Moss", "character": "Trinity", "order": 2},
            ],
            "crew": [
                {
                    "id": 9340,
                    "name": "Lana Wachowski",
                    "department": "Directing",
                    "job": "Director",
                },
                {
                    "id": 9339,
                    "name": "Lilly Wachowski",
                    "department": "Directing",
                    "job": "Director",
                },
                {"id": 9340, "name": "Lana Wachowski", "department": "Writing", "job": "Writer"},
                {
                    "id": 9340,
                    "name": "Lana Wachowski",
                    "department": "Writing",
                    "job": "Screenplay",
                },
                {"id": 1091, "name": "Joel Silver", "department": "Production", "job": "Producer"},
                {
                    "id": 1050,
                    "name": "Bill Pope",
                    "department": "Camera",
                    "job": "Director of Photography",
                },
            ],
        },
        "_release_dates": [
            {"iso_3166_1": "GB", "release_dates": [{"certification": "15", "type": 3}]},
            {
                "iso_3166_1": "US",
                "release_dates": [
                    {"certification": "", "type": 4, "release_date": "1999-09-21T00:00:00.000Z"},
                    {"certification": "R", "type": 3, "release_date": "1999-03-31T00:00:00.000Z"},
                ],
            },
        ],
        "_external_ids": {"imdb_id": "tt0133093", "facebook_id": "TheMatrixMovie"},
    },
    604: {
        "id": 604,
        "title": "The Matrix Reloaded",
        "original_title": "The Matrix Reloaded",
        "release_date": "2003-05-15",
        "overview": "Six months after the events depicted in The Matrix...",
        "poster_path": "/9TGHDvWrqKBzwDxDodHYXEmOE6J.jpg",
        "genres": [{"id": 28, "name": "Action"}],
        "runtime": 138,
        "_credits": {"cast": [], "crew": []},
        "_release_dates": [],
        "_external_ids": {"imdb_id": "tt0234215"},
    },
}

SHOWS = {
    1396: {
        "backdrop_path": "/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg",
        "created_by": [
            {"id": 66633, "credit_id": "52542286760ee31328001a7b", "name": "Vince Gilligan"}
        ],
        "episode_run_time": [45, 47],
        "first_air_date": "2008-01-20",
        "genres": [{"id": 18, "name": "Drama"}, {"id": 80, "name": "Crime"}],
        "id": 1396,
        "name": "Breaking Bad",
        "original_name": "Breaking Bad",
        "overview": "Walter White, a New Mexico chemistry teacher, is diagnosed with cancer.",
        "poster_path": "/ggFHVNu6YYI5L9pCfOacjizRGt.jpg",
        "seasons": [
            {
                "air_date": "2009-02-17",
                "episode_count": 9,
                "id": 3577,
                "name": "Specials",
                "overview": "",
                "season_number": 0,
            },
            {
                "air_date": "2008-01-20",
                "episode_count": 7,
                "id": 3572,
                "name": "Season 1",
                "overview": "High school chemistry teacher Walter White's life is suddenly "
                "transformed.",
                "season_number": 1,
            },
            {
                "air_date": "2009-03-08",
                "episode_count": 13,
                "id": 3573,
                "name": "Season 2",
                "overview": "",
                "season_number": 2,
            },
        ],
        "_credits": {
            "cast": [
                {"id": 84497, "name": "Aaron Paul", "character": "Jesse Pinkman", "order": 1},
                {"id": 17419, "name": "Bryan Cranston", "character": "Walter White", "order": 0},
            ],
            "crew": [],
        },
        "_content_ratings": [
            {"iso_3166_1": "DE", "rating": "16"},
            {"iso_3166_1": "US", "rating": "TV-MA"},
        ],
        "_external_ids": {"imdb_id": "tt0903747", "tvdb_id": 81189},
    },
}

UNAUTHORIZED = {
    "success": False,
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
}
NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}
RATE_LIMITED = {
    "success": False,
    "status_code": 25,
    "status_message": "Your request count (#) is over the allowed limit of (40).",
}


class TMDBDouble(ApiDouble):
    path = "/3"

    def __init__(self) -> None:
        super().__init__(_handler(self))
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._rate_limits, self._retry_after = 0, "3"

    def rate_limit_next(self, count: int, retry_after: int | str = 3) -> None:
        with self._lock:
            self._rate_limits, self._retry_after = count, str(retry_after)

    def answer(self, path: str, params: dict[str, str], headers: dict[str, str]):
        """(status, extra headers, body bytes) for one request."""
        with self._lock:
            self.requests.append((path, params, headers))
            delay, self._delay = self._delay, 0.0
            limited = self._rate_limits > 0
            self._rate_limits -= limited
            garbage = self._garbage > 0
            self._garbage -= garbage
        if delay:
            time.sleep(delay)
        if limited:
            return 429, {"Retry-After": self._retry_after}, _json(RATE_LIMITED)
        if garbage:
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            return 200, {"Content-Type": "text/html"}, page
        bearer = headers.get("authorization", "") == f"Bearer {READ_TOKEN}"
        if params.get("api_key") != API_KEY and not bearer:
            return 401, {}, _json(UNAUTHORIZED)
        return self._route(path.removeprefix("/3"), params)

    def _route(self, path: str, params: dict[str, str]):
        parts = path.strip("/").split("/")
        if parts == ["search", "movie"]:
            return 200, {}, _json(_search(MOVIES, params, "title", "release_date", "year"))
        if parts == ["search", "tv"]:
            found = _search(SHOWS, params, "name", "first_air_date", "first_air_date_year")
            return 200, {}, _json(found)
        if len(parts) == 2 and parts[0] in ("movie", "tv") and parts[1].isdigit():
            records = MOVIES if parts[0] == "movie" else SHOWS
            record = records.get(int(parts[1]))
            if record is not None:
                return 200, {}, _json(_details(record, params.get("append_to_response", "")))
        return 404, {}, _json(NOT_FOUND)


def _search(records: dict, params: dict, name: str, date: str, year_param: str) -> dict:
    query = params.get("query", "").lower()
    year = params.get(year_param, "")
    results = [
        {k: v for k, v in record.items() if not k.startswith("_") and k != "seasons"}
        for record in records.values()
        if query in record[name].lower() and record[date].startswith(year)
    ]
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


def _details(record: dict, append: str) -> dict:
    answer = {k: v for k, v in record.items() if not k.startswith("_")}
    for name in filter(None, append.split(",")):
        if name == "credits":
            answer["credits"] = {"id": record["id"], **record["_credits"]}
        elif name in ("release_dates", "content_ratings"):
            answer[name] = {"id": record["id"], "results": record.get(f"_{name}", [])}
        elif name == "external_ids":
            answer["external_ids"] = {"id": record["id"], **record["_external_ids"]}
    return answer


def _json(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def _handler(double: TMDBDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            send_answer(self, *double.answer(url.path, params, headers))

        def log_message(self, format, *args) -> None:
            pass  # keep test output quiet

    return Handler
