"""Backing up the platform and restoring it (``jingsai backup``, ``jingsai restore``).

A backup is one ``.tar.gz`` archive holding:

- ``manifest.json``: the format, when and from which database it was made, the migrations
  applied, the number of rows of every table, and every uploaded file with its size and
  SHA-256;
- the database: ``database.sqlite3`` (SQLite's online backup: a consistent copy while the
  platform runs) or ``database.pgdump`` (``pg_dump --format=custom``: consistent too, one
  snapshot);
- ``media/``: the uploaded files (``MEDIA_ROOT``: photos, attachments, certificates).

:func:`restore` puts an archive back into a database and a media directory that are
empty (or, with ``force``, replaces what is there), then checks the result against the
manifest: every table's row count and every file's checksum. A backup restores into the
same kind of database it was made from (SQLite into SQLite, PostgreSQL into PostgreSQL);
PostgreSQL needs ``pg_dump``/``pg_restore`` of the server's major version on ``PATH``.

Nothing here logs personal data: the manifest holds table names, counts and file names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "jingsai-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class Check:
    """How a restored database and media directory compare with the manifest."""

    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- what a database holds --------------------------------------------------------------


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(cursor, vendor: str) -> dict[str, int]:
    """Every table's number of rows, by name."""
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (catalogue names)
        counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict]:
    """Every file under ``root``: relative POSIX path → size and SHA-256."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore (the password only in
    the environment, never on the command line)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg_connect(db: dict):
    import psycopg

    conninfo = {
        "dbname": db["NAME"],
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    return psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True)


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools)")
    done = subprocess.run(  # noqa: S603 (a fixed tool with an argument list)
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


# --- backing up -------------------------------------------------------------------------


def create(directory: Path, *, alias: str = "default") -> tuple[Path, dict]:
    """Write a backup archive into ``directory``; returns its path and its manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    db = connections[alias]
    vendor = db.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {vendor} databases are not supported")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"jingsai-backup-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        if vendor == "sqlite":
            db.ensure_connection()
            with sqlite3.connect(work / SQLITE_FILE) as copy:
                db.connection.backup(copy)
            copy.close()
            with sqlite3.connect(work / SQLITE_FILE) as copy:
                counts = row_counts(copy.cursor(), "sqlite")
            copy.close()
            database_file = SQLITE_FILE
        else:
            settings_dict = db.settings_dict
            args, env = _pg_env(settings_dict)
            _run(
                [
                    "pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
                    "--file", str(work / PG_FILE), str(settings_dict["NAME"]),
                ],
                env,
            )  # fmt: skip
            with db.cursor() as cursor:
                counts = row_counts(cursor, "postgresql")
            database_file = PG_FILE
        recorder = MigrationRecorder(db)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "database_file": database_file,
            "migrations": sorted(f"{a}.{n}" for a, n in recorder.applied_migrations()),
            "tables": counts,
            "media": media_files(media_root),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database_file, arcname=database_file)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
        partial.replace(target)  # never a half-written archive under the final name
    return target, manifest


# --- restoring --------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path.name} is not a Jingsai backup ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path.name}: unknown backup format {manifest.get('format')}")
    return manifest


def _has_data(cursor, vendor: str) -> bool:
    return any(n for t, n in row_counts(cursor, vendor).items() if t != "django_migrations")


def _replace_media(source: Path, media_root: Path, force: bool) -> None:
    if media_root.is_dir() and any(media_root.iterdir()):
        if not force:
            raise BackupError(f"the media directory is not empty: {media_root.name}/ (use --force)")
        shutil.rmtree(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, media_root)
    else:
        media_root.mkdir(parents=True, exist_ok=True)


def restore(
    archive_path: Path,
    *,
    database: dict | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> Check:
    """Restore ``archive_path`` into ``database`` (a Django database settings dict; the
    default database when None) and ``media_root`` (``MEDIA_ROOT`` when None); refused
    when either holds data, unless ``force``. Returns the check against the manifest."""
    manifest = read_manifest(archive_path)
    db = database or connections["default"].settings_dict
    vendor = "sqlite" if "sqlite" in db["ENGINE"] else "postgresql"
    if vendor != manifest["vendor"]:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; this one is {vendor}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(work, filter="data")  # no absolute paths, links or "../"
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"{archive_path.name} cannot be unpacked safely: {error}") from None
        database_file = work / manifest["database_file"]
        if vendor == "sqlite":
            _restore_sqlite(database_file, Path(db["NAME"]), force)
        else:
            _restore_postgresql(database_file, db, force)
        _replace_media(work / MEDIA, media_root, force)
    return verify(manifest, database=db, media_root=media_root)


def _restore_sqlite(source: Path, target: Path, force: bool) -> None:
    if str(target) in ("", ":memory:") or "mode=memory" in str(target):
        raise BackupError("cannot restore into an in-memory SQLite database")
    if target.exists():
        with sqlite3.connect(target) as existing:
            busy = _has_data(existing.cursor(), "sqlite")
        existing.close()
        if busy and not force:
            raise BackupError(f"the database {target.name} holds data (use --force)")
    target.parent.mkdir(parents=True, exist_ok=True)
    for alias in connections:  # nobody keeps the old file open
        if connections[alias].settings_dict.get("NAME") == str(target):
            connections[alias].close()
    with sqlite3.connect(source) as copy, sqlite3.connect(target) as out:
        copy.backup(out)
    copy.close()
    out.close()


def _restore_postgresql(source: Path, db: dict, force: bool) -> None:
    with _pg_connect(db) as target:
        busy = _has_data(target.cursor(), "postgresql")
        tables = _tables(target.cursor(), "postgresql")
        if busy and not force:
            raise BackupError(f"the database {db['NAME']} holds data (use --force)")
        if tables:  # empty tables of a migrated database, or data to replace (force)
            with target.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
    args, env = _pg_env(db)
    _run(
        ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", "--dbname", str(db["NAME"]), str(source)],
        env,
    )  # fmt: skip


def verify(manifest: dict, *, database: dict, media_root: Path) -> Check:
    """Compare a database and media directory with a backup's manifest."""
    check = Check()
    vendor = manifest["vendor"]
    if vendor == "sqlite":
        with sqlite3.connect(database["NAME"]) as restored:
            counts = row_counts(restored.cursor(), "sqlite")
        restored.close()
    else:
        with _pg_connect(database) as restored:
            counts = row_counts(restored.cursor(), "postgresql")
    for table, expected in manifest["tables"].items():
        if table not in counts:
            check.problems.append(f"table {table} is missing")
        elif counts[table] != expected:
            check.problems.append(f"table {table}: {counts[table]} rows, backup had {expected}")
        else:
            check.tables += 1
            check.rows += expected
    files = media_files(media_root)
    for name, expected in manifest["media"].items():
        if files.get(name) != expected:
            check.problems.append(f"file {name} differs from the backup or is missing")
        else:
            check.files += 1
    return check


def describe(manifest: dict) -> str:
    rows = sum(manifest["tables"].values())
    made = dt.datetime.fromisoformat(manifest["created_at"])
    return (
        f"{manifest['vendor']} backup of {timezone.localtime(made):%Y-%m-%d %H:%M}: "
        f"{len(manifest['tables'])} tables, {rows:,} rows, {len(manifest['media'])} files"
    )


__all__ = ["BackupError", "Check", "create", "describe", "read_manifest", "restore", "verify"]
