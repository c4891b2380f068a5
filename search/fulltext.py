"""The embedded backend's full-text index over the search entries, kept by the database.

Wagtail's database search backend was the first choice, but an AND of ORs (each query word
in its stems of four languages) with scores took seconds on 10,000 services (see
docs/benchmarks.md). The terms are analysed in Python already (search.analysis), so the
database only has to match whole terms and rank: on SQLite an FTS5 table filled by triggers,
on PostgreSQL a generated `tsvector` column (config `simple`) with a GIN index. Names weigh
most, then need labels, then the rest of the text, as in the Elasticsearch backend.
"""

from django.db import connection

FTS_TABLE = "brug_search_entry_fts"
ENTRY_TABLE = "brug_search_searchentry"
COLUMNS = ("name_terms", "need_terms", "terms")

_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)
SQLITE_INSTALL = [
    # tokenchars: a term may hold an underscore (\w in search.analysis).
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_cols}, content='{ENTRY_TABLE}',
        content_rowid='id', tokenize="unicode61 remove_diacritics 0 tokenchars '_'")""",
    f"""CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END""",
    f"""CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) VALUES ('delete', old.id, {_old});
        END""",
    f"""CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE ON {ENTRY_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_cols}) VALUES ('delete', old.id, {_old});
        INSERT INTO {FTS_TABLE}(rowid, {_cols}) VALUES (new.id, {_new}); END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{t}" for t in ("ai", "ad", "au")),
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_INSTALL = [
    f"""ALTER TABLE {ENTRY_TABLE} ADD COLUMN fts tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, name_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, need_terms), 'B')
        || setweight(to_tsvector('simple'::regconfig, terms), 'D')) STORED""",
    f"CREATE INDEX {ENTRY_TABLE}_fts ON {ENTRY_TABLE} USING gin (fts)",
]
POSTGRES_UNINSTALL = [
    f"DROP INDEX IF EXISTS {ENTRY_TABLE}_fts",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS fts",
]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, []):
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL}.get(vendor, []):
        schema_editor.execute(sql)


def match(alternatives: list[set[str]], every_word: bool, limit: int) -> dict[int, float]:
    """Entry ids whose terms match the query (every word, or any word), with a score where
    higher is better. `alternatives` holds, per query word, the terms that count as it."""
    if not alternatives:
        return {}
    if connection.vendor == "postgresql":
        return _match_postgres(alternatives, every_word, limit)
    return _match_sqlite(alternatives, every_word, limit)


def _match_sqlite(alternatives, every_word, limit):
    def quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    groups = ["(" + " OR ".join(quote(t) for t in sorted(alts)) + ")" for alts in alternatives]
    expression = (" AND " if every_word else " OR ").join(groups)
    weights = "6.0, 3.0, 1.0"
    sql = (
        f"SELECT rowid, bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, {weights}) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit])
        # bm25() is lower for better matches.
        return {row[0]: -float(row[1]) for row in cursor.fetchall()}


def _match_postgres(alternatives, every_word, limit):
    def quote(term: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    groups = ["(" + " | ".join(quote(t) for t in sorted(alts)) + ")" for alts in alternatives]
    expression = (" & " if every_word else " | ").join(groups)
    sql = (
        f"SELECT id, ts_rank(fts, q) AS rank FROM {ENTRY_TABLE}, "
        f"to_tsquery('simple'::regconfig, %s) q WHERE fts @@ q ORDER BY rank DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, limit])
        return {row[0]: float(row[1]) for row in cursor.fetchall()}
