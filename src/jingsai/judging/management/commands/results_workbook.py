"""``jingsai results-workbook FILE.xlsx [--format csv]``: results straight from a
competition workbook, so that anyone with the spreadsheet can check the arithmetic.

The workbook is read and checked whole (every error listed by sheet, row and
column, non-zero exit); the CSV has the columns
``rank,entry,name,organisation,total,award,flags``.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from jingsai.judging.domain.results import CSV_COLUMNS, compute, csv_rows
from jingsai.judging.domain.workbook import WorkbookRefused, read_workbook


class Command(BaseCommand):
    help = "Compute a competition's results from its workbook and print them."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "table"], default="csv")

    def handle(self, *args, file, format, **options):
        try:
            workbook = read_workbook(file)
        except WorkbookRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(f"workbook refused: {len(refused.errors)} problem(s)") from None
        rows = compute(
            workbook.scheme, workbook.entries, assigned=workbook.assigned, marks=workbook.marks
        )
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            writer.writerows(csv_rows(rows))
            return
        for row in csv_rows(rows):
            self.stdout.write("  ".join(row))
