"""``jingsai results SLUG [--format csv|table]``: a competition's results from its marks.

Computed afresh from the counted marks (the same computation as the results
page); the CSV has the columns ``rank,entry,name,organisation,total,award,flags``.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from jingsai.competitions.models import Competition
from jingsai.judging.domain.compute import compute
from jingsai.judging.domain.results import CSV_COLUMNS, csv_rows


class Command(BaseCommand):
    help = "Print a competition's results (ranks, totals, awards, flags)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["csv", "table"], default="csv")

    def handle(self, *args, slug, format, **options):
        competition = Competition.objects.filter(code=slug).first()
        if competition is None:
            raise CommandError(f"no competition with the slug “{slug}”")
        rows = csv_rows(compute(competition))
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            writer.writerows(rows)
            return
        for row in rows:
            self.stdout.write("  ".join(row))
