"""Backup and restore of a whole installation: the database and every uploaded file, in one archive.

The archive is a gzip'd tar holding

* ``database/twincity.pgdump`` (``pg_dump --format=custom``) or ``database/twincity.sqlite3`` (a copy made
  with SQLite's online backup API),
* ``media/<path>`` for every file the database names (``Attachment.file`` and any other ``FileField``),
* ``manifest.json`` last: versions, database vendor, the migrations applied, the row count of every table and
  the size and SHA-256 of every other member.

**Why the copy is consistent while the server runs.** The database is copied from one snapshot: on PostgreSQL
a ``REPEATABLE READ`` transaction exports its snapshot (``pg_export_snapshot()``), reads the row counts, the
migrations and the file names in it, and ``pg_dump --snapshot`` dumps exactly that state; on SQLite the backup
API copies the database in one step (in WAL mode writers go on meanwhile) and everything else is read from the
copy. Files are then copied by the names that snapshot holds. That is enough because uploaded files are
immutable: ``core.models.attachment_path`` gives every upload a new name (``attachments/YYYY/MM/<uuid4>.<ext>``),
the storage never overwrites, nothing in the code rewrites or deletes a stored file (archiving an attachment
keeps it), and ``FileField.pre_save`` writes the file *before* the row is inserted, so a committed row's file
is on disk. Files uploaded after the snapshot are simply not in the archive, and neither are their rows.

Restore verifies every checksum before it writes anything, then writes into an empty database only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = "twincity-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_MEMBERS = {"postgresql": "database/twincity.pgdump", "sqlite": "database/twincity.sqlite3"}
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
# libpq parameters that may sit in DATABASES[...]["OPTIONS"], and the environment variable each becomes for
# pg_dump/pg_restore. Django's own options (pool, isolation_level, server_side_binding…) are not libpq's.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslpassword": None,  # no environment variable: only through a service file
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
}


class BackupError(Exception):
    """Anything that stops a backup or a restore; the message is meant for the operator."""


@dataclasses.dataclass
class BackupResult:
    path: Path
    rows: int
    tables: int
    files: int
    file_bytes: int
    archive_bytes: int
    seconds: float
    manifest: dict

    def summary(self) -> str:
        return (
            f"Backup written to {self.path}: {self.rows} rows in {self.tables} tables, {self.files} files "
            f"({self.file_bytes} bytes), archive {self.archive_bytes} bytes, {self.seconds:.1f} s"
        )


@dataclasses.dataclass
class RestoreResult:
    rows: int
    tables: int
    files: int
    file_bytes: int
    migrated: list[str]
    seconds: float

    def summary(self, target: str) -> str:
        text = (
            f"Restored into {target}: {self.rows} rows in {self.tables} tables, {self.files} files "
            f"({self.file_bytes} bytes), {self.seconds:.1f} s"
        )
        if self.migrated:
            text += f"; then applied {len(self.migrated)} newer migrations"
        return text


# --- what both sides share ------------------------------------------------------------------------------------


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, vendor: str) -> list[str]:
    """Every table of the database (SQLite's own bookkeeping aside), sorted."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in table_names(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {quote_name(table)}")  # names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    result: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        result.setdefault(app, []).append(name)
    return result


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every installed model."""
    columns = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                columns.add((model._meta.db_table, field.column))
    return sorted(columns)


def referenced_files(cursor, tables: set[str]) -> list[str]:
    names: set[str] = set()
    for table, column in file_columns():
        if table not in tables:
            continue
        col = quote_name(column)
        cursor.execute(f"SELECT DISTINCT {col} FROM {quote_name(table)} WHERE {col} IS NOT NULL AND {col} <> ''")
        names.update(row[0] for row in cursor.fetchall())
    return sorted(names)


def safe_relative(name: str) -> PurePosixPath:
    """A stored file name as a path that cannot leave the media folder."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise BackupError(f"Unsafe file name in the database or the archive: {name!r}")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    try:
        return version("twincity")
    except PackageNotFoundError:
        return "unknown"


def major_version(text: str) -> int:
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", text) or re.search(r"(\d+)", text)
    if not match:
        raise BackupError(f"Cannot read a version from {text!r}")
    return int(match.group(1))


def pg_tool(name: str, bindir: str | None) -> tuple[str, str]:
    """The path of ``pg_dump``/``pg_restore`` and its ``--version`` line, or a clear error."""
    path = str(Path(bindir) / name) if bindir else shutil.which(name)
    if not path or not os.access(path, os.X_OK):
        where = f"in {bindir}" if bindir else "on PATH"
        raise BackupError(
            f"{name} was not found {where}. Install the PostgreSQL client of your server's major version "
            f"(Debian: postgresql-client-<major>) or point --pg-bindir at its bin folder."
        )
    done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{path} --version failed: {done.stderr.strip()}")
    return path, done.stdout.strip()


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The connection settings as libpq environment variables (the password never reaches a command line)."""
    env = dict(os.environ)  # PG* variables the operator set apply to pg_dump as they do to the server's own connection
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if LIBPQ_OPTIONS.get(key):
            env[LIBPQ_OPTIONS[key]] = str(value)
    return env


def pg_connect(settings_dict: dict):
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    params.update({k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS})
    try:
        return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v is not None})
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to PostgreSQL database {settings_dict['NAME']!r}: {exc}") from exc


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


# --- backup ---------------------------------------------------------------------------------------------------


def default_name(now: dt.datetime | None = None) -> str:
    now = now or timezone.localtime()
    return f"twincity-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def _snapshot_sqlite(connection, target: Path) -> dict:
    """Copy the SQLite database with the online backup API; read what the manifest needs from the copy."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        with destination:
            connection.connection.backup(destination)  # one step: a consistent read, writers go on in WAL mode
        cursor = destination.cursor()
        tables = row_counts(cursor, "sqlite")
        return {
            "tables": tables,
            "migrations": applied_migrations(cursor) if "django_migrations" in tables else {},
            "files": referenced_files(cursor, set(tables)),
            "server_version": sqlite3.sqlite_version,
            "tool": f"sqlite3 backup API (SQLite {sqlite3.sqlite_version})",
        }
    finally:
        destination.close()


def _snapshot_postgresql(settings_dict: dict, target: Path, pg_bindir: str | None, on_snapshot) -> dict:
    """``pg_dump`` of one exported snapshot, in which the row counts and file names are read too."""
    pg_dump, version_line = pg_tool("pg_dump", pg_bindir)
    with pg_connect(settings_dict) as conn:
        cursor = conn.cursor()
        cursor.execute("SHOW server_version_num")
        server_num = int(cursor.fetchone()[0])
        server_major = server_num // 10000
        if major_version(version_line) < server_major:
            raise BackupError(
                f"{version_line} cannot dump a PostgreSQL {server_major} server: install postgresql-client-"
                f"{server_major} (or newer) and put it first on PATH, or pass --pg-bindir."
            )
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = row_counts(cursor, "postgresql")
        info = {
            "tables": tables,
            "migrations": applied_migrations(cursor) if "django_migrations" in tables else {},
            "files": referenced_files(cursor, set(tables)),
            "server_version": server_num,
            "tool": version_line,
        }
        if on_snapshot:
            on_snapshot()
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"],
            env=pg_environment(settings_dict),
            capture_output=True,
            text=True,
            check=False,
        )
        cursor.execute("COMMIT")  # the exported snapshot lives as long as this transaction: until pg_dump is done
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()}")
    return info


class _HashingReader(io.RawIOBase):
    def __init__(self, f):
        self.f, self.digest, self.size = f, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, source: Path, arcname: str) -> tuple[int, str]:
    info = tar.gettarinfo(str(source), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o644
    with open(source, "rb") as f:
        reader = _HashingReader(f)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(f"{source} changed while it was copied")
    return reader.size, reader.digest.hexdigest()


def create_backup(
    output: Path | str | None = None,
    *,
    using: str = "default",
    media_root: Path | str | None = None,
    pg_bindir: str | None = None,
    allow_missing_files: bool = False,
    on_snapshot: Callable[[], None] | None = None,
) -> BackupResult:
    """Write one archive of the database ``using`` and the files it names; see the module docstring.

    ``on_snapshot`` is called once the database snapshot is fixed and before any file is copied (a test writes
    rows and files at that moment to show they stay out of the archive).
    """
    started = time.monotonic()
    connection = connections[using]
    vendor = vendor_of(connection.settings_dict)
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    output = Path(output).absolute() if output else Path.cwd() / default_name()
    if output.is_dir():
        output = output / default_name()
    if output.exists():
        raise BackupError(f"{output} already exists; backups never overwrite a file.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")

    with tempfile.TemporaryDirectory(prefix=".twincity-backup-", dir=output.parent) as scratch:
        dump = Path(scratch) / PurePosixPath(DB_MEMBERS[vendor]).name
        if vendor == "sqlite":
            info = _snapshot_sqlite(connection, dump)
            if on_snapshot:
                on_snapshot()
        else:
            info = _snapshot_postgresql(connection.settings_dict, dump, pg_bindir, on_snapshot)

        missing = [name for name in info["files"] if not (media / safe_relative(name)).is_file()]
        if missing and not allow_missing_files:
            raise BackupError(
                f"{len(missing)} files named by the database are missing under {media} (first: {missing[0]}). "
                "Find them, or pass --allow-missing-files to back up without them (they are listed in the manifest)."
            )
        partial = Path(scratch) / "archive.tar.gz"
        files, file_bytes = [], 0
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as tar:
            size, digest = _add_file(tar, dump, DB_MEMBERS[vendor])
            database = {"vendor": vendor, "member": DB_MEMBERS[vendor], "size": size, "sha256": digest}
            database.update(server_version=info["server_version"], tool=info["tool"])
            for name in info["files"]:
                if name in missing:
                    continue
                size, digest = _add_file(tar, media / safe_relative(name), MEDIA_PREFIX + name)
                files.append({"path": name, "size": size, "sha256": digest})
                file_bytes += size
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "django_version": __import__("django").get_version(),
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": database,
                "migrations": info["migrations"],
                "tables": info["tables"],
                "files": files,
                "missing_files": missing,
            }
            data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
            entry = tarfile.TarInfo(MANIFEST)
            entry.size, entry.mode, entry.mtime = len(data), 0o644, int(time.time())
            tar.addfile(entry, io.BytesIO(data))
        os.chmod(partial, 0o600)  # it holds everything: password hashes, tokens, sessions, every document
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        try:
            os.link(partial, output)  # fails if the name was taken meanwhile: never overwrite
        except FileExistsError as exc:
            raise BackupError(f"{output} already exists; backups never overwrite a file.") from exc
        except OSError:  # a file system without hard links
            if output.exists():
                raise BackupError(f"{output} already exists; backups never overwrite a file.") from None
            os.rename(partial, output)
    return BackupResult(
        path=output,
        rows=sum(info["tables"].values()),
        tables=len(info["tables"]),
        files=len(files),
        file_bytes=file_bytes,
        archive_bytes=output.stat().st_size,
        seconds=time.monotonic() - started,
        manifest=manifest,
    )


# --- restore --------------------------------------------------------------------------------------------------


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError("This is not a twincity backup: it has no manifest.json.") from None
    if not member.isreg() or member.size > MAX_MANIFEST_BYTES:
        raise BackupError("The archive's manifest is not a plain file of sensible size.")
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except ValueError as exc:
        raise BackupError(f"The archive's manifest is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a twincity backup (unknown manifest format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')}; this code reads {FORMAT_VERSION}."
        )
    return manifest


def verify_archive(path: Path, staging: Path) -> dict:
    """Check every member against the manifest while unpacking into ``staging``; return the manifest.

    Anything unexpected (a member the manifest does not list, a missing one, a link, an unsafe name, a size or
    checksum that differs) refuses the whole archive. Nothing outside ``staging`` is written.
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = _read_manifest(tar)
            database = manifest["database"]
            if database.get("member") != DB_MEMBERS.get(database.get("vendor")):
                raise BackupError("The manifest names an unexpected database member.")
            expected = {database["member"]: (database["size"], database["sha256"])}
            for entry in manifest["files"]:
                safe_relative(entry["path"])
                expected[MEDIA_PREFIX + entry["path"]] = (entry["size"], entry["sha256"])
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or member.name in seen:
                    raise BackupError(f"The archive holds {member.name!r}, which its manifest does not list.")
                if not member.isreg():
                    raise BackupError(f"The archive member {member.name!r} is not a plain file.")
                seen.add(member.name)
                size, sha = expected[member.name]
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, written = hashlib.sha256(), 0
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        written += len(chunk)
                        dst.write(chunk)
                if written != size or digest.hexdigest() != sha:
                    raise BackupError(
                        f"The archive member {member.name!r} does not match its manifest checksum: the archive is "
                        "corrupt or was altered. Nothing was restored."
                    )
            if missing := sorted(set(expected) - seen):
                raise BackupError(f"The archive lacks {len(missing)} members its manifest lists (first: {missing[0]}).")
    except (OSError, EOFError, tarfile.TarError, KeyError, TypeError) as exc:
        raise BackupError(f"The archive is damaged ({exc.__class__.__name__}: {exc}). Nothing was restored.") from None
    return manifest


def check_migrations(manifest: dict) -> list[tuple[str, str]]:
    """Refuse a backup whose migrations this code does not know; return the migrations it lacks (to apply)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            f"The backup was made by newer code: {len(unknown)} of its migrations are unknown here (first: "
            f"{app}.{name}). Install the twincity version {manifest.get('app_version')} (or newer) to restore it."
        )
    return sorted(known - archived)


def _sqlite_tables(path: Path) -> dict[str, int]:
    if not path.exists() or path.stat().st_size == 0:
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return row_counts(conn.cursor(), "sqlite")
    finally:
        conn.close()


def target_tables(settings_dict: dict) -> dict[str, int]:
    """Row count of every table the target database has already."""
    vendor = vendor_of(settings_dict)
    if vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise BackupError("Restore needs an SQLite database file, not an in-memory database.")
        return _sqlite_tables(Path(name))
    with pg_connect(settings_dict) as conn:
        return row_counts(conn.cursor(), "postgresql")


def _refuse_non_empty(tables: dict[str, int], target: str) -> None:
    if not tables:
        return
    rows = sum(tables.values())
    if rows:
        busiest = max(tables, key=tables.get)
        raise BackupError(
            f"The target database {target} is not empty: {rows} rows in {len(tables)} tables (e.g. {busiest}: "
            f"{tables[busiest]}). Restore writes only into an empty database: create a new one, or drop this one "
            "yourself after making sure nothing in it is needed."
        )
    raise BackupError(
        f"The target database {target} already has {len(tables)} tables (no rows). Restore needs a database "
        "without tables (the archive brings its own schema): drop and create it again, and do not run migrate first."
    )


def _media_plan(manifest: dict, media: Path) -> list[dict]:
    """The files to write; refuse if a file of the same name but other content is already there."""
    todo = []
    for entry in manifest["files"]:
        dest = media / safe_relative(entry["path"])
        if dest.exists():
            if not dest.is_file() or sha256_of(dest) != entry["sha256"]:
                raise BackupError(
                    f"{dest} already exists with other content; restore never overwrites a file. Restore into an "
                    "empty media folder."
                )
            continue
        todo.append(entry)
    return todo


def _place_file(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = dest.with_name(f".{dest.name}.restoring")
    shutil.copyfile(source, temp)
    try:
        os.link(temp, dest)
    except FileExistsError as exc:
        raise BackupError(f"{dest} appeared during the restore; restore never overwrites a file.") from exc
    finally:
        temp.unlink()


def _restore_sqlite(dump: Path, settings_dict: dict) -> None:
    target = Path(settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)  # the destination is written in one transaction
        destination.execute("PRAGMA journal_mode=WAL")
        problems = destination.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise BackupError(f"The restored database breaks {len(problems)} foreign keys (first: {problems[0]}).")
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path, settings_dict: dict, manifest: dict, pg_bindir: str | None) -> None:
    pg_restore, version_line = pg_tool("pg_restore", pg_bindir)
    dumped_by = major_version(manifest["database"]["tool"])
    if major_version(version_line) < dumped_by:
        raise BackupError(
            f"The dump was made by pg_dump {dumped_by}; {version_line} cannot read it. Install postgresql-client-"
            f"{dumped_by} (or newer), or pass --pg-bindir."
        )
    done = subprocess.run(
        [
            pg_restore,
            "--no-password",
            "--exit-on-error",
            "--single-transaction",  # all or nothing
            "--no-owner",  # the restoring role owns what it creates (the original role may not exist here)
            "--no-privileges",
            f"--dbname={settings_dict['NAME']}",
            str(dump),
        ],
        env=pg_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed ({done.returncode}); nothing was restored: {done.stderr.strip()}")


@contextlib.contextmanager
def _connection_alias(settings_dict: dict):
    """A Django connection to the restore target, for ``migrate``; it is not added to the settings, so it is
    gone (and never seen by code that walks every configured database) once the block ends."""
    alias = "twincity_restore_target"
    databases = {"default": dict(connections.settings["default"]), alias: dict(settings_dict)}
    configured = connections.configure_settings(databases)[alias]
    connections[alias] = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def describe(settings_dict: dict) -> str:
    if vendor_of(settings_dict) == "sqlite":
        return f"SQLite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "local socket"
    return f"PostgreSQL {settings_dict['NAME']} on {host}"


def restore_backup(
    archive: Path | str,
    *,
    settings_dict: dict,
    media_root: Path | str,
    pg_bindir: str | None = None,
    migrate: bool = True,
) -> RestoreResult:
    """Restore ``archive`` into the (empty) database ``settings_dict`` and the folder ``media_root``.

    Order: everything is verified first (checksums, vendor, migrations, empty target, no file clash), then the
    files are placed (a failure leaves only unreferenced files, and a second run accepts identical ones), then the
    database is restored in one transaction, then ``migrate`` brings it to this code's schema if it is older.
    """
    started = time.monotonic()
    archive = Path(archive)
    media = Path(media_root)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist or is not a file.")
    vendor = vendor_of(settings_dict)
    with tempfile.TemporaryDirectory(prefix="twincity-restore-") as scratch:
        staging = Path(scratch)
        manifest = verify_archive(archive, staging)
        archived_vendor = manifest["database"]["vendor"]
        if archived_vendor != vendor:
            raise BackupError(
                f"The backup holds a {archived_vendor} database and the target is {vendor}; restore works only "
                "between databases of the same kind."
            )
        pending = check_migrations(manifest)
        _refuse_non_empty(target_tables(settings_dict), describe(settings_dict))
        todo = _media_plan(manifest, media)
        if vendor == "postgresql":
            pg_tool("pg_restore", pg_bindir)  # before anything is written
        for entry in todo:
            _place_file(staging / (MEDIA_PREFIX + entry["path"]), media / safe_relative(entry["path"]))
        dump = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            _restore_sqlite(dump, settings_dict)
        else:
            _restore_postgresql(dump, settings_dict, manifest, pg_bindir)
    migrated = []
    if pending and migrate:
        with _connection_alias(settings_dict) as alias:
            call_command("migrate", database=alias, interactive=False, verbosity=0)
        migrated = [f"{app}.{name}" for app, name in pending]
    return RestoreResult(
        rows=sum(manifest["tables"].values()),
        tables=len(manifest["tables"]),
        files=len(manifest["files"]),
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
        migrated=migrated,
        seconds=time.monotonic() - started,
    )
