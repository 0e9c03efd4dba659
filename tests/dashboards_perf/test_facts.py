"""The per-competition facts (a co-organiser's participation) and the worker facts
(certificates, skill-level upgrades, training) stay in step on every path that changes
what they count: after each, the figures equal direct counts over the source rows and the
facts equal a rebuild from scratch."""

import datetime as dt
from decimal import Decimal

import pytest

from jingsai.access import policy
from jingsai.certification.domain import issuing
from jingsai.certification.models import Certificate, CertificationRule
from jingsai.competitions.domain import registration
from jingsai.dashboards.domain import participation, participation_section, sections
from jingsai.dashboards.domain.base import Filters, Scope
from jingsai.dashboards.models import (
    AttendanceFact,
    CertificateFact,
    CompetitionCell,
    CompetitionEnterprise,
    CompetitionWorker,
    EnterpriseCell,
    EnterpriseWorker,
    UpgradeFact,
)
from jingsai.organisations.domain.services import update_organisation
from jingsai.people.domain.workers import update_worker
from jingsai.people.models import Role, Worker
from jingsai.skills.domain import records
from jingsai.skills.models import SkillRecord
from jingsai.training.domain import attendance, enrolment
from jingsai.training.models import Attendance, Session
from tests.dashboards_sections import direct
from tests.dashboards_sections.conftest import TODAY
from tests.dashboards_sections.test_sections import combos
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "competition workers": sorted(
            CompetitionWorker.objects.values_list(
                "competition_id", "worker_id", "enterprise", "industry", "zone"
            )
        ),
        "competition enterprises": sorted(
            CompetitionEnterprise.objects.values_list(
                "competition_id", "enterprise_id", "industry", "zone", "entries"
            )
        ),
        "competition cells": sorted(
            CompetitionCell.objects.exclude(n=0).values_list(
                "competition_id", "measure", "industry", "zone", "scope", "month", "n"
            )
        ),
        "enterprise workers": sorted(
            EnterpriseWorker.objects.values_list(
                "year_id", "enterprise", "worker_id", "tags", "industry", "zone"
            )
        ),
        "enterprise cells": sorted(
            EnterpriseCell.objects.exclude(n=0).values_list(
                "year_id", "enterprise", "series", "brand", "industry", "zone", "n"
            )
        ),
        "certificates": sorted(
            CertificateFact.objects.values_list(
                "certificate_id", "competition_id", "worker_id", "status", "industry", "zone",
                "employer",
            )
        ),
        "upgrades": sorted(
            UpgradeFact.objects.values_list(
                "record_id", "competition_id", "worker_id", "level", "industry", "zone",
                "employer",
            )
        ),
        "attendance": sorted(
            AttendanceFact.objects.values_list(
                "attendance_id", "session_id", "worker_id", "hours", "industry", "zone",
                "employer",
            )
        ),
    }  # fmt: skip


def assert_same_as_rebuilt() -> dict:
    kept = snapshot()
    assert all(kept.values()), {k: len(v) for k, v in kept.items()}
    participation.rebuild()
    assert snapshot() == kept
    return kept


def scopes(data) -> list[Scope]:
    comps = data["competitions"]
    enterprises = data["enterprises"]
    return [
        Scope(),
        Scope(competition_ids=frozenset({comps["ic"].pk, comps["teams"].pk})),
        Scope(competition_ids=frozenset({comps["digital"].pk, comps["other"].pk})),
        Scope(enterprise_ids=frozenset({enterprises[0].pk, enterprises[3].pk})),
    ]


def assert_figures_equal_direct_counts(data) -> int:
    """Every filter combination and scope: certificates, upgrades and training against
    direct counts; a co-organiser's and an officer's participation, and a co-organiser's
    top enterprises too."""
    compared = 0
    year = data["years"][0]
    for scope in scopes(data):
        for combo in combos(data):
            f = Filters(year=year, **combo)
            expected = direct.certificates(f, scope)
            got = dict(sections.certificates(f, scope).figures)
            assert got["Valid"] == expected["certificates"]["valid"], (f, scope)
            assert got["Revoked"] == expected["certificates"]["revoked"], (f, scope)
            assert got["Skill-level upgrades"] == sum(expected["upgrades"].values()), (f, scope)
            trained = direct.training(f, scope)
            section = sections.training(f, scope)
            got = dict(section.figures)
            assert got["Training hours"] == trained["hours"], (f, scope)
            assert got["Workers trained"] == trained["workers"], (f, scope)
            zones = next(c for c in section.charts if c.key == "training-zones")
            assert {
                int(k.rsplit(":", 1)[1]): v
                for k, v in zip(zones.drill, zones.series[0].values, strict=True)
            } == trained["by_zone"], (f, scope)
            if not scope.everything:
                counted = participation_section.counts(f, scope)
                wanted = direct.participation(f, scope)
                for measure in ("workers", "enterprises", "entries"):
                    for by, value in wanted[measure].items():
                        assert counted[measure][by] == value, (measure, by, f, scope)
            if scope.competition_ids is not None:
                counts = direct.participation_by_enterprise(f, scope)
                rows = [(pk, w, e) for pk, (w, e) in counts.items()]
                assert sections.top_participation(f, scope) == (
                    sorted((r for r in rows if r[1]), key=lambda r: (-r[1], -r[2], r[0]))[:10],
                    sorted((r for r in rows if r[2]), key=lambda r: (-r[2], -r[1], r[0]))[:10],
                ), (f, scope)
            compared += 1
    return compared


def whole(data) -> dict:
    f = Filters(year=data["years"][0])
    return dict(sections.certificates(f, Scope()).figures) | dict(
        sections.training(f, Scope()).figures
    )


def test_the_facts_of_the_generated_programme(sections_data):
    kept = assert_same_as_rebuilt()
    # one fact per counted row: competition certificates of workers, records in force of
    # competitions, attendances with the worker present
    assert (
        len(kept["certificates"])
        == Certificate.objects.filter(competition__isnull=False, worker__isnull=False).count()
    )
    assert (
        len(kept["upgrades"])
        == SkillRecord.objects.filter(
            source="competition", revoked_at__isnull=True, competition__isnull=False
        ).count()
    )
    assert len(kept["attendance"]) == Attendance.objects.filter(present=True).count()
    assert assert_figures_equal_direct_counts(sections_data) == 40


def test_certificates_issued_and_revoked(sections_data):
    ic = sections_data["competitions"]["ic"]
    before = whole(sections_data)
    CertificationRule.objects.create(
        competition=ic,
        order=3,
        condition=CertificationRule.Condition.RANK,
        max_rank=3,
        title="前三名证书",
        level_action=CertificationRule.LevelAction.SET,
        level=1,
    )
    report = issuing.apply_rules(actor=None, competition=ic, today=TODAY)
    assert report.issued
    issued = Certificate.objects.filter(number__in=report.issued)
    with_level = issued.filter(skill_record__isnull=False).count()
    assert with_level  # each brought a level-1 record through records.record_level
    after = whole(sections_data)
    assert after["Valid"] == before["Valid"] + len(report.issued)
    assert after["Skill-level upgrades"] == before["Skill-level upgrades"] + with_level
    assert CertificateFact.objects.filter(certificate__in=issued, status="valid").count() == len(
        report.issued
    )
    # revoked by hand: the certificate and the record it brought
    chosen = issued.filter(skill_record__isnull=False).first()
    issuing.revoke(actor=None, certificate=chosen, reason="信息有误")
    revoked = whole(sections_data)
    assert revoked["Valid"] == after["Valid"] - 1
    assert revoked["Revoked"] == after["Revoked"] + 1
    assert revoked["Skill-level upgrades"] == after["Skill-level upgrades"] - 1
    assert CertificateFact.objects.get(certificate=chosen).status == "revoked"
    assert not UpgradeFact.objects.filter(record_id=chosen.skill_record_id).exists()
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def test_skill_records_made_and_revoked(sections_data):
    ic = sections_data["competitions"]["ic"]
    worker = sections_data["workers"][sections_data["enterprises"][2].pk][0]
    f = Filters(year=sections_data["years"][0], zone=worker.zone_id or 0)

    def upgrades(filters=f) -> int:
        return dict(sections.certificates(filters, Scope()).figures)["Skill-level upgrades"]

    before, everywhere = upgrades(), upgrades(Filters(year=f.year))
    record = records.record_level(
        actor=None, worker=worker, level=2, source=SkillRecord.Source.COMPETITION,
        competition=ic, awarded_on=TODAY,
    )  # fmt: skip
    assert upgrades() == before + 1
    # an evaluation's level is not a competition's upgrade
    records.record_level(
        actor=None, worker=worker, level=1, source=SkillRecord.Source.EVALUATION, awarded_on=TODAY
    )
    assert upgrades() == before + 1
    others = sections_data["workers"][sections_data["enterprises"][4].pk][:2]
    made = records.record_levels(
        actor=None,
        grants=[records.LevelGrant(worker_id=w.pk, level=3, awarded_on=TODAY) for w in others],
        source=SkillRecord.Source.COMPETITION,
        competition=ic,
    )
    assert len(made) == 2
    assert upgrades(Filters(year=f.year)) == everywhere + 3
    assert_figures_equal_direct_counts(sections_data)
    records.revoke_record(actor=None, record=record, reason="撤销")
    assert upgrades() == before
    assert upgrades(Filters(year=f.year)) == everywhere + 2
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def test_attendance_taken_and_changed(sections_data):
    course = sections_data["courses"][0]
    session = Session.objects.filter(course=course).order_by("date").first()
    present = set(Attendance.objects.filter(session=session).values_list("worker_id", flat=True))
    newcomers = [
        w
        for e in sections_data["enterprises"]
        for w in sections_data["workers"][e.pk]
        if w.pk not in present
    ][:3]
    enrolment.enrol(actor=None, course=course, workers=newcomers)
    before = whole(sections_data)
    attendance.record(
        actor=None,
        session=session,
        present={newcomers[0].pk: True, newcomers[1].pk: True, newcomers[2].pk: False},
        hours={newcomers[1].pk: Decimal("1.0")},
    )
    after = whole(sections_data)
    assert after["Training hours"] == before["Training hours"] + session.hours + Decimal("1.0")
    assert AttendanceFact.objects.filter(session=session, worker_id=newcomers[2].pk).count() == 0
    assert_figures_equal_direct_counts(sections_data)
    # absent after all, and the other's hours corrected
    attendance.record(
        actor=None,
        session=session,
        present={newcomers[0].pk: False, newcomers[1].pk: True},
        hours={newcomers[1].pk: Decimal("2.5")},
    )
    again = whole(sections_data)
    assert again["Training hours"] == before["Training hours"] + Decimal("2.5")
    assert AttendanceFact.objects.get(session=session, worker_id=newcomers[1].pk).hours == Decimal(
        "2.5"
    )
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def _holder_with_attendance(data) -> Worker:
    holders = set(CertificateFact.objects.values_list("worker_id", flat=True)) & set(
        AttendanceFact.objects.values_list("worker_id", flat=True)
    )
    if holders:
        return Worker.objects.get(pk=min(holders))
    return Worker.objects.get(pk=CertificateFact.objects.order_by("pk").first().worker_id)


def test_worker_changes_employer(sections_data):
    worker = _holder_with_attendance(sections_data)
    target = next(
        e
        for e in sections_data["enterprises"]
        if e.zone_id not in (None, worker.zone_id)
        and e.industry_id not in (None, worker.industry_id)
    )
    f = Filters(year=sections_data["years"][0], zone=target.zone_id)
    held = CertificateFact.objects.filter(worker=worker, status="valid").count()
    before = dict(sections.certificates(f, Scope()).figures)["Valid"]
    update_worker(actor=None, worker=worker, employer=target)
    copies = {(target.industry_id, target.zone_id, target.pk)}
    for model in (CertificateFact, UpgradeFact, AttendanceFact):
        rows = model.objects.filter(worker=worker)
        assert set(rows.values_list("industry", "zone", "employer")) <= copies, model
    assert held and CertificateFact.objects.filter(worker=worker).exists()
    assert set(CompetitionWorker.objects.filter(worker=worker).values_list("industry", "zone")) <= {
        (target.industry_id, target.zone_id)
    }
    assert dict(sections.certificates(f, Scope()).figures)["Valid"] == before + held
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def test_enterprise_changes_industry_and_zone(sections_data):
    holders = CertificateFact.objects.values_list("employer", flat=True)
    enterprise = next(e for e in sections_data["enterprises"] if e.pk in set(holders))
    zone = next(z for z in sections_data["zones"] if z.pk != enterprise.zone_id)
    industry = next(i for i in sections_data["industries"] if i.pk != enterprise.industry_id)
    update_organisation(actor=None, organisation=enterprise, zone=zone, industry=industry)
    for model in (CertificateFact, UpgradeFact, AttendanceFact):
        rows = model.objects.filter(employer=enterprise.pk)
        assert set(rows.values_list("industry", "zone")) <= {(industry.pk, zone.pk)}
    assert CertificateFact.objects.filter(employer=enterprise.pk).exists()
    assert set(
        CompetitionEnterprise.objects.filter(enterprise=enterprise).values_list("industry", "zone")
    ) == {(industry.pk, zone.pk)}
    employees = Worker.objects.filter(employer=enterprise).values("pk")
    assert set(
        CompetitionWorker.objects.filter(worker__in=employees).values_list("industry", "zone")
    ) == {(industry.pk, zone.pk)}
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def test_a_co_organisers_competitions(sections_data, make_competition):
    """The policy's scope for co-organiser staff, and a competition of theirs whose entries
    are approved and withdrawn: counted from the per-competition facts, equal to direct
    counts and to a rebuild after each step."""
    comps = sections_data["competitions"]
    gov = sections_data["world"]["users"]["coorganiser"].grants.get().organisation
    comps["teams"].co_organisers.add(gov)
    comps["ic"].co_organisers.add(gov)
    scope = policy.dashboard_scope(make_user("coorg3", Role.CO_ORGANISER, gov))
    assert scope.competition_ids == frozenset({comps["teams"].pk, comps["ic"].pk})
    year = sections_data["years"][0]
    whole_scope = participation_section.counts(Filters(year=year), scope)
    assert whole_scope == participation_section.scoped_counts(Filters(year=year), scope)
    assert (
        0
        < whole_scope["workers"]["total"]
        < participation_section.counts(Filters(year=year), Scope())["workers"]["total"]
    )

    fresh = make_competition(
        title="新竞赛", series=sections_data["series"]["service-efficiency"],
        brand=sections_data["brands"][1],
    )  # fmt: skip
    fresh.co_organisers.add(gov)
    alone = Scope(competition_ids=frozenset({fresh.pk}))
    enterprise = sections_data["enterprises"][2]
    made = registration.register(
        actor=None, competition=fresh, enterprise=enterprise,
        workers=sections_data["workers"][enterprise.pk][:2],
    )  # fmt: skip
    for entry in made:
        registration.approve(actor=None, entry=entry)
    counted = participation_section.counts(Filters(year=year), alone)
    assert (counted["workers"]["total"], counted["enterprises"]["total"],
            counted["entries"]["total"]) == (2, 1, len(made))  # fmt: skip
    assert counted["workers"]["by_brand"] == {sections_data["brands"][1].pk: 2}
    registration.withdraw(actor=None, entry=made[0], reason="病假")
    counted = participation_section.counts(Filters(year=year), alone)
    assert counted["workers"]["total"] == 1
    assert counted["entries"]["total"] == len(made) - 1
    assert sections.top_participation(Filters(year=year), alone)[0] == [
        (enterprise.pk, 1, len(made) - 1)
    ]
    widened = policy.dashboard_scope(make_user("coorg4", Role.CO_ORGANISER, gov))
    assert fresh.pk in widened.competition_ids
    for combo in combos(sections_data):
        f = Filters(year=year, **combo)
        wanted = direct.participation(f, widened)
        got = participation_section.counts(f, widened)
        for measure in ("workers", "enterprises", "entries"):
            for by, value in wanted[measure].items():
                assert got[measure][by] == value, (measure, by, f)
    assert_figures_equal_direct_counts(sections_data)
    assert_same_as_rebuilt()


def test_more_competitions_than_bits(sections_data):
    """A scope of more competitions than :data:`MAX_OWN_BITS` counts with the shared
    (series, brand) bits: the same figures."""
    from jingsai.dashboards.domain import competition_facts

    year = sections_data["years"][0]
    scope = Scope(competition_ids=frozenset(sections_data["competitions"][k].pk
                                            for k in ("ic", "teams", "digital")))  # fmt: skip
    own = [participation_section.counts(Filters(year=year, **c), scope)
           for c in combos(sections_data)]  # fmt: skip
    saved = competition_facts.MAX_OWN_BITS
    competition_facts.MAX_OWN_BITS = 1
    try:
        shared = [participation_section.counts(Filters(year=year, **c), scope)
                  for c in combos(sections_data)]  # fmt: skip
    finally:
        competition_facts.MAX_OWN_BITS = saved
    assert own == shared
    assert (
        own[0]["workers"]["total"]
        == direct.participation(Filters(year=year), scope)["workers"]["total"]
        > 0
    )


def test_a_session_moved_to_another_month_keeps_its_facts(sections_data):
    """The session is not copied into the facts: its date is read when counting."""
    course = sections_data["courses"][0]
    session = Session.objects.filter(course=course).order_by("date").first()
    f = Filters(year=sections_data["years"][0])
    months = next(c for c in sections.training(f, Scope()).charts if c.key == "training-months")
    Session.objects.filter(pk=session.pk).update(date=dt.date(2026, 11, 20))
    moved = next(c for c in sections.training(f, Scope()).charts if c.key == "training-months")
    assert "2026-11" in moved.labels and "2026-11" not in months.labels
    assert sum(moved.series[0].values) == sum(months.series[0].values)
    assert_same_as_rebuilt()
