"""The series search structures each database needs, made by migration 0003_series_search.

Neither is a Django model, and neither depends on StreamVault's search structures:

- PostgreSQL: a `search_names` column on `readvault_series` (title and alternative titles,
  lower case, without accents), kept by a trigger, with a trigram GIN index (pg_trgm); and
  `readvault_series_resembling(query, size)`, which reads the series whose names resemble
  a query (trigram word similarity) with the threshold set for that call alone.
- SQLite: an FTS5 table with the trigram tokenizer over the same names, kept by triggers.
  SQLite 3.40 has no `remove_diacritics` for trigrams (3.45 added it), so the triggers fold
  the Latin letters themselves, with the table the queries are folded with
  (`SQLITE_FOLDS`), and turn punctuation into spaces, so that words are space-separated
  and " na" is the start of a word. The folded names are kept in `readvault_series_names`,
  the FTS table's content table, where the triggers fold them in rounds.

Change them only together with a new migration that applies the change to existing
databases.
"""

from __future__ import annotations

import unicodedata

from shadowvault.search_matching import LATIN_FOLDS

# Turned into spaces in the indexed names, so that words are space-separated on both
# databases and " pu" is the start of a word in "One-Punch Man".
_PUNCTUATION = (
    "-:;,.!?¿¡'\"()[]{}<>/\\|&+*#@~_=・「」『』【】〜、。･"
    "\u2010\u2011\u2013\u2014\u2018\u2019\u201c\u201d"  # hyphens, dashes, curly quotes
)

# --- PostgreSQL -----------------------------------------------------------------------------

# Below this trigram word similarity a name is not read as a misspelling of the query. 0.4
# keeps "nruto" (0.5 against " naruto ") and "one pice" (0.67); two letters swapped in a
# short word share too few trigrams ("naurto": 0.29), as do two slips in one. At 0.3 a
# five-letter typo resembles seven times as many names (bench/series_search.py).
RESEMBLANCE_THRESHOLD = 0.4
# Rows the resemblance check reads at most before ranking them, so that a query resembling
# half of the library ("the") costs no more than a rare one.
RESEMBLANCE_READ = 1000

# The names of the row at hand, as one string with a space at both ends and between names.
_PG_NAMES = """
    ' ' || coalesce(NEW.title, '') || ' ' || coalesce((
        SELECT string_agg(name, ' ') FROM jsonb_array_elements_text(
            CASE jsonb_typeof(NEW.alternative_titles)
                WHEN 'array' THEN NEW.alternative_titles ELSE '[]'::jsonb END
        ) AS name
    ), '') || ' '
"""

_PG_PUNCTUATION = "'" + _PUNCTUATION.replace("'", "''") + "'"
_PG_SPACES = "'" + " " * len(_PUNCTUATION) + "'"

POSTGRES_INSTALL = [
    # StreamVault's search makes them too; this app must not rely on that.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE FUNCTION readvault_search_fold(text) RETURNS text
       LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT lower(unaccent($1)) $$""",
    # A plain column kept by a trigger, not a generated column: a generated column may only
    # call immutable functions, and unaccent is not one (its dictionary can change).
    "ALTER TABLE readvault_series ADD COLUMN search_names text",
    f"""CREATE FUNCTION readvault_series_search_names() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_names := translate(
                readvault_search_fold({_PG_NAMES}), {_PG_PUNCTUATION}, {_PG_SPACES}
            );
            RETURN NEW;
        END
        $$""",
    """CREATE TRIGGER readvault_series_search_names
        BEFORE INSERT OR UPDATE OF title, alternative_titles ON readvault_series
        FOR EACH ROW EXECUTE FUNCTION readvault_series_search_names()""",
    "UPDATE readvault_series SET title = title",  # the trigger fills existing rows
    # Serves `LIKE '%word%'` (the words as typed) and `<%` (word similarity).
    """CREATE INDEX readvault_series_names_trgm
        ON readvault_series USING gin (search_names gin_trgm_ops)""",
    # `<%` compares with pg_trgm.word_similarity_threshold (0.6 unless the server says
    # otherwise); a function's SET clause sets it for the function's own queries only. The
    # query is run with EXECUTE so that it is planned for the words at hand: a generic plan
    # cannot tell how rare their trigrams are, and scans the table.
    f"""CREATE FUNCTION readvault_series_resembling(query text, size integer)
        RETURNS SETOF bigint LANGUAGE plpgsql STABLE PARALLEL SAFE
        SET pg_trgm.word_similarity_threshold = {RESEMBLANCE_THRESHOLD}
        AS $function$
        BEGIN
            RETURN QUERY EXECUTE $sql$
                SELECT id FROM (
                    SELECT id, search_names FROM readvault_series
                    WHERE $1 <% search_names LIMIT {RESEMBLANCE_READ}
                ) AS resembling
                ORDER BY word_similarity($1, search_names) DESC, length(search_names), id
                LIMIT $2
            $sql$ USING readvault_search_fold(query), size;
        END
        $function$""",  # noqa: S608  numbers of this module's
]

# The extensions stay: other code may use them, and they hold no data.
POSTGRES_UNINSTALL = [
    "DROP FUNCTION IF EXISTS readvault_series_resembling(text, integer)",
    "DROP TRIGGER IF EXISTS readvault_series_search_names ON readvault_series",
    "DROP FUNCTION IF EXISTS readvault_series_search_names()",
    "ALTER TABLE readvault_series DROP COLUMN IF EXISTS search_names",
    "DROP FUNCTION IF EXISTS readvault_search_fold(text)",
]

# --- SQLite ---------------------------------------------------------------------------------

FTS_TABLE = "readvault_series_fts"  # its content table: readvault_series_names

# Latin-1 Supplement and Latin Extended-A letters without their marks, and punctuation as
# spaces. Every replacement is ASCII, so the order of the replace() calls does not matter.
SQLITE_FOLDS = {char: bare for char, bare in LATIN_FOLDS.items() if ord(char) < 0x180}
SQLITE_FOLDS |= dict.fromkeys(_PUNCTUATION, " ")
_SQLITE_FOLD_TABLE = str.maketrans(SQLITE_FOLDS)
# SQLite's parser refuses expressions nested much deeper than 30 ("parser stack overflow"),
# so the replace() calls are applied in rounds of this many, one UPDATE each.
_FOLDS_PER_ROUND = 25


def sqlite_fold(text: str) -> str:
    """`text` as the triggers put it in the FTS table (case aside, which the tokenizer
    folds): Latin-1 and Extended-A letters without marks, punctuation as spaces."""
    return unicodedata.normalize("NFC", text).translate(_SQLITE_FOLD_TABLE)


def _fold_rounds(where: str) -> list[str]:
    """UPDATEs of readvault_series_names that fold its `names` (rows chosen by `where`)."""
    folds = list(SQLITE_FOLDS.items())
    rounds = []
    for start in range(0, len(folds), _FOLDS_PER_ROUND):
        expression = "names"
        for char, bare in folds[start : start + _FOLDS_PER_ROUND]:
            quoted = char.replace("'", "''")
            expression = f"replace({expression}, '{quoted}', '{bare}')"
        # Only this module's letters and conditions go into the SQL.
        rounds.append(f"UPDATE readvault_series_names SET names = {expression} {where}")  # noqa: S608
    return rounds


def _sqlite_names(row: str) -> str:
    """The names of `row` (new, or the table) as one string, a space at both ends and
    between names."""
    # `row` is "new" or the table's name, never input.
    alternatives = (
        f"(SELECT group_concat(value, ' ') FROM json_each(CASE json_type({row}.alternative_titles)"  # noqa: S608
        f" WHEN 'array' THEN {row}.alternative_titles ELSE '[]' END))"
    )
    return f"' ' || coalesce({row}.title, '') || ' ' || coalesce({alternatives}, '') || ' '"


def _trigger(name: str, event: str, statements: list[str]) -> str:
    body = "".join(f"\n    {statement};" for statement in statements)
    return f"CREATE TRIGGER {name} AFTER {event} ON readvault_series BEGIN{body}\nEND"


_ADD = [
    "INSERT INTO readvault_series_names (id, names) VALUES (new.id, "  # noqa: S608
    + _sqlite_names("new")
    + ")",
    *_fold_rounds("WHERE id = new.id"),
    """INSERT INTO readvault_series_fts (rowid, names)
    SELECT id, names FROM readvault_series_names WHERE id = new.id""",
]
# An external-content FTS5 table forgets a row by being told the values it indexed.
_FORGET = [
    """INSERT INTO readvault_series_fts (readvault_series_fts, rowid, names)
    SELECT 'delete', id, names FROM readvault_series_names WHERE id = old.id""",
    "DELETE FROM readvault_series_names WHERE id = old.id",
]
FTS_TRIGGERS = {
    "readvault_series_fts_insert": _trigger("readvault_series_fts_insert", "INSERT", _ADD),
    "readvault_series_fts_update": _trigger(
        "readvault_series_fts_update",
        "UPDATE OF id, title, alternative_titles",
        _FORGET + _ADD,
    ),
    "readvault_series_fts_delete": _trigger("readvault_series_fts_delete", "DELETE", _FORGET),
}
FTS_REBUILD = [
    "DELETE FROM readvault_series_names",
    "INSERT INTO readvault_series_names (id, names) SELECT id, "  # noqa: S608
    + _sqlite_names("readvault_series")
    + " FROM readvault_series",
    *_fold_rounds(""),
    "INSERT INTO readvault_series_fts (readvault_series_fts) VALUES ('rebuild')",
]

SQLITE_INSTALL = [
    "CREATE TABLE readvault_series_names (id integer PRIMARY KEY, names text NOT NULL)",
    # detail='none': no positions are needed, since every string asked for is one trigram.
    """CREATE VIRTUAL TABLE readvault_series_fts USING fts5(
        names, content = 'readvault_series_names', content_rowid = 'id',
        tokenize = 'trigram case_sensitive 0', detail = 'none'
    )""",
    *FTS_TRIGGERS.values(),
    *FTS_REBUILD,
]

SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in FTS_TRIGGERS),
    "DROP TABLE IF EXISTS readvault_series_fts",
    "DROP TABLE IF EXISTS readvault_series_names",
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
