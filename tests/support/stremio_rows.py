"""Addon tokens and the Stremio routes' path values, for the sweep (tests/test_security_sweep.py)
and the query counts at scale (tests/test_pages_at_scale.py)."""

from __future__ import annotations

from stremio import tokens
from stremio.ids import item_id


def addon_url(secret: str, rest: str) -> str:
    return f"/stremio/{secret}/{rest}"


def sweep_rows(alpha, beta, alpha_viewer, beta_viewer, film, series, hidden, marker: str) -> dict:
    """An addon token of Alpha's viewer and one of Beta's (named with the marker: on Alpha it
    must open nothing); ids of a film and a series episode Alpha shows and of a film only
    Beta shows; each extra-arguments form."""
    ours = tokens.issue(alpha_viewer, alpha, "sweep").secret
    theirs = tokens.issue(beta_viewer, beta, f"{marker} addon").secret
    film_id = item_id(film.imdb_id, film.pk)
    series_id = item_id(series.imdb_id, series.pk)
    return {
        "addon_token": [ours, theirs],
        "content_type": ["movie", "series"],
        "catalog_id": ["films", "series"],
        "content_id": [film_id, series_id, f"{series_id}:1:1", item_id("", hidden.pk)],
        "extra": ["search=heat&skip=0", "genre=Drama&skip=100", "videoSize=1024"],
        "rest": ["addon_catalog/movie/x.json"],
    }


def scale_pages(site, viewer, film, series, genre: str, search_word: str) -> dict[str, str]:
    """The account's Stremio tab and the addon's reads, for a member with a token used a
    moment ago (so no request of the count writes last_used_at)."""
    issued = tokens.issue(viewer, site, "Scale")
    tokens.note_use(issued.token)
    secret = issued.secret
    series_id = item_id(series.imdb_id, series.pk)
    return {
        "account stremio": "/account/stremio/",
        "stremio manifest": addon_url(secret, "manifest.json"),
        "stremio catalog": addon_url(secret, "catalog/movie/films.json"),
        "stremio catalog skip": addon_url(secret, "catalog/movie/films/skip=1.json"),
        "stremio catalog genre": addon_url(secret, f"catalog/series/series/genre={genre}.json"),
        "stremio catalog search": addon_url(
            secret, f"catalog/movie/films/search={search_word}.json"
        ),
        "stremio meta film": addon_url(secret, f"meta/movie/{item_id(film.imdb_id, film.pk)}.json"),
        "stremio meta series": addon_url(secret, f"meta/series/{series_id}.json"),
        "stremio stream episode": addon_url(secret, f"stream/series/{series_id}:1:1.json"),
    }
