"""Skill evaluation results from .xlsx (赛评合一): all or nothing, every error located,
levels follow; the import page and who may use it."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jingsai.common.models import AuditEntry
from jingsai.common.spreadsheet_import import SpreadsheetRefused
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role
from jingsai.skills.domain import evaluation_import, records
from jingsai.skills.models import SkillRecord
from tests.factories import OrganisationFactory, WorkerFactory, make_id_number, make_user
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["身份证号码", "姓名", "工种", "技能等级", "评价日期", "证书编号"]


def upload(rows, name="results.xlsx"):
    data = xlsx_bytes([HEADERS, *rows], sheet="评价结果")
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.fixture
def training(world):
    return Organisation.objects.get(kind=Organisation.Kind.TRAINING_BODY)


@pytest.fixture
def evaluator_user(training):
    return make_user("evaluator", Role.CO_ORGANISER, training)


def run(rows, training, actor=None):
    return evaluation_import.import_evaluations(
        actor=actor, evaluator=training, source=upload(rows), filename="results.xlsx"
    )


def test_a_clean_file_records_every_row_and_the_levels_follow(world, training):
    ours, theirs = world["our_worker"], world["their_worker"]  # both at level 3
    result = run(
        [
            [ours.id_number, ours.name, "数控车工", "技师", "2026-05-20", "Y0001"],
            [theirs.id_number, theirs.name, "钳工", "五级", "2026/5/21", "Y0002"],
        ],
        training,
    )
    assert result.ok and result.rows == 2 and result.records == 2
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.skill_level == 2  # raised to 技师
    assert theirs.skill_level == 3  # 初级工 is below what he holds: unchanged
    record = SkillRecord.objects.get(worker=ours, source="evaluation")
    assert record.level == 2 and record.trade == "数控车工"
    assert record.evaluator == training and record.certificate_number == "Y0001"
    assert record.awarded_on == dt.date(2026, 5, 20)
    assert "results.xlsx" in record.evidence
    # the level each held before keeps its place in the history
    assert SkillRecord.objects.filter(source="initial").count() == 2
    assert AuditEntry.objects.filter(action="skill:import_evaluations").count() == 1


@pytest.mark.parametrize("written", ["高级技师", "一级", "1", 1])
def test_levels_are_read_in_every_accepted_spelling(world, training, written):
    ours = world["our_worker"]
    result = run([[ours.id_number, ours.name, "电工", written, "2026-01-02", "C1"]], training)
    assert result.ok
    ours.refresh_from_db()
    assert ours.skill_level == 1


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(world, training):
    ours, theirs = world["our_worker"], world["their_worker"]
    bad_check = ours.id_number[:17] + ("0" if ours.id_number[17] != "0" else "1")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    rows = [
        [ours.id_number, ours.name, "电工", "技师", "2026-05-20", "A1"],  # row 2: fine
        [bad_check, "某某", "电工", "技师", "2026-05-20", "A2"],  # 3: check digit
        [make_id_number(seq=777), "无名氏", "电工", "技师", "2026-05-20", "A3"],  # 4: unknown
        [theirs.id_number, "王冒名", "电工", "技师", "2026-05-20", "A4"],  # 5: wrong name
        [theirs.id_number, theirs.name, "钳工", "特级", "2026-05-20", "A5"],  # 6: bad level
        [theirs.id_number, theirs.name, "焊工", "技师", future, "A6"],  # 7: future date
        [theirs.id_number, theirs.name, "车工", "技师", "2026-02-30", "A7"],  # 8: no such day
        [ours.id_number, ours.name, "电工", "高级工", "2026-05-21", "A8"],  # 9: same person+trade
        [theirs.id_number, theirs.name, "铣工", "技师", "2026-05-20", "A1"],  # 10: same cert
        [theirs.id_number, theirs.name, "磨工", "", "2026-05-20", "A10"],  # 11: no level
    ]
    with translation.override("en"):
        result = run(rows, training)
    assert not result.ok
    found = {(e.row, e.column.split("（")[0]) for e in result.errors.errors}
    assert found == {
        (3, "A"),
        (4, "A"),
        (5, "B"),
        (6, "D"),
        (7, "E"),
        (8, "E"),
        (9, "A"),
        (10, "F"),
        (11, "D"),
    }
    messages = {e.row: e.message for e in result.errors.errors}
    assert "check character" in messages[3]
    assert "No worker" in messages[4]
    assert "name does not match" in messages[5]
    assert "future" in messages[7]
    assert "row 2" in messages[9] and "row 2" in messages[10]
    assert all(e.sheet == "评价结果" for e in result.errors.errors)
    assert not SkillRecord.objects.exists()
    ours.refresh_from_db()
    assert ours.skill_level == 3
    assert not AuditEntry.objects.filter(action="skill:import_evaluations").exists()
    # the downloadable report lists them all
    assert result.errors.report_xlsx()[:2] == b"PK"


def test_the_same_certificate_is_not_recorded_twice(world, training):
    ours = world["our_worker"]
    rows = [[ours.id_number, ours.name, "电工", "技师", "2026-05-20", "Y9"]]
    assert run(rows, training).ok
    again = run(rows, training)
    assert [(e.row, e.column[0]) for e in again.errors.errors] == [(2, "F")]
    assert SkillRecord.objects.filter(source="evaluation").count() == 1


def test_a_file_without_the_headers_is_refused_whole(world, training):
    data = io.BytesIO(xlsx_bytes([["姓名", "工种"], ["张三", "电工"]]))
    with pytest.raises(SpreadsheetRefused, match="身份证号码"):
        evaluation_import.import_evaluations(actor=None, evaluator=training, source=data)


def test_record_levels_in_bulk_keeps_the_initial_level_and_revoking_restores_it(world):
    worker = WorkerFactory(employer=world["ours"], skill_level=4)
    fresh = WorkerFactory(employer=world["ours"], skill_level=None)
    created = records.record_levels(
        actor=None,
        grants=[
            records.LevelGrant(worker.pk, 2, dt.date(2026, 3, 1)),
            records.LevelGrant(fresh.pk, 5, dt.date(2026, 3, 1), trade="电工"),
        ],
        source="import",
    )
    assert len(created) == 2
    worker.refresh_from_db()
    fresh.refresh_from_db()
    assert (worker.skill_level, fresh.skill_level) == (2, 5)
    records.revoke_record(actor=None, record=created[0], reason="证书有误")
    worker.refresh_from_db()
    assert worker.skill_level == 4  # the initial record is in force again


# --- the page ---------------------------------------------------------------------------

PAGE = "backoffice:skills_import"


def post_file(client, training, rows):
    return client.post(
        reverse(PAGE), {"evaluator": training.pk, "file": upload(rows)}, format="multipart"
    )


def test_evaluating_body_staff_import_from_the_page(world, training, evaluator_user, client):
    client.force_login(evaluator_user)
    assert client.get(reverse(PAGE)).status_code == 200
    template = client.get(reverse("backoffice:skills_import_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    ours = world["our_worker"]
    response = post_file(
        client, training, [[ours.id_number, ours.name, "电工", "技师", "2026-05-20", "Z1"]]
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.skill_level == 2


def test_errors_are_listed_and_the_report_is_for_the_uploader_only(
    world, training, evaluator_user, client, client_for
):
    client.force_login(evaluator_user)
    response = post_file(client, training, [["310115198001011234", "某人", "电工", "技师", "", ""]])
    assert response.status_code == 200
    token = response.context["report_token"]
    assert response.context["errors_shown"]
    assert "import-errors" in response.content.decode()
    report = reverse("backoffice:skills_import_report", args=[token])
    assert client.get(report).status_code == 200
    admin = client_for("admin")  # another session: not his report
    assert admin.get(report).status_code == 404


@pytest.mark.parametrize("role", ["officer", "worker", "judge", "coorganiser", "nobody", "leader"])
def test_others_may_not_import(client_for, training, world, role):
    client = client_for(role)
    ours = world["our_worker"]
    assert client.get(reverse(PAGE)).status_code == 403
    assert client.get(reverse("backoffice:skills_import_template")).status_code == 403
    response = post_file(
        client, training, [[ours.id_number, ours.name, "电工", "技师", "2026-05-20", "Z1"]]
    )
    assert response.status_code == 403
    assert not SkillRecord.objects.exists()


def test_staff_may_not_import_on_behalf_of_another_body(world, training, client):
    other = OrganisationFactory(
        name="浦东新区另一实训中心", kind=Organisation.Kind.TRAINING_BODY, credit_code=None
    )
    client.force_login(make_user("evaluator2", Role.CO_ORGANISER, other))
    ours = world["our_worker"]
    response = post_file(  # a crafted request naming a body he does not belong to
        client, training, [[ours.id_number, ours.name, "电工", "技师", "2026-05-20", "Z1"]]
    )
    assert response.status_code == 200 and response.context["form"].errors.get("evaluator")
    assert not SkillRecord.objects.exists()


def test_programme_admins_import_for_any_evaluating_body(client_for, training, world):
    ours = world["our_worker"]
    response = post_file(
        client_for("admin"),
        training,
        [[ours.id_number, ours.name, "电工", "技师", "2026-05-20", "Z1"]],
    )
    assert response.status_code == 302
    assert SkillRecord.objects.get(source="evaluation").evaluator == training


# --- recording and revoking by hand, on the worker's page -----------------------------


def test_admin_records_and_revokes_a_level_on_the_workers_page(client_for, world, training):
    admin = client_for("admin")
    ours = world["our_worker"]
    page = admin.get(reverse("backoffice:worker_detail", args=[ours.pk]))
    assert page.status_code == 200 and page.context["record_level_form"] is not None
    response = admin.post(
        reverse("backoffice:skills_record_level", args=[ours.pk]),
        {
            "level": 1,
            "trade": "电工",
            "awarded_on": "2026-04-01",
            "evaluator": training.pk,
            "certificate_number": "M1",
        },
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.skill_level == 1
    record = SkillRecord.objects.get(source="evaluation")
    assert admin.post(reverse("backoffice:skills_revoke", args=[record.pk])).status_code == 302
    assert SkillRecord.objects.get(pk=record.pk).revoked_at is None  # no reason: refused
    admin.post(reverse("backoffice:skills_revoke", args=[record.pk]), {"reason": "证书作废"})
    ours.refresh_from_db()
    assert ours.skill_level == 3
    assert SkillRecord.objects.get(pk=record.pk).revoke_reason == "证书作废"


def test_a_future_date_is_refused_by_the_form(client_for, world, training):
    ours = world["our_worker"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client_for("admin").post(
        reverse("backoffice:skills_record_level", args=[ours.pk]),
        {"level": 1, "trade": "电工", "awarded_on": tomorrow, "evaluator": training.pk},
    )
    assert not SkillRecord.objects.exists()


def test_officers_see_the_history_but_may_not_record_or_revoke(client_for, world, training):
    ours = world["our_worker"]
    record = records.record_level(actor=None, worker=ours, level=2, source="competition")
    officer = client_for("officer")
    page = officer.get(reverse("backoffice:worker_detail", args=[ours.pk]))
    assert page.status_code == 200 and page.context["record_level_form"] is None
    assert "skill-levels" in page.content.decode()
    crafted = officer.post(
        reverse("backoffice:skills_record_level", args=[ours.pk]),
        {"level": 1, "trade": "电工", "awarded_on": "2026-04-01", "evaluator": training.pk},
    )
    assert crafted.status_code == 403
    revoke = officer.post(reverse("backoffice:skills_revoke", args=[record.pk]), {"reason": "x"})
    assert revoke.status_code == 403
    assert SkillRecord.objects.get(pk=record.pk).revoked_at is None


def test_evaluating_staff_revoke_only_what_their_body_recorded(
    world, training, evaluator_user, client
):
    ours = world["our_worker"]
    own = records.record_level(
        actor=None, worker=ours, level=2, source="evaluation", evaluator=training
    )
    competition_record = records.record_level(
        actor=None, worker=ours, level=1, source="competition"
    )
    client.force_login(evaluator_user)
    # he cannot see the worker: recording on the worker's page is not found
    response = client.post(
        reverse("backoffice:skills_record_level", args=[ours.pk]),
        {"level": 1, "trade": "电工", "awarded_on": "2026-04-01", "evaluator": training.pk},
    )
    assert response.status_code == 404
    url = reverse("backoffice:skills_revoke", args=[competition_record.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    url = reverse("backoffice:skills_revoke", args=[own.pk])
    assert client.post(url, {"reason": "证书有误"}).status_code == 302
    assert SkillRecord.objects.get(pk=own.pk).revoked_at is not None
    assert SkillRecord.objects.get(pk=competition_record.pk).revoked_at is None


def test_a_level_from_a_competition_is_revoked_with_its_certificate_not_by_hand(client_for, world):
    record = records.record_level(
        actor=None, worker=world["our_worker"], level=2, source="competition"
    )
    url = reverse("backoffice:skills_revoke", args=[record.pk])
    assert client_for("admin").post(url, {"reason": "x"}).status_code == 403
    assert SkillRecord.objects.get(pk=record.pk).revoked_at is None
