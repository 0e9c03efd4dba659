"""Two runs of the rules at the same moment, on a real PostgreSQL server: nothing issued twice.

Each thread has its own connection and transaction; a barrier starts them together.
The competition's row lock serialises the runs; the unique constraints (number, and one
valid certificate per rule and worker) are the last guard.
"""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, connections

from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.domain.audit import verify_chain
from jingsai.skills.models import SkillRecord
from tests.certification.conftest import set_results

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL (CI runs it)"
    ),
]
C = CertificationRule.Condition


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", call())
        except Exception as error:  # reported by the assertion below
            outcomes[index] = ("error", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _rules(competition):
    CertificationRule.objects.create(
        competition=competition,
        condition=C.AWARD,
        award="一等奖",
        title="一等奖证书",
        level_action=CertificationRule.LevelAction.SET,
        level=2,
    )
    CertificationRule.objects.create(
        competition=competition, order=2, condition=C.TOTAL, min_total=Decimal(0), title="参赛证书"
    )


def assert_no_duplicates(competition):
    valid = Certificate.objects.filter(competition=competition, status="valid")
    pairs = Counter(valid.values_list("rule_id", "worker_id"))
    assert pairs and max(pairs.values()) == 1
    numbers = Counter(Certificate.objects.values_list("number", flat=True))
    assert max(numbers.values()) == 1
    levelled = valid.filter(skill_record__isnull=False).count()
    assert SkillRecord.objects.filter(source="competition", revoked_at__isnull=True).count() == (
        levelled
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_runs_at_once_issue_once(published, attempt):
    competition = published["competition"]
    _rules(competition)
    outcomes = run_together(
        lambda: issuing.apply_rules(actor=None, competition=competition),
        lambda: issuing.apply_rules(actor=None, competition=competition),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    reports = sorted((r for _, r in outcomes), key=lambda r: len(r.issued))
    assert (len(reports[0].issued), len(reports[1].issued)) == (0, 7)
    assert reports[0].kept == 7
    assert_no_duplicates(competition)
    assert verify_chain() == []


def test_a_correction_applied_twice_at_once_reissues_once(published):
    competition, e = published["competition"], published["entries"]
    _rules(competition)
    issuing.apply_rules(actor=None, competition=competition)
    set_results(
        competition,
        [
            (e["B"], 1, "96.00", "一等奖"),
            (e["A"], 2, "95.00", "二等奖"),
            (e["C"], 3, "85.00", "二等奖"),
            (e["D"], 4, "70.00", "三等奖"),
            (e["E"], 5, "55.00", ""),
        ],
    )
    outcomes = run_together(
        lambda: issuing.apply_rules(actor=None, competition=competition, reason="更正"),
        lambda: issuing.apply_rules(actor=None, competition=competition, reason="更正"),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert sorted(len(r.revoked) for _, r in outcomes) == [0, 3]  # A ×2, B's 参赛证书
    assert_no_duplicates(competition)
