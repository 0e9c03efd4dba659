"""``jingsai rebuild-dashboard [--year 2026]``: the dashboard's summaries from scratch.

The summary is kept in step with every change of an entry; this recomputes it
from the source tables (after a bulk load, or should it ever be in doubt).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.domain import medals
from jingsai.dashboards.domain.participation import rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's participation summary for a year (or every year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the programme year, e.g. 2026")

    def handle(self, *args, year, **options):
        found = None
        if year is not None:
            found = ProgrammeYear.objects.filter(year=year).first()
            if found is None:
                raise CommandError(f"no programme year {year}")
        start = time.perf_counter()
        counts = rebuild(found)
        tallies = medals.rebuild(found)
        self.stdout.write(
            f"{counts.get('enterprises', 0):,} enterprises, {counts.get('workers', 0):,} workers, "
            f"{counts.get('entries', 0):,} entries, {counts.get('cells', 0):,} cells, "
            f"{tallies:,} medal tallies "
            f"in {time.perf_counter() - start:.1f} s"
        )
