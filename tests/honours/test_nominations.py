"""Nominating: the window, eligibility refused with reasons and nothing saved,
duplicates, who may nominate whom, evidence from the platform, files, withdrawing,
editing and rechecking — each audited."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingsai.certification.models import Certificate
from jingsai.common.models import AuditEntry
from jingsai.honours.domain import evidence, nominations
from jingsai.honours.domain.nominations import NominationRefused
from jingsai.honours.models import Nomination, NominationFile, Round
from jingsai.skills.models import SkillRecord
from tests.factories import WorkerFactory
from tests.honours.conftest import close_window

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def officer(world):
    return world["users"]["officer"]


@pytest.fixture
def technician(world):
    return WorkerFactory(employer=world["ours"], skill_level=2, name="陈工匠")


def nominate(officer, world, rc, subject, **kwargs):
    fields = {
        "actor": officer,
        "round_category": rc,
        "subject": subject,
        "nominator": world["ours"],
        "narrative": "三十年扎根一线，带出徒弟二十余人。",
    }
    return nominations.nominate(**(fields | kwargs))


def refusal_text(info) -> str:
    return " ".join(info.value.messages)


def test_an_eligible_worker_is_nominated_with_checks_evidence_and_audit(
    world, rc, officer, technician
):
    record = SkillRecord.objects.create(
        worker=technician, level=2, trade="电工", awarded_on=dt.date(2024, 5, 1), source="import"
    )
    nomination = nominate(
        officer, world, rc("pudong-craftsman"), technician, evidence_keys=[f"skill:{record.pk}"]
    )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED and nomination.eligible
    assert nomination.created_by == officer and nomination.nominator == world["ours"]
    rules = {c["rule"]: c for c in nomination.eligibility}
    assert rules["people.skill_level"] == {
        "rule": "people.skill_level",
        "passed": True,
        "reason": "Skill level technician (level 2) or above: yes (technician (level 2))",
        "alternative": True,
    }
    assert rules["people.exclusive"]["passed"] is True
    assert nomination.evidence == [
        {
            "kind": "skill",
            "id": record.pk,
            "label": "technician (level 2) · 电工 · import",
            "date": "2024-05-01",
        }
    ]
    entry = AuditEntry.objects.get(action="honours.nominated")
    assert entry.object_id == str(nomination.pk) and entry.actor_id == officer.pk
    assert entry.after["subject"] == f"worker:{technician.pk}"
    assert entry.after["evidence"] == [f"skill:{record.pk}"]


def test_outside_the_window_nominations_are_refused(world, rc, officer, technician, round_):
    close_window(round_)
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("pudong-craftsman"), technician)
    assert refusal_text(info).startswith("Nominations closed on ")
    Round.objects.filter(pk=round_.pk).update(
        nomination_opens=timezone.now() + dt.timedelta(days=2), nomination_closes=None
    )
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("pudong-craftsman"), technician)
    assert refusal_text(info).startswith("Nominations open on ")
    Round.objects.filter(pk=round_.pk).update(nomination_opens=None, stage=Round.Stage.REVIEW)
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("pudong-craftsman"), technician)
    assert refusal_text(info) == (
        "Nominations for 2026 are closed: the round is at the expert review stage."
    )
    assert not Nomination.objects.exists()


def test_an_ineligible_nomination_is_refused_with_the_reasons_and_nothing_is_saved(
    world, rc, officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    senior_worker = WorkerFactory(employer=world["ours"], skill_level=3, name="赵中级")
    before = AuditEntry.objects.count()
    with pytest.raises(NominationRefused) as info:
        nominate(
            officer,
            world,
            rc("pudong-craftsman"),
            senior_worker,
            files=[SimpleUploadedFile("事迹.pdf", PDF)],
        )
    assert info.value.messages == [
        "赵中级 is not eligible for Pudong craftsmen:",
        "Skill level technician (level 2) or above: no (senior worker (level 3))",
        "Rank 3 or better in a published competition at the district final level, 2024–2026: "
        "no (no published result at that level in those years)",
        "Qualifies by at least one of the ways: no",
    ]
    assert not Nomination.objects.exists() and not NominationFile.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_second_nomination_in_the_same_category_is_refused(
    world, rc, officer, technician, officer_b
):
    craftsman = rc("pudong-craftsman")
    first = nominate(officer, world, craftsman, technician)
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, craftsman, technician)
    assert refusal_text(info) == "陈工匠 is already nominated in Pudong craftsmen this year."
    # also by someone else (a co-organiser may nominate anyone)
    coorganiser = world["users"]["coorganiser"]
    gov = coorganiser.grants.get().organisation
    with pytest.raises(NominationRefused):
        nominate(coorganiser, world, craftsman, technician, nominator=gov)
    # once withdrawn, the worker may be nominated again
    nominations.withdraw(actor=officer, nomination=first, reason="材料不全，重新申报")
    again = nominate(coorganiser, world, craftsman, technician, nominator=gov)
    assert again.pk != first.pk and Nomination.objects.count() == 2


def test_the_second_people_category_is_refused_when_people_are_exclusive(
    world, rc, officer, technician, innovation
):
    innovation(world["ours"], authors=[technician])
    nominate(officer, world, rc("pudong-craftsman"), technician)
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("worker-inventor"), technician)
    assert "already nominated in Pudong craftsmen" in refusal_text(info)
    assert Nomination.objects.count() == 1


def test_an_officer_nominates_only_his_enterprises_workers_on_its_behalf(world, rc, officer):
    their_worker = world["their_worker"]
    their_worker.skill_level = 1
    their_worker.save()
    craftsman = rc("pudong-craftsman")
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, craftsman, their_worker)
    assert refusal_text(info) == "You may not nominate 李四."
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, craftsman, their_worker, nominator=world["theirs"])
    own = WorkerFactory(employer=world["ours"], skill_level=1)
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, craftsman, own, nominator=world["theirs"])
    assert refusal_text(info) == "You may not nominate on behalf of 上海乙医药有限公司."
    for role in ("worker", "judge", "leader"):
        with pytest.raises(NominationRefused):
            nominate(world["users"][role], world, craftsman, own)
    assert not Nomination.objects.exists()


def test_evidence_must_come_from_the_nominees_record(world, rc, officer, technician):
    other = WorkerFactory(employer=world["ours"], skill_level=2)
    theirs = SkillRecord.objects.create(
        worker=other, level=2, awarded_on=dt.date(2024, 1, 1), source="import"
    )
    own = SkillRecord.objects.create(
        worker=technician, level=2, awarded_on=dt.date(2023, 1, 1), source="import"
    )
    revoked = SkillRecord.objects.create(
        worker=technician,
        level=1,
        awarded_on=dt.date(2025, 1, 1),
        source="import",
        revoked_at=timezone.now(),
    )
    craftsman = rc("pudong-craftsman")
    for keys in ([f"skill:{theirs.pk}"], [f"skill:{revoked.pk}"], ["certificate:1"], ["x"]):
        with pytest.raises(NominationRefused) as info:
            nominate(
                officer, world, craftsman, technician, evidence_keys=[f"skill:{own.pk}", *keys]
            )
        assert refusal_text(info).endswith(f"not found: {keys[0]}.")
    assert not Nomination.objects.exists()
    nomination = nominate(officer, world, craftsman, technician, evidence_keys=[f"skill:{own.pk}"])
    assert [e["id"] for e in nomination.evidence] == [own.pk]


def test_files_are_checked_by_content_and_stored_under_random_names(
    world, rc, officer, technician, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    craftsman = rc("pudong-craftsman")
    with pytest.raises(NominationRefused) as info:
        nominate(
            officer, world, craftsman, technician,
            files=[SimpleUploadedFile("事迹.pdf", b"<html>not a pdf</html>")],
        )  # fmt: skip
    assert "事迹.pdf: This kind of file is not accepted here; accepted: docx, jpg, pdf, png." in (
        refusal_text(info)
    )
    settings.JINGSAI_UPLOAD_MAX_BYTES = 10
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, craftsman, technician, files=[SimpleUploadedFile("a.pdf", PDF)])
    assert "at most 0 MB is accepted" in refusal_text(info)
    settings.JINGSAI_UPLOAD_MAX_BYTES = 1024 * 1024
    assert not Nomination.objects.exists()
    nomination = nominate(
        officer, world, craftsman, technician, files=[SimpleUploadedFile("../../事迹.pdf", PDF)]
    )
    stored = nomination.files.get()
    assert stored.title == "事迹.pdf" and stored.content_type == "application/pdf"
    assert stored.size == len(PDF) and stored.uploaded_by == officer
    name = stored.file.name
    assert name.startswith(f"honours/{nomination.pk}/") and name.endswith(".pdf")
    assert "事迹" not in name and ".." not in name
    assert (tmp_path / name).read_bytes() == PDF


def test_withdrawing_needs_a_reason_and_the_right(world, rc, officer, technician, officer_b):
    nomination = nominate(officer, world, rc("pudong-craftsman"), technician)
    with pytest.raises(NominationRefused):
        nominations.withdraw(actor=officer, nomination=nomination, reason="  ")
    with pytest.raises(NominationRefused) as info:
        nominations.withdraw(actor=officer_b, nomination=nomination, reason="不是我们的")
    assert refusal_text(info) == "You may not withdraw this nomination."
    nominations.withdraw(actor=officer, nomination=nomination, reason="本人申请撤回")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN
    assert nomination.withdrawn_reason == "本人申请撤回"
    entry = AuditEntry.objects.get(action="honours.nomination_withdrawn")
    assert entry.note == "本人申请撤回" and entry.after["status"] == "withdrawn"


def test_editing_in_the_window(world, rc, officer, technician, officer_b, round_):
    record = SkillRecord.objects.create(
        worker=technician, level=2, awarded_on=dt.date(2024, 5, 1), source="import"
    )
    nomination = nominate(officer, world, rc("pudong-craftsman"), technician)
    with pytest.raises(NominationRefused):
        nominations.update(actor=officer_b, nomination=nomination, narrative="改写")
    nominations.update(
        actor=officer,
        nomination=nomination,
        narrative="新的事迹材料",
        evidence_keys=[f"skill:{record.pk}"],
    )
    nomination.refresh_from_db()
    assert nomination.narrative == "新的事迹材料"
    assert [e["kind"] for e in nomination.evidence] == ["skill"]
    entry = AuditEntry.objects.get(action="honours.nomination_changed")
    assert entry.before["evidence"] == [] and entry.after["evidence"] == [f"skill:{record.pk}"]
    close_window(round_)
    with pytest.raises(NominationRefused) as info:
        nominations.update(actor=officer, nomination=nomination, narrative="太晚了")
    assert refusal_text(info).startswith("Nominations closed on ")


def test_recheck_reports_which_nominations_changed(world, rc, officer, technician, round_):
    admin = world["users"]["admin"]
    senior = WorkerFactory(employer=world["ours"], skill_level=1, name="钱高级")
    craftsman = rc("pudong-craftsman")
    kept = nominate(officer, world, craftsman, senior)
    changed = nominate(officer, world, craftsman, technician)
    with pytest.raises(NominationRefused):
        nominations.recheck(actor=officer, round_=round_)
    assert nominations.recheck(actor=admin, round_=round_) == []
    craftsman.max_skill_level = 1
    craftsman.save()
    changes = nominations.recheck(actor=admin, round_=round_)
    assert [(c.nomination.pk, c.was_eligible, c.eligible) for c in changes] == [
        (changed.pk, True, False)
    ]
    changed.refresh_from_db()
    kept.refresh_from_db()
    assert not changed.eligible and kept.eligible
    reasons = [c["reason"] for c in changed.eligibility]
    assert "Skill level senior technician (level 1) or above: no (technician (level 2))" in reasons
    assert AuditEntry.objects.filter(
        action="honours.eligibility_changed", object_id=str(changed.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="honours.eligibility_rechecked").count() == 2


def test_results_and_places_are_nominated_too(world, rc, officer, innovation):
    result = innovation(world["ours"])
    nomination = nominate(officer, world, rc("innovation-achievement"), result)
    assert nomination.innovation == result and nomination.eligible
    place = nominate(officer, world, rc("innovation-base"), world["ours"])
    assert place.organisation == world["ours"]
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("innovation-base"), world["theirs"])
    assert refusal_text(info) == "You may not nominate 上海乙医药有限公司."
    with pytest.raises(NominationRefused) as info:
        nominate(officer, world, rc("innovation-base"), result)
    assert refusal_text(info) == "This category nominates organisations (places)."


def test_evidence_candidates_of_a_worker_result_and_place(
    world, rc, technician, result_for, innovation, round_
):
    published = result_for(technician, rank=2, year=2025, award="一等奖")
    result_for(technician, rank=1, year=2025, status="judging", title="未发布")
    invention = innovation(world["ours"], authors=[technician])
    innovation(world["ours"], authors=[technician], status="adopted", title="未验证")
    certificate = Certificate.objects.create(
        number="PD-2025-0001",
        competition=published.competition,
        worker=technician,
        title="一等奖证书",
        issued_on=dt.date(2025, 6, 1),
        issuer=world["union"],
        basis="数控车工技能竞赛一等奖",
    )
    Certificate.objects.create(
        number="PD-2025-0002",
        competition=published.competition,
        worker=technician,
        title="已撤销",
        issued_on=dt.date(2025, 6, 1),
        issuer=world["union"],
        basis="x",
        status=Certificate.Status.REVOKED,
    )
    items = evidence.candidates(technician, round_)
    keys = [i.key for i in items]
    assert f"certificate:{certificate.pk}" in keys and f"innovation:{invention.pk}" in keys
    labels = {i.kind: i.label for i in items}
    assert labels["result"] == "rank 2 · 一等奖 · 数控车工技能竞赛 (2025)"
    assert labels["certificate"] == "陈工匠 · PD-2025-0001 · 一等奖证书"
    assert sorted(i.kind for i in items) == ["certificate", "innovation", "result"]
    assert labels["innovation"].startswith("数控刀具快换装置 · innovation achievement")
    assert "120000 yuan saved" in labels["innovation"]
    # the result: its verification and its authors' certificates
    result_items = evidence.candidates(invention, round_)
    assert [i.kind for i in result_items] == ["verification", "certificate"]
    assert result_items[0].label == "Benefit verified: 120000 yuan saved · 300 hours saved"
    # the enterprise: its verified results and its entries' awards
    place_items = evidence.candidates(world["ours"], round_)
    assert sorted(i.kind for i in place_items) == ["innovation", "result"]
