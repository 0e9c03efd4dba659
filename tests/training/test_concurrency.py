"""Two officers filling the last places of a course at the same moment, on PostgreSQL:
the course's row lock lets one in and refuses the other with the reason."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from jingsai.training.domain import enrolment
from jingsai.training.models import Enrolment
from tests.factories import WorkerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL (CI runs it)"
    ),
]


def test_the_last_places_go_to_one_batch_only(world, course):
    first = [WorkerFactory(employer=world["ours"]) for _ in range(2)]
    second = [WorkerFactory(employer=world["theirs"]) for _ in range(2)]
    enrolment.enrol(actor=None, course=course, workers=[WorkerFactory()])  # 2 of 3 left
    barrier = threading.Barrier(2)
    outcomes = []

    def enrol(workers):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # a new thread starts in the default language
                enrolment.enrol(actor=None, course=course, workers=workers)
            outcomes.append("ok")
        except enrolment.EnrolmentRefused as refused:
            with translation.override("en"):
                outcomes.append(str(refused.messages[0]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    assert any("The course is full: 3 places, 3 taken" in o for o in outcomes)
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 3
