"""``jingsai create-admin USERNAME``: the first programme admin of a new install.

The password is asked for at the terminal (or read from ``JINGSAI_ADMIN_PASSWORD``);
the account is made a programme admin of the district union through the same
audited service as the accounts page.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jingsai.organisations.models import Organisation
from jingsai.people.domain.accounts import create_account
from jingsai.people.models import Role


class Command(BaseCommand):
    help = "Create a programme admin of the union (load a preset first)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--display-name", default="")

    def handle(self, *args, username, display_name, **options):
        union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
        if union is None:
            raise CommandError("no union organisation yet: run 'jingsai preset pudong' first")
        password = os.environ.get("JINGSAI_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            create_account(
                actor=None,
                username=username,
                display_name=display_name,
                password=password,
                role=Role.PROGRAMME_ADMIN,
                organisation=union,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"programme admin {username} created at {union}"))
