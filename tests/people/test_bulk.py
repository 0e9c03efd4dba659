import datetime as dt

import pytest

from jingsai.people.domain.bulk import insert_worker_rows
from jingsai.people.models import Worker
from tests.factories import OrganisationFactory, make_id_number

pytestmark = pytest.mark.django_db


def _row(number, employer_id, name="孙九"):
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return (name, "sj", number, birth, "M", employer_id, None, None, "电工", 3, "13900001111")


def test_bulk_insert_stores_rows_and_skips_existing_id_numbers():
    employer = OrganisationFactory()
    first, second = make_id_number(seq=101), make_id_number(seq=103)
    assert insert_worker_rows([_row(first, employer.pk)]) == 1
    assert insert_worker_rows([_row(first, employer.pk, "重复"), _row(second, employer.pk)]) == 1
    assert Worker.objects.count() == 2
    assert Worker.objects.get(id_number=first).name == "孙九"
    stored = Worker.objects.get(id_number=second)
    assert (stored.employer_id, stored.skill_level, stored.created_at is not None) == (
        employer.pk,
        3,
        True,
    )
