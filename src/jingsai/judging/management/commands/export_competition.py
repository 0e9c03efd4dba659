"""``jingsai export-competition COMPETITION FILE.xlsx``: a competition as the competition
workbook (settings, stages, criteria with their scale, entries, judges, counted marks),
which ``import-competition`` reads back."""

from django.core.management.base import BaseCommand, CommandError

from jingsai.competitions.models import Competition
from jingsai.judging.domain.workbook_export import write_workbook


class Command(BaseCommand):
    help = "Export a competition (scheme, entries, judges, marks) as a competition workbook."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's code")
        parser.add_argument("file")

    def handle(self, *args, competition, file, **options):
        found = Competition.objects.filter(code=competition).first()
        if found is None:
            raise CommandError(f"no competition with code {competition!r}")
        with open(file, "wb") as handle:
            handle.write(write_workbook(found))
        self.stdout.write(f"wrote {file}")
