"""``jingsai import-marking-scheme COMPETITION FILE.xlsx``: a WorldSkills CIS marking scheme.

COMPETITION is the competition's code. The workbook is checked whole first:
every problem is printed with its sheet, row and column and nothing is saved
(non-zero exit; ``--report`` writes the .xlsx error report). Otherwise it prints
the criteria with their marks, the aspects (measurement / judgement) and the
standard-section table with its warnings.
"""

import pathlib

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jingsai.competitions.models import Competition
from jingsai.worldskills.domain.cis_import import import_scheme
from jingsai.worldskills.domain.sections import section_table
from jingsai.worldskills.domain.store import scheme_data


def _plain(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Command(BaseCommand):
    help = "Import a WorldSkills CIS marking scheme (.xlsx) into a competition."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's code, e.g. c2026-001")
        parser.add_argument("file")
        parser.add_argument("--report", help="where to write the .xlsx error report")

    def handle(self, *args, competition, file, report, **options):
        found = Competition.objects.filter(code=competition).first()
        if found is None:
            raise CommandError(f"no competition with code {competition!r}")
        try:
            result = import_scheme(
                actor=None, competition=found, source=file, source_name=pathlib.Path(file).name
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
                value = f" [{error.value}]" if error.value else ""
                self.stderr.write(f"{where}: {error.message}{value}")
            if report:
                with open(report, "wb") as handle:
                    handle.write(result.errors.report_xlsx())
                self.stderr.write(f"error report: {report}")
            raise CommandError(f"nothing imported: {len(result.errors.errors)} problem(s)")
        data = scheme_data(result.scheme)
        aspects = data.aspects
        self.stdout.write(self.style.SUCCESS(f"imported {data.title} into {found.code}"))
        for criterion in data.criteria:
            kinds = [a.kind for a in criterion.aspects]
            self.stdout.write(
                f"  {criterion.letter} {criterion.name}: {_plain(criterion.mark)} "
                f"({kinds.count('M')} M, {kinds.count('J')} J)"
            )
        self.stdout.write(
            f"  total {_plain(data.total)}; {len(aspects)} aspects: "
            f"{sum(a.kind == 'M' for a in aspects)} measurement, "
            f"{sum(a.kind == 'J' for a in aspects)} judgement"
        )
        table = section_table(data)
        self.stdout.write("  section  target  aspects  variation  stated")
        for row in table.rows:
            stated = _plain(row.stated) if row.stated is not None else ""
            self.stdout.write(
                f"  {row.number:>7}  {_plain(row.target):>6}  {_plain(row.computed):>7}  "
                f"{_plain(row.variation):>9}  {stated}"
            )
        self.stdout.write(
            f"  {'total':>7}  {_plain(table.target):>6}  {_plain(table.computed):>7}  "
            f"{_plain(table.variation):>9}"
        )
        for warning in table.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
