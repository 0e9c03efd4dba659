"""``jingsai import-roster COMPETITION FILE.xlsx``: the web roster import, for large files.

Staff name the enterprise with ``--enterprise CREDIT_CODE``, or leave it out
and give each row's enterprise in the column 单位统一社会信用代码. Prints every
error with sheet, row and column (and writes the error report next to the file
with ``--report``), or the summary.
"""

import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jingsai.competitions.domain.roster import import_roster
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import a roster (.xlsx) into a competition: every row or none."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's code, e.g. c2026-001")
        parser.add_argument("file")
        parser.add_argument("--enterprise", help="credit code of the enterprise registering")
        parser.add_argument("--report", help="where to write the .xlsx error report")

    def handle(self, *args, competition, file, enterprise, report, **options):
        found = Competition.objects.filter(code=competition).first()
        if found is None:
            raise CommandError(f"no competition with code {competition!r}")
        if enterprise:
            enterprises = list(
                Organisation.objects.filter(
                    credit_code=enterprise.upper(), kind=Organisation.Kind.ENTERPRISE
                )
            )
            if not enterprises:
                raise CommandError(f"no enterprise with credit code {enterprise!r}")
        else:
            enterprises = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE))

        def progress(stage, done, total):
            if total >= 10_000:
                sys.stderr.write(f"\r{stage}: {done:,}/{total:,}")
                if done == total:
                    sys.stderr.write("\n")

        start = time.perf_counter()
        try:
            result = import_roster(
                actor=None,
                competition=found,
                source=file,
                enterprises=enterprises,
                progress=progress,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except FileNotFoundError:
            raise CommandError(f"no such file: {file}") from None
        if not result.ok:
            for error in result.errors.errors:
                where = f"sheet {error.sheet}, row {error.row}" + (
                    f", column {error.column}" if error.column else ""
                )
                self.stderr.write(f"{where}: {error.message}")
            if report:
                with open(report, "wb") as handle:
                    handle.write(result.errors.report_xlsx())
                self.stderr.write(f"error report: {report}")
            raise CommandError(
                f"nothing imported: {len(result.errors.errors)} problem(s) in {result.rows} rows"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"imported {result.rows} rows: {result.entries} entries, "
                f"{result.new_workers} new workers in {time.perf_counter() - start:.1f} s"
            )
        )
