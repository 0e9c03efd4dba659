"""``jingsai audit verify``: recompute the audit hash chain and report tampering."""

from django.core.management.base import BaseCommand, CommandError

from jingsai.common.domain.audit import current_head, verify_chain
from jingsai.common.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' recomputes the hash chain and names every tampered "
        "record; 'head' prints the last record's id and hash, to keep outside the database "
        "and pass later as 'verify --expect ID:HASH'."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--expect", help="ID:HASH printed earlier by 'jingsai audit head'")

    def handle(self, *args, action, expect, **options):
        if action == "head":
            last_id, last_hash = current_head()
            self.stdout.write(f"{last_id}:{last_hash}")
            return
        checkpoint = None
        if expect:
            try:
                raw_id, raw_hash = expect.split(":", 1)
                checkpoint = (int(raw_id), raw_hash.strip())
            except ValueError:
                raise CommandError(
                    "--expect takes ID:HASH as printed by 'jingsai audit head'"
                ) from None
        problems = verify_chain(expect=checkpoint)
        total = AuditEntry.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem.kind}: {problem.message}")
            raise CommandError(
                f"audit trail check failed: {len(problems)} problem(s) in {total} records"
            )
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {total} records verified"))
