"""Workers' copies of their employer's zone and industry stay in step."""

import pytest

from jingsai.catalogue.models import Industry, Zone
from jingsai.organisations.domain.services import update_organisation
from jingsai.people.domain.workers import register_worker, update_worker
from jingsai.people.models import Worker
from tests.factories import OrganisationFactory, WorkerFactory, make_id_number

pytestmark = pytest.mark.django_db


def test_registered_worker_takes_employer_zone_and_industry(preset):
    zone, industry = Zone.objects.get(code="lingang"), Industry.objects.get(code="chips")
    employer = OrganisationFactory(zone=zone, industry=industry)
    worker = register_worker(
        actor=None, name="吴十", id_number=make_id_number(seq=7), employer=employer
    )
    assert (worker.zone, worker.industry) == (zone, industry)


def test_moving_employer_moves_zone_and_industry(preset):
    first = OrganisationFactory(zone=Zone.objects.get(code="lingang"))
    second = OrganisationFactory(zone=Zone.objects.get(code="jinqiao"))
    worker = register_worker(
        actor=None, name="吴十", id_number=make_id_number(seq=9), employer=first
    )
    update_worker(actor=None, worker=worker, employer=second)
    worker.refresh_from_db()
    assert worker.zone.code == "jinqiao"


def test_changing_an_organisations_zone_updates_its_workers(preset):
    employer = OrganisationFactory(zone=Zone.objects.get(code="lingang"))
    WorkerFactory.create_batch(3, employer=employer, zone=employer.zone)
    other = WorkerFactory(zone=employer.zone)
    jinqiao = Zone.objects.get(code="jinqiao")
    update_organisation(actor=None, organisation=employer, zone=jinqiao)
    assert set(Worker.objects.filter(employer=employer).values_list("zone", flat=True)) == {
        jinqiao.pk
    }
    other.refresh_from_db()
    assert other.zone.code == "lingang"
    # the list filter counts what a direct count through the employer gives
    assert (
        Worker.objects.filter(zone=jinqiao).count()
        == Worker.objects.filter(employer__zone=jinqiao).count()
    )
