"""``twincity backup`` and ``twincity restore``: a whole installation goes into one archive and comes back
row for row and byte for byte, into an empty database only, from an untouched archive only.

Runs on the database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL). The restore target
is a second, empty database: a scratch PostgreSQL database made and dropped here, or an SQLite file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sqlite3
import tarfile
import threading
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from twincity.audit.context import acting
from twincity.audit.models import AuditEvent, ObjectChange
from twincity.core.backup import create_backup, row_counts, table_names
from twincity.core.models import Attachment
from twincity.matters import services
from twincity.matters.models import ProgressReport
from twincity.testing import build_world, make_matter

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


# --- helpers --------------------------------------------------------------------------------------------------


def fingerprints(cursor, vendor: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of all its rows in primary-key order, as the database prints them."""
    result = {}
    for table in table_names(cursor, vendor):
        q = '"' + table.replace('"', '""') + '"'
        if vendor == "sqlite":
            cursor.execute(f"PRAGMA table_info({q})")
            info = cursor.fetchall()
            columns = ['"' + c[1].replace('"', '""') + '"' for c in info]
            keys = [c for c, i in sorted(zip(columns, info, strict=True), key=lambda x: x[1][5]) if i[5]] or columns
            row = " || '|' || ".join(f"quote({c})" for c in columns)
            cursor.execute(f"SELECT {row} FROM {q} ORDER BY {', '.join(keys)}")
        else:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                [q],
            )
            keys = ['t."' + k[0].replace('"', '""') + '"' for k in cursor.fetchall()] or ["t::text"]
            cursor.execute(f"SELECT t::text FROM {q} t ORDER BY {', '.join(keys)}")
        digest, count = hashlib.sha256(), 0
        for (text,) in cursor.fetchall():
            digest.update(str(text).encode() + b"\n")
            count += 1
        result[table] = (count, digest.hexdigest())
    return result


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Target:
    """An empty second database to restore into, and a way to read it."""

    def __init__(self, vendor: str, url: str, path: Path | None = None, settings_dict: dict | None = None):
        self.vendor, self.url, self.path, self.settings_dict = vendor, url, path, settings_dict

    @contextlib.contextmanager
    def cursor(self):
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.path)
            try:
                yield conn.cursor()
            finally:
                conn.close()
        else:
            with psycopg.connect(**self.settings_dict, autocommit=True) as conn:
                conn.execute("SET TIME ZONE 'UTC'")
                yield conn.cursor()

    def tables(self) -> list[str]:
        if self.vendor == "sqlite" and not self.path.exists():
            return []
        with self.cursor() as cursor:
            return table_names(cursor, self.vendor)


@pytest.fixture
def target(tmp_path):
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield Target("sqlite", f"sqlite:///{path}", path=path)
        return
    s = connection.settings_dict
    params = {k: v for k, v in {"user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"]}.items() if v}
    if s["PORT"]:
        params["port"] = s["PORT"]
    name = f"test_twincity_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    try:
        yield Target("postgresql", url, settings_dict={"dbname": name, **params})
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def file_a_report(w, matter, persona: str, side, n: int, files=()):
    user = w.users[persona]
    with acting(user):
        return services.file_progress(
            matter,
            user=user,
            side_id=side.pk,
            period=f"2020-{n:02d}",
            text=f"第{n}次进展：完成方案",
            percent_complete=min(n, 90),
            files=files,
        )


def pdf(name: str, n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + f"报告 {n}\n".encode() * (50 + n), content_type="application/pdf")


def build_data():
    w = build_world()
    matter = make_matter(w)
    file_a_report(w, matter, "tf-unit", w.tf, 3, files=[pdf("天府进展.pdf", 1), pdf("附件二.pdf", 2)])
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, content_type="image/png")
    file_a_report(w, matter, "lj-unit", w.lj, 4, files=[png])
    return w, matter


def restore(archive: Path, target: Target, media_root: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), yes=True, database_url=target.url, media_root=str(media_root), stdout=out)
    return out.getvalue()


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


# --- the round trip -------------------------------------------------------------------------------------------


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file_identical(media, target, tmp_path):
    build_data()
    assert Attachment.objects.count() == 3
    assert AuditEvent.objects.exists()
    assert ObjectChange.objects.exists()
    archive = tmp_path / "nightly.tar.gz"
    out = io.StringIO()

    call_command("backup", output=str(archive), stdout=out)

    assert out.getvalue().startswith(f"Backup written to {archive}: ")
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert " 3 files " in out.getvalue()
    manifest = manifest_of(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["matters"][0] == "0001_initial"
    assert {f["path"] for f in manifest["files"]} == {a.file.name for a in Attachment.objects.all()}

    restored_media = tmp_path / "restored-media"
    assert "Restored into" in restore(archive, target, restored_media)

    with connection.cursor() as cursor:
        source = fingerprints(cursor, connection.vendor)
    with target.cursor() as cursor:
        restored = fingerprints(cursor, target.vendor)
    assert sorted(restored) == sorted(source)
    different = [table for table in source if restored[table] != source[table]]
    assert different == []
    assert {t: n for t, (n, _) in source.items()} == manifest["tables"]
    for attachment in Attachment.objects.all():
        copy = restored_media / attachment.file.name
        assert sha256(copy) == sha256(media / attachment.file.name)


def test_backup_never_overwrites_a_file(media, tmp_path):
    existing = tmp_path / "taken.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(existing))
    assert existing.read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.tar.gz"]  # no temporary left behind


def test_backup_refuses_when_a_file_the_database_names_is_missing(media, tmp_path):
    build_data()
    (media / Attachment.objects.first().file.name).unlink()
    with pytest.raises(CommandError, match="missing"):
        call_command("backup", output=str(tmp_path / "b.tar.gz"))
    assert not (tmp_path / "b.tar.gz").exists()


# --- what restore refuses -------------------------------------------------------------------------------------


def rewrite(archive: Path, changed: Path, change) -> None:
    """Copy ``archive`` to ``changed``, passing each member's bytes through ``change(name, data)``."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(changed, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_tampered_archive_is_refused_and_nothing_is_written(media, target, tmp_path):
    build_data()
    archive = tmp_path / "good.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    restored_media = tmp_path / "restored-media"

    def flip_last_attachment_byte(name, data):
        if name.startswith("media/") and name.endswith(".png"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    def one_more_row(name, data):  # an edited database, same size would not matter: the hash differs
        return data + b"\0" if name.startswith("database/") else data

    for change in (flip_last_attachment_byte, one_more_row):
        bad = tmp_path / f"{change.__name__}.tar.gz"
        rewrite(archive, bad, change)
        with pytest.raises(CommandError, match="checksum"):
            restore(bad, target, restored_media)
        assert target.tables() == []
        assert not restored_media.exists()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match=r"damaged|not a twincity backup|Cannot read"):
        restore(truncated, target, restored_media)
    assert target.tables() == []
    assert not restored_media.exists()


def test_restore_refuses_a_database_that_is_not_empty(media, target, tmp_path):
    build_data()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    restore(archive, target, tmp_path / "m1")
    with target.cursor() as cursor:
        before = row_counts(cursor, target.vendor)

    with pytest.raises(CommandError, match="is not empty"):
        restore(archive, target, tmp_path / "m2")

    with target.cursor() as cursor:
        assert row_counts(cursor, target.vendor) == before
    assert not (tmp_path / "m2").exists()


def test_restore_refuses_a_database_that_has_tables_even_without_rows(media, target, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with target.cursor() as cursor:  # as if someone ran migrate on it first
        cursor.execute("CREATE TABLE core_attachment (id integer PRIMARY KEY)")
        if target.vendor == "sqlite":
            cursor.connection.commit()
    with pytest.raises(CommandError, match="already has 1 tables"):
        restore(archive, target, tmp_path / "m")
    assert target.tables() == ["core_attachment"]


def test_restore_refuses_another_kind_of_database(media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    other = "postgres://nobody@127.0.0.1:1/none" if connection.vendor == "sqlite" else f"sqlite:///{tmp_path}/x.db"
    with pytest.raises(CommandError, match="same kind"):
        call_command("restore", str(archive), yes=True, database_url=other, media_root=str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()
    assert not (tmp_path / "x.db").exists()


def test_restore_refuses_a_backup_made_by_newer_code(media, target, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    def from_the_future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["matters"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    newer = tmp_path / "newer.tar.gz"
    rewrite(archive, newer, from_the_future)
    with pytest.raises(CommandError, match="newer code"):
        restore(newer, target, tmp_path / "m")
    assert target.tables() == []


# --- consistent while people work -----------------------------------------------------------------------------


@pytest.fixture
def file_database(tmp_path):
    """On SQLite, run the test on a database file in WAL mode, as in production, instead of the shared in-memory
    test database (whose table locks make concurrent writers fail outright). On PostgreSQL, nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connection.settings_dict  # the very dict every thread's connection is made from
    assert settings_dict is connections.settings["default"]
    in_memory = settings_dict["NAME"]
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)  # the migrated, empty test database
    copy.close()
    # Django never closes an in-memory database (closing would destroy it): put its connection aside instead.
    in_memory_connection, connection.connection = connection.connection, None
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = in_memory
        connection.connection = in_memory_connection


def test_a_backup_taken_while_reports_are_filed_restores_whole(file_database, media, target, tmp_path):
    w, matter = build_data()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    filed, errors = [0], []
    progress, stop = threading.Condition(), threading.Event()

    def keep_filing():
        try:
            n = 10
            while not stop.is_set():
                n += 1
                file_a_report(w, matter, "tf-unit", w.tf, n, files=[pdf(f"进展{n}.pdf", n)])
                with progress:
                    filed[0] += 1
                    progress.notify_all()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
            with progress:
                progress.notify_all()
        finally:
            connections.close_all()

    def wait_for(count: int):
        with progress:
            assert progress.wait_for(lambda: filed[0] >= count or errors, timeout=60), "the writer stalled"
        assert not errors, errors

    def write_more_after_the_snapshot():
        wait_for(filed[0] + 3)  # rows and files that must stay out of this archive

    writer = threading.Thread(target=keep_filing)
    writer.start()
    try:
        wait_for(2)
        result = create_backup(tmp_path / "busy.tar.gz", on_snapshot=write_more_after_the_snapshot)
        wait_for(filed[0] + 1)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not writer.is_alive(), errors
    assert not errors, errors

    restored_media = tmp_path / "restored-media"
    restore(result.path, target, restored_media)

    with target.cursor() as cursor:
        assert row_counts(cursor, target.vendor) == result.manifest["tables"]
        if target.vendor == "sqlite":
            assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []
        # PostgreSQL: pg_restore creates the foreign keys after the data, so a dangling row would have failed it.
        cursor.execute(
            "SELECT a.file, a.object_id, (SELECT count(*) FROM matters_progressreport r WHERE r.id = a.object_id) "
            "FROM core_attachment a"
        )
        attachments = cursor.fetchall()
    restored_reports = result.manifest["tables"]["matters_progressreport"]
    assert restored_reports < ProgressReport.objects.count()  # the later ones are not in this backup
    assert len(attachments) == result.manifest["tables"]["core_attachment"] == len(result.manifest["files"])
    for name, _report, parents in attachments:
        assert parents == 1
        assert sha256(restored_media / name) == sha256(media / name)
    assert len(list(restored_media.rglob("*.*"))) == len(attachments)  # no file of a later report


def test_restore_applies_the_migrations_this_code_has_and_the_backup_lacks(media, target, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    latest = manifest_of(archive)["migrations"]["matters"][-1]

    def one_migration_behind(name, data):  # as if made before this code's latest matters migration
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["matters"].remove(latest)
        return json.dumps(manifest).encode()

    older = tmp_path / "older.tar.gz"
    rewrite(archive, older, one_migration_behind)
    assert "then applied 1 newer migrations" in restore(older, target, tmp_path / "m")
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM django_migrations WHERE app = 'matters' AND name = %s".replace(
                "%s", "?" if target.vendor == "sqlite" else "%s"
            ),
            [latest],
        )
        assert cursor.fetchone()[0] == 1
    assert "twincity_restore_target" not in connections.settings  # the temporary connection is gone
