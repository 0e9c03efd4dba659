"""Backup and restore: a backup restored into a fresh database and media directory holds
the same rows and files as the original; refusals say why and change nothing."""

import io
import json
import tarfile
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jingsai.common.domain import backup
from jingsai.people.models import Worker
from tests.factories import OrganisationFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "photos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos" / "王小明.jpg").write_bytes(b"\xff\xd8 a photo \x00" * 100)
    (settings.MEDIA_ROOT / "rules.pdf").write_bytes(b"%PDF-1.7 rules")
    return settings.MEDIA_ROOT


@pytest.fixture
def data(db):
    enterprise = OrganisationFactory(name="上海备份测试有限公司")
    return [WorkerFactory(employer=enterprise) for _ in range(25)]


def workers_of(cursor) -> list[tuple]:
    cursor.execute(
        f"SELECT id, name, id_number, employer_id FROM {Worker._meta.db_table} ORDER BY id"  # noqa: S608
    )
    return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def fresh_database():
    """A database the backup is restored into: a new SQLite file or a new PostgreSQL
    database on the same server (dropped afterwards)."""
    source = connection.settings_dict
    made = []

    def make(tmp_path):
        if connection.vendor == "sqlite":
            return {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        name = f"jingsai_restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return {**source, "NAME": name}

    yield make
    for name in made:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def open_restored(db: dict):
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(db["NAME"])
    return backup._pg_connect(db)


def test_a_backup_restores_into_a_fresh_database(data, media, tmp_path, fresh_database):
    with connection.cursor() as cursor:
        expected_workers = workers_of(cursor)
        expected_counts = backup.row_counts(cursor, connection.vendor)
    archive, manifest = backup.create(tmp_path / "backups")
    assert archive.name.startswith("jingsai-backup-") and archive.suffixes[-2:] == [".tar", ".gz"]
    assert manifest["tables"][Worker._meta.db_table] == len(data)
    assert set(manifest["media"]) == {"photos/王小明.jpg", "rules.pdf"}

    target = fresh_database(tmp_path)
    restored_media = tmp_path / "restored-media"
    check = backup.restore(archive, database=target, media_root=restored_media)
    assert check.ok, check.problems
    assert check.files == 2 and check.rows == sum(expected_counts.values())
    # compared apart from the manifest: the rows themselves and the files' bytes
    restored = open_restored(target)
    try:
        cursor = restored.cursor()
        assert workers_of(cursor) == expected_workers
        assert backup.row_counts(cursor, connection.vendor) == expected_counts
    finally:
        restored.close()
    for name in ("photos/王小明.jpg", "rules.pdf"):
        assert (restored_media / name).read_bytes() == (media / name).read_bytes()


def test_a_database_with_data_is_not_overwritten_without_force(
    data, media, tmp_path, fresh_database
):
    archive, _manifest = backup.create(tmp_path / "backups")
    target = fresh_database(tmp_path)
    assert backup.restore(archive, database=target, media_root=tmp_path / "m1").ok
    with pytest.raises(backup.BackupError, match="holds data"):
        backup.restore(archive, database=target, media_root=tmp_path / "m2")
    assert not (tmp_path / "m2").exists()
    if connection.vendor != "sqlite":  # the test database itself (SQLite's is in memory)
        with pytest.raises(backup.BackupError, match="holds data"):
            backup.restore(archive, media_root=tmp_path / "m3")
    assert Worker.objects.count() == len(data)
    # with force, what is there is replaced by the backup
    Worker.objects.filter(pk=data[0].pk).delete()
    smaller, _manifest = backup.create(tmp_path / "smaller")
    check = backup.restore(smaller, database=target, media_root=tmp_path / "m1", force=True)
    assert check.ok
    restored = open_restored(target)
    try:
        assert len(workers_of(restored.cursor())) == len(data) - 1
    finally:
        restored.close()


def test_the_media_directory_is_not_overwritten_without_force(
    data, media, tmp_path, fresh_database
):
    archive, _manifest = backup.create(tmp_path / "backups")
    busy = tmp_path / "busy-media"
    busy.mkdir()
    (busy / "keep.txt").write_text("keep")
    with pytest.raises(backup.BackupError, match="media directory is not empty"):
        backup.restore(archive, database=fresh_database(tmp_path), media_root=busy)
    assert (busy / "keep.txt").read_text() == "keep"
    check = backup.restore(
        archive, database=fresh_database(tmp_path / "x"), media_root=busy, force=True
    )
    assert check.ok and not (busy / "keep.txt").exists()


def test_what_is_not_a_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(backup.BackupError, match="not a Jingsai backup"):
        backup.read_manifest(junk)
    # an archive whose member escapes the directory it is unpacked in
    evil = tmp_path / "evil.tar.gz"
    manifest = json.dumps({"format": backup.FORMAT, "vendor": connection.vendor,
                           "database_file": "x", "tables": {}, "media": {}}).encode()  # fmt: skip
    with tarfile.open(evil, "w:gz") as archive:
        for name, body in (("manifest.json", manifest), ("../escaped.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    with pytest.raises(backup.BackupError, match="cannot be unpacked safely"):
        backup.restore(evil, database={**connection.settings_dict, "NAME": str(tmp_path / "d")},
                       media_root=tmp_path / "m")  # fmt: skip
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_the_commands(data, media, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path / "out"))
    printed = capsys.readouterr().out
    archive = next((tmp_path / "out").glob("jingsai-backup-*.tar.gz"))
    assert str(archive) in printed and "2 files" in printed
    refusal = "in-memory" if connection.vendor == "sqlite" else "holds data"
    with pytest.raises(CommandError, match=refusal):
        call_command("restore", str(archive))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
