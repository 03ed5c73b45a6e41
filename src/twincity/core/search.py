"""Chinese full-text search: jieba segments the text, the database's full-text engine matches words.

Chinese has no spaces, so ``LIKE '%…%'`` neither finds words reliably nor scales. Each searchable
model keeps a ``search_document`` column holding its text segmented into words separated by
spaces (jieba's search mode, which also emits the shorter words inside long ones). On PostgreSQL
the column is matched with ``to_tsvector('simple', …)`` under a GIN index; on SQLite with an FTS5
table kept in step by triggers (see the migrations that call ``fts_migration_operations``). A query
is segmented the same way and all its words must match.
"""

from __future__ import annotations

import re
import threading

import jieba
from django.db import connection, connections, migrations
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

_lock = threading.Lock()
_ready = False
_TOKEN = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)


def _jieba():
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _ready = True
    return jieba


def tokens(text: str) -> list[str]:
    """The words of ``text`` (Chinese segmented by jieba, Latin words and numbers lower-cased)."""
    if not text:
        return []
    words = []
    for chunk in _TOKEN.findall(text):
        if re.search(r"[\u4e00-\u9fff]", chunk):
            words.extend(w for w in _jieba().cut_for_search(chunk) if w.strip())
        else:
            words.append(chunk.lower())
    return words


def document(*parts: str) -> str:
    """The text stored in ``search_document``."""
    return " ".join(tokens(" ".join(p for p in parts if p)))


def query_words(query: str) -> list[str]:
    """The words a query asks for: jieba's precise mode, so that a query word is itself a document word."""
    words = []
    for chunk in _TOKEN.findall(query or ""):
        if re.search(r"[\u4e00-\u9fff]", chunk):
            words.extend(w for w in _jieba().cut(chunk) if w.strip())
        else:
            words.append(chunk.lower())
    return list(dict.fromkeys(words))


def fts_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Rows of ``queryset`` whose search document contains every word of ``query``."""
    words = query_words(query)
    if not words:
        return queryset
    model = queryset.model
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_pg_quote(w) for w in words)
        return queryset.filter(
            Q(
                pk__in=RawSQL(
                    f"SELECT id FROM {table} WHERE to_tsvector('simple', search_document) @@ to_tsquery('simple', %s)",
                    [tsquery],
                )
            )
        )
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {fts_table(model)} WHERE {fts_table(model)} MATCH %s", [match])
        )
    # Other databases: word-boundary matching on the segmented text (correct, not indexed).
    for w in words:
        queryset = queryset.filter(search_document__regex=rf"(^| ){re.escape(w)}( |$)")
    return queryset


def _pg_quote(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def _sqlite_statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_document, content='{table}', "
        "content_rowid='id', tokenize='unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_document) VALUES (new.id, new.search_document); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_document) VALUES('delete', old.id, old.search_document); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_document ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_document) VALUES('delete', old.id, old.search_document); "
        f"INSERT INTO {fts}(rowid, search_document) VALUES (new.id, new.search_document); END",
    ]


def fts_migration_operations(model_label: str, table: str) -> list:
    """Migration operations that create the full-text index for ``table.search_document`` on either database."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_fts_idx ON {table} "
                "USING GIN (to_tsvector('simple', search_document))"
            )
        elif vendor == "sqlite":
            for statement in _sqlite_statements(table):
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")

    return [migrations.RunPython(forwards, backwards)]


def repair_sqlite_indexes(using: str = "default", **kwargs) -> list[str]:
    """Put back the FTS5 triggers that a later migration dropped, and re-index what they missed.

    On SQLite, Django alters a table by rebuilding it, and the rebuild drops the table's triggers; the
    full-text index would then silently stop following changes. This runs after every ``migrate``
    (post_migrate) and returns the tables it repaired.
    """
    conn = connections[using]
    if conn.vendor != "sqlite":
        return []
    repaired = []
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%\\_fts' ESCAPE '\\'")
        for (fts,) in cursor.fetchall():
            table = fts[: -len("_fts")]
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [table])
            if cursor.fetchone()[0] >= 3:
                continue
            for statement in _sqlite_statements(table):
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES('rebuild')")
            repaired.append(table)
    return repaired
