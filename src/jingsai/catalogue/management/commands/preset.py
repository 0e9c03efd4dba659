"""``jingsai preset pudong [--year 2026]``: load a named configuration (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from jingsai.presets import PRESETS


class Command(BaseCommand):
    help = "Load a named preset configuration; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("name", help=f"one of: {', '.join(PRESETS)}")
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="programme year (default: the latest loaded, or this year on a new install)",
        )

    def handle(self, *args, name, year, **options):
        preset = PRESETS.get(name)
        if preset is None:
            raise CommandError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
        created = preset.apply(year=year or preset.default_year())
        if not created:
            self.stdout.write(f"preset {name}: already loaded, nothing changed")
            return
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(created.items()))
        self.stdout.write(self.style.SUCCESS(f"preset {name}: created {summary}"))
