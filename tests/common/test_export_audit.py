"""Every export is in the audit trail: who, which file, how many rows, with which filters
(ID numbers in them masked), and what personal data it holds."""

import pytest
from django.test import Client

from jingsai.common.models import AuditEntry
from jingsai.common.spreadsheets import XlsxExport
from jingsai.people.models import Worker

pytestmark = pytest.mark.django_db


def test_a_workers_export_is_recorded_with_its_rows_and_filters(world):
    admin = world["users"]["admin"]
    client = Client()
    client.force_login(admin)
    name = world["our_worker"].name
    answer = client.get("/office/workers/export.xlsx", {"q": name})
    assert answer.status_code == 200
    b"".join(answer.streaming_content)
    entry = AuditEntry.objects.filter(action="export:personal_data").latest("pk")
    assert entry.actor_id == admin.pk
    assert entry.object_repr.endswith(".xlsx")
    assert entry.after["rows"] == Worker.objects.filter(name=name).count() == 1
    assert entry.after["path"] == "/office/workers/export.xlsx"
    assert "ID numbers" in entry.note
    # an ID number put in the address (searches by number go by POST) is masked in the trail
    id_number = world["our_worker"].id_number
    client.get("/office/workers/export.xlsx", {"q": id_number})
    entry = AuditEntry.objects.filter(action="export:personal_data").latest("pk")
    assert id_number not in entry.after["filters"]
    assert id_number[-4:] in entry.after["filters"]


def test_an_officers_export_counts_only_his_rows(world):
    officer = world["users"]["officer"]
    client = Client()
    client.force_login(officer)
    answer = client.get("/office/workers/export.xlsx")
    assert answer.status_code == 200
    entry = AuditEntry.objects.filter(action="export:personal_data").latest("pk")
    assert entry.actor_id == officer.pk
    assert entry.after["rows"] == Worker.objects.filter(employer=world["ours"]).count()


def test_every_export_class_says_whether_it_holds_personal_data():
    from jingsai.backoffice.views import (  # noqa: F401 (imports define the subclasses)
        dashboard,
        entries,
        honours,
        innovation,
        league,
        marking,
        organisations,
        training,
        workers,
    )

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {cls.__name__: cls.personal_data for cls in subclasses(XlsxExport)}
    assert {"WorkerExport", "EntryExport", "HoursExport", "NominationsExport"} <= {
        name for name, what in found.items() if what
    }
    assert found["OrganisationExport"] == ""  # enterprises only
