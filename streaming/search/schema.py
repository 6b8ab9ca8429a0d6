"""The search structures each database needs, created by migration 0003_search.

Neither structure is a Django model: PostgreSQL gets a `search_vector` column on
`streaming_title` kept by a trigger, a GIN index on it and a vocabulary table; SQLite gets an
FTS5 table over `streaming_title` kept by triggers. Change them only together with a new
migration that applies the change to existing databases.
"""

from __future__ import annotations

TITLE_TABLE = "streaming_title"

# --- PostgreSQL -----------------------------------------------------------------------------

# 'simple' keeps every word as written (no stemming, no stop words), so names in any
# language are found; `unaccent` in front of it makes "Amelie" find "Amélie", as SQLite's
# `remove_diacritics 2` does.
TEXT_SEARCH_CONFIG = "shadowvault_search"
VOCABULARY_TABLE = "streaming_search_vocabulary"

# ts_stat counts, per word, the published titles whose weight-A part (title, original title)
# has it. Drafts stay out: a spelling fix must not point at a title nobody may see.
VOCABULARY_FILL = """
    INSERT INTO streaming_search_vocabulary (word, ndoc)
    SELECT word, ndoc FROM ts_stat(
        'SELECT search_vector FROM streaming_title WHERE status = ''published''', 'a'
    )"""

TITLE_WORDS = "ts_filter(search_vector, '{a}')"

_VECTOR = """
    setweight(to_tsvector('shadowvault_search', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('shadowvault_search', coalesce(NEW.original_title, '')), 'A')
    || setweight(to_tsvector('shadowvault_search', coalesce(NEW.overview, '')), 'C')
"""

POSTGRES_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION shadowvault_search (COPY = pg_catalog.simple)",
    """ALTER TEXT SEARCH CONFIGURATION shadowvault_search
       ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple""",
    # A plain column kept by a trigger rather than a generated column: PostgreSQL refuses to
    # ALTER the type of a column that a generated column uses ("cannot alter type of a column
    # used by a generated column"), which would break any later migration that widens `title`.
    "ALTER TABLE streaming_title ADD COLUMN search_vector tsvector",
    f"""CREATE FUNCTION streaming_title_search_vector() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector := {_VECTOR};
            RETURN NEW;
        END
        $$""",
    """CREATE TRIGGER streaming_title_search_vector
       BEFORE INSERT OR UPDATE OF title, original_title, overview ON streaming_title
       FOR EACH ROW EXECUTE FUNCTION streaming_title_search_vector()""",
    "UPDATE streaming_title SET title = title",  # the trigger fills existing rows' vectors
    "CREATE INDEX streaming_title_search_vector ON streaming_title USING gin (search_vector)",
    # The title words alone (weight A), for typeahead and for the title matches that relevance
    # puts first: without it, finding titles with "the" in the title means rechecking the
    # rows that have it in the overview.
    f"CREATE INDEX streaming_title_title_vector ON streaming_title USING gin ({TITLE_WORDS})",
    # Title words (weight A) for spelling fixes; `ndoc` = how many published titles use it.
    f"CREATE TABLE {VOCABULARY_TABLE} (word text PRIMARY KEY, ndoc integer NOT NULL)",
    # Serves `word % term` (shares enough trigrams). Nearest-neighbour ordering with GiST
    # (`ORDER BY word <-> term`) measured 4-10 ms per term at 30k words; `%` on GIN is
    # faster, and exact lookups of the one-slip variants come first anyway.
    f"""CREATE INDEX streaming_search_vocabulary_trgm
        ON {VOCABULARY_TABLE} USING gin (word gin_trgm_ops)""",
    VOCABULARY_FILL,
]

# The extensions stay: other code may use them, and they hold no data.
POSTGRES_UNINSTALL = [
    f"DROP TABLE IF EXISTS {VOCABULARY_TABLE}",
    "DROP TRIGGER IF EXISTS streaming_title_search_vector ON streaming_title",
    "DROP FUNCTION IF EXISTS streaming_title_search_vector()",
    "ALTER TABLE streaming_title DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS shadowvault_search",
]

# --- SQLite ---------------------------------------------------------------------------------

FTS_TABLE = "streaming_title_fts"
FTS_VOCABULARY = "streaming_title_fts_vocab"
FTS_TRIGGERS = {
    "streaming_title_fts_insert": """
        CREATE TRIGGER streaming_title_fts_insert AFTER INSERT ON streaming_title BEGIN
            INSERT INTO streaming_title_fts (rowid, title, original_title, overview)
            VALUES (new.id, new.title, new.original_title, new.overview);
        END""",
    # An external-content FTS5 table forgets a row by being told the values it indexed.
    "streaming_title_fts_delete": """
        CREATE TRIGGER streaming_title_fts_delete AFTER DELETE ON streaming_title BEGIN
            INSERT INTO streaming_title_fts
                (streaming_title_fts, rowid, title, original_title, overview)
            VALUES ('delete', old.id, old.title, old.original_title, old.overview);
        END""",
    "streaming_title_fts_update": """
        CREATE TRIGGER streaming_title_fts_update
        AFTER UPDATE OF id, title, original_title, overview ON streaming_title BEGIN
            INSERT INTO streaming_title_fts
                (streaming_title_fts, rowid, title, original_title, overview)
            VALUES ('delete', old.id, old.title, old.original_title, old.overview);
            INSERT INTO streaming_title_fts (rowid, title, original_title, overview)
            VALUES (new.id, new.title, new.original_title, new.overview);
        END""",
}
FTS_REBUILD = "INSERT INTO streaming_title_fts (streaming_title_fts) VALUES ('rebuild')"

SQLITE_INSTALL = [
    # prefix='2 3' keeps extra index entries for 2- and 3-letter prefixes: typeahead.
    """CREATE VIRTUAL TABLE streaming_title_fts USING fts5(
        title, original_title, overview,
        content='streaming_title', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    # `ORDER BY rank` then means bm25 with a title word worth five overview words.
    """INSERT INTO streaming_title_fts (streaming_title_fts, rank)
       VALUES ('rank', 'bm25(10.0, 10.0, 2.0)')""",
    # The index's own word list (per column), always in step with it: the vocabulary.
    "CREATE VIRTUAL TABLE streaming_title_fts_vocab USING fts5vocab(streaming_title_fts, 'col')",
    *FTS_TRIGGERS.values(),
    FTS_REBUILD,
]

SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in FTS_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS_VOCABULARY}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def install(schema_editor) -> None:
    """Create the structures for the database at hand; nothing on other databases."""
    _run(schema_editor, {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL})


def uninstall(schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRES_UNINSTALL, "sqlite": SQLITE_UNINSTALL})


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        # No parameters: the statements hold no placeholders, and `%` must stay literal.
        schema_editor.execute(statement, params=None)
