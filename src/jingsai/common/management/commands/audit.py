"""``jingsai audit verify``: recompute the audit hash chain and report tampering."""

from django.core.management.base import BaseCommand, CommandError

from jingsai.common.domain.audit import verify_chain
from jingsai.common.models import AuditEntry


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' recomputes the hash chain and names every tampered record."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        problems = verify_chain()
        total = AuditEntry.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem.kind}: {problem.message}")
            raise CommandError(
                f"audit trail check failed: {len(problems)} problem(s) in {total} records"
            )
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {total} records verified"))
