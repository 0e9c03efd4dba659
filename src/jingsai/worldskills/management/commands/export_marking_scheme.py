"""``jingsai export-marking-scheme COMPETITION FILE.xlsx``: a competition's scheme in the
WorldSkills CIS layout (an imported scheme as stored, or one built on the platform)."""

from django.core.management.base import BaseCommand, CommandError

from jingsai.competitions.models import Competition
from jingsai.worldskills.domain.cis_export import export_competition


class Command(BaseCommand):
    help = "Export a competition's marking scheme as a WorldSkills CIS workbook."

    def add_arguments(self, parser):
        parser.add_argument("competition", help="the competition's code")
        parser.add_argument("file")

    def handle(self, *args, competition, file, **options):
        found = Competition.objects.filter(code=competition).first()
        if found is None:
            raise CommandError(f"no competition with code {competition!r}")
        try:
            content = export_competition(found)
        except ValueError as error:
            raise CommandError(str(error)) from None
        with open(file, "wb") as handle:
            handle.write(content)
        self.stdout.write(f"wrote {file}")
