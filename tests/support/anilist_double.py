"""A stand-in for AniList's GraphQL API: an http.server on a free loopback port, in a thread.

AniList cannot be reached from the test machines. What the double does is written from
AniList's documentation (https://docs.anilist.co: "Getting Started", "Errors", "Rate
Limiting", and the reference for Media, MediaTitle, FuzzyDate, MediaTag, StaffConnection),
with the field names and nesting the real service uses. What each piece stands for:

- POST / with a JSON body {"query": "...", "variables": {...}}; the answer is the GraphQL
  envelope {"data": ...} or {"data": null, "errors": [{"message", "status", "locations"}]},
  with the HTTP status of the error (400, 404, 429, 500). A body that is not JSON or has no
  query is a 400 "Must provide query string.".
- The query is really read (a small parser for the part of GraphQL clients send: fields,
  arguments, variables, nested selections) and only the fields asked for are answered. A
  field the type does not have is a 400 'Cannot query field "x" on type "Media".', as the
  real schema answers, so a client asking for a field AniList lacks fails here too.
- Page(page, perPage) { media(type: MANGA, search, sort) } searches the titles and synonyms
  (case-blind substring, exact matches first: a stand-in for SEARCH_MATCH's ranking).
- Media(id, type: MANGA): one series, or HTTP 404 with {"data": {"Media": null}, "errors":
  [{"message": "Not Found.", "status": 404}]} for an unknown id.
- staff(perPage) answers the first perPage edges; description(asHtml: false) still holds
  the <br> and <i> AniList stores.
- Every answer carries X-RateLimit-Limit: 90 and X-RateLimit-Remaining (counting down from
  89; `remaining_next(n)` sets the next value). `rate_limit_next(n, retry_after)`: the next
  n requests answer 429 with Retry-After, X-RateLimit-Remaining: 0, X-RateLimit-Reset (a
  Unix time) and {"data": null, "errors": [{"message": "Too Many Requests.", "status": 429}]}.
- `fail_next(n, status)`: the next n requests answer AniList's 500-style error envelope.
- `errors_in_200_next(n, keep_data)`: the next n requests answer 200 with an errors array
  ("Even if you receive a status code of 200, you may still receive an error"), with the
  data (a partial answer) or with "data": null.
- `garbage_next(n)`: the next n requests answer 502 with an HTML page, as a proxy in front
  of the API does during an outage.
- `delay_next(seconds)`: the next request waits before answering (a slow or hung server).

Every request is recorded in `requests` as (query, variables, headers). Simplifications:
fragments, aliases, directives and mutations are not understood (clients here send none).
The series are a few real ones (abridged) and three invented for the cases real data lacks.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.api_double import ApiDouble, send_answer

# The types a query may walk through, and the fields each has (those the records hold).
TYPES: dict[str, dict[str, str | None]] = {
    "Query": {"Page": "Page", "Media": "Media"},
    "Page": {"media": "Media", "pageInfo": "PageInfo"},
    "PageInfo": {"total": None, "currentPage": None, "hasNextPage": None, "perPage": None},
    "Media": {
        "id": None,
        "idMal": None,
        "type": None,
        "title": "MediaTitle",
        "synonyms": None,
        "format": None,
        "status": None,
        "countryOfOrigin": None,
        "startDate": "FuzzyDate",
        "coverImage": "MediaCoverImage",
        "siteUrl": None,
        "isAdult": None,
        "description": None,
        "genres": None,
        "tags": "MediaTag",
        "staff": "StaffConnection",
        "volumes": None,
        "chapters": None,
    },
    "MediaTitle": {"romaji": None, "english": None, "native": None, "userPreferred": None},
    "FuzzyDate": {"year": None, "month": None, "day": None},
    "MediaCoverImage": {"extraLarge": None, "large": None, "medium": None, "color": None},
    "MediaTag": {"id": None, "name": None, "rank": None, "isMediaSpoiler": None, "isAdult": None},
    "StaffConnection": {"edges": "StaffEdge"},
    "StaffEdge": {"role": None, "node": "Staff"},
    "Staff": {"id": None, "name": "StaffName"},
    "StaffName": {"full": None, "native": None},
}


def _media(
    id: int,
    romaji: str,
    english: str | None,
    native: str | None,
    *,
    synonyms: list[str],
    format: str = "MANGA",
    status: str,
    country: str,
    start: tuple[int | None, int | None, int | None],
    description: str | None,
    genres: list[str],
    tags: list[tuple[str, int, bool]],
    staff: list[tuple[str, str]],
    adult: bool = False,
    volumes: int | None = None,
    chapters: int | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "idMal": None,
        "type": "MANGA",
        "title": {
            "romaji": romaji,
            "english": english,
            "native": native,
            "userPreferred": romaji,
        },
        "synonyms": synonyms,
        "format": format,
        "status": status,
        "countryOfOrigin": country,
        "startDate": dict(zip(("year", "month", "day"), start, strict=True)),
        "coverImage": {
            "extraLarge": f"https://s4.anilist.co/file/anilistcdn/media/manga/cover/large/bx{id}.jpg",
            "large": f"https://s4.anilist.co/file/anilistcdn/media/manga/cover/medium/bx{id}.jpg",
            "medium": f"https://s4.anilist.co/file/anilistcdn/media/manga/cover/small/bx{id}.jpg",
            "color": "#e4a15d",
        },
        "siteUrl": f"https://anilist.co/manga/{id}",
        "isAdult": adult,
        "description": description,
        "genres": genres,
        "tags": [
            {"id": n, "name": name, "rank": rank, "isMediaSpoiler": spoiler, "isAdult": False}
            for n, (name, rank, spoiler) in enumerate(tags, start=1)
        ],
        "staff": {
            "edges": [
                {"role": role, "node": {"id": n, "name": {"full": name, "native": None}}}
                for n, (name, role) in enumerate(staff, start=1)
            ]
        },
        "volumes": volumes,
        "chapters": chapters,
    }


MEDIA = {
    m["id"]: m
    for m in [
        _media(
            30013,
            "ONE PIECE",
            "One Piece",
            "ONE PIECE",
            synonyms=["ワンピース", "원피스"],
            status="RELEASING",
            country="JP",
            start=(1997, 7, 22),
            description=(
                "Gol D. Roger, a man referred to as the <i>Pirate King</i>, was set to be "
                "executed.<br><br>\n(Source: Viz Media)"
            ),
            genres=["Action", "Adventure", "Comedy", "Drama", "Fantasy"],
            tags=[
                ("Pirates", 96, False),
                ("Shounen", 92, False),
                ("Ensemble Cast", 88, False),
                ("Time Skip", 80, True),  # a spoiler tag
                ("Cyborg", 20, False),  # ranked too low to be sure of
            ],
            staff=[
                ("Eiichiro Oda", "Story & Art"),
                ("Stephen Paul", "Translator (English)"),
                ("Rina Mapa", "Lettering (English)"),
                ("Someone Else", "Assistant"),
            ],
        ),
        _media(
            30002,
            "Berserk",
            "Berserk",
            "ベルセルク",
            synonyms=[],
            status="HIATUS",
            country="JP",
            start=(1989, 8, 25),
            description="Guts, a former mercenary now known as the Black Swordsman.",
            genres=["Action", "Adventure", "Drama", "Fantasy", "Horror"],
            tags=[("Dark Fantasy", 95, False), ("Seinen", 93, False)],
            staff=[("Kentarou Miura", "Story & Art"), ("Jason DeAngelis", "Editing (English)")],
            volumes=42,
        ),
        _media(
            30003,
            "Berserk: The Prototype",
            "Berserk: The Prototype",
            "ベルセルク プロトタイプ",
            synonyms=[],
            format="ONE_SHOT",
            status="FINISHED",
            country="JP",
            start=(1988, None, None),
            description=None,
            genres=["Action", "Fantasy"],
            tags=[],
            staff=[("Kentarou Miura", "Story & Art")],
        ),
        _media(
            105398,
            "Na Honjaman Level Up",
            "Solo Leveling",
            "나 혼자만 레벨업",
            synonyms=["I Level Up Alone", "俺だけレベルアップな件"],
            status="FINISHED",
            country="KR",
            start=(2018, 3, 4),
            description="10 years ago, after \u201cthe Gate\u201d that connected the real world.",
            genres=["Action", "Adventure", "Fantasy"],
            tags=[("Long Strip", 100, False), ("Full Color", 98, False)],
            staff=[("Chugong", "Original Story"), ("DUBU", "Art")],
        ),
        # Invented: two series with one name (years tell them apart), a novel, an adult one.
        _media(
            900001,
            "Jade River",
            "Jade River",
            "玉河",
            synonyms=[],
            status="CANCELLED",
            country="CN",
            start=(2015, 1, 1),
            description="A ferryman's daughter.",
            genres=["Drama"],
            tags=[("Historical", 70, False)],
            staff=[("Lin Wei", "Story"), ("Zhao Min", "Art"), ("Q. Colors", "Colorist")],
        ),
        _media(
            900002,
            "Jade River",
            "Jade River",
            "玉河",
            synonyms=[],
            status="RELEASING",
            country="CN",
            start=(2022, 5, 1),
            description="A remake.",
            genres=["Drama"],
            tags=[],
            staff=[],
        ),
        _media(
            900003,
            "Yoru no Niwa",
            "Night Garden",
            "夜の庭",
            synonyms=[],
            format="ONE_SHOT",
            status="NOT_YET_RELEASED",
            country="JP",
            start=(2020, None, None),
            description=None,
            genres=["Romance"],
            tags=[],
            staff=[],
            adult=True,
        ),
        _media(
            900004,
            "Kawa no Hon",
            "The River Book",
            None,
            synonyms=[],
            format="NOVEL",
            status="FINISHED",
            country="JP",
            start=(2011, None, None),
            description=None,
            genres=[],
            tags=[],
            staff=[],
        ),
    ]
}


@contextmanager
def serving_anilist(settings: Any) -> Iterator[AniListDouble]:
    """The double on loopback, pytest-django's `settings` pointing at it; loopback passes the
    SSRF guard here only because INGEST_ALLOWED_HOSTS says so."""
    with AniListDouble() as double:
        settings.ANILIST_API_URL = double.url
        settings.ANILIST_TIMEOUT = 5
        settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
        yield double


class GraphQLError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class AniListDouble(ApiDouble):
    def __init__(self) -> None:
        super().__init__(_handler(self))
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self._rate_limits, self._retry_after = 0, 30
        self._failures, self._failure_status = 0, 500
        self._errors_in_200, self._keep_data = 0, False
        self._remaining = 89

    def rate_limit_next(self, count: int, retry_after: int = 30) -> None:
        with self._lock:
            self._rate_limits, self._retry_after = count, retry_after

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self._failures, self._failure_status = count, status

    def errors_in_200_next(self, count: int, keep_data: bool) -> None:
        with self._lock:
            self._errors_in_200, self._keep_data = count, keep_data

    def remaining_next(self, remaining: int) -> None:
        with self._lock:
            self._remaining = remaining

    def answer(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """(status, extra headers, body bytes) for one POST."""
        try:
            request = json.loads(body)
        except ValueError:
            request = None
        query = request.get("query") if isinstance(request, dict) else None
        variables = request.get("variables") if isinstance(request, dict) else None
        with self._lock:
            self.requests.append((str(query), variables or {}, headers))
            delay, self._delay = self._delay, 0.0
            limited = self._rate_limits > 0
            self._rate_limits -= limited
            failing = self._failures > 0
            self._failures -= failing
            errors_in_200 = self._errors_in_200 > 0
            self._errors_in_200 -= errors_in_200
            garbage = self._garbage > 0
            self._garbage -= garbage
            remaining, self._remaining = self._remaining, max(0, self._remaining - 1)
        if delay:
            time.sleep(delay)
        if limited:
            return _rate_limited(self._retry_after)
        rate = {"X-RateLimit-Limit": "90", "X-RateLimit-Remaining": str(remaining)}
        if garbage:
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            return 502, {**rate, "Content-Type": "text/html"}, page
        if failing:
            return self._failure_status, rate, _errors("Internal Server Error", 500)
        if not isinstance(query, str) or not query.strip():
            return 400, rate, _errors("Must provide query string.", 400)
        try:
            data = execute(query, variables if isinstance(variables, dict) else {})
        except GraphQLError as error:
            data_field = {"Media": None} if error.status == 404 else None
            return error.status, rate, _errors(str(error), error.status, data_field)
        if errors_in_200:
            return (
                200,
                rate,
                _errors("Internal Server Error", 500, data if self._keep_data else None),
            )
        return 200, rate, json.dumps({"data": data}).encode()


def _rate_limited(retry_after: int) -> tuple[int, dict[str, str], bytes]:
    headers = {
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": "90",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time()) + retry_after),
    }
    return 429, headers, _errors("Too Many Requests.", 429)


def _errors(message: str, status: int, data: Any = None) -> bytes:
    error = {"message": message, "status": status, "locations": [{"line": 1, "column": 1}]}
    return json.dumps({"data": data, "errors": [error]}).encode()


# A small GraphQL reader: enough of the language for the queries clients send here.

_TOKEN = re.compile(
    r'\s*(?:(\.\.\.|[{}():\[\],!$@=])|([_A-Za-z][_0-9A-Za-z]*)|(-?\d+)|("(?:[^"\\]|\\.)*"))'
)


def _tokens(query: str) -> list[str]:
    query = re.sub(r"#[^\n]*", "", query)
    tokens, position = [], 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None:
            if query[position:].strip():
                raise GraphQLError(f"Syntax Error: Unexpected character at {position}.")
            break
        tokens.append(match.group(match.lastindex or 0))
        position = match.end()
    return tokens


class _Reader:
    def __init__(self, query: str, variables: dict[str, Any]) -> None:
        self.tokens = _tokens(query)
        self.at = 0
        self.variables = variables

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise GraphQLError(f'Syntax Error: Expected "{expected}", found {token!r}.')
        self.at += 1
        return token

    def document(self) -> list[tuple[str, dict[str, Any], list[Any]]]:
        if self.peek() == "query":
            self.take()
            if self.peek() not in ("(", "{"):
                self.take()  # the operation's name
            if self.peek() == "(":
                self.skip_balanced("(", ")")  # variable definitions: values come in variables
        elif self.peek() in ("mutation", "subscription"):
            raise GraphQLError("The double answers queries only.")
        selection = self.selection()
        if self.peek() is not None:
            raise GraphQLError(f"Syntax Error: Unexpected {self.peek()!r}.")
        return selection

    def skip_balanced(self, opening: str, closing: str) -> None:
        depth = 0
        while True:
            token = self.take()
            depth += token == opening
            depth -= token == closing
            if depth == 0:
                return

    def selection(self) -> list[tuple[str, dict[str, Any], list[Any]]]:
        self.take("{")
        fields = []
        while self.peek() != "}":
            name = self.take()
            if not re.fullmatch(r"[_A-Za-z]\w*", name):
                raise GraphQLError(f"Syntax Error: Unexpected {name!r}.")
            arguments = self.arguments() if self.peek() == "(" else {}
            children = self.selection() if self.peek() == "{" else []
            fields.append((name, arguments, children))
            if self.peek() == ",":
                self.take()
        self.take("}")
        return fields

    def arguments(self) -> dict[str, Any]:
        self.take("(")
        found = {}
        while self.peek() != ")":
            name = self.take()
            self.take(":")
            found[name] = self.value()
            if self.peek() == ",":
                self.take()
        self.take(")")
        return found

    def value(self) -> Any:
        token = self.take()
        if token == "$":
            return self.variables.get(self.take())
        if token == "[":
            items = []
            while self.peek() != "]":
                items.append(self.value())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return items
        if token.startswith('"'):
            return json.loads(token)
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        return {"true": True, "false": False, "null": None}.get(token, token)  # enums as str


def execute(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    selection = _Reader(query, variables).document()
    return {name: _root(name, arguments, children) for name, arguments, children in selection}


def _root(name: str, arguments: dict[str, Any], children: list[Any]) -> Any:
    if name == "Media":
        media = MEDIA.get(arguments.get("id"))
        if media is None or arguments.get("type", "MANGA") != "MANGA":
            raise GraphQLError("Not Found.", 404)
        return _project(media, children, "Media")
    if name == "Page":
        per_page = min(int(arguments.get("perPage") or 50), 50)
        page = {"media": None, "pageInfo": {}}
        projected = {}
        for field, field_arguments, grandchildren in children:
            _check(field, "Page")
            if field == "media":
                found = _search(field_arguments)[:per_page]
                projected[field] = [_project(m, grandchildren, "Media") for m in found]
            else:
                page["pageInfo"] = {"total": None, "currentPage": 1, "hasNextPage": False}
                projected[field] = _project(page["pageInfo"], grandchildren, "PageInfo")
        return projected
    raise GraphQLError(f'Cannot query field "{name}" on type "Query".')


def _search(arguments: dict[str, Any]) -> list[dict[str, Any]]:
    wanted = " ".join(str(arguments.get("search") or "").casefold().split())
    found = []
    for media in MEDIA.values():
        if arguments.get("type", "MANGA") != media["type"]:
            continue
        names = [t for t in media["title"].values() if t] + media["synonyms"]
        folded = [n.casefold() for n in names]
        if not wanted or any(wanted in n for n in folded):
            found.append((wanted not in folded, media["id"], media))
    return [media for _, _, media in sorted(found, key=lambda f: (f[0], f[1]))]


def _check(field: str, type_name: str) -> str | None:
    if field not in TYPES[type_name]:
        raise GraphQLError(f'Cannot query field "{field}" on type "{type_name}".')
    return TYPES[type_name][field]


def _project(record: Any, selection: list[Any], type_name: str) -> Any:
    if record is None:
        return None
    if isinstance(record, list):
        return [_project(item, selection, type_name) for item in record]
    answer = {}
    for field, arguments, children in selection:
        child_type = _check(field, type_name)
        value = record.get(field)
        if field == "staff" and isinstance(value, dict):
            per_page = int(arguments.get("perPage") or 25)
            value = {"edges": value["edges"][:per_page]}
        if child_type is not None:
            if not children:
                raise GraphQLError(
                    f'Field "{field}" of type "{child_type}" must have a selection of subfields.'
                )
            answer[field] = _project(value, children, child_type)
        else:
            answer[field] = value
    return answer


def _handler(double: AniListDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1024 * 1024))
            headers = {k.lower(): v for k, v in self.headers.items()}
            send_answer(self, *double.answer(body, headers))

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output quiet

    return Handler
