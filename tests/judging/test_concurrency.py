"""Two submissions at the same moment, on a real PostgreSQL server: nothing lost or doubled.

Each thread has its own database connection and transaction; a barrier starts
them together. The lock is the database's (``SELECT … FOR UPDATE`` on the
sheet row, a conditional ``UPDATE`` of its status and the unique sheet and
mark constraints), so the page plays no part here.
"""

import threading

import pytest
from django.db import connection, connections

from jingsai.common.domain.audit import verify_chain
from jingsai.judging.domain import sheets
from jingsai.judging.models import Mark, Sheet
from tests.judging.test_marking import assert_tallies_match_the_marks

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL (CI runs it)"
    ),
]
FULL = {"T1": "80", "P1": "40", "P2": "45.5"}


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except sheets.SheetRefused as refused:
            outcomes[index] = ("refused", str(refused))
        except Exception as error:  # reported by the assertion below
            outcomes[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_tap_submits_once(judged, attempt):
    judge, entry = judged["judges"][1], judged["entries"][0]
    outcomes = run_together(
        lambda: sheets.submit(actor=None, judge=judge, entry=entry, values=FULL),
        lambda: sheets.submit(actor=None, judge=judge, entry=entry, values=FULL | {"T1": "81"}),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert Sheet.objects.filter(judge=judge, entry=entry).count() == 1
    sheet = Sheet.objects.get(judge=judge, entry=entry)
    assert sheet.status == Sheet.Status.SUBMITTED
    assert Mark.objects.filter(sheet=sheet).count() == 3
    assert Mark.objects.filter(sheet=sheet, counts=True).count() == 3
    winner = next(result for kind, result in outcomes if kind == "ok")
    assert sheets.marks_of(sheet) == sheets.marks_of(winner)


@pytest.mark.parametrize("attempt", range(3))
def test_two_judges_submitting_at_once_both_count(judged, attempt):
    j2, j3 = judged["judges"][1], judged["judges"][2]
    entry = judged["entries"][0]
    outcomes = run_together(
        lambda: sheets.submit(actor=j2.user, judge=j2, entry=entry, values=FULL),
        lambda: sheets.submit(actor=j3.user, judge=j3, entry=entry, values=FULL | {"P1": "41"}),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert Sheet.objects.filter(entry=entry, status=Sheet.Status.SUBMITTED).count() == 2
    assert Mark.objects.filter(entry=entry, counts=True).count() == 6
    assert verify_chain() == []
    assert_tallies_match_the_marks(entry.competition)


def test_drafts_saved_at_once_by_the_same_judge_keep_both_fields(judged):
    judge, entry = judged["judges"][1], judged["entries"][0]
    outcomes = run_together(
        lambda: sheets.save_draft(judge=judge, entry=entry, values={"T1": "70"}),
        lambda: sheets.save_draft(judge=judge, entry=entry, values={"P1": "30"}),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    sheet = Sheet.objects.get(judge=judge, entry=entry)
    assert {k: str(v) for k, v in sheets.marks_of(sheet).items()} == {"T1": "70", "P1": "30"}
