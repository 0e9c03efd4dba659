"""``jingsai demo-data --enterprises N --workers M``: realistic demo data, with a progress bar."""

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from jingsai.people.models import Worker
from jingsai.presets import demo, pudong


class Command(BaseCommand):
    help = "Add demo organisations, enterprises, workers and one demo account per role."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=300)
        parser.add_argument("--workers", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="also create the demo accounts (published password) when DEBUG is off",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="add enterprises and workers only when there are no workers yet",
        )

    def handle(self, *args, enterprises, workers, seed, year, quiet, if_empty, accounts, **options):
        # Demo logins share a published password: never on a production site unless asked.
        with_accounts = settings.DEBUG or accounts
        if if_empty and Worker.objects.exists():
            self.stdout.write("demo data: workers exist already, none added")
            enterprises = workers = 0

        def bar(total, unit):
            return tqdm(
                total=total,
                unit=f" {unit}",
                disable=quiet,
                file=self.stderr._out,
                dynamic_ncols=True,
            )

        summary = demo.generate(
            enterprises=enterprises,
            workers=workers,
            seed=seed,
            year=year or pudong.default_year(),
            progress_factory=bar,
            with_accounts=with_accounts,
        )
        if not with_accounts:
            self.stdout.write("demo accounts not created: DEBUG is off (pass --accounts to force)")
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data: {summary.organisations} other organisations, "
                f"{summary.enterprises} enterprises, {summary.workers} workers, "
                f"{summary.competitions} competitions, "
                f"{summary.nominations} 830 nominations added"
            )
        )
        for username, role, organisation in summary.accounts or []:
            self.stdout.write(f"  {username:<12} {role} · {organisation}")
