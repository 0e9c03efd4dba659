"""``jingsai import-competition FILE.xlsx``: a whole judged competition from a workbook.

The workbook is checked whole first; on any problem every error is listed by
sheet, row and column and nothing is saved (exit code non-zero). The template
is at ``/office/judging/workbook-template.xlsx``.
"""

from django.core.management.base import BaseCommand, CommandError

from jingsai.judging.domain.workbook import WorkbookRefused, read_workbook
from jingsai.judging.domain.workbook_import import import_competition


class Command(BaseCommand):
    help = "Create a judged competition (scheme, entries, judges, marks) from a workbook."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            competition = import_competition(read_workbook(file))
        except WorkbookRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(f"workbook refused: {len(refused.errors)} problem(s)") from None
        self.stdout.write(f"imported {competition.code}: {competition.title}")
