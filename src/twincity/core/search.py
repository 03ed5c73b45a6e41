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
from collections.abc import Iterator
from contextlib import contextmanager

import jieba
from django.db import connection, connections, migrations
from django.db.models import BooleanField, Expression, F, Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.datastructures import BaseTable
from django.db.models.sql.where import AND, WhereNode

_lock = threading.Lock()
_ready = False
_TOKEN = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _jieba():
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _ready = True
    return jieba


_once = threading.local()


@contextmanager
def segmenting_once() -> Iterator[None]:
    """Inside, each distinct run of Chinese is segmented once and its words reused: for a bulk write whose rows
    repeat texts (a unit's name on hundreds of matters, one goal for many). jieba gives the same words for the
    same run (its dictionary does not change while a process runs), so the documents are those of ``tokens``
    called for each row; the words kept are dropped on the way out (nothing is kept beyond the write)."""
    if getattr(_once, "words", None) is not None:
        yield
        return
    _once.words = {}
    try:
        yield
    finally:
        _once.words = None


def _chinese_words(chunk: str) -> list[str]:
    kept = getattr(_once, "words", None)
    if kept is None:
        return [w for w in _jieba().cut_for_search(chunk) if w.strip()]
    words = kept.get(chunk)
    if words is None:
        words = kept[chunk] = [w for w in _jieba().cut_for_search(chunk) if w.strip()]
    return words


def tokens(text: str) -> list[str]:
    """The words of ``text`` (Chinese segmented by jieba, Latin words and numbers lower-cased)."""
    if not text:
        return []
    words = []
    for chunk in _TOKEN.findall(text):
        if _CHINESE.search(chunk):
            words.extend(_chinese_words(chunk))
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
    if connection.vendor == "postgresql":
        # The row's own indexed document, matched in place: no ``pk IN (SELECT …)`` over the whole table, so
        # the planner can stop after the first page (an ordered scan) or read only the matches (the GIN
        # index), and a capped count stops after its cap (core/pagination.py).
        tsquery = " & ".join(_pg_quote(w) for w in words)
        if model._meta.db_table in STORED_VECTORS:
            return queryset.filter(VectorMatch(tsquery))
        return queryset.filter(TextMatch(F("search_document"), Value(tsquery)))
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        return queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {fts_table(model)} WHERE {fts_table(model)} MATCH %s", [match])
        )
    # Other databases: word-boundary matching on the segmented text (correct, not indexed).
    for w in words:
        queryset = queryset.filter(search_document__regex=rf"(^| ){re.escape(w)}( |$)")
    return queryset


# Tables whose PostgreSQL full-text vector is stored (``search_vector``, a generated column under a GIN index;
# ``stored_vector_operations``): matching a row costs a lookup, not jieba's words turned into a vector again.
STORED_VECTORS = frozenset({"matters_matter"})


class VectorMatch(Expression):
    """``<the row's table>.search_vector @@ to_tsquery('simple', query)``: the stored vector, matched in place.

    The table's alias is the query's own (``U0`` inside a subquery), taken when the SQL is made.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, tsquery: str):
        super().__init__()
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_vector @@ to_tsquery('simple', %s)", [self.tsquery]


def _matches_stored_vector(node) -> bool:
    if isinstance(node, VectorMatch):
        return True
    return any(_matches_stored_vector(child) for child in getattr(node, "children", ()) or ()) or (
        _matches_stored_vector(node.lhs) if hasattr(node, "lhs") else False
    )


class MatchedRows(BaseTable):
    """The table as the rows whose stored vector matches, fenced: ``(SELECT * FROM t WHERE t.search_vector @@
    to_tsquery('simple', q) OFFSET 0) alias``. The fence (``OFFSET 0``) keeps PostgreSQL from folding the match back
    into the query's other conditions, so the matches are found first (by reading the table until enough match, or
    from the GIN index's bitmap) and the other conditions are tested on those rows alone (``count_plan``)."""

    def __init__(self, table_name, alias, tsquery: str):
        super().__init__(table_name, alias)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(self.table_name)
        return (
            f"(SELECT * FROM {table} WHERE {table}.search_vector @@ to_tsquery('simple', %s) OFFSET 0) "
            f"{compiler.quote_name(self.table_alias)}",
            [self.tsquery],
        )

    def relabeled_clone(self, change_map):
        return self.__class__(self.table_name, change_map.get(self.table_alias, self.table_alias), self.tsquery)

    @property
    def identity(self):
        return (*super().identity, self.tsquery)


def _vector_match(node) -> VectorMatch | None:
    """The stored-vector match a condition is (``filter(VectorMatch(…))`` stores it as ``Exact(match, True)``)."""
    if isinstance(node, VectorMatch):
        return node
    lhs = getattr(node, "lhs", None)
    return lhs if isinstance(lhs, VectorMatch) and not isinstance(node, WhereNode) else None


def _split_match(node: WhereNode) -> tuple[WhereNode, VectorMatch | None]:
    """(the conditions without the stored-vector match, the match) when the match is one of the conditions every
    row must meet (AND, not negated); else (the conditions, None)."""
    if node.connector != AND or node.negated:
        return node, None
    for index, child in enumerate(node.children):
        match = _vector_match(child)
        rest = child
        if match is None and isinstance(child, WhereNode):
            rest, match = _split_match(child)
        if match is not None:
            children = [*node.children[:index], *([rest] if rest is not child else []), *node.children[index + 1 :]]
            return WhereNode(children, AND), match
    return node, None


def count_plan(queryset: QuerySet) -> QuerySet:
    """The queryset to count for a (capped) count of a search on a stored vector: the matches read first.

    Asked to stop after the cap, PostgreSQL would read the partnership's index in order and test each row's vector
    as a filter. Counted over ``MatchedRows``, the table is the rows whose vector matches and the other conditions are
    tested on those: the planner reads the table until the cap's matches are found when the words are common, or the
    GIN index's bitmap when they are rare. Reading the table is cheap because the vector is kept in the row, not
    apart in TOAST (``keep_vector_in_row_operations``): at 200,000 matters a common word counts to 1,001 in ~5 ms,
    where the GIN bitmap of its 66,000 matches took 21 ms and grew with the table. A match under OR or NOT is counted
    as it is. Plain counts are left as they are (an index-only scan).
    """
    if connection.vendor != "postgresql" or not _matches_stored_vector(queryset.query.where):
        return queryset
    rest, match = _split_match(queryset.query.where)
    if match is None:
        return queryset
    query = queryset.query.clone()
    query.where = rest
    alias = query.get_initial_alias()
    query.alias_map[alias] = MatchedRows(query.alias_map[alias].table_name, alias, match.tsquery)
    counted = queryset._chain()
    counted.query = query
    return counted


class TextMatch(Func):
    """``to_tsvector('simple', document) @@ to_tsquery('simple', query)``: the expression of the GIN index
    (``{table}_fts_idx``) itself, so the index serves it; a condition (``filter(TextMatch(…))``)."""

    template = "to_tsvector('simple', %(expressions)s)"
    arg_joiner = ") @@ to_tsquery('simple', "
    output_field = BooleanField()


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
            schema_editor.execute(f"ANALYZE {table}")  # the planner's estimate of how many rows a word finds
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")

    return [migrations.RunPython(forwards, backwards)]


def stored_vector_operations(table: str) -> list:
    """Migration operations that store ``table``'s full-text vector on PostgreSQL (nothing on SQLite, whose FTS5
    table already stores its index): a generated ``search_vector`` column under a GIN index, in place of the
    expression index of ``fts_migration_operations``. Add the table to ``STORED_VECTORS`` with it."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED"
            )
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_vector_idx ON {table} USING GIN (search_vector)")
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_fts_idx ON {table} "
                "USING GIN (to_tsvector('simple', search_document))"
            )
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")

    return [migrations.RunPython(forwards, backwards)]


def keep_vector_in_row_operations(table: str) -> list:
    """Migration operations that keep ``table``'s stored vector in its row (PostgreSQL: ``STORAGE MAIN``, compressed in
    place rather than moved to TOAST), and move the vectors already stored apart (each row rewritten once): a count
    that tests vectors reads the table's pages alone, not a TOAST index lookup and chunks a row (``count_plan``)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE MAIN")
            schema_editor.execute(f"UPDATE {table} SET search_document = search_document")  # the vector is rewritten

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTENDED")

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
