"""``jingsai restore ARCHIVE [--force]``: put a backup back into the configured database
and media directory, then check every table's rows and every file against the backup
(see :mod:`jingsai.common.domain.backup`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jingsai.common.domain import backup


class Command(BaseCommand):
    help = "Restore a backup made by `jingsai backup` into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz archive made by `jingsai backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data already in the database and media directory",
        )

    def handle(self, *args, archive, force, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"no such file: {archive}")
        try:
            manifest = backup.read_manifest(path)
            self.stdout.write(f"restoring {backup.describe(manifest)}")
            check = backup.restore(path, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if not check.ok:
            raise CommandError(
                "the restored data differ from the backup:\n" + "\n".join(check.problems)
            )
        self.stdout.write(
            f"restored and checked: {check.tables} tables, {check.rows:,} rows, {check.files} files"
        )
