"""Two taps on "submit" at the same moment, and a draft racing the submission, on
PostgreSQL: the sheet's row lock and the conditional update lock it exactly once."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from jingsai.common.models import AuditEntry
from jingsai.honours.domain import review
from jingsai.honours.models import ReviewMark, ReviewSheet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL (CI runs it)"
    ),
]


def test_a_sheet_is_submitted_once(criteria, nominate, make_reviewer):
    reviewer = make_reviewer("甲")
    nomination = nominate()
    barrier = threading.Barrier(3)
    outcomes = []

    def run(values, submit):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                review.save_marks(
                    actor=reviewer.user,
                    reviewer=reviewer,
                    nomination=nomination,
                    marks=values,
                    submit=submit,
                )
            outcomes.append("ok")
        except review.ReviewRefused as refused:
            with translation.override("en"):
                outcomes.append(str(refused))
        finally:
            connections.close_all()

    full = {c.pk: "20" for c in criteria}
    late = {criteria[0].pk: "1"}
    threads = [
        threading.Thread(target=run, args=(full, True)),
        threading.Thread(target=run, args=(full, True)),
        threading.Thread(target=run, args=(late, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 3
    assert ReviewSheet.objects.count() == 1
    assert AuditEntry.objects.filter(action="honours.review_submitted").count() == 1
    assert outcomes.count("ok") in (1, 2)  # the draft wins only if it came first
    assert all(o == "ok" or o == "This sheet is submitted and locked." for o in outcomes)
    submitted = AuditEntry.objects.get(action="honours.review_submitted").after["marks"]
    stored = {m.criterion.name: str(m.mark) for m in ReviewMark.objects.select_related("criterion")}
    assert stored == submitted  # what was locked is what was audited
