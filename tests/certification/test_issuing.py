"""Certification rules applied to published results: each rule kind, levels, idempotence,
corrections, all-or-nothing, numbers."""

import re
from decimal import Decimal

import pytest

from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.common.domain.audit import verify_chain
from jingsai.common.models import AuditEntry
from jingsai.competitions.models import Competition
from jingsai.people.models import Worker
from jingsai.skills.models import SkillRecord
from tests.certification.conftest import set_results

pytestmark = pytest.mark.django_db
S = Competition.Status
C = CertificationRule.Condition
L = CertificationRule.LevelAction


def rule(competition, order=1, **fields):
    return CertificationRule.objects.create(competition=competition, order=order, **fields)


def valid(competition, **filters):
    return Certificate.objects.filter(
        competition=competition, status=Certificate.Status.VALID, **filters
    )


def level_of(worker):
    return Worker.objects.get(pk=worker.pk).skill_level


def test_award_rule_with_set_level_raises_and_never_lowers(published):
    competition, w = published["competition"], published["workers"]
    rule(
        competition,
        condition=C.AWARD,
        award="二等奖",
        title="二等奖证书",
        level_action=L.SET,
        level=2,
    )
    report = issuing.apply_rules(actor=None, competition=competition)
    assert len(report.issued) == 2
    b, c = valid(competition).get(worker=w["B"]), valid(competition).get(worker=w["C"])
    assert (b.title, b.award, b.rank, b.total) == ("二等奖证书", "二等奖", 2, Decimal("85.00"))
    assert b.level is None and b.skill_record is None  # B is level 1: never lowered
    assert level_of(w["B"]) == 1
    assert c.level == 2 and level_of(w["C"]) == 2  # C had no level
    record = SkillRecord.objects.get(pk=c.skill_record_id)
    assert (record.source, record.evidence, record.competition_id) == (
        "competition",
        c.number,
        competition.pk,
    )
    assert b.issuer == competition.organiser
    assert verify_chain() == []


def test_one_up_below(published):
    competition, w = published["competition"], published["workers"]
    rule(
        competition,
        condition=C.TOTAL,
        min_total=Decimal("50"),
        title="合格证书",
        level_action=L.ONE_UP_BELOW,
        level=3,
    )
    issuing.apply_rules(actor=None, competition=competition)
    # A 3 (not below 3): unchanged; B 1: unchanged; C none → 5; D 4 → 3; E1 3: unchanged; E2 → 5
    assert {code: level_of(w[code]) for code in w} == {
        "A": 3, "B": 1, "C": 5, "D": 3, "E1": 3, "E2": 5,
    }  # fmt: skip
    assert valid(competition).count() == 6
    assert set(valid(competition).values_list("level", flat=True)) == {None, 5, 3}


def test_rank_rule_counts_ties_and_team_members(published):
    competition, w = published["competition"], published["workers"]
    rule(competition, condition=C.RANK, max_rank=2, title="优胜证书")
    issuing.apply_rules(actor=None, competition=competition)
    assert set(valid(competition).values_list("worker__name", flat=True)) == {
        w["A"].name, w["B"].name, w["C"].name,
    }  # fmt: skip
    assert (
        valid(competition)
        .get(worker=w["A"])
        .basis.endswith(f"rank=1|issuer={competition.organiser_id}")
    )


def test_total_rule_gives_every_active_team_member_a_certificate(published):
    competition, w = published["competition"], published["workers"]
    rule(competition, condition=C.TOTAL, min_total=Decimal("55"), title="合格证书")
    issuing.apply_rules(actor=None, competition=competition)
    assert valid(competition).count() == 6
    assert valid(competition).filter(worker__in=[w["E1"], w["E2"]]).count() == 2
    assert not Certificate.objects.filter(worker=published["gone"]).exists()
    Certificate.objects.all().delete()
    CertificationRule.objects.update(min_total=Decimal("55.01"))
    issuing.apply_rules(actor=None, competition=competition)
    assert valid(competition).count() == 4


def test_numbers_are_random_and_unique(published):
    competition = published["competition"]
    rule(competition, condition=C.TOTAL, min_total=Decimal("0"), title="参赛证书")
    issuing.apply_rules(actor=None, competition=competition)
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 6
    assert all(re.fullmatch(r"JS\d{4}-[A-HJ-NP-Z2-9]{10}", n) for n in numbers)


def test_a_colliding_number_is_drawn_again(published, monkeypatch):
    competition = published["competition"]
    rule(competition, condition=C.AWARD, award="一等奖", title="一等奖证书")
    issuing.apply_rules(actor=None, competition=competition)
    taken = Certificate.objects.get().number
    draws = iter([taken, taken, "JS2026-FRESHNUMBR"])
    monkeypatch.setattr(issuing, "new_number", lambda year: next(draws))
    rule(competition, order=2, condition=C.AWARD, award="三等奖", title="三等奖证书")
    report = issuing.apply_rules(actor=None, competition=competition)
    assert report.issued == ["JS2026-FRESHNUMBR"]
    assert Certificate.objects.filter(number=taken).count() == 1


def test_running_twice_changes_nothing(published):
    competition = published["competition"]
    rule(
        competition,
        condition=C.AWARD,
        award="一等奖",
        title="一等奖证书",
        level_action=L.SET,
        level=2,
    )
    rule(competition, order=2, condition=C.TOTAL, min_total=Decimal("60"), title="合格证书")
    first = issuing.apply_rules(actor=None, competition=competition)
    assert len(first.issued) == 5
    snapshot = list(Certificate.objects.order_by("id").values_list("number", "status", "basis"))
    audit_count = AuditEntry.objects.count()
    levels = list(Worker.objects.order_by("id").values_list("skill_level", flat=True))
    second = issuing.apply_rules(actor=None, competition=competition, reason="再次执行")
    assert (second.issued, second.revoked, second.kept) == ([], [], 5)
    assert list(Certificate.objects.order_by("id").values_list("number", "status", "basis")) == (
        snapshot
    )
    assert AuditEntry.objects.count() == audit_count
    assert list(Worker.objects.order_by("id").values_list("skill_level", flat=True)) == levels
    assert SkillRecord.objects.filter(revoked_at__isnull=True, source="competition").count() == 1


def test_a_correction_revokes_and_reissues_only_what_changed(published):
    competition, e, w = published["competition"], published["entries"], published["workers"]
    rule(
        competition,
        condition=C.AWARD,
        award="一等奖",
        title="一等奖证书",
        level_action=L.SET,
        level=2,
    )
    rule(competition, order=2, condition=C.AWARD, award="二等奖", title="二等奖证书")
    rule(competition, order=3, condition=C.TOTAL, min_total=Decimal("60"), title="合格证书")
    issuing.apply_rules(actor=None, competition=competition)
    before = {(c.worker_id, c.title): c.number for c in valid(competition).select_related("worker")}
    assert level_of(w["A"]) == 2
    # corrected: C is now first (一等奖), A second; D's total changes; B unchanged
    set_results(
        competition,
        [
            (e["C"], 1, "96.00", "一等奖"),
            (e["A"], 2, "95.00", "二等奖"),
            (e["B"], 3, "85.00", "二等奖"),
            (e["D"], 4, "71.00", "三等奖"),
            (e["E"], 5, "55.00", ""),
        ],
    )
    report = issuing.apply_rules(actor=None, competition=competition, reason="复核更正 C 的成绩")
    after = {(c.worker_id, c.title): c.number for c in valid(competition)}
    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED)
    assert {(c.worker_id, c.title) for c in revoked} == {
        (w["A"].pk, "一等奖证书"),  # no longer first
        (w["A"].pk, "合格证书"),  # it states the award, now 二等奖
        (w["C"].pk, "二等奖证书"),  # now first
        (w["C"].pk, "合格证书"),  # total 85 → 96
        (w["D"].pk, "合格证书"),  # total 70 → 71
    }
    assert {r.revoke_reason for r in revoked} == {"复核更正 C 的成绩"}
    assert len(report.issued) == 5 and report.kept == 2  # B: rank 2 → 3 is not stated
    for key in [(w["B"].pk, "二等奖证书"), (w["B"].pk, "合格证书")]:
        assert after[key] == before[key]  # kept, same number
    assert after[(w["A"].pk, "二等奖证书")] not in before.values()
    # A's level record went with the revoked first prize; C is raised instead
    assert level_of(w["A"]) == 3 and level_of(w["C"]) == 2
    a_record = SkillRecord.objects.get(worker=w["A"], source="competition")
    assert a_record.revoked_at is not None and a_record.revoke_reason == "复核更正 C 的成绩"
    assert verify_chain() == []


def test_all_or_nothing(published, monkeypatch):
    competition, w = published["competition"], published["workers"]
    rule(competition, condition=C.TOTAL, min_total=Decimal("0"), title="参赛证书",
         level_action=L.ONE_UP_BELOW, level=1)  # fmt: skip
    real = issuing.records.record_level
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(issuing.records, "record_level", failing)
    levels = {code: level_of(worker) for code, worker in w.items()}
    with pytest.raises(RuntimeError):
        issuing.apply_rules(actor=None, competition=competition)
    assert not Certificate.objects.exists()
    assert not SkillRecord.objects.exists()
    assert {code: level_of(worker) for code, worker in w.items()} == levels


def test_a_certificate_revoked_by_hand_is_not_issued_again(published):
    competition, w = published["competition"], published["workers"]
    rule(
        competition,
        condition=C.AWARD,
        award="一等奖",
        title="一等奖证书",
        level_action=L.SET,
        level=2,
    )
    issuing.apply_rules(actor=None, competition=competition)
    certificate = valid(competition).get()
    with pytest.raises(issuing.CertificationRefused):
        issuing.revoke(actor=None, certificate=certificate, reason="  ")
    issuing.revoke(actor=None, certificate=certificate, reason="冒名顶替")
    assert level_of(w["A"]) == 3
    report = issuing.apply_rules(actor=None, competition=competition)
    assert not report.issued and not valid(competition).exists()
    with pytest.raises(issuing.CertificationRefused, match="already revoked"):
        issuing.revoke(actor=None, certificate=certificate, reason="again")


def test_removing_a_rule_revokes_its_certificates_when_applied(published):
    competition = published["competition"]
    keep = rule(competition, condition=C.AWARD, award="一等奖", title="一等奖证书")
    gone = rule(competition, order=2, condition=C.RANK, max_rank=2, title="优胜证书")
    issuing.apply_rules(actor=None, competition=competition)
    assert valid(competition).count() == 4
    issuing.remove_rule(actor=None, rule=gone)
    report = issuing.apply_rules(actor=None, competition=competition)
    assert len(report.revoked) == 3 and report.kept == 1
    assert valid(competition).get().rule == keep


def test_only_published_results_are_certified(published):
    competition = published["competition"]
    rule(competition, condition=C.AWARD, award="一等奖", title="一等奖证书")
    Competition.objects.filter(pk=competition.pk).update(status=S.PUBLIC_NOTICE)
    with pytest.raises(issuing.CertificationRefused, match="published"):
        issuing.apply_rules(actor=None, competition=competition)
    assert not Certificate.objects.exists()


def test_level_after():
    def r(action, level):
        return CertificationRule(level_action=action, level=level)

    assert issuing.level_after(r(L.SET, 2), None) == 2
    assert issuing.level_after(r(L.SET, 2), 3) == 2
    assert issuing.level_after(r(L.SET, 2), 2) is None
    assert issuing.level_after(r(L.SET, 2), 1) is None
    assert issuing.level_after(r(L.ONE_UP_BELOW, 2), None) == 5
    assert issuing.level_after(r(L.ONE_UP_BELOW, 2), 5) == 4
    assert issuing.level_after(r(L.ONE_UP_BELOW, 2), 3) == 2
    assert issuing.level_after(r(L.ONE_UP_BELOW, 2), 2) is None
    assert issuing.level_after(r("", None), 4) is None
