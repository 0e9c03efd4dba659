"""``jingsai backup [--output DIR]``: the database and the uploaded files in one archive
(see :mod:`jingsai.common.domain.backup`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jingsai.common.domain import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="directory for the archive (default: backups/ in the data directory)",
        )

    def handle(self, *args, output, **options):
        directory = Path(output) if output else Path(settings.DATA_DIR) / "backups"
        try:
            path, manifest = backup.create(directory)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{path}\n{backup.describe(manifest)}")
