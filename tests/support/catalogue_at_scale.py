"""A big, lifelike catalogue made fast: shared by tests/test_pages_at_scale.py and bench/pages.py.

`build_catalogue(site, viewer, titles)` fills an empty catalogue with

- two landmark titles, the same at any size: "The Long Night" (a film in two versions, with
  subtitles, cast and comments) and "Harbour Lights" (a series of 6 seasons x 20 episodes);
- generated titles up to `titles`: four films to one series (series have 1-3 seasons of
  2-4 episodes), every playable thing with a media file and its stored object, 1-3 genres
  each, one title in seven in a collection, 4 % drafts, one in 400 hidden by the site, years
  leaning towards recent ones, titles and overviews made from a few hundred words;
- watch progress of `viewer` on a dozen files, so that "Continue watching" has a row.

The same seed gives the same catalogue, and a small catalogue is the start of a big one, so
pages look the same at both sizes (same rows, same kinds of results), only with more behind.

Rows go in with `bulk_create` in batches, the media files and their stored objects with
plain INSERTs through `executemany` (see `_Builder.media_files`): 370,000 rows for 50,000
titles, in 12 s on SQLite and 18 s on PostgreSQL on 2 CPUs. The search structures follow by
themselves: a trigger fills `search_vector` on PostgreSQL and triggers fill the FTS5 table on
SQLite, for bulk inserts too (streaming/search/schema.py). Only PostgreSQL's spelling
vocabulary is kept on save, which `bulk_create` skips, so it is recounted at the end
(`refresh_vocabulary`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from streaming.models import (
    Collection,
    CollectionEntry,
    Comment,
    Credit,
    Episode,
    Genre,
    MediaFile,
    Person,
    Season,
    StoredObject,
    Subtitle,
    Title,
    TitleHiding,
    WatchlistEntry,
    WatchProgress,
)
from streaming.search import refresh_vocabulary

BATCH = 2000
LANDMARKS = 2
SMALL = LANDMARKS + 30  # the smallest catalogue that fills every row of the home page
FILM_DURATION = 6000.0
EPISODE_DURATION = 2700.0

# (name, weight): how often a title has the genre. Drama leads, as in real catalogues.
GENRES = [
    ("Drama", 30), ("Comedy", 18), ("Thriller", 14), ("Action", 12), ("Crime", 10),
    ("Romance", 9), ("Documentary", 8), ("Horror", 7), ("Science Fiction", 7),
    ("Animation", 6), ("Adventure", 6), ("Family", 5), ("Fantasy", 5), ("Mystery", 5),
    ("History", 3), ("War", 3), ("Music", 2), ("Western", 2),
]  # fmt: skip
ADJECTIVES = [
    "Silent", "Last", "Broken", "Hidden", "Golden", "Dark", "Lost", "Wild", "Cold", "Burning",
    "Distant", "Secret", "Crimson", "Endless", "Quiet", "Electric", "Savage", "Gentle", "Hollow",
    "Iron", "Northern", "Paper", "Restless", "Scarlet", "Shattered", "Southern", "Stolen",
    "Sudden", "Velvet", "Bitter", "Blue", "Brave", "Bright", "Crooked", "Dangerous", "Deep",
    "Empty", "Fallen", "False", "Final", "Forgotten", "Frozen", "Glass", "Grand", "Green",
    "Haunted", "Heavy", "High", "Holy", "Invisible", "Lonely", "Long", "Loud", "Lucky", "Mad",
    "Narrow", "New", "Old", "Open", "Pale", "Perfect", "Private", "Quick", "Red", "Rising",
    "Royal", "Sacred", "Second", "Sharp", "Short", "Small", "Strange", "Sweet", "Tender",
    "Twisted", "White", "Young",
]  # fmt: skip
NOUNS = [
    "River", "Night", "Harbour", "Garden", "Empire", "Witness", "Road", "Summer", "Winter", "City",
    "Kingdom", "Storm", "Mirror", "Station", "Frontier", "Island", "Promise", "Shadow", "Letter",
    "Orchard", "Signal", "Horizon", "Circus", "Heist", "Verdict", "Detective", "Stranger", "Orbit",
    "Voyage", "Mountain", "Echo", "Lighthouse", "Bridge", "Border", "Castle", "Coast", "Crown",
    "Dance", "Desert", "Dream", "Engine", "Family", "Father", "Fire", "Forest", "Game", "Ghost",
    "Girl", "Hour", "House", "Hunter", "Journey", "Judge", "Key", "Killer", "Lake", "Land",
    "Legacy", "Lie", "Life", "Line", "Machine", "Map", "Mask", "Memory", "Mission", "Moon",
    "Mother", "Ocean", "Party", "Path", "Pilot", "Planet", "Prince", "Prisoner", "Queen",
    "Rain", "Rebel", "Republic", "Ring", "Sea", "Season", "Secret", "Silence", "Sister", "Sky",
    "Soldier", "Song", "Spy", "Star", "Stone", "Street", "Sun", "Teacher", "Tide", "Time", "Tower",
    "Town", "Train", "Truth", "Valley", "Voice", "War", "Wave", "Wind",
]  # fmt: skip
NAMES = [
    "Anna", "Marco", "Yuki", "Elena", "Omar", "Clara", "Ivan", "Lucia", "Theo", "Amélie", "Nadia",
    "Pablo", "Ingrid", "Kofi", "Mei", "Sven", "Leila", "Tomás", "Hana", "Jonas", "Zoé", "Rafael",
    "Aiko", "Mateo", "Freya", "Dmitri", "Ines", "Kwame", "Sofia", "Bruno",
]  # fmt: skip
PLACES = [
    "Paris", "Lisbon", "Tokyo", "Berlin", "Cairo", "Havana", "Oslo", "Naples", "Seoul", "Dublin",
    "Vienna", "Marrakesh", "Istanbul", "Montreal", "Lagos", "Kyoto", "Prague", "Lima", "Bergen",
    "Tangier", "Sarajevo", "Valparaíso", "Hanoi",
]  # fmt: skip
PEOPLE = [
    "detective", "widow", "pilot", "teacher", "smuggler", "nurse", "boxer", "thief", "journalist",
    "soldier", "priest", "chef", "lawyer", "musician", "farmer", "student", "doctor", "sailor",
    "painter", "miner",
]  # fmt: skip
DEEDS = [
    "hunts for", "protects", "escapes from", "returns to", "falls for", "lies to",
    "searches for", "races against", "inherits", "betrays", "uncovers", "defends",
]  # fmt: skip
QUALITIES = [("1080p", 1920, 1080), ("720p", 1280, 720), ("2160p", 3840, 2160)]


@dataclass(frozen=True)
class Landmarks:
    """What the pages under test open; the same titles at any catalogue size."""

    film: Title
    series: Title
    film_media_id: int
    genre_slug: str  # the biggest genre
    search_word: str  # in many titles, so that a search fills its pool at scale
    misspelt_word: str  # one slip away from search_word, fixed by the spelling pass
    typeahead_prefix: str


def viewer_pages(landmarks: Landmarks) -> dict[str, str]:
    """The viewer's pages, by name: what the test asserts and the bench times."""
    genre = landmarks.genre_slug
    return {
        "home": "/",
        "browse": "/browse/",
        "browse series": "/browse/?kind=series",
        "browse genre": f"/browse/?genre={genre}",
        "browse year": "/browse/?year=1999",
        "browse A-Z": "/browse/?sort=title",
        "browse by year": "/browse/?sort=year",
        "browse films+genre by year": f"/browse/?kind=film&genre={genre}&sort=year",
        "browse page 1000": "/browse/?page=1000",
        "search": f"/search/?q={landmarks.search_word}",
        "search two words": f"/search/?q=long+{landmarks.search_word}",
        "search misspelt": f"/search/?q={landmarks.misspelt_word}",
        "typeahead": f"/search/typeahead?q={landmarks.typeahead_prefix}",
        "title: film": f"/title/{landmarks.film.slug}/",
        "title: big series": f"/title/{landmarks.series.slug}/",
        "watch": f"/watch/{landmarks.film_media_id}/",
        "api titles": "/api/titles/",
        "api titles genre": f"/api/titles/?genre={genre}",
        "account": "/account/",
        "account watchlist": "/account/watchlist/",
        "account history": "/account/history/",
    }


def build_catalogue(site, viewer, titles: int = 50_000, *, seed: int = 7) -> Landmarks:
    """Fill an empty catalogue with `titles` titles (at least SMALL) for `site`, with
    `viewer`'s progress; see the module docstring for what it holds."""
    if titles < SMALL:
        raise ValueError(f"a catalogue needs at least {SMALL} titles to fill the home page")
    rng = random.Random(seed)
    builder = _Builder(rng)
    genres = Genre.objects.bulk_create(Genre(name=name, slug=slugify(name)) for name, _ in GENRES)
    film, series = _landmarks(builder, genres, site, viewer)
    generated = builder.titles(titles - LANDMARKS, genres)
    builder.files_and_episodes(generated)
    _collections(generated, rng)
    TitleHiding.objects.bulk_create(
        (TitleHiding(tenant=site, title=title) for title in generated[::400]), batch_size=BATCH
    )
    _progress(site, viewer, generated)
    refresh_vocabulary()
    with connection.cursor() as cursor:
        # Fresh planner statistics, as a live database has them: without any, the planner
        # guesses table sizes and may pick other plans than it would in production.
        cursor.execute("ANALYZE")
    return Landmarks(
        film=film,
        series=series,
        film_media_id=film.media_files.order_by("-height").values_list("pk", flat=True)[0],
        genre_slug=genres[0].slug,
        search_word="night",
        misspelt_word="nigth",
        typeahead_prefix="harb",
    )


class _Builder:
    """Makes the rows; keeps the slugs and stored-object keys unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.slugs: set[str] = set()
        self.calls = 0  # of media_files: each call's stored-object keys have their own prefix
        self.weights = [weight for _, weight in GENRES]

    def slug(self, name: str, year: int | None) -> str:
        base = slugify(f"{name} {year or ''}")[:300] or "title"
        slug, number = base, 2
        while slug in self.slugs:
            slug, number = f"{base}-{number}", number + 1
        self.slugs.add(slug)
        return slug

    def name(self) -> str:
        rng = self.rng
        adjective, noun, other = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
        pattern = rng.randrange(10)
        if pattern < 3:
            name = f"The {adjective} {noun}"
        elif pattern < 5:
            name = f"{adjective} {noun}"
        elif pattern == 5:
            name = f"{noun} of the {other}"
        elif pattern == 6:
            name = f"A {noun} in {rng.choice(PLACES)}"
        elif pattern == 7:
            name = f"{rng.choice(NAMES)}'s {noun}"
        elif pattern == 8:
            name = f"The {noun}"
        else:
            name = f"{adjective} {noun} {rng.choice(('II', 'III', '2', 'Returns'))}"
        return name

    def overview(self) -> str:
        rng = self.rng
        return (
            f"A {rng.choice(ADJECTIVES).lower()} {rng.choice(PEOPLE)} {rng.choice(DEEDS)} "
            f"the {rng.choice(NOUNS).lower()} in {rng.choice(PLACES)}, and the "
            f"{rng.choice(NOUNS).lower()} is never the same."
        )

    def year(self) -> int | None:
        if self.rng.random() < 0.03:
            return None  # not every title's year is known
        return int(self.rng.triangular(1930, 2026, 2019))

    def titles(self, count: int, genres: list[Genre]) -> list[Title]:
        rng = self.rng
        rows = []
        for _ in range(count):
            name, year = self.name(), self.year()
            is_series = rng.random() < 0.2
            rows.append(
                Title(
                    kind=Title.Kind.SERIES if is_series else Title.Kind.FILM,
                    title=name,
                    slug=self.slug(name, year),
                    year=year,
                    overview=self.overview(),
                    runtime_minutes=None if is_series else rng.randint(75, 170),
                    status=Title.Status.DRAFT if rng.random() < 0.04 else Title.Status.PUBLISHED,
                )
            )
        made = Title.objects.bulk_create(rows, batch_size=BATCH)
        links = []
        for title in made:
            picked = {
                genre.pk
                for genre in rng.choices(genres, weights=self.weights, k=rng.choice((1, 2, 2, 3)))
            }
            links += [Title.genres.through(title_id=title.pk, genre_id=pk) for pk in picked]
        Title.genres.through.objects.bulk_create(links, batch_size=BATCH)
        return made

    def files_and_episodes(self, titles: list[Title]) -> None:
        """Seasons and episodes of the series; a media file (and its stored object) for each
        film and episode, a second version for one film in twenty."""
        rng = self.rng
        seasons = []
        for title in titles:
            if title.kind == Title.Kind.SERIES:
                count = rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
                seasons += [
                    Season(title=title, number=n, year=title.year) for n in range(1, count + 1)
                ]
        seasons = Season.objects.bulk_create(seasons, batch_size=BATCH)
        episodes = [
            Episode(season=season, number=n, name=f"Chapter {n}", runtime_minutes=45)
            for season in seasons
            for n in range(1, rng.randint(2, 4) + 1)
        ]
        episodes = Episode.objects.bulk_create(episodes, batch_size=BATCH)
        files: list[tuple[Title | None, Episode | None, int]] = []
        for title in titles:
            if title.kind == Title.Kind.FILM:
                files.append((title, None, 0))
                if rng.random() < 0.05:
                    files.append((title, None, 2))
        files += [(None, episode, rng.choice((0, 0, 1))) for episode in episodes]
        self.media_files(files)

    def media_files(self, files: list[tuple[Title | None, Episode | None, int]]) -> None:
        """[(film or None, episode or None, index into QUALITIES)]: a stored object and a
        media file for each.

        These are the widest and most numerous rows (two per film or episode), and
        `bulk_create` spends most of the build compiling their values into SQL, so they go in
        as plain parameterised INSERTs; the stored objects' ids are read back by key."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.calls += 1
        prefix = f"catalogue/{self.calls}/"
        stored_rows, media_rows = [], []
        for n, (film, episode, quality) in enumerate(files):
            label, width, height = QUALITIES[quality]
            owner = film.slug if film else f"s{episode.season.number}e{episode.number}"
            key = f"{prefix}{n}-{owner}-{label}.mkv"
            size = self.rng.randint(700, 9000) * 2**20
            stored_rows.append((key, f"{owner}-{label}.mkv", "video/x-matroska", size, now))
            duration = FILM_DURATION if film else EPISODE_DURATION
            media_rows.append(
                (film and film.pk, episode and episode.pk, key, label, duration, width, height)
            )
        _insert(
            StoredObject,
            "backend, key, filename, content_type, size, sha256, parts, created_at, updated_at",
            [
                ("local", key, name, kind, size, "", "[]", now, now)
                for key, name, kind, size, now in stored_rows
            ],
        )
        ids = dict(StoredObject.objects.filter(key__startswith=prefix).values_list("key", "pk"))
        _insert(
            MediaFile,
            "title_id, episode_id, stored_id, quality_label, duration_seconds, width, height,"
            " video_codec, audio_codec, audio_languages, subtitle_languages, created_at",
            [
                (film, episode, ids[key], *facts, "h264", "aac", '["en"]', "[]", now)
                for film, episode, key, *facts in media_rows
            ],
        )


def _insert(model, columns: str, rows: list[tuple]) -> None:
    """INSERT `rows` (values of `columns`, in order) into `model`'s table, in batches.
    Table and column names come from this module, never from input."""
    placeholders = ", ".join(["%s"] * len(columns.split(",")))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _landmarks(builder: _Builder, genres: list[Genre], site, viewer) -> tuple[Title, Title]:
    drama, thriller, crime = genres[0], genres[2], genres[4]
    film = Title.objects.create(
        title="The Long Night",
        year=1999,
        slug=builder.slug("The Long Night", 1999),
        overview="A night detective hunts for the truth in Lisbon before dawn.",
        runtime_minutes=128,
        status=Title.Status.PUBLISHED,
    )
    film.genres.set([drama, thriller, crime])
    series = Title.objects.create(
        kind=Title.Kind.SERIES,
        title="Harbour Lights",
        year=2012,
        slug=builder.slug("Harbour Lights", 2012),
        overview="A harbour town keeps its secrets through six winters.",
        status=Title.Status.PUBLISHED,
    )
    series.genres.set([drama, crime])
    seasons = Season.objects.bulk_create(
        Season(title=series, number=n, year=2011 + n) for n in range(1, 7)
    )
    episodes = Episode.objects.bulk_create(
        Episode(season=season, number=n, name=f"Tide {n}", runtime_minutes=50)
        for season in seasons
        for n in range(1, 21)
    )
    builder.media_files([(film, None, 0), (film, None, 2)])
    builder.media_files([(None, episode, 0) for episode in episodes])
    versions = film.media_files.all()
    for media in versions:
        Subtitle.objects.bulk_create(
            Subtitle(
                media_file=media,
                stored=StoredObject.objects.create(
                    backend=StoredObject.Backend.LOCAL,
                    key=f"catalogue/subtitles/{media.pk}.{language}.vtt",
                    filename=f"{film.slug}.{language}.vtt",
                    content_type="text/vtt",
                    size=40_000,
                ),
                language=language,
                label=label,
                is_default=language == "en",
            )
            for language, label in (("en", "English"), ("pt", "Português"))
        )
    people = Person.objects.bulk_create(Person(name=f"Actor {n}") for n in range(30))
    Credit.objects.bulk_create(
        Credit(title=title, person=person, role=Credit.Role.CAST, order=n)
        for title in (film, series)
        for n, person in enumerate(people[:20])
    )
    for title in (film, series):
        for n in range(30):
            top = Comment.objects.create(tenant=site, user=viewer, title=title, body=f"Part {n}")
            Comment.objects.create(tenant=site, user=viewer, title=title, body="Yes", parent=top)
    return film, series


def _collections(titles: list[Title], rng: random.Random) -> None:
    """One title in seven in a collection; one collection per thousand titles (at least 3)."""
    count = max(3, len(titles) // 1000)
    collections = Collection.objects.bulk_create(
        Collection(name=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}s #{n}", slug=f"set-{n}")
        for n in range(count)
    )
    CollectionEntry.objects.bulk_create(
        (
            CollectionEntry(collection=collections[n % count], title=title, order=n)
            for n, title in enumerate(titles[::7])
        ),
        batch_size=BATCH,
    )


def _progress(site, viewer, titles: list[Title]) -> None:
    """The viewer started a dozen films (half-way through, so each is worth resuming) and
    keeps thirty titles on the watchlist."""
    WatchlistEntry.objects.bulk_create(
        WatchlistEntry(tenant=site, user=viewer, title=title) for title in titles[:30]
    )
    started = MediaFile.objects.filter(
        title__in=[t for t in titles[:60] if t.kind == Title.Kind.FILM]
    ).values_list("pk", flat=True)[:12]
    WatchProgress.objects.bulk_create(
        WatchProgress(
            tenant=site,
            user=viewer,
            media_file_id=pk,
            position_seconds=FILM_DURATION / 2,
            duration_seconds=FILM_DURATION,
        )
        for pk in started
    )
