"""Publishing applies the rules; a correction after publication republishes and revokes and
reissues only what changed, with the reason given when the results were re-opened."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.access import policy
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.domain.audit import verify_chain
from jingsai.common.models import AuditEntry
from jingsai.competitions.domain import lifecycle
from jingsai.competitions.models import Competition
from jingsai.judging.domain import publication, sheets
from jingsai.judging.models import Judging, Sheet
from tests.judging.test_marking import _mark_everything

pytestmark = pytest.mark.django_db
S = Competition.Status
C = CertificationRule.Condition
DAY = dt.date(2026, 12, 1)
# P2 differs per entry: totals A01 83.85, A02 82.80, A03 82.10, A04 81.40
SPREAD = {
    (judge, entry): {"P2": p2}
    for entry, p2 in (("A01", "45.5"), ("A02", "44"), ("A03", "43"), ("A04", "42"))
    for judge in ("J1", "J2", "J3")
}


def _publish(competition, chief):
    publication.confirm_marks(actor=chief.user, competition=competition)
    publication.compute_results(actor=None, competition=competition)
    publication.put_on_notice(
        actor=None, competition=competition, starts=DAY, ends=DAY + dt.timedelta(days=6)
    )
    publication.publish(actor=None, competition=competition, today=DAY + dt.timedelta(days=7))


def _valid(competition):
    return {
        (c.entry.number, c.title): c.number
        for c in Certificate.objects.filter(
            competition=competition, status=Certificate.Status.VALID
        ).select_related("entry")
    }


def test_publish_issues_then_a_correction_reissues_only_what_changed(judged, world):
    competition, chief = judged["competition"], judged["judges"][2]
    for order, (condition, value, title) in enumerate(
        [(C.AWARD, "一等奖", "一等奖证书"), (C.AWARD, "二等奖", "二等奖证书")], start=1
    ):
        CertificationRule.objects.create(
            competition=competition, order=order, condition=condition, award=value, title=title
        )
    CertificationRule.objects.create(
        competition=competition, order=3, condition=C.TOTAL, min_total=60, title="合格证书"
    )
    _mark_everything(judged, SPREAD)
    _publish(competition, chief)
    first = _valid(competition)
    assert set(first) == {
        ("A01", "一等奖证书"), ("A01", "合格证书"), ("A02", "二等奖证书"), ("A02", "合格证书"),
        ("A03", "合格证书"), ("A04", "合格证书"),
    }  # fmt: skip

    # a correction after publication: only a programme admin may re-open
    competition.refresh_from_db()
    assert policy.can_move_competition(world["users"]["admin"], competition, S.JUDGING)
    assert not policy.can_move_competition(world["users"]["coorganiser"], competition, S.JUDGING)
    with pytest.raises(publication.PublicationRefused, match="Say why"):
        publication.reopen_published(actor=None, competition=competition, reason=" ")
    with pytest.raises(lifecycle.MoveRefused, match="results page"):
        lifecycle.move(actor=None, competition=competition, to=S.JUDGING)
    publication.reopen_published(
        actor=None, competition=competition, reason="复核发现 A01 计分错误"
    )
    competition.refresh_from_db()
    assert competition.status == S.JUDGING
    judging = Judging.objects.get(pk=competition.pk)
    assert judging.marks_confirmed_at is None and judging.published_at is None
    assert AuditEntry.objects.filter(action="results:reopen", note="复核发现 A01 计分错误").exists()
    with pytest.raises(publication.PublicationRefused, match="Only published"):
        publication.reopen_published(actor=None, competition=competition, reason="again")
    # certificates stay valid until results are published again
    assert _valid(competition) == first

    a01 = judged["entries"][0]
    for judge in judged["judges"][1:]:  # J2, J3 mark A01 (J1 is from its enterprise)
        sheet = Sheet.objects.get(judge=judge, entry=a01)
        sheets.correct_mark(
            actor=chief.user,
            sheet=sheet,
            criterion=judged["criteria"]["P2"],
            value="43.5",
            reason="复核",
        )
    _publish(competition, chief)  # A01 82.45: second; A02 82.80: first
    second = _valid(competition)
    for key in [("A03", "合格证书"), ("A04", "合格证书")]:
        assert second[key] == first[key]  # unchanged: same number
    assert set(second) == {
        ("A02", "一等奖证书"), ("A01", "二等奖证书"), ("A01", "合格证书"), ("A02", "合格证书"),
        ("A03", "合格证书"), ("A04", "合格证书"),
    }  # fmt: skip
    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED)
    assert {c.number for c in revoked} == {
        first[("A01", "一等奖证书")], first[("A01", "合格证书")],  # award and total changed
        first[("A02", "二等奖证书")], first[("A02", "合格证书")],  # award changed
    }  # fmt: skip
    assert {c.revoke_reason for c in revoked} == {"复核发现 A01 计分错误"}
    assert Decimal(Certificate.objects.get(number=second[("A01", "合格证书")]).total) == Decimal(
        "82.45"
    )
    assert verify_chain() == []
