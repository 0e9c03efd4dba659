"""``jingsai rebuild-dashboard [--year 2026]``: the dashboard's summaries from scratch.

The summaries are kept in step with every change of what they count; this recomputes
them from the source tables (after a bulk load, or should they ever be in doubt): the
participation cells and facts, the per-competition and per-enterprise facts, the
certificate, skill-level and attendance facts, the top-enterprise tallies and the medal
table.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from jingsai.catalogue.models import ProgrammeYear
from jingsai.dashboards.domain import medals
from jingsai.dashboards.domain.participation import rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's summaries for a year (or every year)."

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
            f"{counts.get('competition_workers', 0):,} workers and "
            f"{counts.get('competition_enterprises', 0):,} enterprises per competition, "
            f"{counts.get('enterprise_workers', 0):,} workers per enterprise, "
            f"{counts.get('certificate_facts', 0):,} certificates, "
            f"{counts.get('upgrade_facts', 0):,} skill-level upgrades, "
            f"{counts.get('attendance_facts', 0):,} attendances, "
            f"{tallies:,} medal tallies "
            f"in {time.perf_counter() - start:.1f} s"
        )
